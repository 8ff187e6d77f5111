/* The C ABI, called from plain C99: every function, and its error paths
 * (NULL arguments, damaged buffers, another account's ids, stale
 * versions, stale tokens, a closed store).
 *
 * usage: capi_test SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "capi_util.h"
#include "custdb.h"

static int log_lines = 0;
static void on_log(void* context, int level, const char* message) {
  (void)level;
  (void)message;
  (*(int*)context)++;
}

static void test_versions_and_errors(void) {
  CHECK((custdb_version() >> 16) == CUSTDB_VERSION_MAJOR);
  CHECK(custdb_version() == CUSTDB_VERSION);
  CHECK(strcmp(custdb_version_string(), "0.1.0") == 0);
  CHECK(strcmp(custdb_error_name(CUSTDB_ENOTFOUND), "CUSTDB_ENOTFOUND") == 0);
  CHECK(strcmp(custdb_error_name(CUSTDB_EINTERNAL), "CUSTDB_EINTERNAL") == 0);
  CHECK(strcmp(custdb_error_name(12345), "unknown") == 0);
  CHECK(custdb_last_error() != NULL);
}

static void test_null_safety(void) {
  custdb_store* store = (custdb_store*)1;
  custdb_buffer* buffer = (custdb_buffer*)1;
  custdb_cursor* cursor = (custdb_cursor*)1;
  uint8_t junk[4] = {1, 2, 3, 4};

  custdb_buffer_free(NULL);
  custdb_cursor_free(NULL);
  custdb_store_close(NULL);
  CHECK(custdb_buffer_data(NULL) == NULL);
  CHECK(custdb_buffer_size(NULL) == 0);

  CHECK_RC(CUSTDB_EINVAL, custdb_store_open(NULL, path_of("x"), NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_store_open(&store, NULL, NULL));
  CHECK(store == NULL);
  CHECK(strstr(custdb_last_error(), "path") != NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_store_check(NULL, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_store_check(&buffer, NULL));
  CHECK(buffer == NULL);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_create(NULL, NULL, NULL, 1, junk, 4, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_get(NULL, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_get(&buffer, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_update(NULL, NULL, 1, 1, NULL, 0, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_archive(NULL, NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_unarchive(NULL, NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_summary_get(&buffer, NULL, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_summary_get(NULL, NULL, 1));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_find_by_phone(&cursor, NULL, 1, "4158675309", NULL));
  CHECK(cursor == NULL);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_find_by_email(NULL, NULL, 1, "a@b.io", NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_cursor_next(NULL, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_cursor_next(&buffer, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_cursor_token(&buffer, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_record_from_json(NULL, "Customer", "{}", 2));
  CHECK_RC(CUSTDB_EINVAL, custdb_record_from_json(&buffer, NULL, "{}", 2));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_record_from_json(&buffer, "Customer", NULL, 2));
  CHECK_RC(CUSTDB_EINVAL, custdb_record_to_json(&buffer, "Customer", NULL, 0));
  CHECK_RC(CUSTDB_EINVAL, custdb_record_to_json(&buffer, NULL, junk, 4));
}

static void test_json(void) {
  custdb_buffer* out = NULL;
  custdb_buffer* again = NULL;
  const char* broken = "{\"kind\": \"Individual\", \"first_name\": ";
  const char* unknown = "{\"shoe_size\": 9}";
  const char* bad_enum = "{\"kind\": \"Robot\"}";
  uint8_t junk[64];
  size_t i;
  char* text;

  CHECK_RC(CUSTDB_EINVAL, custdb_record_from_json(&out, "CustomerDraft", broken,
                                                  strlen(broken)));
  CHECK(out == NULL);
  CHECK(strncmp(custdb_last_error(), "json:", 5) == 0);
  CHECK_RC(CUSTDB_EINVAL, custdb_record_from_json(&out, "CustomerDraft",
                                                  unknown, strlen(unknown)));
  CHECK(strstr(custdb_last_error(), "field") != NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_record_from_json(&out, "CustomerDraft",
                                                  bad_enum, strlen(bad_enum)));
  CHECK(strstr(custdb_last_error(), "Robot") == NULL);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_record_from_json(&out, "NoSuchTable", "{}", 2));
  CHECK(strncmp(custdb_last_error(), "type_name:", 10) == 0);

  for (i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 37 + 11);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_record_to_json(&out, "Customer", junk, sizeof junk));
  CHECK_RC(CUSTDB_EINVAL, custdb_record_to_json(&out, "Customer", junk, 0));

  out = from_json("CustomerDraft",
                  "{\"kind\": \"Company\", \"company_name\": \"Acme\"}");
  text = to_json("CustomerDraft", out);
  CHECK(json_has(text, "\"company_name\": \"Acme\"") ||
        json_has(text, "\"company_name\":\"Acme\""));
  CHECK(json_has(text, "Company"));
  free(text);
  custdb_buffer_free(out);

  /* Control characters in a record's text come out escaped, as JSON
   * wants, and the JSON gives the same record again. */
  out = from_json("CustomerDraft",
                  "{\"kind\": \"Individual\", "
                  "\"first_name\": \"a\\u0000b\\u001f\\u0d80\"}");
  text = to_json("CustomerDraft", out);
  CHECK(json_has(text, "a\\u0000b\\u001f"));
  again = from_json("CustomerDraft", text);
  CHECK(custdb_buffer_size(again) == custdb_buffer_size(out));
  CHECK(memcmp(custdb_buffer_data(again), custdb_buffer_data(out),
               custdb_buffer_size(out)) == 0);
  free(text);
  custdb_buffer_free(again);
  custdb_buffer_free(out);
}

static void test_open(void) {
  custdb_store* store = NULL;
  custdb_store* second = NULL;
  custdb_open_options defaults = CUSTDB_OPEN_OPTIONS_INIT;
  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  FILE* file;

  CHECK(options.version == CUSTDB_OPEN_OPTIONS_VERSION);
  CHECK(options.no_sync == 0);
  options.version = 99;
  CHECK_RC(CUSTDB_EINVAL, custdb_store_open(&store, path_of("open"), &options));
  CHECK(strncmp(custdb_last_error(), "options.version", 15) == 0);

  options = defaults;
  options.log = on_log;
  options.log_context = &log_lines;
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("open"), &options));
  CHECK(store != NULL);
  CHECK(strcmp(custdb_last_error(), "") == 0);
  CHECK(log_lines >= 1);
  CHECK_RC(CUSTDB_EINUSE, custdb_store_open(&second, path_of("open"), NULL));
  CHECK(second == NULL);
  custdb_store_close(store);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("open"), NULL));
  custdb_store_close(store);

  remove_tree(path_of("other"));
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("other"), NULL));
  custdb_store_close(store);
  file = fopen(path_of("plain-file"), "w");
  if (file != NULL) fclose(file);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_store_open(&store, path_of("plain-file"), NULL));
}

/* A second process opening an open store is told it is in use. */
static void test_in_use_by_another_process(void) {
  int ready[2], release[2];
  char byte = 0;
  pid_t child;
  custdb_store* store = NULL;
  remove_tree(path_of("shared"));
  if (pipe(ready) != 0 || pipe(release) != 0) {
    CHECK(!"pipe");
    return;
  }
  child = fork();
  if (child == 0) {
    custdb_store* held = NULL;
    int rc = custdb_store_open(&held, path_of("shared"), NULL);
    byte = rc == CUSTDB_OK ? 'y' : 'n';
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    if (read(release[0], &byte, 1) != 1) _exit(1);
    custdb_store_close(held);
    _exit(0);
  }
  CHECK(read(ready[0], &byte, 1) == 1);
  CHECK(byte == 'y');
  CHECK_RC(CUSTDB_EINUSE, custdb_store_open(&store, path_of("shared"), NULL));
  CHECK(strstr(custdb_last_error(), "in use") != NULL);
  CHECK(store == NULL);
  CHECK(write(release[1], &byte, 1) == 1);
  waitpid(child, NULL, 0);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("shared"), NULL));
  custdb_store_close(store);
}

/* Oversized and malformed text never reaches a record. */
static void test_hostile_input(custdb_store* store) {
  static const char* drafts[] = {
      /* invalid UTF-8 in a name (a lone continuation byte) */
      "{\"kind\": \"Individual\", \"first_name\": \"\x80\", "
      "\"phone\": \"415-555-0150\"}",
      /* a control character */
      "{\"kind\": \"Individual\", \"first_name\": \"A\\u0007\", "
      "\"phone\": \"415-555-0150\"}",
      /* letters in the phone */
      "{\"kind\": \"Individual\", \"first_name\": \"A\", "
      "\"phone\": \"1-800-FLOWERS\"}",
      /* a kind that is not one */
      "{\"kind\": \"Unspecified\", \"first_name\": \"A\", "
      "\"phone\": \"415-555-0150\"}",
      /* do-not-contact without a reason */
      "{\"kind\": \"Individual\", \"first_name\": \"A\", "
      "\"phone\": \"415-555-0150\", \"do_not_contact\": true}",
  };
  custdb_buffer* draft = NULL;
  custdb_buffer* record = NULL;
  uint8_t* big;
  char* json;
  size_t i, size = 10001 + 200;
  int existed = 0;
  long long before = summary_count(store, 5, "total");

  for (i = 0; i < sizeof drafts / sizeof drafts[0]; i++) {
    int rc = custdb_record_from_json(&draft, "CustomerDraft", drafts[i],
                                     strlen(drafts[i]));
    if (rc == CUSTDB_OK) {
      rc = custdb_customer_create(&record, &existed, store, 5,
                                  custdb_buffer_data(draft),
                                  custdb_buffer_size(draft), NULL);
    }
    CHECK(rc == CUSTDB_EINVAL);
    CHECK(record == NULL);
    custdb_buffer_free(draft);
    draft = NULL;
  }

  /* internal_notes one byte over its 10,000-byte limit */
  json = malloc(size);
  strcpy(json,
         "{\"kind\": \"Individual\", \"first_name\": \"A\", "
         "\"phone\": \"415-555-0150\", \"internal_notes\": \"");
  i = strlen(json);
  memset(json + i, 'n', 10001);
  strcpy(json + i + 10001, "\"}");
  draft = from_json("CustomerDraft", json);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_create(&record, &existed, store, 5,
                                  custdb_buffer_data(draft),
                                  custdb_buffer_size(draft), NULL));
  CHECK(strncmp(custdb_last_error(), "internal_notes:", 15) == 0);
  custdb_buffer_free(draft);
  free(json);

  /* a buffer over the 1 MiB record limit is refused before it is read */
  big = calloc(2u << 20, 1);
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_create(&record, &existed, store, 5,
                                                 big, 2u << 20, NULL));
  CHECK(strstr(custdb_last_error(), "limit") != NULL);
  free(big);
  CHECK(summary_count(store, 5, "total") == before);
}

/* Random bytes offered as a record to every call that takes one: each
 * call answers with a code (never a crash), and the store stays
 * consistent. */
static void test_random_records(custdb_store* store) {
  uint8_t junk[257];
  uint32_t state = 12345;
  custdb_buffer* out = NULL;
  custdb_buffer* report = NULL;
  custdb_file_writer* writer = NULL;
  int existed = 0;
  int round;
  size_t i, size;
  uint64_t customer = create(store, 6,
                             "{\"kind\": \"Individual\", \"first_name\": "
                             "\"Rae\", \"phone\": \"628-555-0177\"}",
                             &existed, NULL);
  char* text;

  for (round = 0; round < 300; round++) {
    int rc[14];
    size = 1 + (size_t)(round % (int)sizeof junk);
    for (i = 0; i < size; i++) {
      state = state * 1103515245u + 12345u;
      junk[i] = (uint8_t)(state >> 16);
    }
    /* Some rounds look like a FlatBuffer: a small root offset. */
    if (round % 3 == 0 && size >= 8) {
      junk[0] = 8;
      junk[1] = junk[2] = junk[3] = 0;
    }
    rc[0] = custdb_customer_create(&out, &existed, store, 6, junk, size, NULL);
    custdb_buffer_free(out);
    rc[1] = custdb_customer_update(NULL, store, 6, customer, junk, size, NULL);
    rc[2] = custdb_contact_add(NULL, store, 6, customer, junk, size);
    rc[3] = custdb_location_add(NULL, store, 6, customer, junk, size);
    rc[4] = custdb_timeline_append(NULL, NULL, store, 6, customer, junk, size);
    rc[5] = custdb_note_add(NULL, store, 6, customer, junk, size);
    rc[6] = custdb_tag_create(NULL, NULL, store, 6, junk, size);
    rc[7] = custdb_link_add(NULL, store, 6, customer, junk, size);
    rc[8] = custdb_portal_link_issue(NULL, store, 6, customer, junk, size);
    rc[9] = custdb_file_begin(&writer, store, 6, customer, junk, size, NULL);
    custdb_file_writer_free(writer);
    writer = NULL;
    rc[10] = custdb_record_to_json(&out, "Customer", junk, size);
    custdb_buffer_free(out);
    rc[11] = custdb_record_to_json(&out, "CustomerDraft", junk, size);
    custdb_buffer_free(out);
    rc[12] = custdb_record_to_json(&out, "TimelineEntry", junk, size);
    custdb_buffer_free(out);
    rc[13] = custdb_record_to_json(&out, "CheckReport", junk, size);
    custdb_buffer_free(out);
    out = NULL;
    for (i = 0; i < sizeof rc / sizeof rc[0]; i++) {
      /* A buffer that happens to verify is then judged by its fields. */
      CHECK(rc[i] == CUSTDB_OK || rc[i] == CUSTDB_EINVAL ||
            rc[i] == CUSTDB_ECONFLICT || rc[i] == CUSTDB_ENOTFOUND);
    }
  }
  CHECK_RC(CUSTDB_OK, custdb_store_check(&report, store));
  text = to_json("CheckReport", report);
  CHECK(!json_has(text, "\"message\""));
  free(text);
  custdb_buffer_free(report);
}

static void test_customers(custdb_store* store) {
  custdb_create_options create_options = CUSTDB_CREATE_OPTIONS_INIT;
  custdb_update_options update_options = CUSTDB_UPDATE_OPTIONS_INIT;
  custdb_buffer* record = NULL;
  custdb_buffer* patch;
  custdb_buffer* report = NULL;
  uint8_t junk[32];
  int existed = -1;
  uint64_t ann, again, switchboard, other_account;
  char* text;
  size_t i;

  ann = create(store, 1,
               "{\"kind\": \"Individual\", \"first_name\": \"Ann\", "
               "\"last_name\": \"Lee\", \"phone\": \"(415) 867-5309\", "
               "\"email\": \"Ann@Example.com\"}",
               &existed, NULL);
  CHECK(ann != 0);
  CHECK(existed == 0);

  again = create(store, 1,
                 "{\"kind\": \"Individual\", \"first_name\": \"ann\", "
                 "\"last_name\": \"LEE\", \"phone\": \"+1 415 867 5309\"}",
                 &existed, NULL);
  CHECK(again == ann);
  CHECK(existed == 1);

  create_options.allow_duplicate_phone = 1;
  switchboard = create(store, 1,
                       "{\"kind\": \"Company\", \"company_name\": \"Hotel\", "
                       "\"phone\": \"415-867-5309\"}",
                       &existed, &create_options);
  CHECK(switchboard != ann);
  CHECK(existed == 0);
  CHECK(summary_count(store, 1, "total") == 2);
  CHECK(summary_count(store, 1, "companies") == 1);

  other_account = create(store, 2,
                         "{\"kind\": \"Individual\", \"first_name\": \"Bo\", "
                         "\"phone\": \"415-867-5309\"}",
                         &existed, NULL);
  CHECK(existed == 0);
  CHECK(other_account != ann);
  CHECK(summary_count(store, 2, "total") == 1);

  /* A known phone with a clearly different name is a customer of its own
   * (two businesses behind one switchboard); the agreeing name finds it. */
  again = create(store, 3,
                 "{\"kind\": \"Company\", \"company_name\": \"Harbor "
                 "Grill\", \"phone\": \"415-867-5309\"}",
                 &existed, NULL);
  CHECK(existed == 0);
  CHECK(create(store, 3,
               "{\"kind\": \"Company\", \"company_name\": \"Sakura "
               "Sushi\", \"phone\": \"415-867-5309\"}",
               &existed, NULL) != again);
  CHECK(existed == 0);
  CHECK(create(store, 3,
               "{\"kind\": \"Company\", \"company_name\": \"Harbor "
               "Grill Inc\", \"phone\": \"(415) 867-5309\"}",
               &existed, NULL) == again);
  CHECK(existed == 1);
  CHECK(summary_count(store, 3, "total") == 2);

  /* Invalid drafts: the field is named, the value never quoted. */
  patch = from_json("CustomerDraft",
                    "{\"kind\": \"Individual\", \"first_name\": \"Cy\", "
                    "\"phone\": \"415-867-530\"}");
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_create(&record, &existed, store, 1,
                                  custdb_buffer_data(patch),
                                  custdb_buffer_size(patch), NULL));
  CHECK(record == NULL);
  CHECK(strncmp(custdb_last_error(), "phone:", 6) == 0);
  CHECK(strstr(custdb_last_error(), "530") == NULL);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_create(&record, &existed, store, 0,
                                  custdb_buffer_data(patch),
                                  custdb_buffer_size(patch), NULL));
  custdb_buffer_free(patch);
  for (i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(0xA5 ^ i);
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_create(&record, &existed, store, 1,
                                                 junk, sizeof junk, NULL));
  CHECK(strncmp(custdb_last_error(), "draft:", 6) == 0);
  CHECK(summary_count(store, 1, "total") == 2);

  /* A draft at an odd address is read as well as an aligned one. */
  patch = from_json("CustomerDraft",
                    "{\"kind\": \"Individual\", \"first_name\": \"Odd\", "
                    "\"phone\": \"628-555-0142\"}");
  {
    uint8_t* shifted = malloc(custdb_buffer_size(patch) + 1);
    memcpy(shifted + 1, custdb_buffer_data(patch), custdb_buffer_size(patch));
    CHECK_RC(CUSTDB_OK,
             custdb_customer_create(&record, &existed, store, 4, shifted + 1,
                                    custdb_buffer_size(patch), NULL));
    CHECK(existed == 0);
    custdb_buffer_free(record);
    record = NULL;
    free(shifted);
  }
  custdb_buffer_free(patch);

  /* Get: another account's id is not found. */
  CHECK_RC(CUSTDB_OK, custdb_customer_get(&record, store, 1, ann));
  text = to_json("Customer", record);
  CHECK(json_has(text, "+14158675309"));
  CHECK(json_has(text, "(415) 867-5309"));
  CHECK(json_number(text, "version") == 1);
  CHECK(json_number(text, "number") == 1);
  free(text);
  custdb_buffer_free(record);
  record = NULL;
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_customer_get(&record, store, 2, ann));
  CHECK(record == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_customer_get(&record, store, 1, 987654321));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_get(&record, store, 1, 0));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_get(&record, store, 0, ann));

  /* Conditional update: the version read, then a stale one. */
  patch =
      from_json("CustomerPatch", "{\"first_name\": \"Anna\", \"vip\": true}");
  update_options.expected_version = 1;
  CHECK_RC(CUSTDB_OK, custdb_customer_update(
                          &record, store, 1, ann, custdb_buffer_data(patch),
                          custdb_buffer_size(patch), &update_options));
  CHECK(record_number("Customer", record, "version") == 2);
  custdb_buffer_free(record);
  CHECK_RC(
      CUSTDB_ECONFLICT,
      custdb_customer_update(&record, store, 1, ann, custdb_buffer_data(patch),
                             custdb_buffer_size(patch), &update_options));
  CHECK(record == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_customer_update(
                                 NULL, store, 2, ann, custdb_buffer_data(patch),
                                 custdb_buffer_size(patch), NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_update(NULL, store, 1, ann, junk,
                                                 sizeof junk, NULL));
  update_options.version = 0;
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_update(
                              NULL, store, 1, ann, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), &update_options));
  custdb_buffer_free(patch);
  CHECK(summary_count(store, 1, "vip") == 1);

  patch = from_json("CustomerPatch", "{\"kind\": \"Company\"}");
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_update(
                              NULL, store, 1, ann, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), NULL));
  CHECK(strncmp(custdb_last_error(), "kind:", 5) == 0);
  custdb_buffer_free(patch);

  /* Archive hides from the counts; unarchive brings it back. */
  CHECK_RC(CUSTDB_OK, custdb_customer_archive(&record, store, 1, ann, NULL));
  text = to_json("Customer", record);
  CHECK(json_has(text, "Archived"));
  free(text);
  custdb_buffer_free(record);
  CHECK(summary_count(store, 1, "total") == 1);
  CHECK(summary_count(store, 1, "archived") == 1);
  CHECK(summary_count(store, 1, "vip") == 0);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_archive(NULL, store, 2, ann, NULL));
  CHECK_RC(CUSTDB_OK, custdb_customer_unarchive(NULL, store, 1, ann, NULL));
  CHECK(summary_count(store, 1, "total") == 2);
  CHECK(summary_count(store, 1, "active") == 2);
  CHECK_RC(CUSTDB_EINVAL, custdb_summary_get(&record, store, 0));

  CHECK_RC(CUSTDB_OK, custdb_store_check(&report, store));
  text = to_json("CheckReport", report);
  /* Six customers and the primary contacts of the three individuals. */
  CHECK(json_number(text, "records_checked") == 9);
  CHECK(!json_has(text, "\"message\""));
  free(text);
  custdb_buffer_free(report);
}

static int count_cursor(custdb_cursor* cursor, int limit) {
  custdb_buffer* record = NULL;
  int n = 0;
  while (n < limit && custdb_cursor_next(&record, cursor) == CUSTDB_OK &&
         record != NULL) {
    n++;
    custdb_buffer_free(record);
  }
  return n;
}

static void test_cursors(custdb_store* store) {
  custdb_create_options create_options = CUSTDB_CREATE_OPTIONS_INIT;
  custdb_list_options list_options = CUSTDB_LIST_OPTIONS_INIT;
  custdb_cursor* cursor = NULL;
  custdb_cursor* resumed = NULL;
  custdb_buffer* token = NULL;
  custdb_buffer* record = NULL;
  uint8_t damaged[64];
  int existed = 0;
  int i;

  create_options.allow_duplicate_phone = 1;
  for (i = 0; i < 5; i++) {
    create(store, 3,
           "{\"kind\": \"Individual\", \"first_name\": \"Pat\", "
           "\"phone\": \"510-555-0111\", \"email\": \"pat@example.com\"}",
           &existed, &create_options);
  }

  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_phone(&cursor, store, 3,
                                                    "(510) 555-0111", NULL));
  CHECK(count_cursor(cursor, 2) == 2);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);

  list_options.resume_token = custdb_buffer_data(token);
  list_options.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_phone(
                          &resumed, store, 3, "5105550111", &list_options));
  CHECK(count_cursor(resumed, 100) == 3);
  CHECK_RC(CUSTDB_OK, custdb_cursor_next(&record, resumed));
  CHECK(record == NULL);
  custdb_cursor_free(resumed);

  /* A token belongs to its account, its list and its query. */
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(
                              &resumed, store, 1, "5105550111", &list_options));
  CHECK(resumed == NULL);
  CHECK(strncmp(custdb_last_error(), "resume_token:", 13) == 0);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_find_by_email(&resumed, store, 3, "pat@example.com",
                                         &list_options));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(
                              &resumed, store, 3, "4158675309", &list_options));
  memcpy(damaged, custdb_buffer_data(token), custdb_buffer_size(token));
  damaged[3] ^= 1;
  list_options.resume_token = damaged;
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(
                              &resumed, store, 3, "5105550111", &list_options));
  list_options.resume_token = NULL;
  list_options.resume_token_size = 5;
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(
                              &resumed, store, 3, "5105550111", &list_options));
  custdb_buffer_free(token);

  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_email(&cursor, store, 3,
                                                    "PAT@EXAMPLE.COM", NULL));
  CHECK(count_cursor(cursor, 100) == 5);
  custdb_cursor_free(cursor);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_find_by_phone(&cursor, store, 3, "call me", NULL));
  CHECK(strncmp(custdb_last_error(), "phone:", 6) == 0);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_find_by_email(&cursor, store, 3, "pat", NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_find_by_phone(&cursor, store, 3, NULL, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(&cursor, store, 0,
                                                        "5105550111", NULL));
}

/* The accounts of the store, as far as `limit`, resumed from `token`
 * (NULL: from the start); their ids go to `ids`, their totals to
 * `totals`, and the position after the last one to `*next` (when not
 * NULL, freed by the caller). */
static int list_accounts(custdb_store* store, const custdb_buffer* token,
                         int limit, uint64_t* ids, long long* totals,
                         custdb_buffer** next) {
  custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;
  custdb_cursor* cursor = NULL;
  custdb_buffer* record = NULL;
  int n = 0;
  char* text;
  if (token != NULL) {
    options.resume_token = custdb_buffer_data(token);
    options.resume_token_size = custdb_buffer_size(token);
  }
  CHECK_RC(CUSTDB_OK, custdb_account_list(&cursor, store, &options));
  while (n < limit && custdb_cursor_next(&record, cursor) == CUSTDB_OK &&
         record != NULL) {
    text = to_json("Account", record);
    ids[n] = (uint64_t)json_number(text, "id");
    totals[n] = json_number(text, "total");
    free(text);
    custdb_buffer_free(record);
    n++;
  }
  if (next != NULL) CHECK_RC(CUSTDB_OK, custdb_cursor_token(next, cursor));
  custdb_cursor_free(cursor);
  return n;
}

static void test_accounts(custdb_store* store) {
  custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;
  custdb_cursor* cursor = NULL;
  custdb_buffer* token = NULL;
  custdb_buffer* other = NULL;
  uint64_t ids[8];
  long long totals[8];
  int n, i;

  /* Accounts 1 to 4, written by the customer and cursor tests. */
  n = list_accounts(store, NULL, 8, ids, totals, NULL);
  CHECK(n == 4);
  for (i = 0; i < n && i < 4; i++) {
    CHECK(ids[i] == (uint64_t)(i + 1));
    CHECK(totals[i] == summary_count(store, ids[i], "total"));
  }

  /* A page of one, then the rest from its token. */
  CHECK(list_accounts(store, NULL, 1, ids, totals, &token) == 1);
  CHECK(ids[0] == 1);
  n = list_accounts(store, token, 8, ids, totals, NULL);
  CHECK(n == 3);
  CHECK(ids[0] == 2 && ids[2] == 4);

  /* A token of another list is refused. */
  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_phone(&cursor, store, 3,
                                                    "5105550111", NULL));
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&other, cursor));
  custdb_cursor_free(cursor);
  options.resume_token = custdb_buffer_data(other);
  options.resume_token_size = custdb_buffer_size(other);
  cursor = NULL;
  CHECK_RC(CUSTDB_EINVAL, custdb_account_list(&cursor, store, &options));
  CHECK(cursor == NULL);
  CHECK(strncmp(custdb_last_error(), "resume_token:", 13) == 0);
  custdb_buffer_free(other);
  custdb_buffer_free(token);

  CHECK_RC(CUSTDB_EINVAL, custdb_account_list(NULL, store, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_account_list(&cursor, NULL, NULL));
  options = (custdb_list_options)CUSTDB_LIST_OPTIONS_INIT;
  options.version = 99;
  CHECK_RC(CUSTDB_EINVAL, custdb_account_list(&cursor, store, &options));
}

static void test_cursor_outlives_store(void) {
  custdb_store* store = NULL;
  custdb_cursor* cursor = NULL;
  custdb_buffer* record = NULL;
  custdb_buffer* token = NULL;
  int existed = 0;
  remove_tree(path_of("outlive"));
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("outlive"), NULL));
  create(store, 1,
         "{\"kind\": \"Individual\", \"first_name\": \"Al\", "
         "\"phone\": \"510-555-0123\"}",
         &existed, NULL);
  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_phone(&cursor, store, 1,
                                                    "510-555-0123", NULL));
  custdb_store_close(store);
  CHECK_RC(CUSTDB_ECLOSED, custdb_cursor_next(&record, cursor));
  CHECK(record == NULL);
  CHECK_RC(CUSTDB_ECLOSED, custdb_cursor_token(&token, cursor));
  CHECK(token == NULL);
  custdb_cursor_free(cursor);
  /* The store was really closed: it can be opened again. */
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("outlive"), NULL));
  custdb_store_close(store);
}

static void test_reopen(void) {
  custdb_store* store = NULL;
  custdb_buffer* record = NULL;
  int existed = 0;
  uint64_t id;
  remove_tree(path_of("reopen"));
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("reopen"), NULL));
  id = create(store, 9,
              "{\"kind\": \"Company\", \"company_name\": \"Kept Co\", "
              "\"phone\": \"628-555-0100\"}",
              &existed, NULL);
  custdb_store_close(store);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("reopen"), NULL));
  CHECK_RC(CUSTDB_OK, custdb_customer_get(&record, store, 9, id));
  custdb_buffer_free(record);
  CHECK(summary_count(store, 9, "companies") == 1);
  custdb_store_close(store);
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  start_scratch(argv[1]);

  test_versions_and_errors();
  test_null_safety();
  test_json();
  test_in_use_by_another_process();
  test_open();
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("main"), NULL));
  test_customers(store);
  test_cursors(store);
  test_accounts(store);
  test_hostile_input(store);
  test_random_records(store);
  custdb_store_close(store);
  test_cursor_outlives_store();
  test_reopen();

  return finish();
}
