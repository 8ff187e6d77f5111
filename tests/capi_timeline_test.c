/* The timeline and notes calls of the C ABI, from plain C99: ordering,
 * channel filters, paging while entries arrive, external_ref idempotency
 * (from several threads too), last activity, every refusal, and notes with
 * their versions.
 *
 * usage: capi_timeline_test SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_util.h"
#include "custdb.h"

/* The first error message starts with this field name and a colon. */
#define CHECK_FIELD(field) \
  CHECK(strncmp(custdb_last_error(), field ":", strlen(field ":")) == 0)

/* A fixed time in 2024, before any customer's creation. */
#define BASE 1717200000000LL
#define DAY 86400000LL

static uint64_t create_customer(custdb_store* store, uint64_t account,
                                const char* phone) {
  char json[256];
  custdb_buffer* draft;
  custdb_buffer* customer = NULL;
  uint64_t id = 0;
  snprintf(json, sizeof json,
           "{\"kind\": \"Individual\", \"first_name\": \"Ana\", "
           "\"phone\": \"%s\"}",
           phone);
  draft = from_json("CustomerDraft", json);
  CHECK_RC(CUSTDB_OK, custdb_customer_create(&customer, NULL, store, account,
                                             custdb_buffer_data(draft),
                                             custdb_buffer_size(draft), NULL));
  if (customer != NULL)
    id = (uint64_t)record_number("Customer", customer, "id");
  custdb_buffer_free(customer);
  custdb_buffer_free(draft);
  return id;
}

static long long customer_field(custdb_store* store, uint64_t account,
                                uint64_t id, const char* field) {
  custdb_buffer* customer = NULL;
  long long n = -1;
  if (custdb_customer_get(&customer, store, account, id) == CUSTDB_OK) {
    n = record_number("Customer", customer, field);
  }
  custdb_buffer_free(customer);
  return n;
}

/* Appends an entry given as JSON; returns the code, and the entry's id and
 * the existed flag through the pointers when they are not NULL. */
static int append_json(custdb_store* store, uint64_t account, uint64_t customer,
                       const char* json, uint64_t* id, int* existed) {
  custdb_buffer* draft = from_json("TimelineEntryDraft", json);
  custdb_buffer* entry = NULL;
  int rc = custdb_timeline_append(&entry, existed, store, account, customer,
                                  custdb_buffer_data(draft),
                                  custdb_buffer_size(draft));
  if (id != NULL) {
    *id = entry == NULL ? 0
                        : (uint64_t)record_number("TimelineEntry", entry, "id");
  }
  custdb_buffer_free(entry);
  custdb_buffer_free(draft);
  return rc;
}

static uint64_t append(custdb_store* store, uint64_t account, uint64_t customer,
                       const char* channel, long long occurred_at,
                       const char* ref) {
  char json[512];
  uint64_t id = 0;
  snprintf(json, sizeof json,
           "{\"channel\": \"%s\", \"direction\": \"Inbound\", "
           "\"occurred_at_ms\": %lld, \"summary\": \"Asked for a quote\","
           " \"external_ref\": \"%s\"}",
           channel, occurred_at, ref);
  CHECK_RC(CUSTDB_OK, append_json(store, account, customer, json, &id, NULL));
  return id;
}

/* Reads up to `limit` ids of a cursor into `ids`; returns how many. */
static int read_ids(custdb_cursor* cursor, const char* type_name, uint64_t* ids,
                    int limit) {
  int n = 0;
  custdb_buffer* record = NULL;
  while (n < limit && custdb_cursor_next(&record, cursor) == CUSTDB_OK &&
         record != NULL) {
    ids[n++] = (uint64_t)record_number(type_name, record, "id");
    custdb_buffer_free(record);
    record = NULL;
  }
  return n;
}

static int list_timeline(custdb_store* store, uint64_t account,
                         uint64_t customer, int channel, uint64_t* ids,
                         int limit) {
  custdb_cursor* cursor = NULL;
  int n = -1;
  if (custdb_timeline_list(&cursor, store, account, customer, channel, NULL) ==
      CUSTDB_OK) {
    n = read_ids(cursor, "TimelineEntry", ids, limit);
  }
  custdb_cursor_free(cursor);
  return n;
}

static int contains(const uint64_t* ids, int n, uint64_t id) {
  int i;
  for (i = 0; i < n; i++) {
    if (ids[i] == id) return 1;
  }
  return 0;
}

/* Whether the consistency check finds nothing. */
static int check_clean(custdb_store* store) {
  custdb_buffer* report = NULL;
  custdb_buffer* json = NULL;
  int clean = 0;
  CHECK_RC(CUSTDB_OK, custdb_store_check(&report, store));
  if (report == NULL) return 0;
  custdb_record_to_json(&json, "CheckReport", custdb_buffer_data(report),
                        custdb_buffer_size(report));
  clean = json != NULL &&
          strstr((const char*)custdb_buffer_data(json), "\"message\"") == NULL;
  if (!clean && json != NULL) {
    fprintf(stderr, "%s\n", (const char*)custdb_buffer_data(json));
  }
  custdb_buffer_free(json);
  custdb_buffer_free(report);
  return clean;
}

static void test_order_and_channels(custdb_store* store) {
  uint64_t c = create_customer(store, 1, "415-555-0101");
  uint64_t ids[16];
  uint64_t old_sms = append(store, 1, c, "Sms", BASE, "");
  uint64_t mail = append(store, 1, c, "Email", BASE + 2 * DAY, "");
  uint64_t call = append(store, 1, c, "Call", BASE + 1 * DAY, "");
  uint64_t ai = append(store, 1, c, "AiSession", BASE + 3 * DAY, "");
  uint64_t new_sms = append(store, 1, c, "Sms", BASE + 4 * DAY, "");

  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_ALL, ids, 16) == 5);
  CHECK(ids[0] == new_sms && ids[1] == ai && ids[2] == mail && ids[3] == call &&
        ids[4] == old_sms);
  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_SMS, ids, 16) == 2);
  CHECK(ids[0] == new_sms && ids[1] == old_sms);
  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_EMAIL, ids, 16) == 1);
  CHECK(ids[0] == mail);
  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_CALL, ids, 16) == 1);
  CHECK(ids[0] == call);
  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_AI_SESSION, ids, 16) == 1);
  CHECK(ids[0] == ai);
}

static void test_paging_while_entries_arrive(custdb_store* store) {
  uint64_t c = create_customer(store, 1, "415-555-0102");
  uint64_t seen[64];
  uint64_t all[64];
  uint64_t newer, older;
  int n, total, i, j;
  custdb_cursor* cursor = NULL;
  custdb_buffer* token = NULL;
  custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;

  for (i = 0; i < 10; i++) append(store, 1, c, "Sms", BASE + i * DAY, "");
  CHECK_RC(CUSTDB_OK, custdb_timeline_list(&cursor, store, 1, c,
                                           CUSTDB_CHANNEL_ALL, NULL));
  n = read_ids(cursor, "TimelineEntry", seen, 4);
  CHECK(n == 4);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);

  /* Between two requests: one entry newer than the page, one older. */
  newer = append(store, 1, c, "Sms", BASE + 30 * DAY, "");
  older = append(store, 1, c, "Sms", BASE - DAY, "");

  options.resume_token = custdb_buffer_data(token);
  options.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK, custdb_timeline_list(&cursor, store, 1, c,
                                           CUSTDB_CHANNEL_ALL, &options));
  n += read_ids(cursor, "TimelineEntry", seen + n, 64 - n);
  custdb_cursor_free(cursor);
  CHECK(n == 11);
  CHECK(!contains(seen, n, newer));
  CHECK(seen[n - 1] == older);
  for (i = 0; i < n; i++) {
    for (j = i + 1; j < n; j++) CHECK(seen[i] != seen[j]);
  }
  /* Everything but the newer entry, in list order. */
  total = list_timeline(store, 1, c, CUSTDB_CHANNEL_ALL, all, 64);
  CHECK(total == 12 && all[0] == newer);
  for (i = 0; i < n && i + 1 < total; i++) CHECK(seen[i] == all[i + 1]);

  /* A token is tied to its customer and its channel. */
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_list(&cursor, store, 1, c,
                                               CUSTDB_CHANNEL_SMS, &options));
  CHECK(cursor == NULL);
  CHECK_FIELD("resume_token");
  CHECK_RC(CUSTDB_EINVAL, custdb_note_list(&cursor, store, 1, c, &options));
  custdb_buffer_free(token);
}

struct race {
  custdb_store* store;
  uint64_t customer;
  int rc;
  int existed;
  uint64_t id;
};

static void* race_append(void* arg) {
  struct race* r = (struct race*)arg;
  r->rc = append_json(r->store, 1, r->customer,
                      "{\"channel\": \"Call\", \"direction\": \"Outbound\", "
                      "\"occurred_at_ms\": 1717200000000, "
                      "\"external_ref\": \"call-42\"}",
                      &r->id, &r->existed);
  return NULL;
}

static void test_external_ref(custdb_store* store) {
  uint64_t c = create_customer(store, 1, "415-555-0103");
  uint64_t other = create_customer(store, 1, "415-555-0104");
  uint64_t first = 0, again = 0, theirs = 0;
  uint64_t ids[16];
  int existed = -1, i, added = 0;
  struct race races[6];
  pthread_t threads[6];
  const char* json =
      "{\"channel\": \"Sms\", \"direction\": \"Inbound\", "
      "\"occurred_at_ms\": 1717200000000, \"external_ref\": \"sms-1\"}";

  CHECK_RC(CUSTDB_OK, append_json(store, 1, c, json, &first, &existed));
  CHECK(existed == 0);
  CHECK_RC(CUSTDB_OK, append_json(store, 1, c, json, &again, &existed));
  CHECK(existed == 1);
  CHECK(again == first);
  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_ALL, ids, 16) == 1);
  CHECK_RC(CUSTDB_OK, append_json(store, 1, other, json, &theirs, &existed));
  CHECK(existed == 0 && theirs != first);
  /* out and out_existed are optional. */
  CHECK_RC(CUSTDB_OK, append_json(store, 1, c, json, NULL, NULL));

  for (i = 0; i < 6; i++) {
    races[i].store = store;
    races[i].customer = c;
    races[i].rc = -100;
    pthread_create(&threads[i], NULL, race_append, &races[i]);
  }
  for (i = 0; i < 6; i++) pthread_join(threads[i], NULL);
  for (i = 0; i < 6; i++) {
    CHECK(races[i].rc == CUSTDB_OK);
    CHECK(races[i].id == races[0].id);
    added += races[i].existed == 0;
  }
  CHECK(added == 1);
  CHECK(list_timeline(store, 1, c, CUSTDB_CHANNEL_CALL, ids, 16) == 1);
}

static void test_last_activity(custdb_store* store) {
  uint64_t c = create_customer(store, 1, "415-555-0105");
  long long created = customer_field(store, 1, c, "last_activity_at_ms");
  long long version = customer_field(store, 1, c, "version");
  long long updated = customer_field(store, 1, c, "updated_at_ms");
  CHECK(created > BASE);
  append(store, 1, c, "Email", created + DAY, "");
  CHECK(customer_field(store, 1, c, "last_activity_at_ms") == created + DAY);
  CHECK(customer_field(store, 1, c, "version") == version);
  CHECK(customer_field(store, 1, c, "updated_at_ms") == updated);
  /* An entry from the past does not move it back. */
  append(store, 1, c, "Email", BASE, "");
  CHECK(customer_field(store, 1, c, "last_activity_at_ms") == created + DAY);
  CHECK(customer_field(store, 1, c, "version") == version);
}

static void test_refusals(custdb_store* store) {
  uint64_t c = create_customer(store, 1, "415-555-0106");
  uint64_t ids[4];
  custdb_buffer* draft =
      from_json("TimelineEntryDraft",
                "{\"channel\": \"Sms\", \"direction\": \"Inbound\", "
                "\"occurred_at_ms\": 1717200000000}");
  custdb_buffer* out = (custdb_buffer*)1;
  custdb_cursor* cursor = (custdb_cursor*)1;
  int existed = 7;

  CHECK_RC(CUSTDB_EINVAL,
           append_json(store, 1, c,
                       "{\"channel\": \"Unspecified\", \"direction\": "
                       "\"Inbound\", \"occurred_at_ms\": 1717200000000}",
                       NULL, NULL));
  CHECK_FIELD("channel");
  CHECK_RC(CUSTDB_EINVAL,
           append_json(store, 1, c,
                       "{\"channel\": \"Sms\", \"occurred_at_ms\": "
                       "1717200000000}",
                       NULL, NULL));
  CHECK_FIELD("direction");
  CHECK_RC(CUSTDB_EINVAL,
           append_json(store, 1, c,
                       "{\"channel\": \"Sms\", \"direction\": \"Inbound\"}",
                       NULL, NULL));
  CHECK_FIELD("occurred_at_ms");
  CHECK_RC(CUSTDB_EINVAL,
           append_json(store, 1, c,
                       "{\"channel\": \"Sms\", \"direction\": \"Inbound\", "
                       "\"occurred_at_ms\": 1, \"external_ref\": \"a\\tb\"}",
                       NULL, NULL));
  CHECK_FIELD("external_ref");
  CHECK_RC(CUSTDB_ENOTFOUND,
           append_json(store, 1, c,
                       "{\"channel\": \"Sms\", \"direction\": \"Inbound\", "
                       "\"occurred_at_ms\": 1, \"contact_id\": 424242}",
                       NULL, NULL));
  CHECK_FIELD("contact_id");

  /* Another account's customer, or none at all. */
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_timeline_append(&out, &existed, store, 2, c,
                                                    custdb_buffer_data(draft),
                                                    custdb_buffer_size(draft)));
  CHECK(out == NULL && existed == 0);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_timeline_list(&cursor, store, 2, c, 0, NULL));
  CHECK(cursor == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_timeline_list(&cursor, store, 1, c + 999, 0, NULL));

  /* Arguments. */
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_list(&cursor, store, 1, c, 5, NULL));
  CHECK_FIELD("channel");
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_list(&cursor, store, 1, c, -1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_list(NULL, store, 1, c, 0, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_list(&cursor, NULL, 1, c, 0, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_append(&out, NULL, NULL, 1, c,
                                                 custdb_buffer_data(draft),
                                                 custdb_buffer_size(draft)));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_timeline_append(&out, NULL, store, 1, c, NULL, 0));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_timeline_append(
               &out, NULL, store, 1, c,
               (const uint8_t*)"\x01\x02\x03\x04\x05\x06\x07", 7));
  CHECK_RC(CUSTDB_EINVAL, custdb_timeline_append(&out, NULL, store, 0, c,
                                                 custdb_buffer_data(draft),
                                                 custdb_buffer_size(draft)));
  CHECK(list_timeline(store, 1, c, 0, ids, 4) == 0);
  custdb_buffer_free(draft);
}

static uint64_t add_note(custdb_store* store, uint64_t account,
                         uint64_t customer, const char* body) {
  char json[256];
  custdb_buffer* draft;
  custdb_buffer* note = NULL;
  uint64_t id = 0;
  snprintf(json, sizeof json, "{\"author\": \"user-9\", \"body\": \"%s\"}",
           body);
  draft = from_json("NoteDraft", json);
  CHECK_RC(CUSTDB_OK, custdb_note_add(&note, store, account, customer,
                                      custdb_buffer_data(draft),
                                      custdb_buffer_size(draft)));
  if (note != NULL) {
    id = (uint64_t)record_number("Note", note, "id");
    CHECK(record_number("Note", note, "version") == 1);
  }
  custdb_buffer_free(note);
  custdb_buffer_free(draft);
  return id;
}

static int add_note_rc(custdb_store* store, uint64_t account,
                       uint64_t customer) {
  custdb_buffer* draft =
      from_json("NoteDraft", "{\"author\": \"u\", \"body\": \"b\"}");
  custdb_buffer* note = (custdb_buffer*)1;
  int rc =
      custdb_note_add(&note, store, account, customer,
                      custdb_buffer_data(draft), custdb_buffer_size(draft));
  if (rc != CUSTDB_OK) CHECK(note == NULL);
  custdb_buffer_free(rc == CUSTDB_OK ? note : NULL);
  custdb_buffer_free(draft);
  return rc;
}

static void test_notes(custdb_store* store) {
  uint64_t c = create_customer(store, 1, "415-555-0107");
  uint64_t ids[16];
  uint64_t a, b, d, later;
  int n;
  custdb_buffer* note = NULL;
  custdb_buffer* patch =
      from_json("NotePatch", "{\"body\": \"Use side gate\"}");
  custdb_buffer* token = NULL;
  custdb_buffer* bad = NULL;
  custdb_cursor* cursor = NULL;
  custdb_update_options stale = CUSTDB_UPDATE_OPTIONS_INIT;
  custdb_update_options current = CUSTDB_UPDATE_OPTIONS_INIT;
  custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;

  a = add_note(store, 1, c, "Gate code 4411");
  b = add_note(store, 1, c, "Dog in yard\\nfriendly");
  d = add_note(store, 1, c, "Prefers mornings");

  CHECK_RC(CUSTDB_OK, custdb_note_get(&note, store, 1, b));
  CHECK(note != NULL &&
        record_number("Note", note, "customer_id") == (long long)c);
  custdb_buffer_free(note);
  note = NULL;

  /* Newest first, in pages, with a note added between them. */
  CHECK_RC(CUSTDB_OK, custdb_note_list(&cursor, store, 1, c, NULL));
  n = read_ids(cursor, "Note", ids, 1);
  CHECK(n == 1 && ids[0] == d);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);
  later = add_note(store, 1, c, "Called back");
  options.resume_token = custdb_buffer_data(token);
  options.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK, custdb_note_list(&cursor, store, 1, c, &options));
  n += read_ids(cursor, "Note", ids + n, 15);
  custdb_cursor_free(cursor);
  CHECK(n == 3 && ids[1] == b && ids[2] == a);
  CHECK(!contains(ids, n, later));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_timeline_list(&cursor, store, 1, c, 0, &options));
  custdb_buffer_free(token);

  /* Edits are conditional on the version read. */
  current.expected_version = 1;
  CHECK_RC(CUSTDB_OK,
           custdb_note_update(&note, store, 1, a, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), &current));
  CHECK(note != NULL && record_number("Note", note, "version") == 2);
  custdb_buffer_free(note);
  note = NULL;
  stale.expected_version = 1;
  CHECK_RC(CUSTDB_ECONFLICT,
           custdb_note_update(&note, store, 1, a, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), &stale));
  CHECK(note == NULL);
  CHECK_RC(CUSTDB_ECONFLICT, custdb_note_delete(store, 1, a, &stale));
  CHECK_RC(CUSTDB_OK,
           custdb_note_update(NULL, store, 1, a, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), NULL));

  /* Another account sees none of it. */
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_note_get(&note, store, 2, a));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_note_update(&note, store, 2, a, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), NULL));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_note_delete(store, 2, a, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_note_list(&cursor, store, 2, c, NULL));
  CHECK(add_note_rc(store, 2, c) == CUSTDB_ENOTFOUND);
  CHECK(add_note_rc(store, 1, c + 999) == CUSTDB_ENOTFOUND);

  /* Refusals. */
  bad = from_json("NoteDraft", "{\"body\": \"no author\"}");
  CHECK_RC(CUSTDB_EINVAL,
           custdb_note_add(&note, store, 1, c, custdb_buffer_data(bad),
                           custdb_buffer_size(bad)));
  CHECK_FIELD("author");
  custdb_buffer_free(bad);
  bad = from_json("NoteDraft", "{\"author\": \"u\", \"body\": \"   \"}");
  CHECK_RC(CUSTDB_EINVAL,
           custdb_note_add(&note, store, 1, c, custdb_buffer_data(bad),
                           custdb_buffer_size(bad)));
  CHECK_FIELD("body");
  custdb_buffer_free(bad);
  CHECK_RC(CUSTDB_EINVAL, custdb_note_add(&note, store, 1, c, NULL, 0));
  CHECK_RC(CUSTDB_EINVAL, custdb_note_get(NULL, store, 1, a));
  CHECK_RC(CUSTDB_EINVAL, custdb_note_get(&note, NULL, 1, a));
  CHECK_RC(CUSTDB_EINVAL, custdb_note_get(&note, store, 1, 0));
  CHECK_RC(CUSTDB_EINVAL, custdb_note_list(NULL, store, 1, c, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_note_delete(NULL, 1, a, NULL));
  stale.version = 99;
  CHECK_RC(CUSTDB_EINVAL, custdb_note_delete(store, 1, a, &stale));

  /* Deleting, once. */
  CHECK_RC(CUSTDB_OK, custdb_note_delete(store, 1, b, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_note_get(&note, store, 1, b));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_note_delete(store, 1, b, NULL));
  CHECK_RC(CUSTDB_OK, custdb_note_list(&cursor, store, 1, c, NULL));
  n = read_ids(cursor, "Note", ids, 16);
  custdb_cursor_free(cursor);
  CHECK(n == 3 && !contains(ids, n, b));
  custdb_buffer_free(patch);
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  char path[8192];
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  snprintf(scratch, sizeof scratch, "%s", argv[1]);
  remove_tree(scratch);
  snprintf(path, sizeof path, "%s/store", scratch);

  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path, NULL));
  test_order_and_channels(store);
  test_paging_while_entries_arrive(store);
  test_external_ref(store);
  test_last_activity(store);
  test_refusals(store);
  test_notes(store);
  CHECK(check_clean(store));
  custdb_store_close(store);

  remove_tree(scratch);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
