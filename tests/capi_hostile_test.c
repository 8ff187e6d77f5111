/* Hostile input at the C ABI, table by table: NULL for every pointer
 * argument, lengths far past the bytes given, invalid UTF-8 and embedded
 * NUL bytes in every text field, enum values and numbers out of range,
 * ids of another account and id 0, damaged and foreign resume tokens,
 * stale versions. Each case must return its error code (and, where the
 * ABI promises one, a message that starts with the field's name), hand
 * out nothing, and change nothing: after every case the summaries and a
 * JSON dump of every record are compared with those taken before, and
 * the store's consistency check ends the run.
 *
 * usage: capi_hostile_test SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_util.h"
#include "custdb.h"

/* ---- Text that grows -------------------------------------------------- */

typedef struct {
  char* data;
  size_t size;
  size_t capacity;
} text;

static void text_add(text* t, const char* bytes, size_t size) {
  if (t->size + size + 1 > t->capacity) {
    t->capacity = (t->size + size + 1) * 2;
    t->data = realloc(t->data, t->capacity);
    if (t->data == NULL) exit(2);
  }
  memcpy(t->data + t->size, bytes, size);
  t->size += size;
  t->data[t->size] = '\0';
}

static void text_str(text* t, const char* s) { text_add(t, s, strlen(s)); }

/* ---- The store and its records ---------------------------------------- */

static custdb_store* store = NULL;

#define ACCOUNT_A 1
#define ACCOUNT_B 2

/* One account's records: a customer with one of each kind of child, a
 * second customer, and a tag. */
typedef struct {
  uint64_t customer;
  uint64_t company;
  uint64_t spare; /* an individual to merge with */
  uint64_t contact;
  uint64_t location;
  uint64_t note;
  uint64_t entry;
  uint64_t file;
  uint64_t tag;
  uint64_t portal_link;
  char portal_token[64];
} account_records;

static account_records a, b;

static uint64_t id_of(const char* type_name, custdb_buffer* record) {
  uint64_t id = (uint64_t)record_number(type_name, record, "id");
  custdb_buffer_free(record);
  return id;
}

/* Runs a call that must succeed and returns the id of the record it
 * returns. */
#define MUST(call)                                                  \
  do {                                                              \
    int rc_ = (call);                                               \
    if (rc_ != CUSTDB_OK) {                                         \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, \
              custdb_last_error());                                 \
      exit(1);                                                      \
    }                                                               \
  } while (0)

static uint64_t add_record(const char* draft_type, const char* json,
                           const char* out_type, int kind, uint64_t account,
                           uint64_t customer) {
  custdb_buffer* draft = from_json(draft_type, json);
  custdb_buffer* out = NULL;
  const uint8_t* d = custdb_buffer_data(draft);
  size_t n = custdb_buffer_size(draft);
  switch (kind) {
    case 0:
      MUST(custdb_contact_add(&out, store, account, customer, d, n));
      break;
    case 1:
      MUST(custdb_location_add(&out, store, account, customer, d, n));
      break;
    case 2:
      MUST(custdb_note_add(&out, store, account, customer, d, n));
      break;
    case 3:
      MUST(custdb_timeline_append(&out, NULL, store, account, customer, d, n));
      break;
    case 4:
      MUST(custdb_tag_create(&out, NULL, store, account, d, n));
      break;
    case 5:
      MUST(custdb_link_add(&out, store, account, customer, d, n));
      break;
  }
  custdb_buffer_free(draft);
  return id_of(out_type, out);
}

static void make_account(account_records* r, uint64_t account,
                         const char* phone) {
  char json[512];
  custdb_create_options dup = CUSTDB_CREATE_OPTIONS_INIT;
  custdb_buffer* draft;
  custdb_buffer* out = NULL;
  custdb_file_writer* writer = NULL;
  char* link_json;
  static const uint8_t contents[] = "%PDF-1.4 a small contract";

  dup.allow_duplicate_phone = 1;
  snprintf(json, sizeof json,
           "{\"kind\":\"Individual\",\"first_name\":\"Ann\",\"last_name\":"
           "\"Lee\",\"phone\":\"%s\",\"email\":\"ann@example.com\"}",
           phone);
  r->customer = create(store, account, json, NULL, &dup);
  snprintf(json, sizeof json,
           "{\"kind\":\"Company\",\"company_name\":\"Acme Plumbing\","
           "\"phone\":\"%s\"}",
           phone);
  r->company = create(store, account, json, NULL, &dup);
  snprintf(json, sizeof json,
           "{\"kind\":\"Individual\",\"first_name\":\"Anne\",\"last_name\":"
           "\"Lee\",\"phone\":\"%s\"}",
           phone);
  r->spare = create(store, account, json, NULL, &dup);
  r->contact = add_record("ContactDraft",
                          "{\"first_name\":\"Bo\",\"phone\":\"4155550177\"}",
                          "Contact", 0, account, r->customer);
  r->location = add_record(
      "LocationDraft",
      "{\"kind\":\"Service\",\"address_line1\":\"1 Main St\",\"city\":"
      "\"Springfield\",\"state\":\"IL\",\"zip\":\"62701\"}",
      "Location", 1, account, r->customer);
  r->note =
      add_record("NoteDraft", "{\"author\":\"u1\",\"body\":\"gate code\"}",
                 "Note", 2, account, r->customer);
  r->entry = add_record("TimelineEntryDraft",
                        "{\"channel\":\"Sms\",\"direction\":\"Inbound\","
                        "\"occurred_at_ms\":1700000000000,\"external_ref\":"
                        "\"m-1\"}",
                        "TimelineEntry", 3, account, r->customer);
  r->tag = add_record("TagDraft", "{\"name\":\"vip\"}", "Tag", 4, account, 0);
  MUST(custdb_customer_tag(NULL, store, account, r->customer, r->tag));
  link_json = "{\"kind\":\"job\",\"external_id\":\"J-1\"}";
  add_record("LinkDraft", link_json, "Link", 5, account, r->customer);

  draft = from_json("FileDraft",
                    "{\"category\":\"Contract\",\"file_name\":\"msa.pdf\","
                    "\"content_type\":\"application/pdf\"}");
  MUST(custdb_file_begin(&writer, store, account, r->customer,
                         custdb_buffer_data(draft), custdb_buffer_size(draft),
                         NULL));
  MUST(custdb_file_write(writer, contents, sizeof contents));
  MUST(custdb_file_commit(&out, writer));
  custdb_file_writer_free(writer);
  custdb_buffer_free(draft);
  r->file = id_of("FileInfo", out);

  draft = from_json("PortalLinkDraft", "{\"expires_at_ms\":0}");
  MUST(custdb_portal_link_issue(&out, store, account, r->customer,
                                custdb_buffer_data(draft),
                                custdb_buffer_size(draft)));
  custdb_buffer_free(draft);
  {
    char* link = to_json("PortalLink", out);
    const char* at = strstr(link, "\"token\":");
    if (at == NULL) exit(1);
    at += strlen("\"token\":");
    while (*at == ' ' || *at == '"') at++;
    snprintf(r->portal_token, sizeof r->portal_token, "%.43s", at);
    free(link);
  }
  r->portal_link = id_of("PortalLink", out);
}

/* ---- The snapshot: everything a refused call must leave alone --------- */

/* `record` is read after the call that fills it has run: arguments are
 * evaluated in no fixed order. */
static void dump_record(text* t, const char* type_name, int rc,
                        custdb_buffer** slot) {
  custdb_buffer* record = slot == NULL ? NULL : *slot;
  char code[64];
  if (rc != CUSTDB_OK) {
    snprintf(code, sizeof code, "%s %s\n", type_name, custdb_error_name(rc));
    text_str(t, code);
    return;
  }
  {
    char* json = to_json(type_name, record);
    text_str(t, json);
    text_str(t, "\n");
    free(json);
  }
  custdb_buffer_free(record);
}

static void dump_cursor(text* t, const char* type_name, int rc,
                        custdb_cursor** slot) {
  custdb_cursor* cursor = *slot;
  custdb_buffer* record = NULL;
  if (rc != CUSTDB_OK) {
    dump_record(t, type_name != NULL ? type_name : "content", rc, NULL);
    return;
  }
  while ((rc = custdb_cursor_next(&record, cursor)) == CUSTDB_OK &&
         record != NULL) {
    if (type_name == NULL) {
      text_add(t, (const char*)custdb_buffer_data(record),
               custdb_buffer_size(record));
      text_str(t, "\n");
      custdb_buffer_free(record);
    } else {
      dump_record(t, type_name, CUSTDB_OK, &record);
    }
  }
  if (rc != CUSTDB_OK) dump_record(t, "cursor", rc, NULL);
  custdb_cursor_free(cursor);
}

static void dump_account(text* t, uint64_t account, const account_records* r) {
  custdb_buffer* out = NULL;
  custdb_cursor* cursor = NULL;
  uint64_t customers[3];
  int i;
  customers[0] = r->customer;
  customers[1] = r->company;
  customers[2] = r->spare;

  dump_record(t, "Summary", custdb_summary_get(&out, store, account), &out);
  for (i = 0; i < 3; i++) {
    uint64_t c = customers[i];
    dump_record(t, "Customer", custdb_customer_get(&out, store, account, c),
                &out);
    dump_cursor(t, "Contact",
                custdb_contact_list(&cursor, store, account, c, NULL), &cursor);
    dump_cursor(t, "Location",
                custdb_location_list(&cursor, store, account, c, NULL),
                &cursor);
    dump_cursor(t, "Note", custdb_note_list(&cursor, store, account, c, NULL),
                &cursor);
    dump_cursor(t, "TimelineEntry",
                custdb_timeline_list(&cursor, store, account, c, 0, NULL),
                &cursor);
    dump_cursor(t, "FileInfo",
                custdb_file_list(&cursor, store, account, c, 0, NULL), &cursor);
    dump_cursor(t, "Link", custdb_link_list(&cursor, store, account, c, NULL),
                &cursor);
    dump_cursor(t, "PortalLink",
                custdb_portal_link_list(&cursor, store, account, c, NULL),
                &cursor);
  }
  dump_cursor(t, "Tag", custdb_tag_list(&cursor, store, account, NULL),
              &cursor);
  dump_cursor(t, "Account", custdb_account_list(&cursor, store, NULL), &cursor);
  dump_cursor(t, NULL,
              custdb_file_open_content(&cursor, store, account, r->file, NULL),
              &cursor);
  dump_cursor(t, "Customer",
              custdb_customer_find_by_phone(&cursor, store, account,
                                            "4155550177", NULL),
              &cursor);
  dump_cursor(t, "Customer",
              custdb_customer_find_by_email(&cursor, store, account,
                                            "ann@example.com", NULL),
              &cursor);
}

static char* snapshot(void) {
  text t = {NULL, 0, 0};
  text_str(&t, "");
  dump_account(&t, ACCOUNT_A, &a);
  dump_account(&t, ACCOUNT_B, &b);
  return t.data;
}

static char* baseline = NULL;

/* ---- Running one case ------------------------------------------------- */

/* Out-parameters start as this sentinel: a refused call must set the ones
 * it is given to NULL. */
static char sentinel_byte;
#define SENTINEL ((void*)&sentinel_byte)
static custdb_buffer* out_buffer;
static custdb_cursor* out_cursor;
static custdb_file_writer* out_writer;
static int out_existed;
#define BUF (&out_buffer)
#define CUR (&out_cursor)
#define WRITER (&out_writer)
#define EXISTED (&out_existed)

static int cases = 0;
/* Compare with the baseline after every case, or only at the end of a
 * loop of many cheap ones. */
static int compare_each = 1;

static void reset_outs(void) {
  out_buffer = SENTINEL;
  out_cursor = SENTINEL;
  out_writer = SENTINEL;
  out_existed = -1;
}

static int starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void compare_with_baseline(const char* what, int line) {
  char* now = snapshot();
  checks++;
  if (strcmp(now, baseline) != 0) {
    failures++;
    fprintf(stderr, "%s:%d: %s changed the store\n", __FILE__, line, what);
    free(baseline);
    baseline = now;
    return;
  }
  free(now);
}

static void refused(const char* what, int line, int rc, int expected,
                    const char* prefix) {
  const char* message = custdb_last_error();
  cases++;
  checks++;
  if (rc != expected) {
    failures++;
    fprintf(stderr, "%s:%d: %s returned %s, not %s (%s)\n", __FILE__, line,
            what, custdb_error_name(rc), custdb_error_name(expected), message);
  } else if (prefix != NULL && !starts_with(message, prefix)) {
    failures++;
    fprintf(stderr, "%s:%d: %s: message \"%s\" does not start with \"%s\"\n",
            __FILE__, line, what, message, prefix);
  }
  checks++;
  if ((out_buffer != SENTINEL && out_buffer != NULL) ||
      (out_cursor != SENTINEL && out_cursor != NULL) ||
      (out_writer != SENTINEL && out_writer != NULL) ||
      (out_existed != -1 && out_existed != 0)) {
    failures++;
    fprintf(stderr, "%s:%d: %s handed something out\n", __FILE__, line, what);
  }
  if (out_buffer != SENTINEL && out_buffer != NULL) {
    custdb_buffer_free(out_buffer);
  }
  if (out_cursor != SENTINEL && out_cursor != NULL) {
    custdb_cursor_free(out_cursor);
  }
  if (out_writer != SENTINEL && out_writer != NULL) {
    custdb_file_writer_free(out_writer);
  }
  if (compare_each) compare_with_baseline(what, line);
}

/* One row of a table: the code a call must return, the start of its
 * message (NULL where the ABI promises none), the call. */
#define REFUSE(expected, prefix, call)                      \
  do {                                                      \
    reset_outs();                                           \
    refused(#call, __LINE__, (call), (expected), (prefix)); \
  } while (0)

#define EINVAL_ CUSTDB_EINVAL
#define ENOTFOUND_ CUSTDB_ENOTFOUND

/* ---- Inputs ----------------------------------------------------------- */

static uint8_t junk[64];
/* 8 bytes of a buffer that is aligned, and 8 that are not. */
static uint64_t aligned_words[4];
#define ALIGNED ((const uint8_t*)aligned_words)
#define UNALIGNED ((const uint8_t*)aligned_words + 1)

static custdb_buffer* valid_record(const char* type_name, const char* json) {
  return from_json(type_name, json);
}

/* ---- Table 1: NULL for every pointer argument ------------------------- */

static void null_pointers(void) {
  custdb_buffer* patch = valid_record("CustomerPatch", "{\"vip\":true}");
  custdb_buffer* cdraft =
      valid_record("CustomerDraft",
                   "{\"kind\":\"Individual\",\"first_name\":\"Zed\",\"phone\":"
                   "\"4155550190\"}");
  custdb_buffer* tdraft = valid_record("TagDraft", "{\"name\":\"gold\"}");
  custdb_buffer* fdraft = valid_record(
      "FileDraft",
      "{\"category\":\"Photo\",\"file_name\":\"a.jpg\",\"content_type\":"
      "\"image/jpeg\"}");
  custdb_buffer* pdraft = valid_record("PortalLinkDraft", "{}");
  const uint8_t* cd = custdb_buffer_data(cdraft);
  size_t cn = custdb_buffer_size(cdraft);
  const uint8_t* pd = custdb_buffer_data(patch);
  size_t pn = custdb_buffer_size(patch);
  const uint8_t* td = custdb_buffer_data(tdraft);
  size_t tn = custdb_buffer_size(tdraft);
  const uint8_t* fd = custdb_buffer_data(fdraft);
  size_t fn = custdb_buffer_size(fdraft);
  uint64_t A = ACCOUNT_A;
  uint64_t c = a.customer;

  /* JSON and stores */
  REFUSE(EINVAL_, "out:", custdb_record_from_json(NULL, "Tag", "{}", 2));
  REFUSE(EINVAL_, "type_name:", custdb_record_from_json(BUF, NULL, "{}", 2));
  REFUSE(EINVAL_, "json:", custdb_record_from_json(BUF, "Tag", NULL, 2));
  REFUSE(EINVAL_, "out:", custdb_record_to_json(NULL, "TagDraft", td, tn));
  REFUSE(EINVAL_, "type_name:", custdb_record_to_json(BUF, NULL, td, tn));
  REFUSE(EINVAL_, "record:", custdb_record_to_json(BUF, "TagDraft", NULL, tn));
  REFUSE(EINVAL_, "out:", custdb_store_open(NULL, path_of("other"), NULL));
  REFUSE(EINVAL_, "path:", custdb_store_open((custdb_store**)BUF, NULL, NULL));
  REFUSE(EINVAL_, "out:", custdb_store_check(NULL, store));
  REFUSE(EINVAL_, "store:", custdb_store_check(BUF, NULL));

  /* customers */
  REFUSE(EINVAL_,
         "store:", custdb_customer_create(BUF, EXISTED, NULL, A, cd, cn, NULL));
  REFUSE(EINVAL_, "draft:",
         custdb_customer_create(BUF, EXISTED, store, A, NULL, cn, NULL));
  REFUSE(EINVAL_, "out:", custdb_customer_import(NULL, store, A, cd, cn, NULL));
  REFUSE(EINVAL_, "store:", custdb_customer_import(BUF, NULL, A, cd, cn, NULL));
  REFUSE(EINVAL_,
         "batch:", custdb_customer_import(BUF, store, A, NULL, cn, NULL));
  REFUSE(EINVAL_,
         "batch:", custdb_customer_import(BUF, store, A, cd, cn, NULL));
  REFUSE(EINVAL_, "out:", custdb_customer_get(NULL, store, A, c));
  REFUSE(EINVAL_, "store:", custdb_customer_get(BUF, NULL, A, c));
  REFUSE(EINVAL_,
         "store:", custdb_customer_update(BUF, NULL, A, c, pd, pn, NULL));
  REFUSE(EINVAL_,
         "patch:", custdb_customer_update(BUF, store, A, c, NULL, pn, NULL));
  REFUSE(EINVAL_, "store:", custdb_customer_archive(BUF, NULL, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_customer_unarchive(BUF, NULL, A, c, NULL));
  REFUSE(EINVAL_, "out:", custdb_summary_get(NULL, store, A));
  REFUSE(EINVAL_, "store:", custdb_summary_get(BUF, NULL, A));
  REFUSE(EINVAL_, "out:",
         custdb_customer_find_by_phone(NULL, store, A, "4155550177", NULL));
  REFUSE(EINVAL_, "store:",
         custdb_customer_find_by_phone(CUR, NULL, A, "4155550177", NULL));
  REFUSE(EINVAL_,
         "phone:", custdb_customer_find_by_phone(CUR, store, A, NULL, NULL));
  REFUSE(EINVAL_,
         "out:", custdb_customer_find_by_email(NULL, store, A, "a@b.io", NULL));
  REFUSE(EINVAL_,
         "store:", custdb_customer_find_by_email(CUR, NULL, A, "a@b.io", NULL));
  REFUSE(EINVAL_,
         "email:", custdb_customer_find_by_email(CUR, store, A, NULL, NULL));

  /* cursors */
  REFUSE(EINVAL_, "out:", custdb_cursor_next(NULL, NULL));
  REFUSE(EINVAL_, "cursor:", custdb_cursor_next(BUF, NULL));
  REFUSE(EINVAL_, "out:", custdb_cursor_token(NULL, NULL));
  REFUSE(EINVAL_, "cursor:", custdb_cursor_token(BUF, NULL));

  /* contacts, locations, notes, timeline: the store and the draft */
  REFUSE(EINVAL_, "store:", custdb_contact_add(BUF, NULL, A, c, junk, 8));
  REFUSE(EINVAL_, "draft:", custdb_contact_add(BUF, store, A, c, NULL, 8));
  REFUSE(EINVAL_, "out:", custdb_contact_get(NULL, store, A, a.contact));
  REFUSE(EINVAL_, "store:", custdb_contact_get(BUF, NULL, A, a.contact));
  REFUSE(EINVAL_, "store:",
         custdb_contact_update(BUF, NULL, A, a.contact, junk, 8, NULL));
  REFUSE(EINVAL_, "patch:",
         custdb_contact_update(BUF, store, A, a.contact, NULL, 8, NULL));
  REFUSE(EINVAL_, "store:", custdb_contact_promote(BUF, NULL, A, a.contact));
  REFUSE(EINVAL_, "store:", custdb_contact_delete(NULL, A, a.contact, NULL));
  REFUSE(EINVAL_, "out:", custdb_contact_list(NULL, store, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_contact_list(CUR, NULL, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_location_add(BUF, NULL, A, c, junk, 8));
  REFUSE(EINVAL_, "draft:", custdb_location_add(BUF, store, A, c, NULL, 8));
  REFUSE(EINVAL_, "out:", custdb_location_get(NULL, store, A, a.location));
  REFUSE(EINVAL_, "store:", custdb_location_get(BUF, NULL, A, a.location));
  REFUSE(EINVAL_, "store:",
         custdb_location_update(BUF, NULL, A, a.location, junk, 8, NULL));
  REFUSE(EINVAL_, "patch:",
         custdb_location_update(BUF, store, A, a.location, NULL, 8, NULL));
  REFUSE(EINVAL_, "store:", custdb_location_delete(NULL, A, a.location, NULL));
  REFUSE(EINVAL_, "out:", custdb_location_list(NULL, store, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_location_list(CUR, NULL, A, c, NULL));
  REFUSE(EINVAL_,
         "store:", custdb_timeline_append(BUF, EXISTED, NULL, A, c, junk, 8));
  REFUSE(EINVAL_,
         "draft:", custdb_timeline_append(BUF, EXISTED, store, A, c, NULL, 8));
  REFUSE(EINVAL_, "out:", custdb_timeline_list(NULL, store, A, c, 0, NULL));
  REFUSE(EINVAL_, "store:", custdb_timeline_list(CUR, NULL, A, c, 0, NULL));
  REFUSE(EINVAL_, "store:", custdb_note_add(BUF, NULL, A, c, junk, 8));
  REFUSE(EINVAL_, "draft:", custdb_note_add(BUF, store, A, c, NULL, 8));
  REFUSE(EINVAL_, "out:", custdb_note_get(NULL, store, A, a.note));
  REFUSE(EINVAL_, "store:", custdb_note_get(BUF, NULL, A, a.note));
  REFUSE(EINVAL_,
         "store:", custdb_note_update(BUF, NULL, A, a.note, junk, 8, NULL));
  REFUSE(EINVAL_,
         "patch:", custdb_note_update(BUF, store, A, a.note, NULL, 8, NULL));
  REFUSE(EINVAL_, "store:", custdb_note_delete(NULL, A, a.note, NULL));
  REFUSE(EINVAL_, "out:", custdb_note_list(NULL, store, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_note_list(CUR, NULL, A, c, NULL));

  /* files */
  REFUSE(EINVAL_, "out:", custdb_file_begin(NULL, store, A, c, fd, fn, NULL));
  REFUSE(EINVAL_,
         "store:", custdb_file_begin(WRITER, NULL, A, c, fd, fn, NULL));
  REFUSE(EINVAL_,
         "draft:", custdb_file_begin(WRITER, store, A, c, NULL, fn, NULL));
  REFUSE(EINVAL_, "writer:", custdb_file_write(NULL, junk, 4));
  REFUSE(EINVAL_, "writer:", custdb_file_commit(BUF, NULL));
  REFUSE(EINVAL_, "out:", custdb_file_get(NULL, store, A, a.file));
  REFUSE(EINVAL_, "store:", custdb_file_get(BUF, NULL, A, a.file));
  REFUSE(EINVAL_, "out:", custdb_file_list(NULL, store, A, c, 0, NULL));
  REFUSE(EINVAL_, "store:", custdb_file_list(CUR, NULL, A, c, 0, NULL));
  REFUSE(EINVAL_,
         "out:", custdb_file_open_content(NULL, store, A, a.file, NULL));
  REFUSE(EINVAL_,
         "store:", custdb_file_open_content(CUR, NULL, A, a.file, NULL));
  REFUSE(EINVAL_, "store:", custdb_file_delete(NULL, A, a.file));
  {
    /* A NULL data pointer with a size is refused, and kills the writer. */
    custdb_file_writer* writer = NULL;
    MUST(custdb_file_begin(&writer, store, A, c, fd, fn, NULL));
    REFUSE(EINVAL_, "data:", custdb_file_write(writer, NULL, 5));
    custdb_file_writer_free(writer);
    compare_with_baseline("a writer freed after a refused write", __LINE__);
  }

  /* tags */
  REFUSE(EINVAL_, "store:", custdb_tag_create(BUF, EXISTED, NULL, A, td, tn));
  REFUSE(EINVAL_,
         "draft:", custdb_tag_create(BUF, EXISTED, store, A, NULL, tn));
  REFUSE(EINVAL_, "out:", custdb_tag_get(NULL, store, A, a.tag));
  REFUSE(EINVAL_, "store:", custdb_tag_get(BUF, NULL, A, a.tag));
  REFUSE(EINVAL_,
         "store:", custdb_tag_rename(BUF, NULL, A, a.tag, td, tn, NULL));
  REFUSE(EINVAL_,
         "draft:", custdb_tag_rename(BUF, store, A, a.tag, NULL, tn, NULL));
  REFUSE(EINVAL_, "store:", custdb_tag_delete(NULL, A, a.tag));
  REFUSE(EINVAL_, "out:", custdb_tag_list(NULL, store, A, NULL));
  REFUSE(EINVAL_, "store:", custdb_tag_list(CUR, NULL, A, NULL));
  REFUSE(EINVAL_, "out:", custdb_account_list(NULL, store, NULL));
  REFUSE(EINVAL_, "store:", custdb_account_list(CUR, NULL, NULL));
  REFUSE(EINVAL_, "store:", custdb_customer_tag(BUF, NULL, A, c, a.tag));
  REFUSE(EINVAL_, "store:", custdb_customer_untag(BUF, NULL, A, c, a.tag));

  /* links */
  REFUSE(EINVAL_, "store:", custdb_link_add(BUF, NULL, A, c, junk, 8));
  REFUSE(EINVAL_, "draft:", custdb_link_add(BUF, store, A, c, NULL, 8));
  REFUSE(EINVAL_, "out:", custdb_link_list(NULL, store, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_link_list(CUR, NULL, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_link_remove(NULL, A, c, "job", "J-1"));
  REFUSE(EINVAL_, "kind:", custdb_link_remove(store, A, c, NULL, "J-1"));
  REFUSE(EINVAL_, "external_id:", custdb_link_remove(store, A, c, "job", NULL));
  REFUSE(EINVAL_, "out:", custdb_link_find(NULL, store, A, "job", "J-1"));
  REFUSE(EINVAL_, "store:", custdb_link_find(BUF, NULL, A, "job", "J-1"));
  REFUSE(EINVAL_, "kind:", custdb_link_find(BUF, store, A, NULL, "J-1"));
  REFUSE(EINVAL_, "external_id:", custdb_link_find(BUF, store, A, "job", NULL));

  /* portal */
  REFUSE(EINVAL_, "out:",
         custdb_portal_link_issue(NULL, store, A, c, custdb_buffer_data(pdraft),
                                  custdb_buffer_size(pdraft)));
  REFUSE(EINVAL_, "store:",
         custdb_portal_link_issue(BUF, NULL, A, c, custdb_buffer_data(pdraft),
                                  custdb_buffer_size(pdraft)));
  REFUSE(EINVAL_,
         "draft:", custdb_portal_link_issue(BUF, store, A, c, NULL, 8));
  REFUSE(EINVAL_, "store:", custdb_portal_link_revoke(NULL, A, a.portal_link));
  REFUSE(EINVAL_, "out:", custdb_portal_link_list(NULL, store, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_portal_link_list(CUR, NULL, A, c, NULL));
  REFUSE(EINVAL_,
         "out:", custdb_portal_resolve(NULL, store, A, a.portal_token));
  REFUSE(EINVAL_,
         "store:", custdb_portal_resolve(BUF, NULL, A, a.portal_token));
  REFUSE(EINVAL_, "token:", custdb_portal_resolve(BUF, store, A, NULL));

  /* duplicates and merging */
  REFUSE(EINVAL_, "out:", custdb_customer_duplicates(NULL, store, A, c, NULL));
  REFUSE(EINVAL_, "store:", custdb_customer_duplicates(BUF, NULL, A, c, NULL));
  REFUSE(EINVAL_, "out:", custdb_duplicate_report(NULL, store, A, NULL));
  REFUSE(EINVAL_, "store:", custdb_duplicate_report(CUR, NULL, A, NULL));
  REFUSE(EINVAL_, "out:",
         custdb_customer_merge_preview(NULL, store, A, c, a.spare, NULL));
  REFUSE(EINVAL_, "store:",
         custdb_customer_merge_preview(BUF, NULL, A, c, a.spare, NULL));
  REFUSE(EINVAL_,
         "store:", custdb_customer_merge(BUF, NULL, A, c, a.spare, NULL));

  custdb_buffer_free(patch);
  custdb_buffer_free(cdraft);
  custdb_buffer_free(tdraft);
  custdb_buffer_free(fdraft);
  custdb_buffer_free(pdraft);
}

/* ---- Table 2: every call that takes a record, on hostile bytes -------- */

typedef int (*record_call)(const uint8_t* data, size_t size);

static custdb_create_options allow_duplicate = {CUSTDB_CREATE_OPTIONS_VERSION,
                                                1};

static int call_customer_create(const uint8_t* d, size_t n) {
  return custdb_customer_create(BUF, EXISTED, store, ACCOUNT_A, d, n,
                                &allow_duplicate);
}
static int call_customer_update(const uint8_t* d, size_t n) {
  return custdb_customer_update(BUF, store, ACCOUNT_A, a.customer, d, n, NULL);
}
static int call_company_update(const uint8_t* d, size_t n) {
  return custdb_customer_update(BUF, store, ACCOUNT_A, a.company, d, n, NULL);
}
static int call_contact_add(const uint8_t* d, size_t n) {
  return custdb_contact_add(BUF, store, ACCOUNT_A, a.customer, d, n);
}
static int call_contact_update(const uint8_t* d, size_t n) {
  return custdb_contact_update(BUF, store, ACCOUNT_A, a.contact, d, n, NULL);
}
static int call_location_add(const uint8_t* d, size_t n) {
  return custdb_location_add(BUF, store, ACCOUNT_A, a.customer, d, n);
}
static int call_location_update(const uint8_t* d, size_t n) {
  return custdb_location_update(BUF, store, ACCOUNT_A, a.location, d, n, NULL);
}
static int call_timeline_append(const uint8_t* d, size_t n) {
  return custdb_timeline_append(BUF, EXISTED, store, ACCOUNT_A, a.customer, d,
                                n);
}
static int call_note_add(const uint8_t* d, size_t n) {
  return custdb_note_add(BUF, store, ACCOUNT_A, a.customer, d, n);
}
static int call_note_update(const uint8_t* d, size_t n) {
  return custdb_note_update(BUF, store, ACCOUNT_A, a.note, d, n, NULL);
}
static int call_file_begin(const uint8_t* d, size_t n) {
  return custdb_file_begin(WRITER, store, ACCOUNT_A, a.customer, d, n, NULL);
}
static int call_tag_create(const uint8_t* d, size_t n) {
  return custdb_tag_create(BUF, EXISTED, store, ACCOUNT_A, d, n);
}
static int call_tag_rename(const uint8_t* d, size_t n) {
  return custdb_tag_rename(BUF, store, ACCOUNT_A, a.tag, d, n, NULL);
}
static int call_link_add(const uint8_t* d, size_t n) {
  return custdb_link_add(BUF, store, ACCOUNT_A, a.customer, d, n);
}
static int call_portal_issue(const uint8_t* d, size_t n) {
  return custdb_portal_link_issue(BUF, store, ACCOUNT_A, a.customer, d, n);
}
static int call_customer_to_json(const uint8_t* d, size_t n) {
  return custdb_record_to_json(BUF, "CustomerDraft", d, n);
}

typedef struct {
  const char* name;
  record_call call;
  const char* argument; /* the argument's name, which the message starts with */
  const char* draft_type;
} record_call_row;

static const record_call_row record_calls[] = {
    {"customer_create", call_customer_create, "draft:", "CustomerDraft"},
    {"customer_update", call_customer_update, "patch:", "CustomerPatch"},
    {"customer_update (company)", call_company_update,
     "patch:", "CustomerPatch"},
    {"contact_add", call_contact_add, "draft:", "ContactDraft"},
    {"contact_update", call_contact_update, "patch:", "ContactPatch"},
    {"location_add", call_location_add, "draft:", "LocationDraft"},
    {"location_update", call_location_update, "patch:", "LocationPatch"},
    {"timeline_append", call_timeline_append, "draft:", "TimelineEntryDraft"},
    {"note_add", call_note_add, "draft:", "NoteDraft"},
    {"note_update", call_note_update, "patch:", "NotePatch"},
    {"file_begin", call_file_begin, "draft:", "FileDraft"},
    {"tag_create", call_tag_create, "draft:", "TagDraft"},
    {"tag_rename", call_tag_rename, "draft:", "TagDraft"},
    {"link_add", call_link_add, "draft:", "LinkDraft"},
    {"portal_link_issue", call_portal_issue, "draft:", "PortalLinkDraft"},
    {"record_to_json", call_customer_to_json, "record:", "CustomerDraft"},
};
#define RECORD_CALLS (sizeof record_calls / sizeof record_calls[0])

static const record_call_row* record_call_for(record_call call) {
  size_t i;
  for (i = 0; i < RECORD_CALLS; i++) {
    if (record_calls[i].call == call) return &record_calls[i];
  }
  return NULL;
}

static void hostile_bytes(void) {
  size_t i;
  size_t huge[3];
  size_t h;
  char what[160];
  custdb_buffer* wrong = valid_record("Summary", "{\"total\":5}");
  huge[0] = SIZE_MAX;
  huge[1] = SIZE_MAX / 2;
#if SIZE_MAX > 0xffffffffu
  huge[1] = (size_t)1 << 40;
#endif
  huge[2] = ((size_t)1 << 20) + 1;

  for (i = 0; i < RECORD_CALLS; i++) {
    const record_call_row* row = &record_calls[i];
    /* Lengths past the bytes given are refused before any is read, at an
     * aligned address and at one that would be copied to align it. */
    for (h = 0; h < 3; h++) {
      snprintf(what, sizeof what, "%s with size %zu (aligned)", row->name,
               huge[h]);
      reset_outs();
      refused(what, __LINE__, row->call(ALIGNED, huge[h]), CUSTDB_EINVAL,
              row->argument);
      snprintf(what, sizeof what, "%s with size %zu (unaligned)", row->name,
               huge[h]);
      reset_outs();
      refused(what, __LINE__, row->call(UNALIGNED, huge[h]), CUSTDB_EINVAL,
              row->argument);
    }
    snprintf(what, sizeof what, "%s with no bytes", row->name);
    reset_outs();
    refused(what, __LINE__, row->call(junk, 0), CUSTDB_EINVAL, row->argument);
    snprintf(what, sizeof what, "%s with NULL and size 0", row->name);
    reset_outs();
    refused(what, __LINE__, row->call(NULL, 0), CUSTDB_EINVAL, row->argument);
    snprintf(what, sizeof what, "%s with garbage", row->name);
    reset_outs();
    refused(what, __LINE__, row->call(junk, sizeof junk), CUSTDB_EINVAL,
            row->argument);
    snprintf(what, sizeof what, "%s with a record cut short", row->name);
    reset_outs();
    refused(what, __LINE__,
            row->call(custdb_buffer_data(wrong), custdb_buffer_size(wrong) / 2),
            CUSTDB_EINVAL, row->argument);
  }
  custdb_buffer_free(wrong);
  {
    /* The same lengths for JSON and resume tokens. */
    custdb_list_options list = CUSTDB_LIST_OPTIONS_INIT;
    REFUSE(EINVAL_,
           "json:", custdb_record_from_json(BUF, "TagDraft", "{}", SIZE_MAX));
    REFUSE(EINVAL_,
           "json:", custdb_record_from_json(BUF, "TagDraft", "{}", huge[1]));
    list.resume_token = ALIGNED;
    list.resume_token_size = SIZE_MAX;
    REFUSE(EINVAL_,
           "resume_token:", custdb_tag_list(CUR, store, ACCOUNT_A, &list));
    list.resume_token_size = huge[1];
    REFUSE(EINVAL_, "resume_token:",
           custdb_contact_list(CUR, store, ACCOUNT_A, a.customer, &list));
    list.resume_token = NULL;
    list.resume_token_size = 16;
    REFUSE(EINVAL_, "resume_token:",
           custdb_note_list(CUR, store, ACCOUNT_A, a.customer, &list));
  }
  {
    /* A file write larger than the limit kills the writer; freeing it
     * leaves nothing. */
    custdb_buffer* fdraft = valid_record(
        "FileDraft",
        "{\"category\":\"Photo\",\"file_name\":\"b.jpg\",\"content_type\":"
        "\"image/jpeg\"}");
    custdb_file_writer* writer = NULL;
    MUST(custdb_file_begin(&writer, store, ACCOUNT_A, a.customer,
                           custdb_buffer_data(fdraft),
                           custdb_buffer_size(fdraft), NULL));
    REFUSE(EINVAL_, "file:", custdb_file_write(writer, junk, SIZE_MAX));
    REFUSE(EINVAL_, "file:", custdb_file_write(writer, junk, 1));
    REFUSE(EINVAL_, "file:", custdb_file_commit(BUF, writer));
    custdb_file_writer_free(writer);
    custdb_buffer_free(fdraft);
    compare_with_baseline("a dead writer freed", __LINE__);
  }
}

/* ---- Table 3: text fields with invalid UTF-8 or a NUL byte ------------ */

typedef struct {
  record_call call;
  /* A valid record, as JSON. */
  const char* json;
  /* The value in it to damage: one byte in its middle is replaced. */
  const char* value;
  /* What the message starts with. */
  const char* field;
} text_row;

#define CUSTOMER_JSON                                                    \
  "{\"kind\":\"Individual\",\"first_name\":\"Fiona\",\"last_name\":"     \
  "\"Lastly\",\"phone\":\"4155550150\",\"email\":\"fiona@example.com\"," \
  "\"do_not_contact\":true,\"do_not_contact_reason\":\"Reasonable\","    \
  "\"internal_notes\":\"Internally\"}"
#define COMPANY_JSON                                               \
  "{\"kind\":\"Company\",\"company_name\":\"Compania\",\"phone\":" \
  "\"4155550151\",\"primary_contact\":{\"first_name\":\"Primo\","  \
  "\"last_name\":\"Secondo\",\"email\":\"primo@example.com\"}}"
#define PATCH_JSON                                                     \
  "{\"first_name\":\"Fiona\",\"last_name\":\"Lastly\",\"phone\":"      \
  "\"4155550150\",\"email\":\"fiona@example.com\",\"do_not_contact\":" \
  "true,\"do_not_contact_reason\":\"Reasonable\",\"internal_notes\":"  \
  "\"Internally\"}"
#define CONTACT_JSON                                              \
  "{\"first_name\":\"Fiona\",\"last_name\":\"Lastly\",\"phone\":" \
  "\"4155550150\",\"email\":\"fiona@example.com\"}"
#define LOCATION_FIELDS                                                   \
  "\"label\":\"Labelled\",\"address_line1\":\"1 Mainly St\","             \
  "\"address_line2\":\"Suite Sixty\",\"city\":\"Springfield\",\"state\":" \
  "\"CA\",\"zip\":\"94107\",\"access_notes\":\"Accessible\","             \
  "\"parking_notes\":\"Parkable\",\"service_notes\":\"Serviceable\"}"
#define LOCATION_JSON "{\"kind\":\"Service\"," LOCATION_FIELDS
#define LOCATION_PATCH_JSON "{" LOCATION_FIELDS
#define ENTRY_JSON                                                     \
  "{\"channel\":\"Sms\",\"direction\":\"Inbound\",\"occurred_at_ms\":" \
  "1700000000000,\"summary\":\"Summarized\",\"external_ref\":"         \
  "\"Referenced\"}"
#define FILE_JSON                                           \
  "{\"category\":\"Photo\",\"file_name\":\"Filename.jpg\"," \
  "\"content_type\":\"image/jpeg\"}"
#define LINK_JSON "{\"kind\":\"jobkind\",\"external_id\":\"Externally\"}"

static const text_row text_rows[] = {
    {call_customer_create, CUSTOMER_JSON, "Fiona", "first_name:"},
    {call_customer_create, CUSTOMER_JSON, "Lastly", "last_name:"},
    {call_customer_create, CUSTOMER_JSON, "4155550150", "phone:"},
    {call_customer_create, CUSTOMER_JSON, "fiona@example.com", "email:"},
    {call_customer_create, CUSTOMER_JSON, "Reasonable",
     "do_not_contact_reason:"},
    {call_customer_create, CUSTOMER_JSON, "Internally", "internal_notes:"},
    {call_customer_create, COMPANY_JSON, "Compania", "company_name:"},
    {call_customer_create, COMPANY_JSON, "Primo", "primary_contact."},
    {call_customer_create, COMPANY_JSON, "Secondo", "primary_contact."},
    {call_customer_create, COMPANY_JSON, "primo@example.com",
     "primary_contact."},
    {call_customer_update, PATCH_JSON, "Fiona", "first_name:"},
    {call_customer_update, PATCH_JSON, "Lastly", "last_name:"},
    {call_customer_update, PATCH_JSON, "4155550150", "phone:"},
    {call_customer_update, PATCH_JSON, "fiona@example.com", "email:"},
    {call_customer_update, PATCH_JSON, "Reasonable", "do_not_contact_reason:"},
    {call_customer_update, PATCH_JSON, "Internally", "internal_notes:"},
    {call_company_update, "{\"company_name\":\"Compania\"}", "Compania",
     "company_name:"},
    {call_contact_add, CONTACT_JSON, "Fiona", "first_name:"},
    {call_contact_add, CONTACT_JSON, "Lastly", "last_name:"},
    {call_contact_add, CONTACT_JSON, "4155550150", "phone:"},
    {call_contact_add, CONTACT_JSON, "fiona@example.com", "email:"},
    {call_contact_update, CONTACT_JSON, "Fiona", "first_name:"},
    {call_contact_update, CONTACT_JSON, "Lastly", "last_name:"},
    {call_contact_update, CONTACT_JSON, "4155550150", "phone:"},
    {call_contact_update, CONTACT_JSON, "fiona@example.com", "email:"},
    {call_location_add, LOCATION_JSON, "Labelled", "label:"},
    {call_location_add, LOCATION_JSON, "1 Mainly St", "address_line1:"},
    {call_location_add, LOCATION_JSON, "Suite Sixty", "address_line2:"},
    {call_location_add, LOCATION_JSON, "Springfield", "city:"},
    {call_location_add, LOCATION_JSON, "94107", "zip:"},
    {call_location_add, LOCATION_JSON, "Accessible", "access_notes:"},
    {call_location_add, LOCATION_JSON, "Parkable", "parking_notes:"},
    {call_location_add, LOCATION_JSON, "Serviceable", "service_notes:"},
    {call_location_update, LOCATION_PATCH_JSON, "Labelled", "label:"},
    {call_location_update, LOCATION_PATCH_JSON, "1 Mainly St",
     "address_line1:"},
    {call_location_update, LOCATION_PATCH_JSON, "Suite Sixty",
     "address_line2:"},
    {call_location_update, LOCATION_PATCH_JSON, "Springfield", "city:"},
    {call_location_update, LOCATION_PATCH_JSON, "94107", "zip:"},
    {call_location_update, LOCATION_PATCH_JSON, "Accessible", "access_notes:"},
    {call_location_update, LOCATION_PATCH_JSON, "Parkable", "parking_notes:"},
    {call_location_update, LOCATION_PATCH_JSON, "Serviceable",
     "service_notes:"},
    {call_timeline_append, ENTRY_JSON, "Summarized", "summary:"},
    {call_timeline_append, ENTRY_JSON, "Referenced", "external_ref:"},
    {call_note_add, "{\"author\":\"Authored\",\"body\":\"Bodily\"}", "Authored",
     "author:"},
    {call_note_add, "{\"author\":\"Authored\",\"body\":\"Bodily\"}", "Bodily",
     "body:"},
    {call_note_update, "{\"body\":\"Bodily\"}", "Bodily", "body:"},
    {call_file_begin, FILE_JSON, "Filename.jpg", "file_name:"},
    {call_file_begin, FILE_JSON, "image/jpeg", "content_type:"},
    {call_tag_create, "{\"name\":\"Tagged\"}", "Tagged", "name:"},
    {call_tag_rename, "{\"name\":\"Tagged\"}", "Tagged", "name:"},
    {call_link_add, LINK_JSON, "jobkind", "kind:"},
    {call_link_add, LINK_JSON, "Externally", "external_id:"},
};
#define TEXT_ROWS (sizeof text_rows / sizeof text_rows[0])

/* The bytes that replace the middle byte of a value: a lone continuation
 * byte, a byte that never occurs in UTF-8, the start of a sequence cut
 * short, a NUL, a control character. */
static const uint8_t damage[] = {0x80, 0xff, 0xe2, 0x00, 0x07};
#define DAMAGE (sizeof damage / sizeof damage[0])

static uint8_t* find_bytes(uint8_t* data, size_t size, const char* value) {
  size_t n = strlen(value);
  size_t i;
  for (i = 0; i + n <= size; i++) {
    if (memcmp(data + i, value, n) == 0) return data + i;
  }
  return NULL;
}

static void damaged_text(void) {
  size_t i, d;
  char what[200];
  for (i = 0; i < TEXT_ROWS; i++) {
    const text_row* row = &text_rows[i];
    const record_call_row* call = record_call_for(row->call);
    custdb_buffer* record = from_json(call->draft_type, row->json);
    size_t size = custdb_buffer_size(record);
    uint8_t* bytes = malloc(size);
    uint8_t* at;
    memcpy(bytes, custdb_buffer_data(record), size);
    custdb_buffer_free(record);
    at = find_bytes(bytes, size, row->value);
    if (at == NULL) {
      fprintf(stderr, "%s: value %s not found\n", call->name, row->value);
      exit(1);
    }
    for (d = 0; d < DAMAGE; d++) {
      uint8_t saved = at[strlen(row->value) / 2];
      at[strlen(row->value) / 2] = damage[d];
      snprintf(what, sizeof what, "%s with byte 0x%02x in %s", call->name,
               damage[d], row->field);
      reset_outs();
      refused(what, __LINE__, row->call(bytes, size), CUSTDB_EINVAL,
              row->field);
      at[strlen(row->value) / 2] = saved;
    }
    free(bytes);
  }
}

/* The same through JSON escapes: a NUL, a control character and a lone
 * surrogate, which FlatBuffers' parser turns into bytes that are not
 * valid UTF-8. */
typedef struct {
  record_call call;
  const char* json;
  const char* field;
} json_row;

static const json_row json_rows[] = {
    {call_customer_create,
     "{\"kind\":\"Individual\",\"first_name\":\"Fi\\u0000na\",\"phone\":"
     "\"4155550150\"}",
     "first_name:"},
    {call_customer_create,
     "{\"kind\":\"Individual\",\"first_name\":\"Fi\\u001bna\",\"phone\":"
     "\"4155550150\"}",
     "first_name:"},
    {call_customer_create,
     "{\"kind\":\"Individual\",\"first_name\":\"Fiona\",\"phone\":"
     "\"415555\\u00000150\"}",
     "phone:"},
    {call_customer_create,
     "{\"kind\":\"Individual\",\"first_name\":\"Fiona\",\"phone\":"
     "\"4155550150\",\"email\":\"fi\\u0000@example.com\"}",
     "email:"},
    {call_customer_update, "{\"internal_notes\":\"line\\u0000two\"}",
     "internal_notes:"},
    {call_customer_update, "{\"last_name\":\"L\\udc80e\"}", "last_name:"},
    {call_contact_add, "{\"first_name\":\"Bo\\u0000b\"}", "first_name:"},
    {call_note_add, "{\"author\":\"u1\",\"body\":\"a\\u0000b\"}", "body:"},
    {call_note_add, "{\"author\":\"u\\u00001\",\"body\":\"ab\"}", "author:"},
    {call_note_add, "{\"author\":\"u1\",\"body\":\"a\\ud800b\"}", "body:"},
    {call_timeline_append,
     "{\"channel\":\"Sms\",\"direction\":\"Inbound\",\"occurred_at_ms\":1,"
     "\"summary\":\"hi\\u0000there\"}",
     "summary:"},
    {call_timeline_append,
     "{\"channel\":\"Sms\",\"direction\":\"Inbound\",\"occurred_at_ms\":1,"
     "\"external_ref\":\"r\\u0000\"}",
     "external_ref:"},
    {call_tag_create, "{\"name\":\"v\\u0000ip\"}", "name:"},
    {call_tag_create, "{\"name\":\"v\\udfffip\"}", "name:"},
    {call_link_add, "{\"kind\":\"job\",\"external_id\":\"J\\u0000-1\"}",
     "external_id:"},
    {call_link_add, "{\"kind\":\"jo\\u0000b\",\"external_id\":\"J-9\"}",
     "kind:"},
    {call_file_begin,
     "{\"category\":\"Photo\",\"file_name\":\"a\\u0000.jpg\","
     "\"content_type\":\"image/jpeg\"}",
     "file_name:"},
    {call_location_add,
     "{\"kind\":\"Service\",\"address_line1\":\"1 Ma\\u0000in\",\"city\":"
     "\"Springfield\",\"state\":\"IL\",\"zip\":\"62701\"}",
     "address_line1:"},
};
#define JSON_ROWS (sizeof json_rows / sizeof json_rows[0])

static void escaped_text(void) {
  size_t i;
  char what[200];
  for (i = 0; i < JSON_ROWS; i++) {
    const json_row* row = &json_rows[i];
    const record_call_row* call = record_call_for(row->call);
    custdb_buffer* record = NULL;
    int rc = custdb_record_from_json(&record, call->draft_type, row->json,
                                     strlen(row->json));
    snprintf(what, sizeof what, "%s with %s escaped", call->name, row->field);
    if (rc != CUSTDB_OK) {
      /* The parser itself refusing the text is as good. */
      reset_outs();
      refused(what, __LINE__, rc, CUSTDB_EINVAL, "json:");
      continue;
    }
    reset_outs();
    refused(what, __LINE__,
            row->call(custdb_buffer_data(record), custdb_buffer_size(record)),
            CUSTDB_EINVAL, row->field);
    custdb_buffer_free(record);
  }
}

/* ---- Table 4: strings passed directly --------------------------------- */

static void direct_strings(void) {
  static char long_text[5000];
  uint64_t A = ACCOUNT_A;
  uint64_t c = a.customer;
  char flipped[64];
  memset(long_text, '4', sizeof long_text - 1);

  REFUSE(EINVAL_,
         "phone:", custdb_customer_find_by_phone(CUR, store, A, "", NULL));
  REFUSE(EINVAL_, "phone:",
         custdb_customer_find_by_phone(CUR, store, A,
                                       "415\xff"
                                       "5550177",
                                       NULL));
  REFUSE(EINVAL_, "phone:",
         custdb_customer_find_by_phone(CUR, store, A,
                                       "415\x80"
                                       "5550177",
                                       NULL));
  REFUSE(EINVAL_, "phone:",
         custdb_customer_find_by_phone(CUR, store, A,
                                       "415\x01"
                                       "5550177",
                                       NULL));
  REFUSE(EINVAL_,
         "phone:", custdb_customer_find_by_phone(CUR, store, A, "12", NULL));
  REFUSE(EINVAL_, "phone:",
         custdb_customer_find_by_phone(CUR, store, A, long_text, NULL));
  REFUSE(EINVAL_,
         "email:", custdb_customer_find_by_email(CUR, store, A, "", NULL));
  REFUSE(EINVAL_, "email:",
         custdb_customer_find_by_email(CUR, store, A, "ann\xff@example.com",
                                       NULL));
  REFUSE(EINVAL_, "email:",
         custdb_customer_find_by_email(CUR, store, A, "ann\x01@example.com",
                                       NULL));
  REFUSE(EINVAL_,
         "email:", custdb_customer_find_by_email(CUR, store, A, "ann@", NULL));
  REFUSE(EINVAL_, "email:",
         custdb_customer_find_by_email(CUR, store, A, long_text, NULL));

  REFUSE(EINVAL_, "kind:", custdb_link_find(BUF, store, A, "", "J-1"));
  REFUSE(EINVAL_, "kind:", custdb_link_find(BUF, store, A, "jo b", "J-1"));
  REFUSE(EINVAL_, "kind:", custdb_link_find(BUF, store, A, "j\xff", "J-1"));
  REFUSE(EINVAL_, "kind:", custdb_link_find(BUF, store, A, long_text, "J-1"));
  REFUSE(EINVAL_, "external_id:", custdb_link_find(BUF, store, A, "job", ""));
  REFUSE(EINVAL_,
         "external_id:", custdb_link_find(BUF, store, A, "job", "J\xff"));
  REFUSE(EINVAL_,
         "external_id:", custdb_link_find(BUF, store, A, "job", "J\x01"));
  REFUSE(EINVAL_,
         "external_id:", custdb_link_find(BUF, store, A, "job", long_text));
  REFUSE(EINVAL_, "kind:", custdb_link_remove(store, A, c, "", "J-1"));
  REFUSE(EINVAL_, "kind:", custdb_link_remove(store, A, c, "j\xff", "J-1"));
  REFUSE(EINVAL_, "external_id:", custdb_link_remove(store, A, c, "job", ""));
  REFUSE(EINVAL_,
         "external_id:", custdb_link_remove(store, A, c, "job", "J\x80"));
  REFUSE(EINVAL_,
         "external_id:", custdb_link_remove(store, A, c, "job", long_text));

  /* Portal tokens: every token that opens nothing gets the one answer. */
  snprintf(flipped, sizeof flipped, "%s", a.portal_token);
  flipped[10] = (char)(flipped[10] == 'A' ? 'B' : 'A');
  REFUSE(ENOTFOUND_, NULL, custdb_portal_resolve(BUF, store, A, ""));
  REFUSE(ENOTFOUND_, NULL, custdb_portal_resolve(BUF, store, A, "x"));
  REFUSE(ENOTFOUND_, NULL, custdb_portal_resolve(BUF, store, A, flipped));
  REFUSE(ENOTFOUND_, NULL,
         custdb_portal_resolve(BUF, store, A,
                               "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"
                               "\xf7\xf6\xf5\xf4\xf3\xf2\xf1"
                               "\xf0\xef\xee\xed\xec\xeb\xea"
                               "\xe9\xe8\xe7\xe6\xe5\xe4\xe3"
                               "\xe2\xe1\xe0\xdf\xde\xdd\xdc"
                               "\xdb\xda\xd9\xd8\xd7\xd6\xd5"));
  REFUSE(ENOTFOUND_, NULL, custdb_portal_resolve(BUF, store, A, long_text));
  REFUSE(ENOTFOUND_, NULL,
         custdb_portal_resolve(BUF, store, ACCOUNT_B, a.portal_token));
  {
    /* All of them say the same. */
    char first[256];
    custdb_buffer* out = NULL;
    custdb_portal_resolve(&out, store, A, "x");
    snprintf(first, sizeof first, "%s", custdb_last_error());
    custdb_portal_resolve(&out, store, ACCOUNT_B, a.portal_token);
    CHECK(strcmp(first, custdb_last_error()) == 0);
    custdb_portal_resolve(&out, store, A, flipped);
    CHECK(strcmp(first, custdb_last_error()) == 0);
  }
}

/* ---- Table 5: enum values and numbers out of range -------------------- */

typedef struct {
  record_call call;
  const char* json;
  const char* field;
} number_row;

static const number_row number_rows[] = {
    {call_customer_create,
     "{\"kind\":7,\"first_name\":\"Al\",\"phone\":\"4155550150\"}", "kind:"},
    {call_customer_create,
     "{\"kind\":-1,\"first_name\":\"Al\",\"phone\":\"4155550150\"}", "kind:"},
    {call_customer_create,
     "{\"kind\":\"Unspecified\",\"first_name\":\"Al\",\"phone\":"
     "\"4155550150\"}",
     "kind:"},
    {call_customer_create,
     "{\"kind\":\"Individual\",\"first_name\":\"Al\",\"phone\":"
     "\"4155550150\",\"status\":9}",
     "status:"},
    {call_customer_create,
     "{\"kind\":\"Individual\",\"first_name\":\"Al\",\"phone\":"
     "\"4155550150\",\"source\":100}",
     "source:"},
    {call_customer_update, "{\"kind\":\"Company\"}", "kind:"},
    {call_customer_update, "{\"kind\":9}", "kind:"},
    {call_customer_update, "{\"status\":-3}", "status:"},
    {call_customer_update, "{\"source\":120}", "source:"},
    {call_contact_add, "{\"first_name\":\"Bo\",\"preferred_channel\":9}",
     "preferred_channel:"},
    {call_contact_update, "{\"preferred_channel\":-2}", "preferred_channel:"},
    {call_location_add,
     "{\"kind\":9,\"address_line1\":\"1 Main\",\"city\":\"Springfield\","
     "\"state\":\"IL\",\"zip\":\"62701\"}",
     "kind:"},
    {call_location_add,
     "{\"kind\":\"Unspecified\",\"address_line1\":\"1 Main\",\"city\":"
     "\"Springfield\",\"state\":\"IL\",\"zip\":\"62701\"}",
     "kind:"},
    {call_location_add,
     "{\"kind\":\"Service\",\"address_line1\":\"1 Main\",\"city\":"
     "\"Springfield\",\"state\":\"ZZ\",\"zip\":\"62701\"}",
     "state:"},
    {call_location_add,
     "{\"kind\":\"Service\",\"address_line1\":\"1 Main\",\"city\":"
     "\"Springfield\",\"state\":\"IL\",\"zip\":\"627011\"}",
     "zip:"},
    {call_location_update, "{\"kind\":12}", "kind:"},
    {call_timeline_append,
     "{\"channel\":9,\"direction\":\"Inbound\",\"occurred_at_ms\":1}",
     "channel:"},
    {call_timeline_append,
     "{\"channel\":\"Unspecified\",\"direction\":\"Inbound\","
     "\"occurred_at_ms\":1}",
     "channel:"},
    {call_timeline_append,
     "{\"channel\":\"Sms\",\"direction\":7,\"occurred_at_ms\":1}",
     "direction:"},
    {call_timeline_append,
     "{\"channel\":\"Sms\",\"direction\":\"Inbound\",\"occurred_at_ms\":0}",
     "occurred_at_ms:"},
    {call_timeline_append,
     "{\"channel\":\"Sms\",\"direction\":\"Inbound\",\"occurred_at_ms\":"
     "-9223372036854775808}",
     "occurred_at_ms:"},
    {call_file_begin,
     "{\"category\":9,\"file_name\":\"a.jpg\",\"content_type\":"
     "\"image/jpeg\"}",
     "category:"},
    {call_file_begin,
     "{\"category\":\"Unspecified\",\"file_name\":\"a.jpg\","
     "\"content_type\":\"image/jpeg\"}",
     "category:"},
    {call_portal_issue, "{\"expires_at_ms\":-1}", "expires_at_ms:"},
    {call_portal_issue, "{\"expires_at_ms\":1}", "expires_at_ms:"},
    {call_portal_issue, "{\"expires_at_ms\":9223372036854775807}",
     "expires_at_ms:"},
};
#define NUMBER_ROWS (sizeof number_rows / sizeof number_rows[0])

static void out_of_range(void) {
  size_t i;
  char what[300];
  uint64_t A = ACCOUNT_A;
  uint64_t c = a.customer;
  for (i = 0; i < NUMBER_ROWS; i++) {
    const number_row* row = &number_rows[i];
    const record_call_row* call = record_call_for(row->call);
    custdb_buffer* record = NULL;
    int rc = custdb_record_from_json(&record, call->draft_type, row->json,
                                     strlen(row->json));
    snprintf(what, sizeof what, "%s %s", call->name, row->json);
    if (rc != CUSTDB_OK) {
      fprintf(stderr, "%s: not parsed: %s\n", what, custdb_last_error());
      failures++;
      continue;
    }
    reset_outs();
    refused(what, __LINE__,
            row->call(custdb_buffer_data(record), custdb_buffer_size(record)),
            CUSTDB_EINVAL, row->field);
    custdb_buffer_free(record);
  }

  REFUSE(EINVAL_, "channel:", custdb_timeline_list(CUR, store, A, c, 9, NULL));
  REFUSE(EINVAL_, "channel:", custdb_timeline_list(CUR, store, A, c, -1, NULL));
  REFUSE(EINVAL_, "category:", custdb_file_list(CUR, store, A, c, 6, NULL));
  REFUSE(EINVAL_, "category:", custdb_file_list(CUR, store, A, c, -1, NULL));
  {
    custdb_duplicate_options d = CUSTDB_DUPLICATE_OPTIONS_INIT;
    d.limit = 101;
    REFUSE(EINVAL_, "limit:", custdb_customer_duplicates(BUF, store, A, c, &d));
  }
  {
    /* Options of a version this library does not know, for every call
     * that takes options. */
    uint32_t versions[2];
    int v;
    versions[0] = 0;
    versions[1] = 99;
    for (v = 0; v < 2; v++) {
      custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
      custdb_create_options create_o = CUSTDB_CREATE_OPTIONS_INIT;
      custdb_update_options update = CUSTDB_UPDATE_OPTIONS_INIT;
      custdb_list_options list = CUSTDB_LIST_OPTIONS_INIT;
      custdb_file_options file = CUSTDB_FILE_OPTIONS_INIT;
      custdb_duplicate_options dup = CUSTDB_DUPLICATE_OPTIONS_INIT;
      custdb_merge_options merge = CUSTDB_MERGE_OPTIONS_INIT;
      const char* o = "options.version:";
      open.version = create_o.version = update.version = list.version =
          file.version = dup.version = merge.version = versions[v];
      REFUSE(EINVAL_, o,
             custdb_store_open((custdb_store**)BUF, path_of("other"), &open));
      REFUSE(
          EINVAL_, o,
          custdb_customer_create(BUF, EXISTED, store, A, junk, 8, &create_o));
      REFUSE(EINVAL_, o,
             custdb_customer_import(BUF, store, A, junk, 8, &create_o));
      REFUSE(EINVAL_, o,
             custdb_customer_update(BUF, store, A, c, junk, 8, &update));
      REFUSE(EINVAL_, o, custdb_customer_archive(BUF, store, A, c, &update));
      REFUSE(EINVAL_, o, custdb_customer_unarchive(BUF, store, A, c, &update));
      REFUSE(EINVAL_, o,
             custdb_customer_find_by_phone(CUR, store, A, "4155550177", &list));
      REFUSE(EINVAL_, o,
             custdb_customer_find_by_email(CUR, store, A, "a@b.io", &list));
      REFUSE(EINVAL_, o,
             custdb_contact_update(BUF, store, A, a.contact, junk, 8, &update));
      REFUSE(EINVAL_, o, custdb_contact_delete(store, A, a.contact, &update));
      REFUSE(EINVAL_, o, custdb_contact_list(CUR, store, A, c, &list));
      REFUSE(
          EINVAL_, o,
          custdb_location_update(BUF, store, A, a.location, junk, 8, &update));
      REFUSE(EINVAL_, o, custdb_location_delete(store, A, a.location, &update));
      REFUSE(EINVAL_, o, custdb_location_list(CUR, store, A, c, &list));
      REFUSE(EINVAL_, o, custdb_timeline_list(CUR, store, A, c, 0, &list));
      REFUSE(EINVAL_, o,
             custdb_note_update(BUF, store, A, a.note, junk, 8, &update));
      REFUSE(EINVAL_, o, custdb_note_delete(store, A, a.note, &update));
      REFUSE(EINVAL_, o, custdb_note_list(CUR, store, A, c, &list));
      REFUSE(EINVAL_, o,
             custdb_file_begin(WRITER, store, A, c, junk, 8, &file));
      REFUSE(EINVAL_, o, custdb_file_list(CUR, store, A, c, 0, &list));
      REFUSE(EINVAL_, o,
             custdb_file_open_content(CUR, store, A, a.file, &list));
      REFUSE(EINVAL_, o,
             custdb_tag_rename(BUF, store, A, a.tag, junk, 8, &update));
      REFUSE(EINVAL_, o, custdb_tag_list(CUR, store, A, &list));
      REFUSE(EINVAL_, o, custdb_account_list(CUR, store, &list));
      REFUSE(EINVAL_, o, custdb_link_list(CUR, store, A, c, &list));
      REFUSE(EINVAL_, o, custdb_portal_link_list(CUR, store, A, c, &list));
      REFUSE(EINVAL_, o, custdb_customer_duplicates(BUF, store, A, c, &dup));
      REFUSE(EINVAL_, o, custdb_duplicate_report(CUR, store, A, &list));
      REFUSE(EINVAL_, o,
             custdb_customer_merge_preview(BUF, store, A, c, a.spare, &merge));
      REFUSE(EINVAL_, o,
             custdb_customer_merge(BUF, store, A, c, a.spare, &merge));
    }
  }
}

/* ---- Table 6: ids of another account, id 0, account 0 ----------------- */

typedef int (*id_call)(uint64_t account, uint64_t id);

static custdb_buffer* valid_draft_customer;
static custdb_buffer* valid_patch_customer;
static custdb_buffer* valid_patch_contact;
static custdb_buffer* valid_patch_location;
static custdb_buffer* valid_patch_note;
static custdb_buffer* valid_draft_tag;
static custdb_buffer* valid_draft_contact;
static custdb_buffer* valid_draft_location;
static custdb_buffer* valid_draft_note;
static custdb_buffer* valid_draft_entry;
static custdb_buffer* valid_draft_file;
static custdb_buffer* valid_draft_link;
static custdb_buffer* valid_draft_portal;

#define BYTES(b) custdb_buffer_data(b), custdb_buffer_size(b)

static int id_customer_get(uint64_t acc, uint64_t id) {
  return custdb_customer_get(BUF, store, acc, id);
}
static int id_customer_update(uint64_t acc, uint64_t id) {
  return custdb_customer_update(BUF, store, acc, id,
                                BYTES(valid_patch_customer), NULL);
}
static int id_customer_archive(uint64_t acc, uint64_t id) {
  return custdb_customer_archive(BUF, store, acc, id, NULL);
}
static int id_customer_unarchive(uint64_t acc, uint64_t id) {
  return custdb_customer_unarchive(BUF, store, acc, id, NULL);
}
static int id_contact_add(uint64_t acc, uint64_t id) {
  return custdb_contact_add(BUF, store, acc, id, BYTES(valid_draft_contact));
}
static int id_contact_list(uint64_t acc, uint64_t id) {
  return custdb_contact_list(CUR, store, acc, id, NULL);
}
static int id_location_add(uint64_t acc, uint64_t id) {
  return custdb_location_add(BUF, store, acc, id, BYTES(valid_draft_location));
}
static int id_location_list(uint64_t acc, uint64_t id) {
  return custdb_location_list(CUR, store, acc, id, NULL);
}
static int id_timeline_append(uint64_t acc, uint64_t id) {
  return custdb_timeline_append(BUF, EXISTED, store, acc, id,
                                BYTES(valid_draft_entry));
}
static int id_timeline_list(uint64_t acc, uint64_t id) {
  return custdb_timeline_list(CUR, store, acc, id, 0, NULL);
}
static int id_note_add(uint64_t acc, uint64_t id) {
  return custdb_note_add(BUF, store, acc, id, BYTES(valid_draft_note));
}
static int id_note_list(uint64_t acc, uint64_t id) {
  return custdb_note_list(CUR, store, acc, id, NULL);
}
static int id_file_begin(uint64_t acc, uint64_t id) {
  return custdb_file_begin(WRITER, store, acc, id, BYTES(valid_draft_file),
                           NULL);
}
static int id_file_list(uint64_t acc, uint64_t id) {
  return custdb_file_list(CUR, store, acc, id, 0, NULL);
}
static int id_link_add(uint64_t acc, uint64_t id) {
  return custdb_link_add(BUF, store, acc, id, BYTES(valid_draft_link));
}
static int id_link_list(uint64_t acc, uint64_t id) {
  return custdb_link_list(CUR, store, acc, id, NULL);
}
static int id_link_remove(uint64_t acc, uint64_t id) {
  return custdb_link_remove(store, acc, id, "job", "J-1");
}
static int id_portal_issue(uint64_t acc, uint64_t id) {
  return custdb_portal_link_issue(BUF, store, acc, id,
                                  BYTES(valid_draft_portal));
}
static int id_portal_list(uint64_t acc, uint64_t id) {
  return custdb_portal_link_list(CUR, store, acc, id, NULL);
}
static int id_duplicates(uint64_t acc, uint64_t id) {
  return custdb_customer_duplicates(BUF, store, acc, id, NULL);
}
static int id_tag_customer(uint64_t acc, uint64_t id) {
  return custdb_customer_tag(BUF, store, acc, id,
                             acc == ACCOUNT_B ? b.tag : a.tag);
}
static int id_untag_customer(uint64_t acc, uint64_t id) {
  return custdb_customer_untag(BUF, store, acc, id,
                               acc == ACCOUNT_B ? b.tag : a.tag);
}
static int id_merge_as_duplicate(uint64_t acc, uint64_t id) {
  return custdb_customer_merge(
      BUF, store, acc, acc == ACCOUNT_B ? b.customer : a.customer, id, NULL);
}
static int id_merge_as_survivor(uint64_t acc, uint64_t id) {
  return custdb_customer_merge(BUF, store, acc, id,
                               acc == ACCOUNT_B ? b.spare : a.spare, NULL);
}
static int id_merge_preview(uint64_t acc, uint64_t id) {
  return custdb_customer_merge_preview(
      BUF, store, acc, acc == ACCOUNT_B ? b.customer : a.customer, id, NULL);
}
static int id_contact_get(uint64_t acc, uint64_t id) {
  return custdb_contact_get(BUF, store, acc, id);
}
static int id_contact_update(uint64_t acc, uint64_t id) {
  return custdb_contact_update(BUF, store, acc, id, BYTES(valid_patch_contact),
                               NULL);
}
static int id_contact_promote(uint64_t acc, uint64_t id) {
  return custdb_contact_promote(BUF, store, acc, id);
}
static int id_contact_delete(uint64_t acc, uint64_t id) {
  return custdb_contact_delete(store, acc, id, NULL);
}
static int id_location_get(uint64_t acc, uint64_t id) {
  return custdb_location_get(BUF, store, acc, id);
}
static int id_location_update(uint64_t acc, uint64_t id) {
  return custdb_location_update(BUF, store, acc, id,
                                BYTES(valid_patch_location), NULL);
}
static int id_location_delete(uint64_t acc, uint64_t id) {
  return custdb_location_delete(store, acc, id, NULL);
}
static int id_note_get(uint64_t acc, uint64_t id) {
  return custdb_note_get(BUF, store, acc, id);
}
static int id_note_update(uint64_t acc, uint64_t id) {
  return custdb_note_update(BUF, store, acc, id, BYTES(valid_patch_note), NULL);
}
static int id_note_delete(uint64_t acc, uint64_t id) {
  return custdb_note_delete(store, acc, id, NULL);
}
static int id_file_get(uint64_t acc, uint64_t id) {
  return custdb_file_get(BUF, store, acc, id);
}
static int id_file_content(uint64_t acc, uint64_t id) {
  return custdb_file_open_content(CUR, store, acc, id, NULL);
}
static int id_file_delete(uint64_t acc, uint64_t id) {
  return custdb_file_delete(store, acc, id);
}
static int id_tag_get(uint64_t acc, uint64_t id) {
  return custdb_tag_get(BUF, store, acc, id);
}
static int id_tag_rename(uint64_t acc, uint64_t id) {
  return custdb_tag_rename(BUF, store, acc, id, BYTES(valid_draft_tag), NULL);
}
static int id_tag_delete(uint64_t acc, uint64_t id) {
  return custdb_tag_delete(store, acc, id);
}
static int id_tag_onto_customer(uint64_t acc, uint64_t id) {
  return custdb_customer_tag(BUF, store, acc,
                             acc == ACCOUNT_B ? b.customer : a.customer, id);
}
static int id_portal_revoke(uint64_t acc, uint64_t id) {
  return custdb_portal_link_revoke(store, acc, id);
}

/* Which of an account's records a call's id names. */
enum id_kind {
  ID_CUSTOMER,
  ID_CONTACT,
  ID_LOCATION,
  ID_NOTE,
  ID_FILE,
  ID_TAG,
  ID_PORTAL_LINK
};

typedef struct {
  const char* name;
  id_call call;
  enum id_kind kind;
} id_row;

static const id_row id_rows[] = {
    {"customer_get", id_customer_get, ID_CUSTOMER},
    {"customer_update", id_customer_update, ID_CUSTOMER},
    {"customer_archive", id_customer_archive, ID_CUSTOMER},
    {"customer_unarchive", id_customer_unarchive, ID_CUSTOMER},
    {"contact_add", id_contact_add, ID_CUSTOMER},
    {"contact_list", id_contact_list, ID_CUSTOMER},
    {"location_add", id_location_add, ID_CUSTOMER},
    {"location_list", id_location_list, ID_CUSTOMER},
    {"timeline_append", id_timeline_append, ID_CUSTOMER},
    {"timeline_list", id_timeline_list, ID_CUSTOMER},
    {"note_add", id_note_add, ID_CUSTOMER},
    {"note_list", id_note_list, ID_CUSTOMER},
    {"file_begin", id_file_begin, ID_CUSTOMER},
    {"file_list", id_file_list, ID_CUSTOMER},
    {"link_add", id_link_add, ID_CUSTOMER},
    {"link_list", id_link_list, ID_CUSTOMER},
    {"link_remove", id_link_remove, ID_CUSTOMER},
    {"portal_link_issue", id_portal_issue, ID_CUSTOMER},
    {"portal_link_list", id_portal_list, ID_CUSTOMER},
    {"customer_duplicates", id_duplicates, ID_CUSTOMER},
    {"customer_tag", id_tag_customer, ID_CUSTOMER},
    {"customer_untag", id_untag_customer, ID_CUSTOMER},
    {"customer_merge (duplicate)", id_merge_as_duplicate, ID_CUSTOMER},
    {"customer_merge (survivor)", id_merge_as_survivor, ID_CUSTOMER},
    {"customer_merge_preview", id_merge_preview, ID_CUSTOMER},
    {"contact_get", id_contact_get, ID_CONTACT},
    {"contact_update", id_contact_update, ID_CONTACT},
    {"contact_promote", id_contact_promote, ID_CONTACT},
    {"contact_delete", id_contact_delete, ID_CONTACT},
    {"location_get", id_location_get, ID_LOCATION},
    {"location_update", id_location_update, ID_LOCATION},
    {"location_delete", id_location_delete, ID_LOCATION},
    {"note_get", id_note_get, ID_NOTE},
    {"note_update", id_note_update, ID_NOTE},
    {"note_delete", id_note_delete, ID_NOTE},
    {"file_get", id_file_get, ID_FILE},
    {"file_open_content", id_file_content, ID_FILE},
    {"file_delete", id_file_delete, ID_FILE},
    {"tag_get", id_tag_get, ID_TAG},
    {"tag_rename", id_tag_rename, ID_TAG},
    {"tag_delete", id_tag_delete, ID_TAG},
    {"customer_tag (tag)", id_tag_onto_customer, ID_TAG},
    {"portal_link_revoke", id_portal_revoke, ID_PORTAL_LINK},
};
#define ID_ROWS (sizeof id_rows / sizeof id_rows[0])

static uint64_t id_in(const account_records* r, enum id_kind kind) {
  switch (kind) {
    case ID_CUSTOMER:
      return r->customer;
    case ID_CONTACT:
      return r->contact;
    case ID_LOCATION:
      return r->location;
    case ID_NOTE:
      return r->note;
    case ID_FILE:
      return r->file;
    case ID_TAG:
      return r->tag;
    case ID_PORTAL_LINK:
      return r->portal_link;
  }
  return 0;
}

static void foreign_ids(void) {
  size_t i;
  char what[200];
  for (i = 0; i < ID_ROWS; i++) {
    const id_row* row = &id_rows[i];
    uint64_t own = id_in(&a, row->kind);
    uint64_t other = id_in(&b, row->kind);
    int rc;
    snprintf(what, sizeof what, "%s of another account's id", row->name);
    reset_outs();
    refused(what, __LINE__, row->call(ACCOUNT_A, other), CUSTDB_ENOTFOUND,
            NULL);
    snprintf(what, sizeof what, "%s in another account", row->name);
    reset_outs();
    refused(what, __LINE__, row->call(ACCOUNT_B, own), CUSTDB_ENOTFOUND, NULL);
    snprintf(what, sizeof what, "%s of an id never handed out", row->name);
    reset_outs();
    refused(what, __LINE__, row->call(ACCOUNT_A, (uint64_t)1 << 62),
            CUSTDB_ENOTFOUND, NULL);
    /* Id 0 names nothing, and account 0 is no account: either is refused
     * (not found or invalid), and changes nothing. */
    snprintf(what, sizeof what, "%s of id 0", row->name);
    reset_outs();
    rc = row->call(ACCOUNT_A, 0);
    refused(what, __LINE__, rc,
            rc == CUSTDB_EINVAL ? CUSTDB_EINVAL : CUSTDB_ENOTFOUND, NULL);
    snprintf(what, sizeof what, "%s in account 0", row->name);
    reset_outs();
    rc = row->call(0, own);
    refused(what, __LINE__, rc,
            rc == CUSTDB_EINVAL ? CUSTDB_EINVAL : CUSTDB_ENOTFOUND, NULL);
  }
  REFUSE(EINVAL_, "account_id:", custdb_summary_get(BUF, store, 0));
  REFUSE(EINVAL_, "account_id:", custdb_tag_list(CUR, store, 0, NULL));
  REFUSE(EINVAL_, "account_id:", custdb_duplicate_report(CUR, store, 0, NULL));
  REFUSE(EINVAL_, NULL,
         custdb_customer_create(BUF, EXISTED, store, 0,
                                BYTES(valid_draft_customer), NULL));
  REFUSE(EINVAL_, NULL,
         custdb_tag_create(BUF, EXISTED, store, 0, BYTES(valid_draft_tag)));
  REFUSE(ENOTFOUND_, NULL,
         custdb_link_find(BUF, store, ACCOUNT_B, "job", "J-404"));
  /* A timeline entry naming another account's contact. */
  {
    char json[256];
    custdb_buffer* draft;
    snprintf(json, sizeof json,
             "{\"channel\":\"Sms\",\"direction\":\"Inbound\","
             "\"occurred_at_ms\":5,\"contact_id\":%llu}",
             (unsigned long long)b.contact);
    draft = from_json("TimelineEntryDraft", json);
    REFUSE(ENOTFOUND_, "contact_id",
           custdb_timeline_append(BUF, EXISTED, store, ACCOUNT_A, a.customer,
                                  BYTES(draft)));
    custdb_buffer_free(draft);
  }
  /* Merging a customer into itself, or with a zero id. */
  REFUSE(EINVAL_, NULL,
         custdb_customer_merge(BUF, store, ACCOUNT_A, a.customer, a.customer,
                               NULL));
  REFUSE(EINVAL_, NULL,
         custdb_customer_merge(BUF, store, ACCOUNT_A, 0, a.spare, NULL));
  REFUSE(EINVAL_, NULL,
         custdb_customer_merge(BUF, store, ACCOUNT_A, a.customer, 0, NULL));
}

/* ---- Table 7: resume tokens that do not belong ------------------------ */

typedef struct {
  uint8_t bytes[2048];
  size_t size;
} token;

static void take_token(token* t, int rc, custdb_cursor** slot) {
  custdb_cursor* cursor = *slot;
  custdb_buffer* record = NULL;
  custdb_buffer* out = NULL;
  if (rc != CUSTDB_OK) exit(1);
  MUST(custdb_cursor_next(&record, cursor));
  custdb_buffer_free(record);
  MUST(custdb_cursor_token(&out, cursor));
  t->size = custdb_buffer_size(out);
  memcpy(t->bytes, custdb_buffer_data(out), t->size);
  custdb_buffer_free(out);
  custdb_cursor_free(cursor);
}

static void stale_tokens(void) {
  token contacts, tags, notes;
  custdb_cursor* cursor = NULL;
  custdb_list_options list = CUSTDB_LIST_OPTIONS_INIT;
  size_t i;
  int bit;
  char what[200];

  take_token(&contacts,
             custdb_contact_list(&cursor, store, ACCOUNT_A, a.customer, NULL),
             &cursor);
  take_token(&tags, custdb_tag_list(&cursor, store, ACCOUNT_A, NULL), &cursor);
  take_token(&notes,
             custdb_note_list(&cursor, store, ACCOUNT_A, a.customer, NULL),
             &cursor);

  list.resume_token = contacts.bytes;
  list.resume_token_size = contacts.size;
  /* Another list, another customer's list, another account. */
  REFUSE(EINVAL_, "resume_token:",
         custdb_note_list(CUR, store, ACCOUNT_A, a.customer, &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_location_list(CUR, store, ACCOUNT_A, a.customer, &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_contact_list(CUR, store, ACCOUNT_A, a.company, &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_contact_list(CUR, store, ACCOUNT_B, b.customer, &list));
  REFUSE(EINVAL_,
         "resume_token:", custdb_tag_list(CUR, store, ACCOUNT_A, &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_timeline_list(CUR, store, ACCOUNT_A, a.customer, 1, &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_customer_find_by_phone(CUR, store, ACCOUNT_A, "4155550177",
                                       &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_file_open_content(CUR, store, ACCOUNT_A, a.file, &list));
  REFUSE(EINVAL_, "resume_token:",
         custdb_duplicate_report(CUR, store, ACCOUNT_A, &list));
  REFUSE(EINVAL_, "resume_token:", custdb_account_list(CUR, store, &list));
  list.resume_token = tags.bytes;
  list.resume_token_size = tags.size;
  REFUSE(EINVAL_,
         "resume_token:", custdb_tag_list(CUR, store, ACCOUNT_B, &list));
  list.resume_token = notes.bytes;
  list.resume_token_size = notes.size;
  REFUSE(EINVAL_, "resume_token:",
         custdb_note_list(CUR, store, ACCOUNT_A, a.spare, &list));

  /* Cut short, one byte at a time, and grown by one. */
  compare_each = 0;
  list.resume_token = contacts.bytes;
  for (i = 0; i < contacts.size; i++) {
    list.resume_token_size = i;
    snprintf(what, sizeof what, "a token cut to %zu bytes", i);
    reset_outs();
    refused(what, __LINE__,
            custdb_contact_list(CUR, store, ACCOUNT_A, a.customer, &list),
            CUSTDB_EINVAL, i == 0 ? "resume_token:" : "resume_token:");
  }
  list.resume_token_size = contacts.size + 1;
  REFUSE(EINVAL_, "resume_token:",
         custdb_contact_list(CUR, store, ACCOUNT_A, a.customer, &list));

  /* Every bit flipped, one at a time. */
  list.resume_token_size = contacts.size;
  for (i = 0; i < contacts.size; i++) {
    for (bit = 0; bit < 8; bit++) {
      contacts.bytes[i] ^= (uint8_t)(1u << bit);
      snprintf(what, sizeof what, "a token with bit %d of byte %zu flipped",
               bit, i);
      reset_outs();
      refused(what, __LINE__,
              custdb_contact_list(CUR, store, ACCOUNT_A, a.customer, &list),
              CUSTDB_EINVAL, "resume_token:");
      contacts.bytes[i] ^= (uint8_t)(1u << bit);
    }
  }
  compare_each = 1;
  compare_with_baseline("the damaged tokens", __LINE__);

  /* The token itself still works. */
  {
    custdb_cursor* resumed = NULL;
    CHECK_RC(CUSTDB_OK, custdb_contact_list(&resumed, store, ACCOUNT_A,
                                            a.customer, &list));
    custdb_cursor_free(resumed);
  }
}

/* ---- Table 8: stale versions ------------------------------------------ */

static uint64_t version_of(const char* type_name, int rc,
                           custdb_buffer** slot) {
  custdb_buffer* record = *slot;
  uint64_t v;
  if (rc != CUSTDB_OK) exit(1);
  v = (uint64_t)record_number(type_name, record, "version");
  custdb_buffer_free(record);
  return v;
}

static void stale_versions(void) {
  custdb_buffer* out = NULL;
  uint64_t A = ACCOUNT_A;
  uint64_t vc = version_of(
      "Customer", custdb_customer_get(&out, store, A, a.customer), &out);
  uint64_t vs = version_of("Customer",
                           custdb_customer_get(&out, store, A, a.spare), &out);
  uint64_t vk = version_of("Contact",
                           custdb_contact_get(&out, store, A, a.contact), &out);
  uint64_t vl = version_of(
      "Location", custdb_location_get(&out, store, A, a.location), &out);
  uint64_t vn =
      version_of("Note", custdb_note_get(&out, store, A, a.note), &out);
  uint64_t vt = version_of("Tag", custdb_tag_get(&out, store, A, a.tag), &out);
  int s;
  for (s = 0; s < 2; s++) {
    /* One older than the record's, and one newer. */
    int64_t delta = s == 0 ? -1 : 1;
    custdb_update_options u = CUSTDB_UPDATE_OPTIONS_INIT;
    custdb_merge_options m = CUSTDB_MERGE_OPTIONS_INIT;
#define STALE(v)                                   \
  ((uint64_t)((int64_t)(v) + delta) == 0 ? (v) + 2 \
                                         : (uint64_t)((int64_t)(v) + delta))
    u.expected_version = STALE(vc);
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_customer_update(BUF, store, A, a.customer,
                                  BYTES(valid_patch_customer), &u));
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_customer_archive(BUF, store, A, a.customer, &u));
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_customer_unarchive(BUF, store, A, a.customer, &u));
    u.expected_version = STALE(vk);
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_contact_update(BUF, store, A, a.contact,
                                 BYTES(valid_patch_contact), &u));
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_contact_delete(store, A, a.contact, &u));
    u.expected_version = STALE(vl);
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_location_update(BUF, store, A, a.location,
                                  BYTES(valid_patch_location), &u));
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_location_delete(store, A, a.location, &u));
    u.expected_version = STALE(vn);
    REFUSE(
        CUSTDB_ECONFLICT, NULL,
        custdb_note_update(BUF, store, A, a.note, BYTES(valid_patch_note), &u));
    REFUSE(CUSTDB_ECONFLICT, NULL, custdb_note_delete(store, A, a.note, &u));
    u.expected_version = STALE(vt);
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_tag_rename(BUF, store, A, a.tag, BYTES(valid_draft_tag), &u));
    m.expected_survivor_version = STALE(vc);
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_customer_merge(BUF, store, A, a.customer, a.spare, &m));
    REFUSE(
        CUSTDB_ECONFLICT, NULL,
        custdb_customer_merge_preview(BUF, store, A, a.customer, a.spare, &m));
    m.expected_survivor_version = vc;
    m.expected_duplicate_version = STALE(vs);
    REFUSE(CUSTDB_ECONFLICT, NULL,
           custdb_customer_merge(BUF, store, A, a.customer, a.spare, &m));
#undef STALE
  }
}

/* ---- The run ---------------------------------------------------------- */

static void make_valid_inputs(void) {
  valid_draft_customer =
      from_json("CustomerDraft",
                "{\"kind\":\"Individual\",\"first_name\":\"Al\",\"phone\":"
                "\"4155550199\"}");
  valid_patch_customer = from_json("CustomerPatch", "{\"vip\":true}");
  valid_patch_contact = from_json("ContactPatch", "{\"last_name\":\"Roe\"}");
  valid_patch_location = from_json("LocationPatch", "{\"label\":\"Home\"}");
  valid_patch_note = from_json("NotePatch", "{\"body\":\"new body\"}");
  valid_draft_tag = from_json("TagDraft", "{\"name\":\"renamed\"}");
  valid_draft_contact = from_json("ContactDraft", "{\"first_name\":\"Cy\"}");
  valid_draft_location = from_json(
      "LocationDraft",
      "{\"kind\":\"Billing\",\"address_line1\":\"2 Oak Ave\",\"city\":"
      "\"Austin\",\"state\":\"TX\",\"zip\":\"73301\"}");
  valid_draft_note =
      from_json("NoteDraft", "{\"author\":\"u2\",\"body\":\"x\"}");
  valid_draft_entry = from_json(
      "TimelineEntryDraft",
      "{\"channel\":\"Call\",\"direction\":\"Outbound\",\"occurred_at_ms\":"
      "1700000000001}");
  valid_draft_file = from_json(
      "FileDraft",
      "{\"category\":\"Other\",\"file_name\":\"c.txt\",\"content_type\":"
      "\"text/plain\"}");
  valid_draft_link =
      from_json("LinkDraft", "{\"kind\":\"invoice\",\"external_id\":\"I-7\"}");
  valid_draft_portal = from_json("PortalLinkDraft", "{}");
}

static void free_valid_inputs(void) {
  custdb_buffer_free(valid_draft_customer);
  custdb_buffer_free(valid_patch_customer);
  custdb_buffer_free(valid_patch_contact);
  custdb_buffer_free(valid_patch_location);
  custdb_buffer_free(valid_patch_note);
  custdb_buffer_free(valid_draft_tag);
  custdb_buffer_free(valid_draft_contact);
  custdb_buffer_free(valid_draft_location);
  custdb_buffer_free(valid_draft_note);
  custdb_buffer_free(valid_draft_entry);
  custdb_buffer_free(valid_draft_file);
  custdb_buffer_free(valid_draft_link);
  custdb_buffer_free(valid_draft_portal);
}

static void check_store_clean(void) {
  custdb_buffer* report = NULL;
  char* json;
  CHECK_RC(CUSTDB_OK, custdb_store_check(&report, store));
  json = to_json("CheckReport", report);
  CHECK(!json_has(json, "\"issues\":[{"));
  free(json);
  custdb_buffer_free(report);
}

int main(int argc, char** argv) {
  custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
  size_t i;
  if (argc < 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  start_scratch(argv[1]);
  for (i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 37 + 11);
  memcpy(aligned_words, junk, sizeof aligned_words);
  open.no_sync = 1;
  MUST(custdb_store_open(&store, path_of("store"), &open));
  make_account(&a, ACCOUNT_A, "4155550123");
  make_account(&b, ACCOUNT_B, "4155550124");
  make_valid_inputs();
  baseline = snapshot();

  null_pointers();
  hostile_bytes();
  damaged_text();
  escaped_text();
  direct_strings();
  out_of_range();
  foreign_ids();
  stale_tokens();
  stale_versions();

  compare_with_baseline("the whole run", __LINE__);
  check_store_clean();
  free_valid_inputs();
  free(baseline);
  custdb_store_close(store);
  printf("%d hostile cases\n", cases);
  return finish();
}
