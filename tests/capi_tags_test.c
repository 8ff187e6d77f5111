/* The tag calls of the C ABI, error paths included.
 *
 * usage: capi_tags_test SCRATCH_DIR */
#include "capi_util.h"

static uint64_t make_tag(custdb_store* store, uint64_t account,
                         const char* json, int* existed) {
  custdb_buffer* draft = from_json("TagDraft", json);
  custdb_buffer* tag = NULL;
  uint64_t id = 0;
  CHECK_RC(CUSTDB_OK, custdb_tag_create(&tag, existed, store, account,
                                        custdb_buffer_data(draft),
                                        custdb_buffer_size(draft)));
  if (tag != NULL) id = (uint64_t)record_number("Tag", tag, "id");
  custdb_buffer_free(tag);
  custdb_buffer_free(draft);
  return id;
}

static long long tag_count(custdb_store* store, uint64_t account,
                           uint64_t tag) {
  custdb_buffer* record = NULL;
  long long n = -1;
  if (custdb_tag_get(&record, store, account, tag) == CUSTDB_OK) {
    n = record_number("Tag", record, "customer_count");
  }
  custdb_buffer_free(record);
  return n;
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  custdb_buffer* record = NULL;
  custdb_buffer* draft;
  custdb_cursor* cursor = NULL;
  custdb_update_options update = CUSTDB_UPDATE_OPTIONS_INIT;
  int existed = -1;
  uint64_t vip, gold, customer, other;
  char* text;
  int n = 0;

  if (argc != 2) return 2;
  start_scratch(argv[1]);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("tags"), NULL));

  vip = make_tag(store, 1, "{\"name\": \"VIP\"}", &existed);
  CHECK(existed == 0);
  CHECK(make_tag(store, 1, "{\"name\": \" vip \"}", &existed) == vip);
  CHECK(existed == 1);
  gold = make_tag(store, 1, "{\"name\": \"Gold plan\"}", &existed);
  customer = create(store, 1,
                    "{\"kind\": \"Individual\", \"first_name\": \"Ann\", "
                    "\"phone\": \"415-555-0101\"}",
                    &existed, NULL);
  other = create(store, 2,
                 "{\"kind\": \"Individual\", \"first_name\": \"Bo\", "
                 "\"phone\": \"415-555-0102\"}",
                 &existed, NULL);

  /* Tagging shows in the record and the count. */
  CHECK_RC(CUSTDB_OK, custdb_customer_tag(&record, store, 1, customer, vip));
  text = to_json("Customer", record);
  CHECK(json_has(text, "\"tag_ids\""));
  free(text);
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_OK, custdb_customer_tag(NULL, store, 1, customer, vip));
  CHECK(tag_count(store, 1, vip) == 1);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_customer_tag(NULL, store, 1, other, vip));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_customer_tag(NULL, store, 2, other, vip));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_tag(NULL, store, 1, customer, 0));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_tag(NULL, NULL, 1, customer, vip));

  /* Listing in name order. */
  CHECK_RC(CUSTDB_OK, custdb_tag_list(&cursor, store, 1, NULL));
  while (custdb_cursor_next(&record, cursor) == CUSTDB_OK && record != NULL) {
    text = to_json("Tag", record);
    if (n == 0) CHECK(json_has(text, "Gold plan"));
    if (n == 1) CHECK(json_has(text, "VIP"));
    free(text);
    custdb_buffer_free(record);
    n++;
  }
  CHECK(n == 2);
  custdb_cursor_free(cursor);
  CHECK_RC(CUSTDB_EINVAL, custdb_tag_list(&cursor, store, 0, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_tag_list(NULL, store, 1, NULL));

  /* Rename: a taken name, a stale version, then a good one. */
  draft = from_json("TagDraft", "{\"name\": \"gold PLAN\"}");
  CHECK_RC(CUSTDB_ECONFLICT,
           custdb_tag_rename(NULL, store, 1, vip, custdb_buffer_data(draft),
                             custdb_buffer_size(draft), NULL));
  custdb_buffer_free(draft);
  draft = from_json("TagDraft", "{\"name\": \"Very important\"}");
  update.expected_version = 5;
  CHECK_RC(CUSTDB_ECONFLICT,
           custdb_tag_rename(NULL, store, 1, vip, custdb_buffer_data(draft),
                             custdb_buffer_size(draft), &update));
  update.expected_version = 1;
  CHECK_RC(CUSTDB_OK,
           custdb_tag_rename(&record, store, 1, vip, custdb_buffer_data(draft),
                             custdb_buffer_size(draft), &update));
  CHECK(record_number("Tag", record, "version") == 2);
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_tag_rename(NULL, store, 2, vip, custdb_buffer_data(draft),
                             custdb_buffer_size(draft), NULL));
  custdb_buffer_free(draft);

  /* Bad drafts. */
  draft = from_json("TagDraft", "{\"name\": \"\"}");
  CHECK_RC(CUSTDB_EINVAL, custdb_tag_create(&record, &existed, store, 1,
                                            custdb_buffer_data(draft),
                                            custdb_buffer_size(draft)));
  CHECK(strncmp(custdb_last_error(), "name:", 5) == 0);
  custdb_buffer_free(draft);
  CHECK_RC(CUSTDB_EINVAL, custdb_tag_create(&record, &existed, store, 1,
                                            (const uint8_t*)"junk", 4));

  /* Delete takes the tag off its customers. */
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_tag_delete(store, 2, vip));
  CHECK_RC(CUSTDB_OK, custdb_tag_delete(store, 1, vip));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_tag_get(&record, store, 1, vip));
  CHECK_RC(CUSTDB_OK, custdb_customer_get(&record, store, 1, customer));
  text = to_json("Customer", record);
  CHECK(!json_has(text, "\"tag_ids\": [") || json_has(text, "\"tag_ids\": []"));
  free(text);
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_OK, custdb_customer_untag(NULL, store, 1, customer, gold));
  CHECK(tag_count(store, 1, gold) == 0);

  CHECK_RC(CUSTDB_OK, custdb_store_check(&record, store));
  text = to_json("CheckReport", record);
  CHECK(!json_has(text, "\"message\""));
  free(text);
  custdb_buffer_free(record);
  custdb_store_close(store);
  return finish();
}
