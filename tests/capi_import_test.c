/* custdb_customer_import through the C ABI, error paths included.
 *
 * usage: capi_import_test SCRATCH_DIR */
#include "capi_util.h"

static const char* const kBatch =
    "{\"rows\": ["
    " {\"customer\": {\"kind\": \"Individual\", \"first_name\": \"Ann\","
    "  \"last_name\": \"Lee\", \"phone\": \"415-555-0101\"},"
    "  \"link\": {\"kind\": \"import\", \"external_id\": \"r1\"},"
    "  \"contacts\": [{\"first_name\": \"Dee\", \"phone\": \"415-555-0199\"}],"
    "  \"locations\": [{\"kind\": \"Service\", \"address_line1\": \"1 Main "
    "St\", \"city\": \"Springfield\", \"state\": \"IL\", \"zip\": "
    "\"62701\"}]},"
    " {\"customer\": {\"kind\": \"Individual\", \"first_name\": \"Bob\","
    "  \"phone\": \"12\"}},"
    " {\"customer\": {\"kind\": \"Individual\", \"first_name\": \"ann\","
    "  \"last_name\": \"lee\", \"phone\": \"(415) 555-0101\"}}"
    "]}";

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  custdb_buffer* batch;
  custdb_buffer* result = NULL;
  custdb_buffer* record = NULL;
  custdb_create_options bad = CUSTDB_CREATE_OPTIONS_INIT;
  const uint8_t garbage[16] = {1, 2, 3};
  char* text;

  if (argc != 2) return 2;
  start_scratch(argv[1]);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("import"), NULL));
  batch = from_json("ImportBatch", kBatch);

  CHECK_RC(CUSTDB_OK,
           custdb_customer_import(&result, store, 1, custdb_buffer_data(batch),
                                  custdb_buffer_size(batch), NULL));
  text = to_json("ImportResult", result);
  /* Created, Rejected naming the row and field, then Existing. */
  CHECK(json_has(text, "\"outcome\": \"Rejected\""));
  CHECK(json_has(text, "rows[1].customer.phone: "));
  CHECK(json_has(text, "\"outcome\": \"Existing\""));
  free(text);
  custdb_buffer_free(result);
  result = NULL;

  CHECK_RC(CUSTDB_OK, custdb_summary_get(&record, store, 1));
  CHECK(record_number("Summary", record, "total") == 1);
  custdb_buffer_free(record);
  record = NULL;
  CHECK_RC(CUSTDB_OK, custdb_link_find(&record, store, 1, "import", "r1"));
  custdb_buffer_free(record);
  record = NULL;

  /* Bad arguments fail cleanly and write nothing. */
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_import(NULL, store, 1, custdb_buffer_data(batch),
                                  custdb_buffer_size(batch), NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_import(&result, NULL, 1, custdb_buffer_data(batch),
                                  custdb_buffer_size(batch), NULL));
  CHECK(result == NULL);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_import(&result, store, 1, NULL, 0, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_import(&result, store, 1, garbage,
                                                 sizeof garbage, NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_import(&result, store, 0, custdb_buffer_data(batch),
                                  custdb_buffer_size(batch), NULL));
  bad.version = 99;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_customer_import(&result, store, 1, custdb_buffer_data(batch),
                                  custdb_buffer_size(batch), &bad));
  CHECK(result == NULL);

  CHECK_RC(CUSTDB_OK, custdb_summary_get(&record, store, 1));
  CHECK(record_number("Summary", record, "total") == 1);
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_OK, custdb_store_check(&record, store));
  text = to_json("CheckReport", record);
  CHECK(!json_has(text, "\"message\""));
  free(text);
  custdb_buffer_free(record);

  custdb_buffer_free(batch);
  custdb_store_close(store);
  return finish();
}
