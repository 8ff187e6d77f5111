/* The C ABI of files, links and portal links, called from plain C99:
 * every function and its error paths (NULL arguments, bad drafts,
 * another account's or customer's ids, limits, a closed store, a crash
 * in the middle of a write).
 *
 * usage: capi_files_test SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include "capi_util.h"
#include "custdb.h"

static int starts_with(const char* text, const char* prefix) {
  return strncmp(text, prefix, strlen(prefix)) == 0;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

/* The number after "field": in a record's JSON, or -1. */
static long long number_of(const char* type_name, const custdb_buffer* record,
                           const char* field) {
  char pattern[128];
  char* json = to_json(type_name, record);
  const char* at;
  long long n = -1;
  snprintf(pattern, sizeof pattern, "\"%s\":", field);
  at = strstr(json, pattern);
  if (at != NULL) {
    at += strlen(pattern);
    while (*at == ' ') at++;
    n = strtoll(at, NULL, 10);
  }
  free(json);
  return n;
}

/* The string after "field": in a record's JSON, copied into `out`; ""
 * when absent. */
static void string_of(const char* type_name, const custdb_buffer* record,
                      const char* field, char* out, size_t size) {
  char pattern[128];
  char* json = to_json(type_name, record);
  const char* at;
  size_t n = 0;
  snprintf(pattern, sizeof pattern, "\"%s\":", field);
  out[0] = '\0';
  at = strstr(json, pattern);
  if (at != NULL) {
    at = strchr(at + strlen(pattern), '"');
    if (at != NULL) {
      at++;
      while (at[n] != '"' && at[n] != '\0' && n + 1 < size) n++;
      memcpy(out, at, n);
      out[n] = '\0';
    }
  }
  free(json);
}

static int record_has_text(const char* type_name, const custdb_buffer* record,
                           const char* text) {
  char* json = to_json(type_name, record);
  int found = strstr(json, text) != NULL;
  free(json);
  return found;
}

static uint64_t create_customer(custdb_store* store, uint64_t account,
                                const char* phone) {
  char json[256];
  custdb_buffer* draft;
  custdb_buffer* customer = NULL;
  uint64_t id = 0;
  int existed = 0;
  snprintf(json, sizeof json,
           "{\"kind\": \"Individual\", \"first_name\": \"Di\", "
           "\"phone\": \"%s\"}",
           phone);
  draft = from_json("CustomerDraft", json);
  CHECK_RC(CUSTDB_OK, custdb_customer_create(&customer, &existed, store,
                                             account, custdb_buffer_data(draft),
                                             custdb_buffer_size(draft), NULL));
  if (customer != NULL) id = (uint64_t)number_of("Customer", customer, "id");
  custdb_buffer_free(customer);
  custdb_buffer_free(draft);
  return id;
}

static size_t check_issues(custdb_store* store) {
  custdb_buffer* report = NULL;
  size_t issues = 999;
  if (custdb_store_check(&report, store) == CUSTDB_OK) {
    issues = record_has_text("CheckReport", report, "\"message\"") ? 1 : 0;
  }
  custdb_buffer_free(report);
  return issues;
}

static custdb_buffer* file_draft(const char* category, const char* name) {
  char json[512];
  snprintf(json, sizeof json,
           "{\"category\": \"%s\", \"file_name\": \"%s\", "
           "\"content_type\": \"application/pdf\"}",
           category, name);
  return from_json("FileDraft", json);
}

static custdb_file_writer* begin(custdb_store* store, uint64_t account,
                                 uint64_t customer, const char* category,
                                 const custdb_file_options* options) {
  custdb_buffer* draft = file_draft(category, "doc.pdf");
  custdb_file_writer* writer = NULL;
  CHECK_RC(CUSTDB_OK, custdb_file_begin(&writer, store, account, customer,
                                        custdb_buffer_data(draft),
                                        custdb_buffer_size(draft), options));
  custdb_buffer_free(draft);
  return writer;
}

/* Attaches `size` bytes of `contents` in one write; returns the file id. */
static uint64_t attach(custdb_store* store, uint64_t account, uint64_t customer,
                       const char* category, const uint8_t* contents,
                       size_t size) {
  custdb_file_writer* writer = begin(store, account, customer, category, NULL);
  custdb_buffer* info = NULL;
  uint64_t id = 0;
  CHECK_RC(CUSTDB_OK, custdb_file_write(writer, contents, size));
  CHECK_RC(CUSTDB_OK, custdb_file_commit(&info, writer));
  if (info != NULL) id = (uint64_t)number_of("FileInfo", info, "id");
  custdb_buffer_free(info);
  custdb_file_writer_free(writer);
  return id;
}

static size_t count_cursor(custdb_cursor* cursor) {
  custdb_buffer* record = NULL;
  size_t n = 0;
  while (custdb_cursor_next(&record, cursor) == CUSTDB_OK && record != NULL) {
    n++;
    custdb_buffer_free(record);
  }
  return n;
}

static size_t count_files(custdb_store* store, uint64_t account,
                          uint64_t customer, int category) {
  custdb_cursor* cursor = NULL;
  size_t n;
  if (custdb_file_list(&cursor, store, account, customer, category, NULL) !=
      CUSTDB_OK) {
    return 999;
  }
  n = count_cursor(cursor);
  custdb_cursor_free(cursor);
  return n;
}

/* Reads a file's contents into `out` (at most `capacity` bytes); returns
 * the size read, or -1 with `*rc` set on failure. */
static long long read_contents(custdb_store* store, uint64_t account,
                               uint64_t file_id, uint8_t* out, size_t capacity,
                               int* rc) {
  custdb_cursor* cursor = NULL;
  custdb_buffer* chunk = NULL;
  size_t size = 0;
  *rc = custdb_file_open_content(&cursor, store, account, file_id, NULL);
  if (*rc != CUSTDB_OK) return -1;
  for (;;) {
    *rc = custdb_cursor_next(&chunk, cursor);
    if (*rc != CUSTDB_OK || chunk == NULL) break;
    if (size + custdb_buffer_size(chunk) <= capacity) {
      memcpy(out + size, custdb_buffer_data(chunk), custdb_buffer_size(chunk));
    }
    size += custdb_buffer_size(chunk);
    custdb_buffer_free(chunk);
  }
  custdb_cursor_free(cursor);
  return *rc == CUSTDB_OK ? (long long)size : -1;
}

static void fill(uint8_t* bytes, size_t size, unsigned seed) {
  size_t i;
  for (i = 0; i < size; i++) {
    seed = seed * 1103515245u + 12345u;
    bytes[i] = (uint8_t)(seed >> 16);
  }
}

static void test_null_safety(void) {
  custdb_file_writer* writer = (custdb_file_writer*)1;
  custdb_cursor* cursor = (custdb_cursor*)1;
  custdb_buffer* buffer = (custdb_buffer*)1;
  uint8_t junk[4] = {1, 2, 3, 4};

  custdb_file_writer_free(NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_file_begin(NULL, NULL, 1, 1, junk, 4, NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_file_begin(&writer, NULL, 1, 1, junk, 4, NULL));
  CHECK(writer == NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_file_write(NULL, junk, 4));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_commit(&buffer, NULL));
  CHECK(buffer == NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_file_get(NULL, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_get(&buffer, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_list(NULL, NULL, 1, 1, 0, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_list(&cursor, NULL, 1, 1, 0, NULL));
  CHECK(cursor == NULL);
  CHECK_RC(CUSTDB_EINVAL, custdb_file_open_content(NULL, NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_delete(NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_add(NULL, NULL, 1, 1, junk, 4));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_list(NULL, NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_remove(NULL, 1, 1, "job", "1"));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_find(NULL, NULL, 1, "job", "1"));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_find(&buffer, NULL, 1, NULL, "1"));
  CHECK_RC(CUSTDB_EINVAL, custdb_portal_link_issue(NULL, NULL, 1, 1, junk, 4));
  CHECK_RC(CUSTDB_EINVAL, custdb_portal_link_revoke(NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_portal_link_list(NULL, NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_portal_resolve(NULL, NULL, 1, "x"));
  CHECK_RC(CUSTDB_EINVAL, custdb_portal_resolve(&buffer, NULL, 1, "x"));
}

static char logged[16][256];
static int log_count = 0;
static void on_log(void* context, int level, const char* message) {
  (void)context;
  (void)level;
  if (log_count < 16) {
    snprintf(logged[log_count], sizeof logged[0], "%s", message);
    log_count++;
  }
}

static int logged_text(const char* text) {
  int i;
  for (i = 0; i < log_count && i < 16; i++) {
    if (strstr(logged[i], text) != NULL) return 1;
  }
  return 0;
}

/* A process that dies while writing leaves chunks that the next open
 * removes, with nothing visible in between. */
static void test_crash_during_write(void) {
  custdb_store* store = NULL;
  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  uint64_t customer = 0;
  int channel[2];
  pid_t child;
  int status = 0;
  remove_tree(path_of("crash"));
  if (pipe(channel) != 0) {
    CHECK(!"pipe");
    return;
  }
  child = fork();
  if (child == 0) {
    custdb_store* held = NULL;
    custdb_file_writer* writer = NULL;
    custdb_buffer* draft = file_draft("Contract", "half.pdf");
    static uint8_t bytes[600 * 1024];
    if (custdb_store_open(&held, path_of("crash"), NULL) != CUSTDB_OK) _exit(1);
    customer = create_customer(held, 1, "415-555-0190");
    if (custdb_file_begin(&writer, held, 1, customer, custdb_buffer_data(draft),
                          custdb_buffer_size(draft), NULL) != CUSTDB_OK) {
      _exit(1);
    }
    if (custdb_file_write(writer, bytes, sizeof bytes) != CUSTDB_OK) _exit(1);
    if (write(channel[1], &customer, sizeof customer) != sizeof customer) {
      _exit(1);
    }
    _exit(0); /* no commit, no free, no close */
  }
  CHECK(read(channel[0], &customer, sizeof customer) == sizeof customer);
  CHECK(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  options.log = on_log;
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("crash"), &options));
  CHECK(logged_text("removed 1 unfinished file"));
  CHECK(count_files(store, 1, customer, 0) == 0);
  CHECK(check_issues(store) == 0);
  custdb_store_close(store);
}

static void test_files(custdb_store* store) {
  enum { kSize = 1024 * 1024 + 17 };
  static uint8_t contents[kSize];
  static uint8_t back[kSize + 16];
  custdb_file_options options = CUSTDB_FILE_OPTIONS_INIT;
  custdb_file_writer* writer;
  custdb_buffer* info = NULL;
  custdb_buffer* record = NULL;
  custdb_buffer* draft;
  custdb_cursor* cursor = NULL;
  uint64_t customer = create_customer(store, 1, "415-555-0101");
  uint64_t other = create_customer(store, 1, "415-555-0102");
  uint64_t elsewhere = create_customer(store, 2, "415-555-0101");
  uint64_t file_id, photo;
  size_t at = 0, piece = 1;
  long long read;
  int rc = 0;

  CHECK(options.version == CUSTDB_FILE_OPTIONS_VERSION);
  CHECK(options.max_bytes == 0);
  CHECK(CUSTDB_FILE_MSA == 1 && CUSTDB_FILE_OTHER == 5);

  /* Many small writes of odd sizes, read back byte for byte. */
  fill(contents, kSize, 7);
  writer = begin(store, 1, customer, "Contract", NULL);
  while (at < kSize) {
    size_t n = piece < kSize - at ? piece : kSize - at;
    CHECK_RC(CUSTDB_OK, custdb_file_write(writer, contents + at, n));
    at += n;
    piece = piece * 7 % 5003 + 1;
  }
  CHECK_RC(CUSTDB_OK, custdb_file_write(writer, NULL, 0));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_write(writer, NULL, 3));
  CHECK(count_files(store, 1, customer, 0) == 0); /* not visible yet */
  CHECK_RC(CUSTDB_OK, custdb_file_commit(&info, writer));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_commit(&record, writer));
  CHECK(starts_with(custdb_last_error(), "file:"));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_write(writer, contents, 1));
  custdb_file_writer_free(writer);
  file_id = (uint64_t)number_of("FileInfo", info, "id");
  CHECK(number_of("FileInfo", info, "size") == kSize);
  CHECK(number_of("FileInfo", info, "chunk_count") == 5);
  CHECK(number_of("FileInfo", info, "customer_id") == (long long)customer);
  CHECK(record_has_text("FileInfo", info, "Contract"));
  custdb_buffer_free(info);

  read = read_contents(store, 1, file_id, back, sizeof back, &rc);
  CHECK(rc == CUSTDB_OK);
  CHECK(read == kSize);
  CHECK(memcmp(back, contents, kSize) == 0);

  /* Contents resume after the last chunk returned. */
  {
    custdb_list_options list = CUSTDB_LIST_OPTIONS_INIT;
    custdb_buffer* token = NULL;
    custdb_cursor* resumed = NULL;
    CHECK_RC(CUSTDB_OK,
             custdb_file_open_content(&cursor, store, 1, file_id, NULL));
    CHECK_RC(CUSTDB_OK, custdb_cursor_next(&record, cursor));
    CHECK(custdb_buffer_size(record) == 256 * 1024);
    custdb_buffer_free(record);
    CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
    custdb_cursor_free(cursor);
    list.resume_token = custdb_buffer_data(token);
    list.resume_token_size = custdb_buffer_size(token);
    CHECK_RC(CUSTDB_OK,
             custdb_file_open_content(&resumed, store, 1, file_id, &list));
    CHECK(count_cursor(resumed) == 4);
    custdb_cursor_free(resumed);
    /* The token of one file's contents does not resume another list. */
    CHECK_RC(CUSTDB_EINVAL,
             custdb_file_list(&cursor, store, 1, customer, 0, &list));
    custdb_buffer_free(token);
  }

  CHECK_RC(CUSTDB_OK, custdb_file_get(&record, store, 1, file_id));
  CHECK(number_of("FileInfo", record, "size") == kSize);
  custdb_buffer_free(record);

  /* Categories. */
  photo = attach(store, 1, customer, "Photo", contents, 10);
  attach(store, 1, customer, "Photo", contents, 0);
  attach(store, 1, other, "Photo", contents, 5);
  CHECK(count_files(store, 1, customer, 0) == 3);
  CHECK(count_files(store, 1, customer, CUSTDB_FILE_PHOTO) == 2);
  CHECK(count_files(store, 1, customer, CUSTDB_FILE_CONTRACT) == 1);
  CHECK(count_files(store, 1, customer, CUSTDB_FILE_COI) == 0);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_file_list(&cursor, store, 1, customer, 6, NULL));
  CHECK(starts_with(custdb_last_error(), "category:"));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_file_list(&cursor, store, 1, customer, -1, NULL));

  /* Another account or customer. */
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_file_get(&record, store, 2, file_id));
  CHECK(record == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_file_open_content(&cursor, store, 2, file_id, NULL));
  CHECK(cursor == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_file_delete(store, 2, file_id));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_file_list(&cursor, store, 2, customer, 0, NULL));
  CHECK(count_files(store, 2, elsewhere, 0) == 0);
  draft = file_draft("Msa", "msa.pdf");
  writer = (custdb_file_writer*)1;
  CHECK_RC(
      CUSTDB_ENOTFOUND,
      custdb_file_begin(&writer, store, 2, customer, custdb_buffer_data(draft),
                        custdb_buffer_size(draft), NULL));
  CHECK(writer == NULL);
  CHECK_RC(
      CUSTDB_ENOTFOUND,
      custdb_file_begin(&writer, store, 1, 987654321, custdb_buffer_data(draft),
                        custdb_buffer_size(draft), NULL));
  custdb_buffer_free(draft);

  /* Bad drafts and options. */
  draft = file_draft("Unspecified", "a.pdf");
  CHECK_RC(CUSTDB_EINVAL, custdb_file_begin(&writer, store, 1, customer,
                                            custdb_buffer_data(draft),
                                            custdb_buffer_size(draft), NULL));
  CHECK(starts_with(custdb_last_error(), "category:"));
  custdb_buffer_free(draft);
  draft = file_draft("Msa", "a/b.pdf");
  CHECK_RC(CUSTDB_EINVAL, custdb_file_begin(&writer, store, 1, customer,
                                            custdb_buffer_data(draft),
                                            custdb_buffer_size(draft), NULL));
  CHECK(starts_with(custdb_last_error(), "file_name:"));
  CHECK(strstr(custdb_last_error(), "a/b") == NULL);
  options.version = 99;
  CHECK_RC(
      CUSTDB_EINVAL,
      custdb_file_begin(&writer, store, 1, customer, custdb_buffer_data(draft),
                        custdb_buffer_size(draft), &options));
  CHECK(starts_with(custdb_last_error(), "options.version"));
  custdb_buffer_free(draft);
  draft = from_json("FileDraft",
                    "{\"category\": \"Coi\", \"file_name\": \"c.pdf\", "
                    "\"content_type\": \"pdf\"}");
  CHECK_RC(CUSTDB_EINVAL, custdb_file_begin(&writer, store, 1, customer,
                                            custdb_buffer_data(draft),
                                            custdb_buffer_size(draft), NULL));
  CHECK(starts_with(custdb_last_error(), "content_type:"));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_file_begin(&writer, store, 1, customer, contents, 64, NULL));
  custdb_buffer_free(draft);

  /* Over the limit: the crossing write fails, then the writer is dead. */
  options.version = CUSTDB_FILE_OPTIONS_VERSION;
  options.max_bytes = 300 * 1024;
  writer = begin(store, 1, customer, "Other", &options);
  CHECK_RC(CUSTDB_OK, custdb_file_write(writer, contents, 200 * 1024));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_write(writer, contents, 200 * 1024));
  CHECK(strcmp(custdb_last_error(),
               "file: larger than the 307200-byte limit") == 0);
  CHECK_RC(CUSTDB_EINVAL, custdb_file_write(writer, contents, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_file_commit(&info, writer));
  CHECK(info == NULL);
  custdb_file_writer_free(writer);
  CHECK(count_files(store, 1, customer, CUSTDB_FILE_OTHER) == 0);

  /* An abandoned writer leaves nothing. */
  writer = begin(store, 1, customer, "Msa", NULL);
  CHECK_RC(CUSTDB_OK, custdb_file_write(writer, contents, 700 * 1024));
  custdb_file_writer_free(writer);
  CHECK(count_files(store, 1, customer, CUSTDB_FILE_MSA) == 0);
  CHECK(check_issues(store) == 0);

  /* Delete. */
  CHECK_RC(CUSTDB_OK, custdb_file_delete(store, 1, file_id));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_file_delete(store, 1, file_id));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_file_get(&record, store, 1, file_id));
  CHECK(read_contents(store, 1, file_id, back, sizeof back, &rc) == -1);
  CHECK(rc == CUSTDB_ENOTFOUND);
  CHECK(count_files(store, 1, customer, 0) == 2);
  read = read_contents(store, 1, photo, back, sizeof back, &rc);
  CHECK(read == 10);
  CHECK(check_issues(store) == 0);
}

/* A writer that outlives its store fails, and freeing it is safe. */
static void test_writer_outlives_store(void) {
  custdb_store* store = NULL;
  custdb_file_writer* writer;
  custdb_buffer* info = NULL;
  uint8_t bytes[1000] = {0};
  uint64_t customer;
  remove_tree(path_of("outlive"));
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("outlive"), NULL));
  customer = create_customer(store, 1, "415-555-0103");
  writer = begin(store, 1, customer, "Photo", NULL);
  CHECK_RC(CUSTDB_OK, custdb_file_write(writer, bytes, sizeof bytes));
  custdb_store_close(store);
  CHECK_RC(CUSTDB_ECLOSED, custdb_file_write(writer, bytes, sizeof bytes));
  CHECK_RC(CUSTDB_ECLOSED, custdb_file_commit(&info, writer));
  CHECK(info == NULL);
  custdb_file_writer_free(writer);
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("outlive"), NULL));
  CHECK(count_files(store, 1, customer, 0) == 0);
  CHECK(check_issues(store) == 0);
  custdb_store_close(store);
}

static int add_link(custdb_store* store, uint64_t account, uint64_t customer,
                    const char* kind, const char* external_id,
                    custdb_buffer** out) {
  char json[512];
  custdb_buffer* draft;
  int rc;
  snprintf(json, sizeof json, "{\"kind\": \"%s\", \"external_id\": \"%s\"}",
           kind, external_id);
  draft = from_json("LinkDraft", json);
  rc = custdb_link_add(out, store, account, customer, custdb_buffer_data(draft),
                       custdb_buffer_size(draft));
  custdb_buffer_free(draft);
  return rc;
}

static void test_links(custdb_store* store) {
  custdb_buffer* link = NULL;
  custdb_buffer* again = NULL;
  custdb_buffer* found = NULL;
  custdb_cursor* cursor = NULL;
  uint64_t a = create_customer(store, 5, "415-555-0111");
  uint64_t b = create_customer(store, 5, "415-555-0112");
  uint64_t elsewhere = create_customer(store, 6, "415-555-0111");
  char expected[128];
  uint8_t junk[16] = {0};

  CHECK_RC(CUSTDB_OK, add_link(store, 5, a, "Job", "J-100", &link));
  CHECK(record_has_text("Link", link, "\"job\""));
  CHECK(number_of("Link", link, "customer_id") == (long long)a);
  CHECK_RC(CUSTDB_OK, add_link(store, 5, a, "job", "J-100", &again));
  CHECK(custdb_buffer_size(again) == custdb_buffer_size(link));
  CHECK(memcmp(custdb_buffer_data(again), custdb_buffer_data(link),
               custdb_buffer_size(link)) == 0);
  custdb_buffer_free(again);
  custdb_buffer_free(link);
  CHECK_RC(CUSTDB_OK, add_link(store, 5, a, "invoice", "INV-1", NULL));

  CHECK_RC(CUSTDB_ECONFLICT, add_link(store, 5, b, "job", "J-100", &link));
  CHECK(link == NULL);
  snprintf(expected, sizeof expected, "link: already linked to customer %llu",
           (unsigned long long)a);
  CHECK(strcmp(custdb_last_error(), expected) == 0);

  CHECK_RC(CUSTDB_OK, custdb_link_find(&found, store, 5, "JOB", "J-100"));
  CHECK(number_of("Link", found, "customer_id") == (long long)a);
  custdb_buffer_free(found);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_link_find(&found, store, 6, "job", "J-100"));
  CHECK(found == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_link_find(&found, store, 5, "job", "J-9"));

  CHECK_RC(CUSTDB_OK, custdb_link_list(&cursor, store, 5, a, NULL));
  CHECK(count_cursor(cursor) == 2);
  custdb_cursor_free(cursor);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_link_list(&cursor, store, 6, a, NULL));
  CHECK(cursor == NULL);
  CHECK_RC(CUSTDB_OK, custdb_link_list(&cursor, store, 6, elsewhere, NULL));
  CHECK(count_cursor(cursor) == 0);
  custdb_cursor_free(cursor);

  /* Bad input. */
  CHECK_RC(CUSTDB_EINVAL, add_link(store, 5, a, "work order", "1", NULL));
  CHECK(starts_with(custdb_last_error(), "kind:"));
  CHECK_RC(CUSTDB_EINVAL, add_link(store, 5, a, "job", "", NULL));
  CHECK(starts_with(custdb_last_error(), "external_id:"));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_add(NULL, store, 5, a, junk, 16));
  CHECK_RC(CUSTDB_ENOTFOUND, add_link(store, 6, a, "job", "J-7", NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_remove(store, 5, a, NULL, "J-100"));
  CHECK_RC(CUSTDB_EINVAL, custdb_link_remove(store, 5, a, "job", NULL));

  /* Remove. */
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_link_remove(store, 5, b, "job", "J-100"));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_link_remove(store, 6, a, "job", "J-100"));
  CHECK_RC(CUSTDB_OK, custdb_link_remove(store, 5, a, "job", "J-100"));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_link_remove(store, 5, a, "job", "J-100"));
  CHECK_RC(CUSTDB_OK, add_link(store, 5, b, "job", "J-100", NULL));
  CHECK(check_issues(store) == 0);
}

static int issue_link(custdb_store* store, uint64_t account, uint64_t customer,
                      int64_t expires_at_ms, custdb_buffer** out) {
  char json[128];
  custdb_buffer* draft;
  int rc;
  snprintf(json, sizeof json, "{\"expires_at_ms\": %lld}",
           (long long)expires_at_ms);
  draft = from_json("PortalLinkDraft", json);
  rc = custdb_portal_link_issue(out, store, account, customer,
                                custdb_buffer_data(draft),
                                custdb_buffer_size(draft));
  custdb_buffer_free(draft);
  return rc;
}

/* Whether any file under `dir` holds `needle`. */
static int directory_holds(const char* dir, const char* needle) {
  DIR* d = opendir(dir);
  struct dirent* entry;
  int found = 0;
  size_t n = strlen(needle);
  if (d == NULL) return 0;
  while (!found && (entry = readdir(d)) != NULL) {
    char path[8192 + 256 + 2];
    FILE* file;
    char* bytes;
    long size;
    if (entry->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
    file = fopen(path, "rb");
    if (file == NULL) continue;
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    fseek(file, 0, SEEK_SET);
    bytes = malloc(size > 0 ? (size_t)size : 1);
    if (size > 0 && fread(bytes, 1, (size_t)size, file) == (size_t)size) {
      long i;
      for (i = 0; !found && i + (long)n <= size; i++) {
        found = memcmp(bytes + i, needle, n) == 0;
      }
    }
    free(bytes);
    fclose(file);
  }
  closedir(d);
  return found;
}

static void test_portal(void) {
  custdb_store* store = NULL;
  custdb_buffer* link = NULL;
  custdb_buffer* customer_record = NULL;
  custdb_cursor* cursor = NULL;
  char token[128], revoked_token[128], expiring_token[128], unknown[128];
  char message[256];
  const char* failing[5];
  uint64_t customer, link_id, revoked_id;
  int64_t now = now_ms();
  size_t i;

  remove_tree(path_of("portal"));
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("portal"), NULL));
  customer = create_customer(store, 1, "415-555-0121");

  CHECK_RC(CUSTDB_OK, issue_link(store, 1, customer, 0, &link));
  string_of("PortalLink", link, "token", token, sizeof token);
  CHECK(strlen(token) == 43);
  link_id = (uint64_t)number_of("PortalLink", link, "id");
  CHECK(number_of("PortalLink", link, "expires_at_ms") >=
        now + 30LL * 24 * 3600 * 1000);
  custdb_buffer_free(link);

  CHECK_RC(CUSTDB_OK, custdb_portal_resolve(&customer_record, store, 1, token));
  CHECK(number_of("Customer", customer_record, "id") == (long long)customer);
  custdb_buffer_free(customer_record);

  CHECK_RC(CUSTDB_OK, issue_link(store, 1, customer, 0, &link));
  string_of("PortalLink", link, "token", revoked_token, sizeof revoked_token);
  revoked_id = (uint64_t)number_of("PortalLink", link, "id");
  custdb_buffer_free(link);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_portal_link_revoke(store, 2, revoked_id));
  CHECK_RC(CUSTDB_OK, custdb_portal_link_revoke(store, 1, revoked_id));
  CHECK_RC(CUSTDB_OK, custdb_portal_link_revoke(store, 1, revoked_id));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_portal_link_revoke(store, 1, 123456789));

  CHECK_RC(CUSTDB_OK, issue_link(store, 1, customer, now_ms() + 800, &link));
  string_of("PortalLink", link, "token", expiring_token, sizeof expiring_token);
  custdb_buffer_free(link);

  /* Active links only, and no token in any of them. */
  CHECK_RC(CUSTDB_OK,
           custdb_portal_link_list(&cursor, store, 1, customer, NULL));
  {
    custdb_buffer* record = NULL;
    size_t n = 0;
    while (custdb_cursor_next(&record, cursor) == CUSTDB_OK && record != NULL) {
      char seen[128];
      string_of("PortalLink", record, "token", seen, sizeof seen);
      CHECK(seen[0] == '\0');
      CHECK((uint64_t)number_of("PortalLink", record, "id") != revoked_id);
      n++;
      custdb_buffer_free(record);
    }
    CHECK(n == 2);
  }
  custdb_cursor_free(cursor);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_portal_link_list(&cursor, store, 2, customer, NULL));

  sleep_ms(1000);
  snprintf(unknown, sizeof unknown, "%s", token);
  unknown[5] = unknown[5] == 'A' ? 'B' : 'A';
  failing[0] = unknown;
  failing[1] = "malformed token!";
  failing[2] = expiring_token;
  failing[3] = revoked_token;
  failing[4] = "";
  message[0] = '\0';
  for (i = 0; i < 5; i++) {
    customer_record = (custdb_buffer*)1;
    CHECK_RC(CUSTDB_ENOTFOUND,
             custdb_portal_resolve(&customer_record, store, 1, failing[i]));
    CHECK(customer_record == NULL);
    if (i == 0) snprintf(message, sizeof message, "%s", custdb_last_error());
    CHECK(strcmp(custdb_last_error(), message) == 0);
    CHECK(strstr(custdb_last_error(), failing[i][0] ? failing[i] : "#") ==
          NULL);
  }
  CHECK(starts_with(message, "token:"));
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_portal_resolve(&customer_record, store, 2, token));
  CHECK(strcmp(custdb_last_error(), message) == 0);
  CHECK_RC(CUSTDB_OK,
           custdb_portal_link_list(&cursor, store, 1, customer, NULL));
  CHECK(count_cursor(cursor) == 1);
  custdb_cursor_free(cursor);

  /* Bad drafts. */
  CHECK_RC(CUSTDB_EINVAL, issue_link(store, 1, customer, now - 1, &link));
  CHECK(starts_with(custdb_last_error(), "expires_at_ms:"));
  CHECK_RC(CUSTDB_EINVAL, issue_link(store, 1, customer,
                                     now + 400LL * 24 * 3600 * 1000, &link));
  CHECK_RC(CUSTDB_EINVAL, issue_link(store, 1, customer, 0, NULL));
  CHECK_RC(CUSTDB_ENOTFOUND, issue_link(store, 2, customer, 0, &link));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_portal_resolve(&customer_record, store, 1, NULL));
  CHECK(check_issues(store) == 0);
  CHECK(link_id != 0);
  custdb_store_close(store);

  /* Not in the log, the tables or the blob files. */
  CHECK(!directory_holds(path_of("portal"), token));
  CHECK(!directory_holds(path_of("portal"), revoked_token));
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  snprintf(scratch, sizeof scratch, "%s", argv[1]);
  remove_tree(scratch);

  /* First, while this process has no RocksDB threads to fork. */
  test_crash_during_write();
  test_null_safety();
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("main"), NULL));
  test_files(store);
  test_links(store);
  custdb_store_close(store);
  test_writer_outlives_store();
  test_portal();

  remove_tree(scratch);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
