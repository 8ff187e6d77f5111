/* The customer list of the C ABI: filters, paging by token, and the
 * errors of every argument.
 *
 * usage: capi_list_test SCRATCH_DIR */
#include "capi_util.h"

/* Reads up to `n` rows from a cursor into `ids`; returns how many. */
static int read_ids(custdb_cursor* cursor, uint64_t* ids, int n) {
  int got = 0;
  while (got < n) {
    custdb_buffer* row = NULL;
    CHECK_RC(CUSTDB_OK, custdb_cursor_next(&row, cursor));
    if (row == NULL) break;
    ids[got++] = (uint64_t)record_number("CustomerRow", row, "id");
    custdb_buffer_free(row);
  }
  return got;
}

/* Opens the first page of a list with `filter`, reads the ids of up to
 * `n` rows into `ids` and frees the cursor; returns how many, or -1 when the
 * list does not open. */
static int list_ids(custdb_store* store,
                    const custdb_customer_list_options* filter, uint64_t* ids,
                    int n) {
  custdb_cursor* cursor = NULL;
  int got;
  if (custdb_customer_list(&cursor, store, 1, filter, NULL) != CUSTDB_OK) {
    return -1;
  }
  got = read_ids(cursor, ids, n);
  custdb_cursor_free(cursor);
  return got;
}

/* Whether the last error starts with `prefix`. */
static int error_names(const char* prefix) {
  return strncmp(custdb_last_error(), prefix, strlen(prefix)) == 0;
}

static uint64_t person(custdb_store* store, const char* first,
                       const char* phone) {
  char json[256];
  int existed = 0;
  snprintf(json, sizeof json,
           "{\"kind\": \"Individual\", \"first_name\": \"%s\", "
           "\"phone\": \"%s\"}",
           first, phone);
  return create(store, 1, json, &existed, NULL);
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  custdb_cursor* cursor = NULL;
  custdb_buffer* token = NULL;
  custdb_buffer* row = NULL;
  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  custdb_list_options list = CUSTDB_LIST_OPTIONS_INIT;
  uint64_t ann, bea, cid, dee, ids[16];
  uint64_t tags[17];
  int i, n;
  char* json;

  if (argc != 2) return 2;
  start_scratch(argv[1]);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("list"), NULL));
  dee = person(store, "Dee", "415-555-0104");
  bea = person(store, "Bea", "415-555-0102");
  cid = person(store, "Cid", "415-555-0103");
  ann = person(store, "Ann", "415-555-0101");
  CHECK_RC(CUSTDB_OK, custdb_customer_archive(NULL, store, 1, cid, NULL));

  /* The defaults: NULL filter and options, archived hidden, by name. */
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, NULL, NULL));
  n = read_ids(cursor, ids, 16);
  CHECK(n == 3 && ids[0] == ann && ids[1] == bea && ids[2] == dee);
  custdb_cursor_free(cursor);

  /* A row is a CustomerRow record with what the table shows. */
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, NULL, NULL));
  CHECK_RC(CUSTDB_OK, custdb_cursor_next(&row, cursor));
  json = to_json("CustomerRow", row);
  CHECK(json_has(json, "\"display_name\": \"Ann\"") ||
        json_has(json, "\"display_name\":\"Ann\""));
  CHECK(json_has(json, "\"phone_display\": \"(415) 555-0101\"") ||
        json_has(json, "\"phone_display\":\"(415) 555-0101\""));
  CHECK(json_has(json, "\"status\": \"Active\"") ||
        json_has(json, "\"status\":\"Active\""));
  CHECK(!json_has(json, "internal_notes"));
  free(json);
  custdb_buffer_free(row);
  custdb_cursor_free(cursor);

  /* Archived only. */
  filter.statuses = CUSTDB_STATUS_ARCHIVED;
  n = list_ids(store, &filter, ids, 16);
  CHECK(n == 1 && ids[0] == cid);

  /* Paging: a token after two rows resumes at the third. */
  filter.statuses = CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_ARCHIVED;
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, &filter, NULL));
  n = read_ids(cursor, ids, 2);
  CHECK(n == 2 && ids[0] == ann && ids[1] == bea);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);
  list.resume_token = custdb_buffer_data(token);
  list.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, &filter, &list));
  n = read_ids(cursor, ids, 16);
  CHECK(n == 2 && ids[0] == cid && ids[1] == dee);
  custdb_cursor_free(cursor);

  /* The token belongs to its filter, sort and account. */
  filter.statuses = 0;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, &list));
  CHECK(cursor == NULL);
  filter.statuses = CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_ARCHIVED;
  filter.sort = CUSTDB_SORT_CREATED;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, &list));
  filter.sort = CUSTDB_SORT_NAME;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 2, &filter, &list));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(&cursor, store, 1,
                                                        "415-555-0101", &list));
  custdb_buffer_free(token);
  list.resume_token = NULL;
  list.resume_token_size = 0;

  /* Sorted by creation, newest first. */
  filter = (custdb_customer_list_options)CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.sort = CUSTDB_SORT_CREATED;
  n = list_ids(store, &filter, ids, 16);
  CHECK(n == 3);

  /* A tag filter. */
  {
    custdb_buffer* draft = from_json("TagDraft", "{\"name\": \"gold\"}");
    custdb_buffer* tag = NULL;
    int existed = 0;
    uint64_t gold;
    CHECK_RC(CUSTDB_OK, custdb_tag_create(&tag, &existed, store, 1,
                                          custdb_buffer_data(draft),
                                          custdb_buffer_size(draft)));
    gold = (uint64_t)record_number("Tag", tag, "id");
    custdb_buffer_free(tag);
    custdb_buffer_free(draft);
    CHECK_RC(CUSTDB_OK, custdb_customer_tag(NULL, store, 1, bea, gold));
    filter = (custdb_customer_list_options)CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
    filter.tag_ids = &gold;
    filter.tag_count = 1;
    n = list_ids(store, &filter, ids, 16);
    CHECK(n == 1 && ids[0] == bea);
  }

  /* NULL pointers. */
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_list(NULL, store, 1, NULL, NULL));
  cursor = (custdb_cursor*)&n; /* set to NULL on failure */
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_list(&cursor, NULL, 1, NULL, NULL));
  CHECK(cursor == NULL);
  CHECK(error_names("store:"));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_list(&cursor, store, 0, NULL, NULL));
  CHECK(error_names("account_id:"));

  /* Unknown versions of either struct. */
  filter = (custdb_customer_list_options)CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.version = 99;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.version:"));
  filter.version = 0;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  filter.version = CUSTDB_CUSTOMER_LIST_OPTIONS_VERSION;
  list.version = 7;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, &list));
  CHECK(error_names("options.version:"));
  list.version = CUSTDB_LIST_OPTIONS_VERSION;

  /* Each filter field out of range names itself. */
  filter.statuses = 8;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.statuses:"));
  filter.statuses = 0;
  filter.kind = 3;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.kind:"));
  filter.kind = -1;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  filter.kind = 0;
  filter.vip = 3;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.vip:"));
  filter.vip = 0;
  filter.do_not_contact = 258;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.do_not_contact:"));
  filter.do_not_contact = 0;
  filter.sort = 3;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.sort:"));
  filter.sort = 0;
  filter.tag_count = 1;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.tag_ids:"));
  for (i = 0; i < 17; i++) tags[i] = (uint64_t)(i + 1);
  filter.tag_ids = tags;
  filter.tag_count = 17;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.tag_count:"));
  tags[3] = 0;
  filter.tag_count = 16;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.tag_ids:"));
  CHECK(cursor == NULL);

  /* Search: digits, an email's beginning, name words; with the filters,
   * paged by a token that belongs to its query. */
  filter = (custdb_customer_list_options)CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.query = "(415) 555-0102";
  n = list_ids(store, &filter, ids, 16);
  CHECK(n == 1 && ids[0] == bea);
  filter.query = "0104";
  n = list_ids(store, &filter, ids, 16);
  CHECK(n == 1 && ids[0] == dee);
  filter.query = "415 555";
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, &filter, &list));
  n = read_ids(cursor, ids, 1);
  CHECK(n == 1 && ids[0] == ann);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);
  list.resume_token = custdb_buffer_data(token);
  list.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, &filter, &list));
  n = read_ids(cursor, ids, 16);
  /* Cid is archived, so hidden. */
  CHECK(n == 2 && ids[0] == bea && ids[1] == dee);
  custdb_cursor_free(cursor);
  filter.query = "415 55";
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, &list));
  filter.query = NULL;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, &list));
  custdb_buffer_free(token);
  list = (custdb_list_options)CUSTDB_LIST_OPTIONS_INIT;

  filter.query = "  be  ";
  n = list_ids(store, &filter, ids, 16);
  CHECK(n == 1 && ids[0] == bea);
  filter.query = "cid";
  filter.statuses = CUSTDB_STATUS_ARCHIVED;
  n = list_ids(store, &filter, ids, 16);
  CHECK(n == 1 && ids[0] == cid);
  filter.statuses = 0;
  filter.query = "nobody@";
  CHECK(list_ids(store, &filter, ids, 16) == 0);
  /* Nothing to search for: the list. */
  filter.query = " -.- ";
  CHECK(list_ids(store, &filter, ids, 16) == 3);
  {
    char long_query[10001];
    memset(long_query, 'a', sizeof long_query - 1);
    long_query[sizeof long_query - 1] = '\0';
    filter.query = long_query;
    CHECK_RC(CUSTDB_EINVAL,
             custdb_customer_list(&cursor, store, 1, &filter, NULL));
    CHECK(error_names("filter.query: at most 256 bytes"));
    CHECK(cursor == NULL);
    long_query[CUSTDB_LIST_MAX_QUERY] = '\0';
    CHECK(list_ids(store, &filter, ids, 16) == 0);
  }
  filter.query = "ann \xc3\x28";
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_list(&cursor, store, 1, &filter, NULL));
  CHECK(error_names("filter.query: must be valid UTF-8"));
  CHECK(cursor == NULL);
  filter = (custdb_customer_list_options)CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;

  /* A cursor that outlives its store fails cleanly. */
  CHECK_RC(CUSTDB_OK, custdb_customer_list(&cursor, store, 1, NULL, NULL));
  custdb_store_close(store);
  CHECK_RC(CUSTDB_ECLOSED, custdb_cursor_next(&row, cursor));
  CHECK(row == NULL);
  custdb_cursor_free(cursor);
  return finish();
}
