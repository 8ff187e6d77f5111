/* A small host program over the C ABI: opens a store, adds the customers
 * of a sample file (one CustomerDraft as JSON per line), and prints every
 * customer it created, the summary counts and the consistency check. Run
 * it twice on the same store: the second run finds every phone known.
 *
 * usage: custdb-example STORE_DIR SAMPLE.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custdb.h"

#define ACCOUNT_ID 1

static int report(const char* what, int rc) {
  if (rc != CUSTDB_OK) {
    fprintf(stderr, "custdb-example: %s: %s (%s)\n", what, custdb_last_error(),
            custdb_error_name(rc));
  }
  return rc;
}

/* Prints a record as JSON and frees it. */
static void print_record(const char* type_name, custdb_buffer* record) {
  custdb_buffer* json = NULL;
  if (report("to json",
             custdb_record_to_json(&json, type_name, custdb_buffer_data(record),
                                   custdb_buffer_size(record))) == CUSTDB_OK) {
    printf("%s\n", (const char*)custdb_buffer_data(json));
  }
  custdb_buffer_free(json);
  custdb_buffer_free(record);
}

#define MAX_CUSTOMERS 1024

/* The id of a Customer record, read from its JSON form (a plain C host
 * has no FlatBuffers reader; one with a reader uses the bytes directly). */
static uint64_t customer_id(custdb_buffer* record) {
  custdb_buffer* json = NULL;
  unsigned long long id = 0;
  if (custdb_record_to_json(&json, "Customer", custdb_buffer_data(record),
                            custdb_buffer_size(record)) == CUSTDB_OK) {
    const char* field =
        strstr((const char*)custdb_buffer_data(json), "\"id\":");
    if (field != NULL) id = strtoull(field + 5, NULL, 10);
  }
  custdb_buffer_free(json);
  return (uint64_t)id;
}

/* Creates a customer from each line; returns how many ids it stored. */
static size_t add_customers(custdb_store* store, const char* path,
                            uint64_t* ids) {
  char line[8192];
  unsigned long line_number = 0;
  size_t count = 0;
  FILE* file = fopen(path, "r");
  if (file == NULL) {
    perror(path);
    return 0;
  }
  while (fgets(line, sizeof line, file) != NULL) {
    custdb_buffer* draft = NULL;
    custdb_buffer* customer = NULL;
    int existed = 0;
    line_number++;
    if (line[0] == '\n' || line[0] == '#') continue;
    if (report("parse", custdb_record_from_json(&draft, "CustomerDraft", line,
                                                strlen(line))) == CUSTDB_OK &&
        report("create", custdb_customer_create(
                             &customer, &existed, store, ACCOUNT_ID,
                             custdb_buffer_data(draft),
                             custdb_buffer_size(draft), NULL)) == CUSTDB_OK) {
      uint64_t id = customer_id(customer);
      printf("line %lu: customer %llu %s\n", line_number,
             (unsigned long long)id,
             existed ? "already had this phone; kept" : "created");
      if (!existed && count < MAX_CUSTOMERS) ids[count++] = id;
    } else {
      fprintf(stderr, "  (line %lu skipped)\n", line_number);
    }
    custdb_buffer_free(customer);
    custdb_buffer_free(draft);
  }
  fclose(file);
  return count;
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  custdb_buffer* summary = NULL;
  custdb_buffer* check = NULL;
  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  static uint64_t ids[MAX_CUSTOMERS];
  size_t count = 0;
  size_t i;
  if (argc != 3) {
    fprintf(stderr, "usage: %s STORE_DIR SAMPLE.jsonl\n", argv[0]);
    return 2;
  }
  if ((custdb_version() >> 16) != CUSTDB_VERSION_MAJOR) {
    fprintf(stderr, "custdb-example: library major version differs\n");
    return 1;
  }
  printf("custdb %s\n", custdb_version_string());
  if (report("open", custdb_store_open(&store, argv[1], &options)) !=
      CUSTDB_OK) {
    return 1;
  }
  count = add_customers(store, argv[2], ids);
  printf("\ncustomers:\n");
  for (i = 0; i < count; i++) {
    custdb_buffer* record = NULL;
    if (report("get", custdb_customer_get(&record, store, ACCOUNT_ID,
                                          ids[i])) == CUSTDB_OK) {
      print_record("Customer", record);
    }
  }
  printf("\nsummary:\n");
  if (report("summary", custdb_summary_get(&summary, store, ACCOUNT_ID)) ==
      CUSTDB_OK) {
    print_record("Summary", summary);
  }
  printf("\ncheck:\n");
  if (report("check", custdb_store_check(&check, store)) == CUSTDB_OK) {
    print_record("CheckReport", check);
  }
  custdb_store_close(store);
  return 0;
}
