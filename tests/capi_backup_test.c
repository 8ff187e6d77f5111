/* custdb_store_backup: a copy of the store, taken while it is open, that
 * opens as a store of its own with the same customers and checks clean. */
#include "capi_util.h"

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  custdb_store* copy = NULL;
  custdb_buffer* record = NULL;
  char* text;
  int existed = -1;
  uint64_t ann, bo;
  char backup[8192];
  char missing_parent[8192];

  if (argc != 2) return 2;
  start_scratch(argv[1]);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("store"), NULL));
  ann = create(store, 1,
               "{\"kind\": \"Individual\", \"first_name\": \"Ann\", "
               "\"phone\": \"415-555-0101\"}",
               &existed, NULL);
  bo = create(store, 2,
              "{\"kind\": \"Individual\", \"first_name\": \"Bo\", "
              "\"phone\": \"415-555-0102\"}",
              &existed, NULL);
  snprintf(backup, sizeof backup, "%s", path_of("backup"));
  snprintf(missing_parent, sizeof missing_parent, "%s",
           path_of("no/such/parent"));

  /* Bad arguments change nothing and name the argument. */
  CHECK_RC(CUSTDB_EINVAL, custdb_store_backup(NULL, backup));
  CHECK_RC(CUSTDB_EINVAL, custdb_store_backup(store, NULL));
  CHECK(strstr(custdb_last_error(), "dir") != NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_store_backup(store, ""));
  CHECK_RC(CUSTDB_EINVAL, custdb_store_backup(store, missing_parent));

  CHECK_RC(CUSTDB_OK, custdb_store_backup(store, backup));
  CHECK(strcmp(custdb_last_error(), "") == 0);
  /* A directory that exists already is not overwritten. */
  CHECK_RC(CUSTDB_EINVAL, custdb_store_backup(store, backup));
  CHECK(strstr(custdb_last_error(), "dir: already exists") != NULL);

  /* Writes after the backup are not in it. */
  create(store, 1,
         "{\"kind\": \"Individual\", \"first_name\": \"Cy\", "
         "\"phone\": \"415-555-0103\"}",
         &existed, NULL);
  custdb_store_close(store);

  CHECK_RC(CUSTDB_OK, custdb_store_open(&copy, backup, NULL));
  CHECK(summary_count(copy, 1, "total") == 1);
  CHECK(summary_count(copy, 2, "total") == 1);
  CHECK_RC(CUSTDB_OK, custdb_customer_get(&record, copy, 1, ann));
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_OK, custdb_customer_get(&record, copy, 2, bo));
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_OK, custdb_store_check(&record, copy));
  text = to_json("CheckReport", record);
  CHECK(!json_has(text, "\"message\""));
  free(text);
  custdb_buffer_free(record);
  /* The copy is a store in its own right: it takes new customers. */
  CHECK(create(copy, 1,
               "{\"kind\": \"Individual\", \"first_name\": \"Di\", "
               "\"phone\": \"415-555-0104\"}",
               &existed, NULL) != 0);
  CHECK(existed == 0);
  custdb_store_close(copy);
  return finish();
}
