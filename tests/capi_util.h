/* Helpers shared by the C tests of the ABI: checks that count, scratch
 * paths, and JSON conversions of records. Each test program includes this
 * once. */
#ifndef CUSTDB_TESTS_CAPI_UTIL_H
#define CUSTDB_TESTS_CAPI_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custdb.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                          \
  do {                                                                       \
    checks++;                                                                \
    if (!(cond)) {                                                           \
      failures++;                                                            \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, \
              __LINE__, #cond, custdb_last_error());                         \
    }                                                                        \
  } while (0)

#define CHECK_RC(expected, call) CHECK((call) == (expected))

static char scratch[4096];

static inline const char* path_of(const char* name) {
  static char path[8192];
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  return path;
}

static inline void remove_tree(const char* path) {
  char command[9000];
  snprintf(command, sizeof command, "rm -rf '%s'", path);
  if (system(command) != 0) fprintf(stderr, "cannot remove %s\n", path);
}

/* A record made from JSON; aborts the test on failure. */
static inline custdb_buffer* from_json(const char* type_name,
                                       const char* json) {
  custdb_buffer* out = NULL;
  int rc = custdb_record_from_json(&out, type_name, json, strlen(json));
  if (rc != CUSTDB_OK) {
    fprintf(stderr, "from_json(%s): %s\n", type_name, custdb_last_error());
    exit(1);
  }
  return out;
}

/* The JSON text of a record, which the caller frees. */
static inline char* to_json(const char* type_name,
                            const custdb_buffer* record) {
  custdb_buffer* out = NULL;
  char* text;
  if (custdb_record_to_json(&out, type_name, custdb_buffer_data(record),
                            custdb_buffer_size(record)) != CUSTDB_OK) {
    fprintf(stderr, "to_json(%s): %s\n", type_name, custdb_last_error());
    exit(1);
  }
  text = malloc(custdb_buffer_size(out) + 1);
  memcpy(text, custdb_buffer_data(out), custdb_buffer_size(out) + 1);
  custdb_buffer_free(out);
  return text;
}

/* The unsigned number after "field": in a JSON text, or -1. */
static inline long long json_number(const char* json, const char* field) {
  char pattern[128];
  const char* at;
  snprintf(pattern, sizeof pattern, "\"%s\":", field);
  at = strstr(json, pattern);
  if (at == NULL) return -1;
  at += strlen(pattern);
  while (*at == ' ') at++;
  return strtoll(at, NULL, 10);
}

static inline int json_has(const char* json, const char* text) {
  return strstr(json, text) != NULL;
}

static inline long long record_number(const char* type_name,
                                      const custdb_buffer* record,
                                      const char* field) {
  char* json = to_json(type_name, record);
  long long n = json_number(json, field);
  free(json);
  return n;
}

static inline uint64_t create(custdb_store* store, uint64_t account,
                              const char* draft_json, int* existed,
                              const custdb_create_options* options) {
  custdb_buffer* draft = from_json("CustomerDraft", draft_json);
  custdb_buffer* customer = NULL;
  uint64_t id = 0;
  int rc = custdb_customer_create(&customer, existed, store, account,
                                  custdb_buffer_data(draft),
                                  custdb_buffer_size(draft), options);
  CHECK(rc == CUSTDB_OK);
  if (rc == CUSTDB_OK) id = (uint64_t)record_number("Customer", customer, "id");
  custdb_buffer_free(customer);
  custdb_buffer_free(draft);
  return id;
}

static inline long long summary_count(custdb_store* store, uint64_t account,
                                      const char* field) {
  custdb_buffer* summary = NULL;
  long long n = -1;
  if (custdb_summary_get(&summary, store, account) == CUSTDB_OK) {
    n = record_number("Summary", summary, field);
  }
  custdb_buffer_free(summary);
  return n;
}

/* Sets the scratch directory from argv and empties it. */
static inline void start_scratch(const char* dir) {
  snprintf(scratch, sizeof scratch, "%s", dir);
  remove_tree(scratch);
}

/* Prints the closing line and returns the exit status. */
static inline int finish(void) {
  remove_tree(scratch);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}

#endif /* CUSTDB_TESTS_CAPI_UTIL_H */
