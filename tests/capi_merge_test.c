/* The C ABI of merging customers, called from plain C99: a preview that
 * writes nothing, a merge that moves the duplicate's records, redirects of
 * merged ids, and the error paths (NULL arguments, an unknown options
 * version, equal or foreign ids, stale versions).
 *
 * usage: capi_merge_test SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_util.h"
#include "custdb.h"

static uint64_t individual(custdb_store* store, uint64_t account,
                           const char* first, const char* phone) {
  char json[256];
  custdb_create_options options = CUSTDB_CREATE_OPTIONS_INIT;
  options.allow_duplicate_phone = 1;
  snprintf(json, sizeof json,
           "{\"kind\": \"Individual\", \"first_name\": \"%s\", "
           "\"phone\": \"%s\"}",
           first, phone);
  return create(store, account, json, NULL, &options);
}

static long long customer_field(custdb_store* store, uint64_t account,
                                uint64_t id, const char* field) {
  custdb_buffer* record = NULL;
  long long n = -1;
  if (custdb_customer_get(&record, store, account, id) == CUSTDB_OK) {
    n = record_number("Customer", record, field);
  }
  custdb_buffer_free(record);
  return n;
}

static int check_is_clean(custdb_store* store) {
  custdb_buffer* report = NULL;
  int clean = 0;
  if (custdb_store_check(&report, store) == CUSTDB_OK) {
    char* json = to_json("CheckReport", report);
    clean = !json_has(json, "\"message\"");
    if (!clean) fprintf(stderr, "check: %s\n", json);
    free(json);
  }
  custdb_buffer_free(report);
  return clean;
}

static void add_note(custdb_store* store, uint64_t account, uint64_t customer) {
  custdb_buffer* draft =
      from_json("NoteDraft", "{\"author\": \"u-1\", \"body\": \"gate 12\"}");
  CHECK_RC(CUSTDB_OK, custdb_note_add(NULL, store, account, customer,
                                      custdb_buffer_data(draft),
                                      custdb_buffer_size(draft)));
  custdb_buffer_free(draft);
}

static size_t count_list(custdb_cursor* cursor) {
  size_t n = 0;
  custdb_buffer* record = NULL;
  while (cursor != NULL && custdb_cursor_next(&record, cursor) == CUSTDB_OK &&
         record != NULL) {
    ++n;
    custdb_buffer_free(record);
  }
  custdb_cursor_free(cursor);
  return n;
}

static void test_preview_and_merge(custdb_store* store) {
  uint64_t survivor = individual(store, 1, "Ann", "415-555-0101");
  uint64_t duplicate = individual(store, 1, "Bo", "415-555-0102");
  custdb_buffer* preview = NULL;
  custdb_buffer* merged = NULL;
  custdb_merge_options options = CUSTDB_MERGE_OPTIONS_INIT;
  custdb_cursor* notes = NULL;
  char* json;
  long long version = customer_field(store, 1, survivor, "version");
  add_note(store, 1, duplicate);
  add_note(store, 1, duplicate);

  CHECK_RC(CUSTDB_OK, custdb_customer_merge_preview(&preview, store, 1,
                                                    survivor, duplicate, NULL));
  CHECK(preview != NULL);
  if (preview != NULL) {
    json = to_json("MergePreview", preview);
    CHECK(json_number(json, "notes") == 2);
    CHECK(json_number(json, "contacts") == 1);
    CHECK(json_has(json, "\"merged\""));
    free(json);
  }
  custdb_buffer_free(preview);
  /* The preview wrote nothing. */
  CHECK(customer_field(store, 1, duplicate, "id") == (long long)duplicate);
  CHECK(customer_field(store, 1, survivor, "version") == version);

  options.keep_duplicate_contact = 1;
  options.expected_survivor_version = (uint64_t)version;
  CHECK_RC(CUSTDB_OK, custdb_customer_merge(&merged, store, 1, survivor,
                                            duplicate, &options));
  CHECK(merged != NULL);
  if (merged != NULL) {
    CHECK(record_number("Customer", merged, "id") == (long long)survivor);
    CHECK(record_number("Customer", merged, "version") == version + 1);
  }
  custdb_buffer_free(merged);

  /* The duplicate's id reads as the survivor; its lists are gone. */
  CHECK(customer_field(store, 1, duplicate, "id") == (long long)survivor);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_note_list(&notes, store, 1, duplicate, NULL));
  CHECK(notes == NULL);
  CHECK(strstr(custdb_last_error(), "was merged into customer") != NULL);
  CHECK_RC(CUSTDB_OK, custdb_note_list(&notes, store, 1, survivor, NULL));
  CHECK(count_list(notes) == 2);
  CHECK(summary_count(store, 1, "total") == 1);
  CHECK(check_is_clean(store));

  /* Merging the merged id again is not found, with out cleared. */
  merged = (custdb_buffer*)&options;
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_merge(&merged, store, 1, survivor, duplicate, NULL));
  CHECK(merged == NULL);
  CHECK(strstr(custdb_last_error(), "was merged into customer") != NULL);
}

static void test_errors(custdb_store* store) {
  uint64_t a = individual(store, 2, "Cy", "415-555-0103");
  uint64_t b = individual(store, 2, "Di", "415-555-0104");
  uint64_t elsewhere = individual(store, 3, "Ed", "415-555-0105");
  custdb_buffer* out = NULL;
  custdb_merge_options options = CUSTDB_MERGE_OPTIONS_INIT;
  custdb_merge_options bad = CUSTDB_MERGE_OPTIONS_INIT;
  long long version = customer_field(store, 2, a, "version");

  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_merge_preview(NULL, store, 2, a, b, NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_merge_preview(&out, NULL, 2, a, b, NULL));
  CHECK(out == NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_merge(&out, NULL, 2, a, b, NULL));
  bad.version = 0;
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_merge(&out, store, 2, a, b, &bad));
  bad.version = 99;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_merge_preview(&out, store, 2, a, b, &bad));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_merge(&out, store, 2, a, a, NULL));
  CHECK(strstr(custdb_last_error(), "duplicate_id") != NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_merge(&out, store, 0, a, b, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_merge(&out, store, 2, 0, b, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_merge(&out, store, 2, a, elsewhere, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_merge(&out, store, 2, elsewhere, b, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_merge_preview(&out, store, 2, a, 987654321, NULL));
  options.expected_duplicate_version = 42;
  CHECK_RC(CUSTDB_ECONFLICT,
           custdb_customer_merge(&out, store, 2, a, b, &options));
  CHECK(out == NULL);
  /* Nothing changed. */
  CHECK(customer_field(store, 2, a, "version") == version);
  CHECK(customer_field(store, 2, b, "id") == (long long)b);
  CHECK(summary_count(store, 2, "total") == 2);

  /* A merge without an out pointer still merges. */
  CHECK_RC(CUSTDB_OK, custdb_customer_merge(NULL, store, 2, a, b, NULL));
  CHECK(customer_field(store, 2, b, "id") == (long long)a);
  CHECK(check_is_clean(store));
}

static void test_random_options(custdb_store* store) {
  /* Random bytes as an options struct: any version but 1 is refused, and
   * version 1 with random fields never crashes or corrupts. */
  int round;
  srand(7);
  for (round = 0; round < 200; ++round) {
    custdb_merge_options options;
    unsigned char* bytes = (unsigned char*)&options;
    size_t i;
    custdb_buffer* out = NULL;
    uint64_t a = individual(store, 4, "Fy", "415-555-0106");
    uint64_t b = individual(store, 4, "Gu", "415-555-0107");
    int rc;
    for (i = 0; i < sizeof options; ++i) bytes[i] = (unsigned char)rand();
    if (round % 2 == 0) options.version = CUSTDB_MERGE_OPTIONS_VERSION;
    rc = custdb_customer_merge_preview(&out, store, 4, a, b, &options);
    custdb_buffer_free(out);
    if (options.version != CUSTDB_MERGE_OPTIONS_VERSION) {
      CHECK(rc == CUSTDB_EINVAL);
    } else {
      CHECK(rc == CUSTDB_OK || rc == CUSTDB_ECONFLICT);
    }
  }
  CHECK(check_is_clean(store));
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  start_scratch(argv[1]);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("store"), NULL));
  if (store == NULL) return finish();
  test_preview_and_merge(store);
  test_errors(store);
  test_random_options(store);
  custdb_store_close(store);
  return finish();
}
