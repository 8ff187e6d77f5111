/* The duplicate calls of the C ABI, error paths included.
 *
 * usage: capi_duplicates_test SCRATCH_DIR */
#include "capi_util.h"

static uint64_t person(custdb_store* store, uint64_t account, const char* first,
                       const char* last, const char* phone) {
  char json[512];
  custdb_create_options options = CUSTDB_CREATE_OPTIONS_INIT;
  options.allow_duplicate_phone = 1;
  snprintf(json, sizeof json,
           "{\"kind\": \"Individual\", \"first_name\": \"%s\", "
           "\"last_name\": \"%s\", \"phone\": \"%s\"}",
           first, last, phone);
  return create(store, account, json, NULL, &options);
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  custdb_buffer* list = NULL;
  custdb_buffer* pair = NULL;
  custdb_cursor* cursor = NULL;
  custdb_buffer* token = NULL;
  custdb_duplicate_options options = CUSTDB_DUPLICATE_OPTIONS_INIT;
  custdb_list_options list_options = CUSTDB_LIST_OPTIONS_INIT;
  uint64_t robert, bob, mary, other;
  char* json;
  int pairs = 0;

  if (argc != 2) return 2;
  start_scratch(argv[1]);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("dupes"), NULL));

  robert = person(store, 1, "Robert", "Johnson", "415-555-0101");
  bob = person(store, 1, "Bob", "Johnson", "(415) 555-0101");
  mary = person(store, 1, "Mary", "Johnson", "415.555.0101");
  other = person(store, 2, "Robert", "Johnson", "415-555-0101");
  person(store, 1, "Zed", "Quorra", "415-555-0199");

  /* The duplicates of one customer, best first. */
  CHECK_RC(CUSTDB_OK,
           custdb_customer_duplicates(&list, store, 1, robert, NULL));
  json = to_json("DuplicateList", list);
  CHECK(json_has(json, "\"confidence\": \"High\""));
  CHECK(json_has(json, "\"confidence\": \"Medium\""));
  CHECK(json_has(json, "\"signal\": \"Phone\""));
  CHECK(json_has(json, "\"signal\": \"Name\""));
  CHECK(!json_has(json, "Quorra"));
  /* The nickname first, the family member after it. */
  CHECK(strstr(json, "Bob Johnson") < strstr(json, "Mary Johnson"));
  CHECK(json_has(json, "Bob Johnson") && json_has(json, "Mary Johnson"));
  free(json);
  custdb_buffer_free(list);
  list = NULL;

  /* A limit of one keeps the best. */
  options.limit = 1;
  CHECK_RC(CUSTDB_OK,
           custdb_customer_duplicates(&list, store, 1, robert, &options));
  json = to_json("DuplicateList", list);
  CHECK(json_has(json, "Bob Johnson") && !json_has(json, "Mary Johnson"));
  free(json);
  custdb_buffer_free(list);
  list = NULL;

  /* Errors. */
  options.limit = 101;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_duplicates(&list, store, 1, robert, &options));
  CHECK(strstr(custdb_last_error(), "limit:") == custdb_last_error());
  CHECK(list == NULL);
  options.limit = 0;
  options.version = 99;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_duplicates(&list, store, 1, robert, &options));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_duplicates(NULL, store, 1, robert, NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_duplicates(&list, NULL, 1, robert, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_duplicates(&list, store, 0, 1, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_duplicates(&list, store, 1, other, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_customer_duplicates(&list, store, 1, robert + 1000, NULL));
  CHECK(list == NULL);

  /* The account report: each pair once, then resumed by token. */
  CHECK_RC(CUSTDB_OK, custdb_duplicate_report(&cursor, store, 1, NULL));
  CHECK_RC(CUSTDB_OK, custdb_cursor_next(&pair, cursor));
  CHECK(pair != NULL);
  if (pair != NULL) {
    CHECK(record_number("DuplicatePair", pair, "customer_id") ==
          (long long)robert);
    CHECK(record_number("DuplicatePair", pair, "duplicate_id") ==
          (long long)bob);
  }
  custdb_buffer_free(pair);
  pair = NULL;
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);
  cursor = NULL;
  list_options.resume_token = custdb_buffer_data(token);
  list_options.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK,
           custdb_duplicate_report(&cursor, store, 1, &list_options));
  while (custdb_cursor_next(&pair, cursor) == CUSTDB_OK && pair != NULL) {
    long long a = record_number("DuplicatePair", pair, "customer_id");
    CHECK(a == (long long)robert || a == (long long)bob);
    CHECK(record_number("DuplicatePair", pair, "duplicate_id") ==
          (long long)mary);
    pairs++;
    custdb_buffer_free(pair);
    pair = NULL;
  }
  CHECK(pairs == 2);
  custdb_cursor_free(cursor);
  cursor = NULL;
  /* A token of this report is not one of another account's. */
  CHECK_RC(CUSTDB_EINVAL,
           custdb_duplicate_report(&cursor, store, 2, &list_options));
  CHECK(cursor == NULL);
  custdb_buffer_free(token);
  CHECK_RC(CUSTDB_EINVAL, custdb_duplicate_report(NULL, store, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_duplicate_report(&cursor, store, 0, NULL));
  list_options.resume_token = NULL;
  list_options.resume_token_size = 0;
  list_options.version = 0;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_duplicate_report(&cursor, store, 1, &list_options));

  /* After a merge-free history the store is consistent. */
  {
    custdb_buffer* report = NULL;
    CHECK_RC(CUSTDB_OK, custdb_store_check(&report, store));
    CHECK(record_number("CheckReport", report, "index_entries_checked") > 0);
    json = to_json("CheckReport", report);
    CHECK(!json_has(json, "\"issues\""));
    free(json);
    custdb_buffer_free(report);
  }
  custdb_store_close(store);
  return finish();
}
