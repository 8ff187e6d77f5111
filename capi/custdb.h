/*
 * custdb.h - the C interface of custdb, an embedded store for the customer
 * records of field-service businesses.
 *
 * This is the only public header. It is plain C99.
 *
 * CONVENTIONS (the same for every call)
 *
 *   Names      custdb_<object>_<verb>; constants CUSTDB_*.
 *   Results    Every call that can fail returns an int: CUSTDB_OK (0) on
 *              success, one of the negative CUSTDB_E* codes otherwise.
 *              Codes are never renumbered. After a failure,
 *              custdb_last_error() describes it.
 *   Arguments  Out-parameters come first. On failure an out-parameter is
 *              set to NULL (or 0). Every pointer argument is checked: a
 *              NULL where one is required is CUSTDB_EINVAL, never a crash.
 *   Ownership  What a call returns through a `**out` belongs to the
 *              caller, who releases it with the matching NULL-safe
 *              custdb_<object>_free. Input buffers are only read during
 *              the call and never kept.
 *   Records    Cross as FlatBuffers bytes of the installed schema
 *              (custdb.fbs, namespace custdb.fb). Input bytes are verified
 *              before use: damaged bytes are CUSTDB_EINVAL. Hosts with no
 *              FlatBuffers builder use custdb_record_from_json() and
 *              custdb_record_to_json().
 *   Options    Structs whose first field is `version`; fields are only
 *              ever added at the end, and the library reads only the
 *              fields of the version given. Every field's zero value is
 *              its default, so a zeroed struct with `version` set (the
 *              CUSTDB_<NAME>_OPTIONS_INIT initializer) is the defaults,
 *              and so is a NULL options pointer.
 *   Cursors    Lists are read through a custdb_cursor (see below) whose
 *              position can be saved as a resume token.
 *   Accounts   Every call that touches records names an account id
 *              (non-zero). Nothing in one account is visible, countable or
 *              changeable through another; an id of another account's
 *              record is CUSTDB_ENOTFOUND.
 *
 * THREADS
 *
 *   A custdb_store may be shared by any number of threads. A cursor
 *   belongs to one thread at a time. The last-error message is per
 *   thread. The log callback may be called from background threads.
 *
 * PRIVACY
 *
 *   Error and log messages name fields, operations and record ids; they
 *   never contain names, phones, emails or other contents of records.
 */
#ifndef CUSTDB_H
#define CUSTDB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CUSTDB_API __attribute__((visibility("default")))
#else
#define CUSTDB_API
#endif

/* ---- Versions ----------------------------------------------------------
 * The version this header describes. A binding compares
 * CUSTDB_VERSION_MAJOR with custdb_version() >> 16 and refuses a library
 * of another major version: within one major version the ABI only grows.
 */
#define CUSTDB_VERSION_MAJOR 0
#define CUSTDB_VERSION_MINOR 1
#define CUSTDB_VERSION_PATCH 0
#define CUSTDB_VERSION                                          \
  ((CUSTDB_VERSION_MAJOR << 16) | (CUSTDB_VERSION_MINOR << 8) | \
   CUSTDB_VERSION_PATCH)

/* The version of the library loaded at run time, encoded as
 * CUSTDB_VERSION is. */
CUSTDB_API uint32_t custdb_version(void);

/* The same as "MAJOR.MINOR.PATCH"; a static string. */
CUSTDB_API const char* custdb_version_string(void);

/* ---- Errors ------------------------------------------------------------
 */
#define CUSTDB_OK 0
#define CUSTDB_EINVAL (-1)     /* invalid argument or input; nothing changed */
#define CUSTDB_ENOTFOUND (-2)  /* no such record in this account */
#define CUSTDB_ECONFLICT (-3)  /* the record's version is not the expected */
#define CUSTDB_EINUSE (-4)     /* the store is open elsewhere */
#define CUSTDB_EFORMAT (-5)    /* not a custdb store, or a newer format */
#define CUSTDB_ECORRUPT (-6)   /* stored data is damaged */
#define CUSTDB_EIO (-7)        /* the file system failed */
#define CUSTDB_EBUSY (-8)      /* a lock could not be had in time; retry */
#define CUSTDB_ECLOSED (-9)    /* the store was closed under a cursor */
#define CUSTDB_ENOMEM (-10)    /* out of memory */
#define CUSTDB_EINTERNAL (-11) /* a bug in custdb */

/* A message describing the last failure on this thread: lower case, naming
 * the field and the rule ("phone: a US number has 10 digits (got 9)").
 * Valid until the next custdb call on this thread; never NULL. Calls that
 * return an int set it (to "" on success); the others leave it alone. */
CUSTDB_API const char* custdb_last_error(void);

/* The name of a code ("CUSTDB_ENOTFOUND"); a static string, "unknown" for
 * a value that is not a code. */
CUSTDB_API const char* custdb_error_name(int code);

/* ---- Buffers -----------------------------------------------------------
 * Bytes returned by the library: a record, a JSON text, a resume token.
 * The bytes stay valid and unchanged until custdb_buffer_free. A JSON
 * text is also followed by a NUL byte that the size does not count.
 */
typedef struct custdb_buffer custdb_buffer;

CUSTDB_API const uint8_t* custdb_buffer_data(const custdb_buffer* buffer);
CUSTDB_API size_t custdb_buffer_size(const custdb_buffer* buffer);
CUSTDB_API void custdb_buffer_free(custdb_buffer* buffer);

/* ---- Records as JSON ---------------------------------------------------
 * Converts between JSON and the FlatBuffers bytes of a table of the
 * schema, named by `type_name`: any record, draft or patch table of
 * custdb.fbs ("Customer", "CustomerDraft", "CustomerPatch", "Summary",
 * "CheckReport", "Contact", "ContactDraft", ...). Field names are those
 * of the schema; enum values are their names ("Individual").
 *   custdb_record_from_json: CUSTDB_EINVAL when the text is not JSON of
 *     that table; the message gives the line and column.
 *   custdb_record_to_json: CUSTDB_EINVAL when the bytes are not a record
 *     of that table. The text is UTF-8 on one line, NUL-terminated.
 */
CUSTDB_API int custdb_record_from_json(custdb_buffer** out,
                                       const char* type_name, const char* json,
                                       size_t json_size);
CUSTDB_API int custdb_record_to_json(custdb_buffer** out, const char* type_name,
                                     const uint8_t* record, size_t record_size);

/* ---- Stores ------------------------------------------------------------
 */
typedef struct custdb_store custdb_store;

#define CUSTDB_LOG_INFO 0
#define CUSTDB_LOG_WARN 1
#define CUSTDB_LOG_ERROR 2

/* Receives lifecycle events: open, close, flushes, compactions, write
 * stalls and background errors; never record contents. `message` is valid
 * during the call only. May be called from background threads until
 * custdb_store_close returns. */
typedef void (*custdb_log_fn)(void* context, int level, const char* message);

#define CUSTDB_OPEN_OPTIONS_VERSION 1

typedef struct custdb_open_options {
  uint32_t version; /* CUSTDB_OPEN_OPTIONS_VERSION */
  /* Zero (the default): every commit waits until its log record is on
   * disk, so an acknowledged write survives a power cut. Non-zero:
   * commits do not wait and are several times faster; a crash of the
   * process still loses nothing, but a power cut or kernel crash may lose
   * the last commits (whole transactions, never part of one). */
  int32_t no_sync;
  uint64_t cache_bytes; /* block cache; 0: 64 MiB */
  custdb_log_fn log;    /* NULL: no log callback */
  void* log_context;    /* passed to `log` */
} custdb_open_options;

/* The defaults: custdb_open_options o = CUSTDB_OPEN_OPTIONS_INIT; */
#define CUSTDB_OPEN_OPTIONS_INIT \
  { CUSTDB_OPEN_OPTIONS_VERSION, 0, 0, 0, 0 }

/* Opens the store in directory `path`, creating the directory and an
 * empty store when it is missing or empty. A store of an older format is
 * upgraded in place as it opens (the log callback is told), after which
 * older libraries refuse it (docs/file-format.md).
 *   CUSTDB_EINUSE  another process or handle has the store open.
 *   CUSTDB_EFORMAT the directory holds something else, or a store of a
 *                  newer format than this library reads.
 *   CUSTDB_EINVAL  NULL arguments, an unknown options version.
 * Close with custdb_store_close. */
CUSTDB_API int custdb_store_open(custdb_store** out, const char* path,
                                 const custdb_open_options* options);

/* Closes a store and frees the handle; NULL-safe. Waits for calls already
 * running on other threads to return; starting a call on the handle while
 * it is being closed, or after, is an error of the host (the handle is
 * gone). Cursors are not waited for: they stay valid to free, in any
 * order, and every other call on them fails with CUSTDB_ECLOSED. */
CUSTDB_API void custdb_store_close(custdb_store* store);

/* Rebuilds every derived entry of every account from the records (index
 * entries, summary and tag counts, timeline channel keys, file chunks,
 * the primary-contact rule) and compares them with what is stored.
 * `*out` is a CheckReport record: its `issues` list is empty for a
 * consistent store. Reads the whole store; meant for maintenance and
 * tests. */
CUSTDB_API int custdb_store_check(custdb_buffer** out, custdb_store* store);

/* Writes a consistent copy of the whole store (every account, as of one
 * moment) into the directory `dir`, which must not exist yet; its parent
 * must. Writes on other threads may go on meanwhile; the copy holds each
 * transaction whole or not at all. The copy is a RocksDB checkpoint:
 * table files are hard links where the file system allows, so it costs
 * little space until the store moves on. To restore, copy the directory
 * to where a store should be and open it with custdb_store_open (which
 * custdb_store_check can then verify).
 *   CUSTDB_EINVAL  NULL arguments, `dir` empty or already there, or its
 *                  parent missing.
 *   CUSTDB_EIO     the copy could not be written (a partial copy may be
 *                  left in `dir`). */
CUSTDB_API int custdb_store_backup(custdb_store* store, const char* dir);

/* ---- Customers ---------------------------------------------------------
 * A customer is an Individual (first_name required) or a Company
 * (company_name required); the kind never changes. phone is required: a
 * US number in any common format, stored in E.164. Text limits (bytes of
 * UTF-8): first_name, last_name 100; company_name 200; email 254;
 * do_not_contact_reason 500; internal_notes 10000. Invalid UTF-8 and
 * control characters are refused.
 */

#define CUSTDB_CREATE_OPTIONS_VERSION 1

typedef struct custdb_create_options {
  uint32_t version; /* CUSTDB_CREATE_OPTIONS_VERSION */
  /* Zero (the default): when the phone already belongs to a customer of
   * the account whose name agrees with the draft's (see
   * custdb_customer_create), that customer is returned and nothing is
   * created.
   * Non-zero: a new customer is created anyway (a switchboard, a
   * household); the duplicate finder will point the pair out. */
  int32_t allow_duplicate_phone;
} custdb_create_options;

#define CUSTDB_CREATE_OPTIONS_INIT \
  { CUSTDB_CREATE_OPTIONS_VERSION, 0 }

/* Creates a customer from a CustomerDraft record. `*out` is the Customer
 * record (id, customer number, times and version assigned). The customer
 * and its first contact, if it gets one (see "Contacts" below), are
 * written together.
 * A phone that already belongs to customers of the account returns the
 * first of them (in id order, among the first 64) whose name agrees with
 * the draft's, by the rule duplicate detection uses: two individuals
 * agree when first and last names both agree, straight or swapped,
 * nicknames ("Bob" and "Robert") and one typo in a name of six letters or
 * more allowed; any other pair when their names are similar (case,
 * accents, punctuation, company suffixes and word order do not count).
 * When no owner's name agrees (two businesses behind one switchboard),
 * a new customer is created that shares the phone, and the duplicate
 * finder points the pair out.
 * `*out_existed` is 1 when an owner of the phone with an agreeing name was
 * returned (nothing was written), 0 when a new customer was created. Many
 * threads creating the same phone and name at once end with exactly one
 * customer.
 *   CUSTDB_EINVAL  a field breaks a rule; the message names it. */
CUSTDB_API int custdb_customer_create(custdb_buffer** out, int* out_existed,
                                      custdb_store* store, uint64_t account_id,
                                      const uint8_t* draft, size_t draft_size,
                                      const custdb_create_options* options);

/* Creates many customers at once, for imports and bulk loads: `batch` is
 * an ImportBatch record, whose rows each hold a CustomerDraft and what the
 * customer comes with (a Link to the host's record, contacts, locations,
 * timeline entries, tag ids). `*out` is an ImportResult record: for every
 * row in order, its outcome and customer id, and for a rejected row the
 * error, which names the row and the field ("rows[3].contacts[0].email:
 * ..."). A row is written as the single calls would write it
 * (custdb_customer_create with `options`, custdb_link_add,
 * custdb_contact_add, custdb_location_add, custdb_timeline_append,
 * custdb_customer_tag), except that:
 *   - a row whose phone belongs to a customer with an agreeing name is
 *     Existing, and a row whose link is held already is Linked: that
 *     customer's id is given and nothing of the row is written, so the
 *     caller decides what to add to it;
 *   - an invalid row is Rejected and nothing of it written; the other
 *     rows are written all the same;
 *   - every row that is written commits in one transaction, with one
 *     write of sorted keys: several times faster than the single calls
 *     (docs/import.md has the measurements).
 * A later row sees the customers and links of earlier ones. The batch
 * holds the locks of all its phones until it commits, so other writers
 * of those phones wait for it. The batch is at most 1 MiB and 10,000
 * rows (docs/import.md says how many to put in one).
 *   CUSTDB_EINVAL  `batch` is not an ImportBatch, too large, or
 *                  `account_id` is 0; nothing was written.
 *   CUSTDB_EIO     the write failed; nothing was written. */
CUSTDB_API int custdb_customer_import(custdb_buffer** out, custdb_store* store,
                                      uint64_t account_id,
                                      const uint8_t* batch, size_t batch_size,
                                      const custdb_create_options* options);

/* The Customer record with this id. The id of a customer merged into
 * another (see custdb_customer_merge) returns the survivor's record, whose
 * id differs from the one asked for; through a chain of merges, the last
 * survivor's. CUSTDB_ENOTFOUND when the id is neither a customer nor a
 * merged customer of this account. Every other call that names a merged
 * customer's id fails with CUSTDB_ENOTFOUND, its message naming the
 * customer it was merged into. */
CUSTDB_API int custdb_customer_get(custdb_buffer** out, custdb_store* store,
                                   uint64_t account_id, uint64_t customer_id);

#define CUSTDB_UPDATE_OPTIONS_VERSION 1

typedef struct custdb_update_options {
  uint32_t version; /* CUSTDB_UPDATE_OPTIONS_VERSION */
  /* Non-zero: change the record only if its version is still this one
   * (the version the caller read), else fail with CUSTDB_ECONFLICT.
   * Zero (the default): change it whatever its version. */
  uint64_t expected_version;
} custdb_update_options;

#define CUSTDB_UPDATE_OPTIONS_INIT \
  { CUSTDB_UPDATE_OPTIONS_VERSION, 0 }

/* Applies a CustomerPatch record: absent fields stay as they are; a
 * present string replaces the value (empty clears an optional one).
 * Phone and email are re-indexed. Setting do_not_contact needs a non-empty
 * do_not_contact_reason; clearing it removes the reason. A kind other
 * than the stored one is CUSTDB_EINVAL. `*out` (when `out` is not NULL)
 * is the updated record, its version one higher; a patch that changes
 * nothing writes nothing and returns the record as it was. */
CUSTDB_API int custdb_customer_update(custdb_buffer** out, custdb_store* store,
                                      uint64_t account_id, uint64_t customer_id,
                                      const uint8_t* patch, size_t patch_size,
                                      const custdb_update_options* options);

/* Archives a customer (status Archived: hidden from the default list,
 * nothing deleted), or unarchives it (an archived customer becomes
 * Active; any other is returned unchanged). `out` may be NULL. The
 * expected version, when given, is checked in both cases. */
CUSTDB_API int custdb_customer_archive(custdb_buffer** out, custdb_store* store,
                                       uint64_t account_id,
                                       uint64_t customer_id,
                                       const custdb_update_options* options);
CUSTDB_API int custdb_customer_unarchive(custdb_buffer** out,
                                         custdb_store* store,
                                         uint64_t account_id,
                                         uint64_t customer_id,
                                         const custdb_update_options* options);

/* The Summary record of an account: counts kept in the same transactions
 * as the records, read in constant time. Archived customers count only in
 * `archived`; total, active, inactive, vip and companies count customers
 * that are not archived. */
CUSTDB_API int custdb_summary_get(custdb_buffer** out, custdb_store* store,
                                  uint64_t account_id);

/* ---- Cursors -----------------------------------------------------------
 * A cursor walks a list of records in a fixed order. custdb_cursor_next
 * returns CUSTDB_OK with `*out` set to the next record, or CUSTDB_OK with
 * `*out` NULL at the end. custdb_cursor_token returns an opaque resume
 * token for the position after the last record returned: passed back in
 * custdb_list_options.resume_token to the same kind of call, it continues
 * from there ("load more"), with no cursor kept between requests. A token
 * from another list, another account or a damaged one is CUSTDB_EINVAL.
 */
typedef struct custdb_cursor custdb_cursor;

#define CUSTDB_LIST_OPTIONS_VERSION 1

typedef struct custdb_list_options {
  uint32_t version; /* CUSTDB_LIST_OPTIONS_VERSION */
  /* A token from custdb_cursor_token, or NULL to start at the beginning.
   * Only read during the call that opens the cursor. */
  const uint8_t* resume_token;
  size_t resume_token_size;
} custdb_list_options;

#define CUSTDB_LIST_OPTIONS_INIT \
  { CUSTDB_LIST_OPTIONS_VERSION, 0, 0 }

CUSTDB_API int custdb_cursor_next(custdb_buffer** out, custdb_cursor* cursor);
CUSTDB_API int custdb_cursor_token(custdb_buffer** out, custdb_cursor* cursor);
CUSTDB_API void custdb_cursor_free(custdb_cursor* cursor);

/* The store's accounts in id order, each an Account record (its id and
 * its Summary): every account that holds a record of any kind. An
 * account that has never been written to is not listed. Its resume
 * tokens are tied to the store, not to an account. */
CUSTDB_API int custdb_account_list(custdb_cursor** out, custdb_store* store,
                                   const custdb_list_options* options);

/* The customers of an account whose phone is `phone` (any common format)
 * or whose email is `email` (compared without regard to case), their own
 * or one of their contacts', in id order, each customer once. A phone or
 * email is not a unique key, so several may match. CUSTDB_EINVAL when the
 * phone or email itself is not valid. */
CUSTDB_API int custdb_customer_find_by_phone(
    custdb_cursor** out, custdb_store* store, uint64_t account_id,
    const char* phone, const custdb_list_options* options);
CUSTDB_API int custdb_customer_find_by_email(
    custdb_cursor** out, custdb_store* store, uint64_t account_id,
    const char* email, const custdb_list_options* options);

/* ---- The customer list -------------------------------------------------
 * The table a dispatcher keeps open: a cursor of CustomerRow records
 * (id, customer number, display name, kind, formatted phone, status,
 * last activity, VIP, do-not-contact), filtered and sorted, served from
 * an index that holds the rows, so no customer record is decoded.
 *
 * Paging by resume token stays exact while customers change between
 * pages: a token resumes right after the last row returned, in that row's
 * order as it was, so no row that stays in place is repeated or skipped
 * because another customer changed. A customer whose own sort value
 * changes between pages (a rename; new activity) moves: it is shown again
 * when it moves ahead of the token, and not at all when it moves behind.
 */

/* Bits of custdb_customer_list_options.statuses. */
#define CUSTDB_STATUS_ACTIVE 1
#define CUSTDB_STATUS_INACTIVE 2
#define CUSTDB_STATUS_ARCHIVED 4

/* Values of custdb_customer_list_options.kind (the schema's CustomerKind). */
#define CUSTDB_KIND_ANY 0
#define CUSTDB_KIND_INDIVIDUAL 1
#define CUSTDB_KIND_COMPANY 2

/* Values of custdb_customer_list_options.vip and .do_not_contact. */
#define CUSTDB_FLAG_ANY 0
#define CUSTDB_FLAG_ONLY 1
#define CUSTDB_FLAG_EXCLUDE 2

/* Values of custdb_customer_list_options.sort: by display name A to Z,
 * ignoring case and accents; by last activity, newest first; by creation,
 * newest first. Ties go by customer id. */
#define CUSTDB_SORT_NAME 0
#define CUSTDB_SORT_LAST_ACTIVITY 1
#define CUSTDB_SORT_CREATED 2

/* The most tags custdb_customer_list_options.tag_ids may hold. */
#define CUSTDB_LIST_MAX_TAGS 16

/* The longest custdb_customer_list_options.query, in bytes. */
#define CUSTDB_LIST_MAX_QUERY 256

#define CUSTDB_CUSTOMER_LIST_OPTIONS_VERSION 1

typedef struct custdb_customer_list_options {
  uint32_t version; /* CUSTDB_CUSTOMER_LIST_OPTIONS_VERSION */
  /* CUSTDB_STATUS_* bits; 0 (the default): active and inactive, so that
   * archived customers are hidden unless asked for. */
  uint32_t statuses;
  int32_t kind;           /* CUSTDB_KIND_*; 0: any */
  int32_t vip;            /* CUSTDB_FLAG_*; 0: any */
  int32_t do_not_contact; /* CUSTDB_FLAG_*; 0: any */
  int32_t sort;           /* CUSTDB_SORT_*; 0: by name */
  /* Tag ids the customers must all carry; NULL (with tag_count 0): no
   * tag filter. At most CUSTDB_LIST_MAX_TAGS; order and repeats do not
   * matter. Only read during the call. */
  const uint64_t* tag_ids;
  size_t tag_count;
  /* Search text, NUL-terminated UTF-8 of at most CUSTDB_LIST_MAX_QUERY
   * bytes; NULL, "", or text with nothing to search for (spaces,
   * punctuation): no search. Only read during the call. The rules of a
   * search are above custdb_customer_list. */
  const char* query;
} custdb_customer_list_options;

#define CUSTDB_CUSTOMER_LIST_OPTIONS_INIT \
  { CUSTDB_CUSTOMER_LIST_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0 }

/* Search. A query is read as one of three kinds:
 *  - digits, with or without phone punctuation (space ( ) - . +): phones
 *    of customers and of their contacts. 10 digits (or 11 with a leading
 *    1) find that number; fewer find the numbers that begin with them
 *    (area code, exchange); exactly 4 also find the numbers that end with
 *    them, listed first.
 *  - text with an '@': email addresses of customers and contacts that
 *    begin with it, ignoring case.
 *  - other text: names of customers, companies and contacts. Every word
 *    of the query must begin a word of the name, ignoring case, accents
 *    and punctuation ("jo smi" finds "José Smith"). Names holding every
 *    query word whole come first, then prefix matches; when those are
 *    fewer than 10, names one typo away follow (a query word of 4 or more
 *    letters within one edit of a word's beginning, two from 8 letters on;
 *    the first letter must be right and the second there).
 * Within a kind the rows come in index order (by number, address, or the
 * matched word and then the name), not in `sort`'s, which a search
 * ignores. A customer is listed once for each distinct value that
 * answers (a company whose two contacts both match can appear twice),
 * never twice for one value. Every filter applies to a search.
 *
 * The customer list of an account: a cursor of CustomerRow records in
 * the order `filter->sort` names, of the customers every filter matches.
 * `filter` NULL is the defaults (every customer not archived, by name). A
 * resume token is tied to its filter: a token of another filter or sort
 * is CUSTDB_EINVAL. A tag id that names no tag matches no customer.
 *   CUSTDB_EINVAL  a filter field out of range (the message names it,
 *                  "filter.vip: ..."; a query too long or not UTF-8), an
 *                  unknown version of either options struct, a token of
 *                  another list or query. */
CUSTDB_API int custdb_customer_list(custdb_cursor** out, custdb_store* store,
                                    uint64_t account_id,
                                    const custdb_customer_list_options* filter,
                                    const custdb_list_options* options);

/* ---- Contacts ----------------------------------------------------------
 * The people a customer is reached through. A contact belongs to one
 * customer: first_name is required, last_name, phone (a US number in any
 * common format, stored in E.164), email and preferred_channel (Sms,
 * Email, Phone; Unspecified is allowed) are optional. Text limits (bytes
 * of UTF-8): first_name, last_name 100; email 254.
 *
 * While a customer has contacts exactly one is primary: its `primary`
 * flag is set and the Customer's primary_contact_id names it (0 while the
 * customer has none). The first contact a customer gets is primary
 * whatever its draft says; adding one with `primary` set, or promoting
 * one, demotes the one before. Deleting the primary contact promotes the
 * oldest remaining contact (the lowest id, which is the one added first);
 * deleting the last one leaves primary_contact_id 0. A change of primary
 * raises the version of the customer and of each contact whose flag
 * changed, in the same transaction.
 *
 * An individual starts with a primary contact made of its own first and
 * last name, phone and email; a company starts with one when its draft
 * names a primary_contact. While an individual's primary contact still
 * holds the individual's old first name, last name, phone or email, a
 * custdb_customer_update that changes that field changes the contact's
 * too.
 *
 * custdb_customer_find_by_phone and _find_by_email also find a customer
 * through the phone or email of any of its contacts (each customer once).
 * custdb_customer_create stays idempotent on the customer's own phone
 * only: a phone that only a contact has does not return its customer.
 *
 * Contact ids are unique in the store and name the contact alone: an id
 * of another account's contact is CUSTDB_ENOTFOUND.
 */

/* Adds a contact, from a ContactDraft record, to a customer. `*out` (when
 * `out` is not NULL) is the Contact record.
 *   CUSTDB_ENOTFOUND the customer is not in this account.
 *   CUSTDB_EINVAL    a field breaks a rule; the message names it. */
CUSTDB_API int custdb_contact_add(custdb_buffer** out, custdb_store* store,
                                  uint64_t account_id, uint64_t customer_id,
                                  const uint8_t* draft, size_t draft_size);

/* The Contact record with this id. CUSTDB_ENOTFOUND when there is none in
 * this account. */
CUSTDB_API int custdb_contact_get(custdb_buffer** out, custdb_store* store,
                                  uint64_t account_id, uint64_t contact_id);

/* Applies a ContactPatch record: absent fields stay; a present string
 * replaces the value (empty clears an optional one). Phone and email are
 * re-indexed. The expected version, when given in `options`, is the
 * contact's (CUSTDB_ECONFLICT otherwise). `*out` (when `out` is not NULL)
 * is the updated record, its version one higher; a patch that changes
 * nothing writes nothing and returns the record as it was. The primary
 * flag is not patched: see custdb_contact_promote. */
CUSTDB_API int custdb_contact_update(custdb_buffer** out,
                                     custdb_store* store, uint64_t account_id,
                                     uint64_t contact_id, const uint8_t* patch,
                                     size_t patch_size,
                                     const custdb_update_options* options);

/* Makes a contact its customer's primary contact; the one before is
 * demoted. `*out` (when `out` is not NULL) is the promoted Contact.
 * Promoting the primary contact changes nothing. */
CUSTDB_API int custdb_contact_promote(custdb_buffer** out,
                                      custdb_store* store,
                                      uint64_t account_id,
                                      uint64_t contact_id);

/* Deletes a contact, conditional on the expected version in `options`
 * like an update. When it was primary, the oldest remaining contact
 * becomes primary. */
CUSTDB_API int custdb_contact_delete(custdb_store* store,
                                     uint64_t account_id, uint64_t contact_id,
                                     const custdb_update_options* options);

/* A cursor over a customer's Contact records in id order, which is the
 * order they were added in; the primary one is where it falls, and says
 * so in its `primary` flag. CUSTDB_ENOTFOUND when the customer is not in
 * this account. */
CUSTDB_API int custdb_contact_list(custdb_cursor** out, custdb_store* store,
                                   uint64_t account_id, uint64_t customer_id,
                                   const custdb_list_options* options);

/* ---- Locations ---------------------------------------------------------
 * Where a customer is served, billed or written to. A location belongs to
 * one customer. Required: kind (Service, Billing, Mailing or Other;
 * Unspecified is refused), address_line1, city, state and zip. state is a
 * USPS code: the 50 states, DC, AS, GU, MP, PR, VI, UM, FM, MH, PW and
 * the military AA, AE, AP; any case is accepted and it is stored upper
 * case. zip is 5 digits, ZIP+4 ("94107-1234"), or 9 digits, stored as
 * ZIP+4. Optional: label, address_line2, and access_notes, parking_notes
 * and service_notes, which may span lines. Text limits (bytes of UTF-8):
 * label 100; address_line1, address_line2 200; city 100; each of the
 * notes 4000.
 *
 * Each location also carries address_key, the address normalized for
 * comparison (case, punctuation and spacing folded, street suffixes,
 * directions and unit designators abbreviated alike, the 5-digit ZIP):
 * two locations with the same key are taken to be one place.
 *
 * Location ids are unique in the store and name the location alone: an
 * id of another account's location is CUSTDB_ENOTFOUND.
 */

/* Adds a location, from a LocationDraft record, to a customer. `*out`
 * (when `out` is not NULL) is the Location record.
 *   CUSTDB_ENOTFOUND the customer is not in this account.
 *   CUSTDB_EINVAL    a field breaks a rule; the message names it. */
CUSTDB_API int custdb_location_add(custdb_buffer** out, custdb_store* store,
                                   uint64_t account_id, uint64_t customer_id,
                                   const uint8_t* draft, size_t draft_size);

/* The Location record with this id. CUSTDB_ENOTFOUND when there is none
 * in this account. */
CUSTDB_API int custdb_location_get(custdb_buffer** out, custdb_store* store,
                                   uint64_t account_id, uint64_t location_id);

/* Applies a LocationPatch record: absent fields stay; a present string
 * replaces the value (empty clears an optional one; a required one cannot
 * be cleared). The expected version, when given in `options`, is the
 * location's (CUSTDB_ECONFLICT otherwise). `*out` (when `out` is not
 * NULL) is the updated record, its version one higher; a patch that
 * changes nothing writes nothing and returns the record as it was. */
CUSTDB_API int custdb_location_update(custdb_buffer** out,
                                      custdb_store* store,
                                      uint64_t account_id,
                                      uint64_t location_id,
                                      const uint8_t* patch, size_t patch_size,
                                      const custdb_update_options* options);

/* Deletes a location, conditional on the expected version in `options`
 * like an update. */
CUSTDB_API int custdb_location_delete(custdb_store* store,
                                      uint64_t account_id,
                                      uint64_t location_id,
                                      const custdb_update_options* options);

/* A cursor over a customer's Location records in id order, which is the
 * order they were added in. CUSTDB_ENOTFOUND when the customer is not in
 * this account. */
CUSTDB_API int custdb_location_list(custdb_cursor** out, custdb_store* store,
                                    uint64_t account_id, uint64_t customer_id,
                                    const custdb_list_options* options);

/* ---- Timeline ----------------------------------------------------------
 * Every SMS, email, call and AI session with a customer, newest first.
 * Entries are TimelineEntryDraft records appended to a customer's
 * timeline; they are never changed afterwards.
 *
 * A draft has:
 *   channel         required: one of the CUSTDB_CHANNEL_* values below
 *                   (the schema's TimelineChannel; Unspecified is refused).
 *   direction       required: Inbound or Outbound.
 *   occurred_at_ms  required, > 0: when it happened, in milliseconds since
 *                   the Unix epoch (UTC); may lie in the past.
 *   contact_id      optional (0: none); otherwise a contact of this same
 *                   customer, else CUSTDB_ENOTFOUND naming contact_id.
 *   summary         optional, at most 4000 bytes of UTF-8; may hold tabs
 *                   and line breaks; kept as given.
 *   external_ref    optional, at most 200 bytes of UTF-8 on one line: the
 *                   host's own id of the message or call, compared byte
 *                   for byte.
 */

/* The channels, as the schema's TimelineChannel numbers them. */
#define CUSTDB_CHANNEL_ALL 0 /* custdb_timeline_list: every channel */
#define CUSTDB_CHANNEL_SMS 1
#define CUSTDB_CHANNEL_EMAIL 2
#define CUSTDB_CHANNEL_CALL 3
#define CUSTDB_CHANNEL_AI_SESSION 4

/* Appends an entry to a customer's timeline. `*out` (when `out` is not
 * NULL) is the TimelineEntry record, with its id, account, customer and
 * created_at_ms assigned. The customer's last_activity_at_ms moves forward
 * to occurred_at_ms when that is later, never back, and its version and
 * updated_at_ms do not change.
 * Idempotent by external_ref: when an entry of this customer already has
 * the draft's external_ref, that entry is returned as first stored (the
 * draft's other fields are not compared), `*out_existed` (when not NULL)
 * is 1 and nothing is written; otherwise `*out_existed` is 0. Many threads
 * appending one external_ref at once end with exactly one entry.
 *   CUSTDB_EINVAL    a field breaks a rule; the message names it.
 *   CUSTDB_ENOTFOUND the customer is not in this account, or contact_id
 *                    is not a contact of this customer. */
CUSTDB_API int custdb_timeline_append(custdb_buffer** out, int* out_existed,
                                      custdb_store* store,
                                      uint64_t account_id,
                                      uint64_t customer_id,
                                      const uint8_t* draft,
                                      size_t draft_size);

/* A customer's TimelineEntry records, newest first: by occurred_at_ms
 * descending, entries of the same time by id descending. `channel` is one
 * of the CUSTDB_CHANNEL_* values; CUSTDB_CHANNEL_ALL (0) lists every
 * channel. A resume token is tied to its customer and channel. Paging
 * stays exact while entries are appended: a token resumes right after the
 * last entry returned, so no entry is repeated or skipped; entries newer
 * than that one are not reached by it (start a new list to see them),
 * older ones appended meanwhile are.
 *   CUSTDB_EINVAL    an unknown channel; a token of another list.
 *   CUSTDB_ENOTFOUND the customer is not in this account (also from
 *                    custdb_cursor_next, should it go away). */
CUSTDB_API int custdb_timeline_list(custdb_cursor** out, custdb_store* store,
                                    uint64_t account_id,
                                    uint64_t customer_id, int channel,
                                    const custdb_list_options* options);

/* ---- Notes -------------------------------------------------------------
 * An internal feed per customer, never shown to the customer.
 *
 * A NoteDraft has an author, the host's user id (required, at most 200
 * bytes of UTF-8 on one line, kept byte for byte), and a body (required,
 * not only white space, at most 20000 bytes of UTF-8; may hold tabs and
 * line breaks; kept as given). A Note record adds id, account_id,
 * customer_id, created_at_ms, updated_at_ms and version (1 when added, +1
 * on every edit). A note's id alone names it within its account.
 */

/* Adds a note to a customer's feed. `*out` (when `out` is not NULL) is
 * the Note record.
 *   CUSTDB_EINVAL    a field breaks a rule; the message names it.
 *   CUSTDB_ENOTFOUND the customer is not in this account. */
CUSTDB_API int custdb_note_add(custdb_buffer** out, custdb_store* store,
                               uint64_t account_id, uint64_t customer_id,
                               const uint8_t* draft, size_t draft_size);

/* The Note record with this id. CUSTDB_ENOTFOUND when there is none in
 * this account. */
CUSTDB_API int custdb_note_get(custdb_buffer** out, custdb_store* store,
                               uint64_t account_id, uint64_t note_id);

/* Applies a NotePatch record: a present body replaces the old one (same
 * rules as a draft's); an absent one leaves it. A change bumps version and
 * updated_at_ms; a patch that changes nothing writes nothing and returns
 * the note as it was. `*out` (when `out` is not NULL) is the note after.
 *   CUSTDB_ECONFLICT options->expected_version is set and is not the
 *                    stored version.
 *   CUSTDB_ENOTFOUND no such note in this account. */
CUSTDB_API int custdb_note_update(custdb_buffer** out, custdb_store* store,
                                  uint64_t account_id, uint64_t note_id,
                                  const uint8_t* patch, size_t patch_size,
                                  const custdb_update_options* options);

/* Deletes a note, optionally only if its version is still
 * options->expected_version (else CUSTDB_ECONFLICT).
 * CUSTDB_ENOTFOUND when there is no such note in this account. */
CUSTDB_API int custdb_note_delete(custdb_store* store, uint64_t account_id,
                                  uint64_t note_id,
                                  const custdb_update_options* options);

/* A customer's Note records, newest first (by creation; an edit does not
 * move a note). Notes added after a token was taken are newer than its
 * position and are not reached by it; a note deleted meanwhile is simply
 * not returned.
 *   CUSTDB_ENOTFOUND the customer is not in this account. */
CUSTDB_API int custdb_note_list(custdb_cursor** out, custdb_store* store,
                                uint64_t account_id, uint64_t customer_id,
                                const custdb_list_options* options);

/* ---- Files -------------------------------------------------------------
 * Documents attached to a customer.
 *
 * A file is a FileInfo record (category, file_name, content_type, size,
 * chunk_count, checksum, created_at_ms) and its contents. Contents are
 * written through a custdb_file_writer in pieces of any size and stored
 * in chunks of 256 KiB, so neither the host nor the library ever holds a
 * whole file in memory. A file becomes visible only when its writer
 * commits, and then whole. Every chunk carries its own xxHash64 and the
 * record the xxHash64 of the whole contents; both are verified on every
 * read, and a mismatch is CUSTDB_ECORRUPT.
 *
 * FileDraft rules:
 *   category      one of the CUSTDB_FILE_* values; Unspecified (0) and
 *                 unknown values are CUSTDB_EINVAL.
 *   file_name     required; at most 255 bytes of UTF-8 with no control
 *                 characters (NUL included), no '/', not "." or "..";
 *                 surrounding white space is trimmed.
 *   content_type  required; at most 127 bytes of the form type/subtype
 *                 (RFC 6838 names, no parameters); stored lower-cased.
 */
#define CUSTDB_FILE_MSA 1
#define CUSTDB_FILE_CONTRACT 2
#define CUSTDB_FILE_COI 3
#define CUSTDB_FILE_PHOTO 4
#define CUSTDB_FILE_OTHER 5

/* A file being written. Belongs to one thread at a time. */
typedef struct custdb_file_writer custdb_file_writer;

#define CUSTDB_FILE_OPTIONS_VERSION 1

typedef struct custdb_file_options {
  uint32_t version; /* CUSTDB_FILE_OPTIONS_VERSION */
  /* The most bytes the file may hold. Zero (the default): 25 MiB. */
  uint64_t max_bytes;
} custdb_file_options;

#define CUSTDB_FILE_OPTIONS_INIT {CUSTDB_FILE_OPTIONS_VERSION, 0}

/* Starts a file of a customer from a FileDraft record. `*out` is the
 * writer: feed it with custdb_file_write, finish with custdb_file_commit,
 * and in every case release it with custdb_file_writer_free.
 *   CUSTDB_EINVAL    a draft field breaks a rule; NULL arguments; an
 *                    unknown options version.
 *   CUSTDB_ENOTFOUND the customer is not in this account. */
CUSTDB_API int custdb_file_begin(custdb_file_writer** out,
                                 custdb_store* store, uint64_t account_id,
                                 uint64_t customer_id, const uint8_t* draft,
                                 size_t draft_size,
                                 const custdb_file_options* options);

/* Appends `size` bytes (any size; `data` may be NULL when `size` is 0).
 * Full chunks are stored as they fill; nothing is visible before the
 * commit. The write that would take the file past its limit is
 * CUSTDB_EINVAL ("file: larger than the N-byte limit") and writes
 * nothing; the writer is then dead: every later write and the commit fail
 * with CUSTDB_EINVAL, and custdb_file_writer_free removes what it stored.
 * CUSTDB_ECLOSED once the store is closed. */
CUSTDB_API int custdb_file_write(custdb_file_writer* writer,
                                 const uint8_t* data, size_t size);

/* Stores the last chunk and commits the file: its FileInfo record and
 * index entry are written in one transaction, so the file appears whole.
 * `*out` (when `out` is not NULL) is the FileInfo record. A writer
 * commits once; after a failed commit (CUSTDB_ENOTFOUND when the customer
 * is gone meanwhile) it is dead. The writer must still be freed. */
CUSTDB_API int custdb_file_commit(custdb_buffer** out,
                                  custdb_file_writer* writer);

/* Releases a writer; NULL-safe. A writer that did not commit abandons its
 * file: the chunks it stored are deleted and nothing of the file was ever
 * visible. A writer freed after its store was closed, or one never freed
 * because the process ended, leaves chunks that the next
 * custdb_store_open deletes. */
CUSTDB_API void custdb_file_writer_free(custdb_file_writer* writer);

/* The FileInfo record of a file. CUSTDB_ENOTFOUND when the id is not a
 * file of this account. */
CUSTDB_API int custdb_file_get(custdb_buffer** out, custdb_store* store,
                               uint64_t account_id, uint64_t file_id);

/* A customer's files (FileInfo records) in the order they were attached;
 * `category` 0 lists all, a CUSTDB_FILE_* value one category.
 *   CUSTDB_EINVAL    another category value; a resume token of another
 *                    list, customer or category.
 *   CUSTDB_ENOTFOUND the customer is not in this account. */
CUSTDB_API int custdb_file_list(custdb_cursor** out, custdb_store* store,
                                uint64_t account_id, uint64_t customer_id,
                                int category,
                                const custdb_list_options* options);

/* The contents of a file, as a cursor: each custdb_cursor_next returns
 * the bytes of the next chunk (raw bytes, not a record; every chunk but
 * the last holds 256 KiB), and CUSTDB_OK with `*out` NULL after the last.
 * Each chunk is verified before it is returned; the checksum of the whole
 * file is verified on the call that returns the last chunk. A mismatch is
 * CUSTDB_ECORRUPT on that call. A resume token continues after the last
 * chunk returned (a download resumed); the resumed cursor re-reads the
 * chunks before that point once, to verify the whole file at its end.
 *   CUSTDB_ENOTFOUND the id is not a file of this account (also from
 *                    custdb_cursor_next, when the file is deleted while
 *                    it is read). */
CUSTDB_API int custdb_file_open_content(custdb_cursor** out,
                                        custdb_store* store,
                                        uint64_t account_id, uint64_t file_id,
                                        const custdb_list_options* options);

/* Deletes a file: its record, its index entry and all of its chunks, in
 * one transaction (at most a few hundred chunk keys at the default
 * limit). CUSTDB_ENOTFOUND when the id is not a file of this account. */
CUSTDB_API int custdb_file_delete(custdb_store* store, uint64_t account_id,
                                  uint64_t file_id);

/* ---- Tags --------------------------------------------------------------
 * The account's label library and the tags customers carry. A tag's name
 * (1 to 50 bytes, trimmed) is unique in its account without regard to
 * case: "VIP" and "vip" are one tag. A customer's record lists the ids of
 * its tags (Customer.tag_ids, ascending). A Tag record's customer_count is
 * read when the tag is returned.
 */

/* Creates a tag from a TagDraft, or returns the tag that already has that
 * name (`*out_existed` 1). `*out` is the Tag record. */
CUSTDB_API int custdb_tag_create(custdb_buffer** out, int* out_existed,
                                 custdb_store* store, uint64_t account_id,
                                 const uint8_t* draft, size_t draft_size);

CUSTDB_API int custdb_tag_get(custdb_buffer** out, custdb_store* store,
                              uint64_t account_id, uint64_t tag_id);

/* Renames a tag to the name of a TagDraft. CUSTDB_ECONFLICT when another
 * tag has that name, or the version is not the expected one. */
CUSTDB_API int custdb_tag_rename(custdb_buffer** out, custdb_store* store,
                                 uint64_t account_id, uint64_t tag_id,
                                 const uint8_t* draft, size_t draft_size,
                                 const custdb_update_options* options);

/* Deletes a tag and takes it off every customer that carries it, in one
 * transaction (each such customer's version goes up). */
CUSTDB_API int custdb_tag_delete(custdb_store* store, uint64_t account_id,
                                 uint64_t tag_id);

/* The account's tags in name order (case folded), each a Tag record. */
CUSTDB_API int custdb_tag_list(custdb_cursor** out, custdb_store* store,
                               uint64_t account_id,
                               const custdb_list_options* options);

/* Puts a tag on a customer, or takes it off. `*out` (when `out` is not
 * NULL) is the Customer record; putting on a tag it already carries, or
 * taking off one it does not, changes nothing. CUSTDB_ENOTFOUND for a
 * customer or tag not in this account. */
CUSTDB_API int custdb_customer_tag(custdb_buffer** out, custdb_store* store,
                                   uint64_t account_id, uint64_t customer_id,
                                   uint64_t tag_id);
CUSTDB_API int custdb_customer_untag(custdb_buffer** out, custdb_store* store,
                                     uint64_t account_id, uint64_t customer_id,
                                     uint64_t tag_id);

/* ---- Links -------------------------------------------------------------
 * The host's own records (jobs, invoices) linked to a customer.
 *
 * A link names a host record by (kind, external_id) and belongs to one
 * customer: within an account a host record is linked to at most one
 * customer. Links are Link records (account_id, customer_id, kind,
 * external_id, created_at_ms).
 *   kind         1 to 32 bytes of letters, digits, '_' and '-'; letters
 *                are lower-cased ("Job" and "job" are one kind).
 *   external_id  1 to 128 bytes of UTF-8 with no control characters,
 *                kept and compared exactly as given.
 */

/* Links a host record, from a LinkDraft record, to a customer. `*out`
 * (when `out` is not NULL) is the Link. Linking a record again to the
 * same customer returns the stored link and changes nothing. Concurrent
 * links of one host record end with one holder.
 *   CUSTDB_ECONFLICT another customer holds the record ("link: already
 *                    linked to customer N").
 *   CUSTDB_ENOTFOUND the customer is not in this account.
 *   CUSTDB_EINVAL    a field breaks a rule. */
CUSTDB_API int custdb_link_add(custdb_buffer** out, custdb_store* store,
                               uint64_t account_id, uint64_t customer_id,
                               const uint8_t* draft, size_t draft_size);

/* A customer's links (Link records), by kind, then external id (bytes).
 * CUSTDB_ENOTFOUND when the customer is not in this account. */
CUSTDB_API int custdb_link_list(custdb_cursor** out, custdb_store* store,
                                uint64_t account_id, uint64_t customer_id,
                                const custdb_list_options* options);

/* Removes a customer's link; the host record may then be linked to any
 * customer. CUSTDB_ENOTFOUND when this customer does not hold it. */
CUSTDB_API int custdb_link_remove(custdb_store* store, uint64_t account_id,
                                  uint64_t customer_id, const char* kind,
                                  const char* external_id);

/* The Link of a host record, naming the customer that holds it.
 * CUSTDB_ENOTFOUND when no customer of the account does. */
CUSTDB_API int custdb_link_find(custdb_buffer** out, custdb_store* store,
                                uint64_t account_id, const char* kind,
                                const char* external_id);

/* ---- Customer portal ---------------------------------------------------
 * Private links through which a customer sees their own records.
 *
 * A portal link is a PortalLink record (id, account_id, customer_id,
 * created_at_ms, expires_at_ms, revoked) with a token: 43 characters of
 * URL-safe base64 (32 random bytes), for the host to put in the URL it
 * sends the customer. The token is returned once, when the link is
 * issued; the store keeps only a keyed hash of it, so no later call, no
 * stored byte and no message contains it. A token works until its link
 * expires or is revoked.
 */

/* Issues a link to a customer's portal from a PortalLinkDraft record.
 * expires_at_ms (milliseconds since the Unix epoch) 0 means thirty days
 * from now; otherwise it must lie in the future and at most 365 days
 * ahead (CUSTDB_EINVAL). `*out` (required: the token is seen only here)
 * is the PortalLink with its token.
 *   CUSTDB_ENOTFOUND the customer is not in this account. */
CUSTDB_API int custdb_portal_link_issue(custdb_buffer** out,
                                        custdb_store* store,
                                        uint64_t account_id,
                                        uint64_t customer_id,
                                        const uint8_t* draft,
                                        size_t draft_size);

/* Revokes a link: its token stops working at once. Revoking a revoked
 * link changes nothing. CUSTDB_ENOTFOUND when the id is not a portal link
 * of this account. */
CUSTDB_API int custdb_portal_link_revoke(custdb_store* store,
                                         uint64_t account_id,
                                         uint64_t link_id);

/* A customer's links that still work (neither revoked nor expired), as
 * PortalLink records without tokens, in the order they were issued.
 * CUSTDB_ENOTFOUND when the customer is not in this account. */
CUSTDB_API int custdb_portal_link_list(custdb_cursor** out,
                                       custdb_store* store,
                                       uint64_t account_id,
                                       uint64_t customer_id,
                                       const custdb_list_options* options);

/* The Customer record a token opens. Any token that opens nothing
 * (unknown, malformed, expired, revoked, of another account) is
 * CUSTDB_ENOTFOUND with one and the same message, and takes the same
 * steps, so that neither the answer nor its time tells one case from
 * another. A NULL token is CUSTDB_EINVAL. */
CUSTDB_API int custdb_portal_resolve(custdb_buffer** out, custdb_store* store,
                                     uint64_t account_id, const char* token);

/* ---- Duplicates --------------------------------------------------------
 * Customers that are probably one customer entered twice, found through
 * the indexes (docs/duplicates.md has the rules in full). Signals: a
 * shared phone or email (the customers' own or their contacts'), emails
 * equal once dots and +tags are removed (weaker), a shared service
 * address, and similar names (trigram similarity of match names: case,
 * accents, punctuation, company suffixes, a leading "The", titles and
 * nicknames do not count, nor does word order).
 *
 * Confidence: High when a phone or email is shared and the names agree
 * (for two people: first and last names both agree, straight or swapped,
 * nicknames and single typos allowed), or an address is shared and the
 * names agree closely; Medium for a shared phone or email alone (a
 * switchboard, a family), a shared address with agreeing names, or a loose
 * email with agreeing names; Low for a similar name alone, a shared
 * address alone or a loose email alone. A phone, email or address shared
 * by more than 50 customers is ignored: it is not evidence of anything.
 * Archived customers are included and marked.
 */

#define CUSTDB_DUPLICATE_OPTIONS_VERSION 1

typedef struct custdb_duplicate_options {
  uint32_t version; /* CUSTDB_DUPLICATE_OPTIONS_VERSION */
  uint32_t limit;   /* candidates at most; 0: 10; above 100 is EINVAL */
} custdb_duplicate_options;

#define CUSTDB_DUPLICATE_OPTIONS_INIT \
  { CUSTDB_DUPLICATE_OPTIONS_VERSION, 0 }

/* A DuplicateList record: the likely duplicates of one customer, each a
 * DuplicateCandidate with its confidence, a score (0..1, which orders
 * candidates within a confidence) and its reasons (MatchReason: the
 * signal and its strength, 1 for an exact match or the name similarity),
 * ordered by confidence (High first), then score, then id. A merged-away
 * customer is never a candidate.
 *   CUSTDB_ENOTFOUND the customer is not in this account, or was merged
 *                    into another (the message names it). */
CUSTDB_API int custdb_customer_duplicates(
    custdb_buffer** out, custdb_store* store, uint64_t account_id,
    uint64_t customer_id, const custdb_duplicate_options* options);

/* The account-wide report: a cursor of DuplicatePair records (the smaller
 * id first), every likely duplicate pair of the account, in the order of
 * custdb_customer_duplicates. It is built from the indexes when the
 * cursor opens (a pass over each, not a comparison of all pairs) and
 * read from memory after that; a resume token builds it again and
 * continues after the last pair returned. Pairs whose only signal is the
 * name are those of equal names shared by at most 5 customers. */
CUSTDB_API int custdb_duplicate_report(custdb_cursor** out,
                                       custdb_store* store,
                                       uint64_t account_id,
                                       const custdb_list_options* options);
/* ---- Merging customers -------------------------------------------------
 * Folds a duplicate into a survivor of the same account, in one
 * transaction: after a crash either all of it happened or none of it.
 *
 *   Moves      every contact, location, timeline entry, note, file, link
 *              and portal link of the duplicate becomes the survivor's
 *              (contacts, locations and notes with their version raised).
 *              A timeline entry whose external_ref the survivor already
 *              has is dropped: the survivor's entry stands for both.
 *              Portal tokens keep working and open the survivor.
 *   Contacts   keep_duplicate_contact chooses whose primary contact stays
 *              primary; the other becomes an ordinary contact. When one
 *              side has no contacts, the other's primary is primary.
 *   Fields     the survivor keeps its kind, number, phone and source; its
 *              empty last_name (individuals), company_name (companies)
 *              and email are filled from a duplicate of the same kind
 *              (email from either). internal_notes: both, the survivor's
 *              first and a blank line between, when they fit in 10000
 *              bytes, else the survivor's alone. do_not_contact: set when
 *              either has it, with the survivor's reason when both do,
 *              else the duplicate's. vip when either is. status: the more
 *              active of the two (Active, then Inactive, then Archived).
 *              created_at_ms the earlier, last_activity_at_ms the later.
 *              tag_ids the union (each tag's count counts the survivor
 *              once). The version goes up by one.
 *   Duplicate  its record and every index entry and count of it are
 *              removed; its id redirects to the survivor (see
 *              custdb_customer_get).
 *
 * Errors, after which nothing has changed:
 *   CUSTDB_EINVAL    survivor_id equals duplicate_id; a zero id; NULL
 *                    arguments; an unknown options version.
 *   CUSTDB_ENOTFOUND either id is not a customer of this account (one of
 *                    another account included), or was merged already
 *                    (the message names the customer it was merged into).
 *   CUSTDB_ECONFLICT an expected version is not the record's.
 */

#define CUSTDB_MERGE_OPTIONS_VERSION 1

typedef struct custdb_merge_options {
  uint32_t version; /* CUSTDB_MERGE_OPTIONS_VERSION */
  /* Non-zero: the duplicate's primary contact becomes the survivor's
   * primary; zero (the default): the survivor's stays primary. */
  int32_t keep_duplicate_contact;
  /* Non-zero: merge only if the record's version is still this one
   * (CUSTDB_ECONFLICT otherwise). */
  uint64_t expected_survivor_version;
  uint64_t expected_duplicate_version;
} custdb_merge_options;

#define CUSTDB_MERGE_OPTIONS_INIT \
  { CUSTDB_MERGE_OPTIONS_VERSION, 0, 0, 0 }

/* What custdb_customer_merge would do, as a MergePreview record: both
 * records as stored, the survivor as the merge would write it (`merged`),
 * and how many contacts, locations, timeline entries, notes, files, links
 * and portal links would move, and how many of the duplicate's tags the
 * survivor lacks. Writes nothing: it runs the merge and rolls it back, so
 * it takes the merge's locks while it runs. Errors as for the merge. */
CUSTDB_API int custdb_customer_merge_preview(
    custdb_buffer** out, custdb_store* store, uint64_t account_id,
    uint64_t survivor_id, uint64_t duplicate_id,
    const custdb_merge_options* options);

/* Merges the duplicate into the survivor (see above). `*out` (when `out`
 * is not NULL) is the survivor's Customer record after the merge. */
CUSTDB_API int custdb_customer_merge(custdb_buffer** out, custdb_store* store,
                                     uint64_t account_id, uint64_t survivor_id,
                                     uint64_t duplicate_id,
                                     const custdb_merge_options* options);

#ifdef __cplusplus
}
#endif

#endif /* CUSTDB_H */
