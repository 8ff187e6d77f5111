/* A minimal host, built against an installed or uninstalled custdb. */
#include <custdb.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* json =
      "{\"kind\": \"Individual\", \"first_name\": \"Ann\", "
      "\"phone\": \"415-867-5309\"}";
  custdb_store* store = NULL;
  custdb_buffer* draft = NULL;
  custdb_buffer* customer = NULL;
  int existed = 0;
  int rc;
  if (argc != 2) return 2;
  if ((custdb_version() >> 16) != CUSTDB_VERSION_MAJOR) return 1;
  rc = custdb_store_open(&store, argv[1], NULL);
  if (rc == CUSTDB_OK) {
    rc = custdb_record_from_json(&draft, "CustomerDraft", json, strlen(json));
  }
  if (rc == CUSTDB_OK) {
    rc = custdb_customer_create(&customer, &existed, store, 1,
                                custdb_buffer_data(draft),
                                custdb_buffer_size(draft), NULL);
  }
  if (rc != CUSTDB_OK) fprintf(stderr, "host: %s\n", custdb_last_error());
  custdb_buffer_free(customer);
  custdb_buffer_free(draft);
  custdb_store_close(store);
  return rc == CUSTDB_OK ? 0 : 1;
}
