/* The C ABI of contacts and locations, called from plain C99: every call,
 * the primary-contact rules, lookups through a contact's phone and email,
 * paging with resume tokens, and the error paths (NULL arguments, missing
 * or invalid fields, another customer's or account's records, stale
 * versions, foreign tokens).
 *
 * usage: capi_contacts_test SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_util.h"
#include "custdb.h"

/* A record made from JSON; aborts the test on failure. */

/* The JSON text of a record, which the caller frees. */

/* The unsigned number after "field": in a JSON text, or -1. */

/* Whether `text` occurs in a record's JSON. */
static int record_has(const char* type_name, const custdb_buffer* record,
                      const char* text) {
  char* json = to_json(type_name, record);
  int found = strstr(json, text) != NULL;
  free(json);
  return found;
}

static uint64_t create_customer(custdb_store* store, uint64_t account,
                                const char* draft_json) {
  custdb_buffer* draft = from_json("CustomerDraft", draft_json);
  custdb_buffer* customer = NULL;
  uint64_t id = 0;
  int existed = 0;
  int rc = custdb_customer_create(&customer, &existed, store, account,
                                  custdb_buffer_data(draft),
                                  custdb_buffer_size(draft), NULL);
  CHECK(rc == CUSTDB_OK);
  if (rc == CUSTDB_OK) id = (uint64_t)record_number("Customer", customer, "id");
  custdb_buffer_free(customer);
  custdb_buffer_free(draft);
  return id;
}

static uint64_t company(custdb_store* store, uint64_t account,
                        const char* phone) {
  char json[256];
  snprintf(json, sizeof json,
           "{\"kind\": \"Company\", \"company_name\": \"Acme\", "
           "\"phone\": \"%s\"}",
           phone);
  return create_customer(store, account, json);
}

/* A field of the stored customer, or -1. */
static long long customer_number(custdb_store* store, uint64_t account,
                                 uint64_t id, const char* field) {
  custdb_buffer* record = NULL;
  long long n = -1;
  if (custdb_customer_get(&record, store, account, id) == CUSTDB_OK) {
    n = record_number("Customer", record, field);
  }
  custdb_buffer_free(record);
  return n;
}

/* Adds a contact from JSON; returns its id, or 0 when the call fails with
 * `*rc` set. */
static uint64_t add_contact(custdb_store* store, uint64_t account,
                            uint64_t customer, const char* json, int* rc) {
  custdb_buffer* draft = from_json("ContactDraft", json);
  custdb_buffer* contact = NULL;
  uint64_t id = 0;
  *rc =
      custdb_contact_add(&contact, store, account, customer,
                         custdb_buffer_data(draft), custdb_buffer_size(draft));
  if (*rc == CUSTDB_OK) id = (uint64_t)record_number("Contact", contact, "id");
  custdb_buffer_free(contact);
  custdb_buffer_free(draft);
  return id;
}

static uint64_t add_contact_ok(custdb_store* store, uint64_t account,
                               uint64_t customer, const char* json) {
  int rc = 0;
  uint64_t id = add_contact(store, account, customer, json, &rc);
  CHECK(rc == CUSTDB_OK);
  return id;
}

/* Whether the stored contact is flagged primary: 1, 0, or -1 on error. */
static int contact_primary(custdb_store* store, uint64_t account, uint64_t id) {
  custdb_buffer* record = NULL;
  int primary = -1;
  if (custdb_contact_get(&record, store, account, id) == CUSTDB_OK) {
    primary = record_has("Contact", record, "\"primary\": true");
  }
  custdb_buffer_free(record);
  return primary;
}

static uint64_t add_location(custdb_store* store, uint64_t account,
                             uint64_t customer, const char* json, int* rc) {
  custdb_buffer* draft = from_json("LocationDraft", json);
  custdb_buffer* location = NULL;
  uint64_t id = 0;
  *rc =
      custdb_location_add(&location, store, account, customer,
                          custdb_buffer_data(draft), custdb_buffer_size(draft));
  if (*rc == CUSTDB_OK) {
    id = (uint64_t)record_number("Location", location, "id");
  }
  custdb_buffer_free(location);
  custdb_buffer_free(draft);
  return id;
}

/* Reads up to `limit` records of a cursor into `ids` (their "id" field). */
static int read_ids(custdb_cursor* cursor, const char* type_name, uint64_t* ids,
                    int limit) {
  custdb_buffer* record = NULL;
  int n = 0;
  while (n < limit && custdb_cursor_next(&record, cursor) == CUSTDB_OK &&
         record != NULL) {
    ids[n++] = (uint64_t)record_number(type_name, record, "id");
    custdb_buffer_free(record);
    record = NULL;
  }
  return n;
}

static void test_null_safety(void) {
  custdb_buffer* buffer = (custdb_buffer*)1;
  custdb_cursor* cursor = (custdb_cursor*)1;
  uint8_t junk[4] = {1, 2, 3, 4};

  CHECK_RC(CUSTDB_EINVAL, custdb_contact_add(NULL, NULL, 1, 1, junk, 4));
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_add(&buffer, NULL, 1, 1, junk, 4));
  CHECK(buffer == NULL);
  buffer = (custdb_buffer*)1;
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_get(NULL, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_get(&buffer, NULL, 1, 1));
  CHECK(buffer == NULL);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_update(NULL, NULL, 1, 1, junk, 4, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_promote(NULL, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_delete(NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_list(NULL, NULL, 1, 1, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_contact_list(&cursor, NULL, 1, 1, NULL));
  CHECK(cursor == NULL);

  CHECK_RC(CUSTDB_EINVAL, custdb_location_add(NULL, NULL, 1, 1, junk, 4));
  CHECK_RC(CUSTDB_EINVAL, custdb_location_get(NULL, NULL, 1, 1));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_location_update(NULL, NULL, 1, 1, junk, 4, NULL));
  CHECK_RC(CUSTDB_EINVAL, custdb_location_delete(NULL, 1, 1, NULL));
  cursor = (custdb_cursor*)1;
  CHECK_RC(CUSTDB_EINVAL, custdb_location_list(&cursor, NULL, 1, 1, NULL));
  CHECK(cursor == NULL);
}

static void test_individual_primary_contact(custdb_store* store) {
  custdb_buffer* record = NULL;
  custdb_cursor* cursor = NULL;
  uint64_t ids[8];
  uint64_t customer = create_customer(
      store, 1,
      "{\"kind\": \"Individual\", \"first_name\": \"Maria\", "
      "\"last_name\": \"Garcia\", \"phone\": \"(415) 867-5309\", "
      "\"email\": \"maria@example.com\"}");
  long long primary = customer_number(store, 1, customer, "primary_contact_id");
  CHECK(primary > 0);
  CHECK_RC(CUSTDB_OK, custdb_contact_get(&record, store, 1, (uint64_t)primary));
  CHECK(record_has("Contact", record, "\"display_name\": \"Maria Garcia\""));
  CHECK(record_has("Contact", record, "\"phone\": \"+14158675309\""));
  CHECK(record_has("Contact", record, "\"primary\": true"));
  CHECK(record_number("Contact", record, "customer_id") == (long long)customer);
  custdb_buffer_free(record);
  CHECK_RC(CUSTDB_OK, custdb_contact_list(&cursor, store, 1, customer, NULL));
  CHECK(read_ids(cursor, "Contact", ids, 8) == 1);
  CHECK(ids[0] == (uint64_t)primary);
  custdb_cursor_free(cursor);

  /* A company's named primary contact becomes its first contact. */
  customer = create_customer(
      store, 1,
      "{\"kind\": \"Company\", \"company_name\": \"Bayview\", "
      "\"phone\": \"628-555-0199\", \"primary_contact\": "
      "{\"first_name\": \"Dana\", \"email\": \"dana@bayview.example\"}}");
  primary = customer_number(store, 1, customer, "primary_contact_id");
  CHECK(primary > 0);
  CHECK(contact_primary(store, 1, (uint64_t)primary) == 1);
  CHECK_RC(CUSTDB_OK, custdb_customer_get(&record, store, 1, customer));
  CHECK(!record_has("Customer", record, "primary_contact\":"));
  custdb_buffer_free(record);
}

static void test_contacts(custdb_store* store) {
  custdb_update_options update = CUSTDB_UPDATE_OPTIONS_INIT;
  custdb_buffer* record = NULL;
  custdb_buffer* patch = NULL;
  uint64_t customer = company(store, 2, "415-555-0101");
  uint64_t other = company(store, 2, "415-555-0102");
  uint64_t a, b, c;
  int rc = 0;

  CHECK(customer_number(store, 2, customer, "primary_contact_id") == 0);
  a = add_contact_ok(store, 2, customer,
                     "{\"first_name\": \"Ann\", \"phone\": \"510-555-0101\", "
                     "\"preferred_channel\": \"Sms\"}");
  CHECK(contact_primary(store, 2, a) == 1);
  CHECK(customer_number(store, 2, customer, "primary_contact_id") ==
        (long long)a);
  b = add_contact_ok(store, 2, customer,
                     "{\"first_name\": \"Bo\", \"email\": \"bo@x.io\"}");
  CHECK(contact_primary(store, 2, b) == 0);
  c = add_contact_ok(store, 2, customer,
                     "{\"first_name\": \"Cy\", \"primary\": true}");
  CHECK(contact_primary(store, 2, c) == 1);
  CHECK(contact_primary(store, 2, a) == 0);
  CHECK(customer_number(store, 2, customer, "primary_contact_id") ==
        (long long)c);

  /* Errors of add: the field is named, the value never quoted. */
  add_contact(store, 2, customer, "{\"last_name\": \"Lee\"}", &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "first_name:", 11) == 0);
  add_contact(store, 2, customer,
              "{\"first_name\": \"Di\", \"phone\": \"555-0101\"}", &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "phone:", 6) == 0);
  CHECK(strstr(custdb_last_error(), "0101") == NULL);
  add_contact(store, 2, customer,
              "{\"first_name\": \"Di\", \"email\": \"di@\"}", &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "email:", 6) == 0);
  add_contact(store, 2, customer,
              "{\"first_name\": \"Di\", \"preferred_channel\": 7}", &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "preferred_channel:", 18) == 0);
  add_contact(store, 3, customer, "{\"first_name\": \"Eve\"}", &rc);
  CHECK(rc == CUSTDB_ENOTFOUND);
  add_contact(store, 2, 987654, "{\"first_name\": \"Eve\"}", &rc);
  CHECK(rc == CUSTDB_ENOTFOUND);
  {
    uint8_t junk[16] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    CHECK_RC(CUSTDB_EINVAL,
             custdb_contact_add(NULL, store, 2, customer, junk, sizeof junk));
    CHECK(strncmp(custdb_last_error(), "draft:", 6) == 0);
  }

  /* Update: re-indexed, versioned, conditional. */
  patch = from_json("ContactPatch",
                    "{\"phone\": \"(510) 555-0199\", \"last_name\": \"Lee\"}");
  update.expected_version = 1;
  CHECK_RC(CUSTDB_OK, custdb_contact_update(
                          &record, store, 2, b, custdb_buffer_data(patch),
                          custdb_buffer_size(patch), &update));
  CHECK(record_number("Contact", record, "version") == 2);
  CHECK(record_has("Contact", record, "\"phone\": \"+15105550199\""));
  CHECK(record_has("Contact", record, "\"display_name\": \"Bo Lee\""));
  custdb_buffer_free(record);
  record = NULL;
  CHECK_RC(
      CUSTDB_ECONFLICT,
      custdb_contact_update(&record, store, 2, b, custdb_buffer_data(patch),
                            custdb_buffer_size(patch), &update));
  CHECK(record == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_contact_update(NULL, store, 3, b, custdb_buffer_data(patch),
                                 custdb_buffer_size(patch), NULL));
  update.version = 0;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_update(NULL, store, 2, b, custdb_buffer_data(patch),
                                 custdb_buffer_size(patch), &update));
  update.version = CUSTDB_UPDATE_OPTIONS_VERSION;
  custdb_buffer_free(patch);
  patch = from_json("ContactPatch", "{\"first_name\": \"\"}");
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_update(NULL, store, 2, b, custdb_buffer_data(patch),
                                 custdb_buffer_size(patch), NULL));
  CHECK(strncmp(custdb_last_error(), "first_name:", 11) == 0);
  custdb_buffer_free(patch);

  /* Promote. */
  CHECK_RC(CUSTDB_OK, custdb_contact_promote(&record, store, 2, b));
  CHECK(record_has("Contact", record, "\"primary\": true"));
  custdb_buffer_free(record);
  CHECK(contact_primary(store, 2, c) == 0);
  CHECK(customer_number(store, 2, customer, "primary_contact_id") ==
        (long long)b);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_contact_promote(NULL, store, 3, b));

  /* Delete: stale, another account, then the primary, whose place goes to
   * the oldest remaining contact. */
  update.expected_version = 1;
  CHECK_RC(CUSTDB_ECONFLICT, custdb_contact_delete(store, 2, b, &update));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_contact_delete(store, 3, b, NULL));
  update.expected_version = 3;
  CHECK_RC(CUSTDB_OK, custdb_contact_delete(store, 2, b, &update));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_contact_get(&record, store, 2, b));
  CHECK(record == NULL);
  CHECK(customer_number(store, 2, customer, "primary_contact_id") ==
        (long long)a);
  CHECK(contact_primary(store, 2, a) == 1);
  CHECK_RC(CUSTDB_OK, custdb_contact_delete(store, 2, a, NULL));
  CHECK(customer_number(store, 2, customer, "primary_contact_id") ==
        (long long)c);
  CHECK_RC(CUSTDB_OK, custdb_contact_delete(store, 2, c, NULL));
  CHECK(customer_number(store, 2, customer, "primary_contact_id") == 0);

  /* Another customer's contacts are its own. */
  a = add_contact_ok(store, 2, other, "{\"first_name\": \"Oz\"}");
  CHECK(customer_number(store, 2, other, "primary_contact_id") == (long long)a);
  CHECK(customer_number(store, 2, customer, "primary_contact_id") == 0);
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_contact_get(&record, store, 3, a));
}

static void test_find_through_contacts(custdb_store* store) {
  custdb_cursor* cursor = NULL;
  uint64_t ids[8];
  uint64_t x = company(store, 4, "415-555-0201");
  uint64_t y = company(store, 4, "415-555-0202");
  add_contact_ok(store, 4, x,
                 "{\"first_name\": \"Al\", \"phone\": \"510-555-0300\", "
                 "\"email\": \"Shared@X.io\"}");
  add_contact_ok(store, 4, y,
                 "{\"first_name\": \"Bea\", \"phone\": \"510-555-0300\"}");
  add_contact_ok(store, 4, y,
                 "{\"first_name\": \"Cal\", \"phone\": \"510.555.0300\"}");

  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_phone(&cursor, store, 4,
                                                    "(510) 555-0300", NULL));
  CHECK(read_ids(cursor, "Customer", ids, 8) == 2);
  CHECK(ids[0] == x && ids[1] == y);
  custdb_cursor_free(cursor);
  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_email(&cursor, store, 4,
                                                    "shared@x.io", NULL));
  CHECK(read_ids(cursor, "Customer", ids, 8) == 1);
  CHECK(ids[0] == x);
  custdb_cursor_free(cursor);
  CHECK_RC(CUSTDB_OK, custdb_customer_find_by_phone(&cursor, store, 5,
                                                    "510-555-0300", NULL));
  CHECK(read_ids(cursor, "Customer", ids, 8) == 0);
  custdb_cursor_free(cursor);
}

static void test_contact_paging(custdb_store* store) {
  custdb_list_options list_options = CUSTDB_LIST_OPTIONS_INIT;
  custdb_cursor* cursor = NULL;
  custdb_cursor* resumed = NULL;
  custdb_buffer* token = NULL;
  custdb_buffer* record = NULL;
  uint64_t added[5];
  uint64_t ids[8];
  uint64_t customer = company(store, 6, "415-555-0301");
  uint64_t other = company(store, 6, "415-555-0302");
  int i;
  for (i = 0; i < 5; i++) {
    added[i] = add_contact_ok(store, 6, customer, "{\"first_name\": \"P\"}");
  }
  add_contact_ok(store, 6, other, "{\"first_name\": \"Q\"}");

  CHECK_RC(CUSTDB_OK, custdb_contact_list(&cursor, store, 6, customer, NULL));
  CHECK(read_ids(cursor, "Contact", ids, 2) == 2);
  CHECK(ids[0] == added[0] && ids[1] == added[1]);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);

  list_options.resume_token = custdb_buffer_data(token);
  list_options.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK,
           custdb_contact_list(&resumed, store, 6, customer, &list_options));
  CHECK(read_ids(resumed, "Contact", ids, 8) == 3);
  CHECK(ids[0] == added[2] && ids[1] == added[3] && ids[2] == added[4]);
  CHECK_RC(CUSTDB_OK, custdb_cursor_next(&record, resumed));
  CHECK(record == NULL);
  custdb_cursor_free(resumed);
  resumed = NULL;

  /* A token resumes only its own list: the same customer's contacts, in
   * the same account. */
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_list(&resumed, store, 6, other, &list_options));
  CHECK(resumed == NULL);
  CHECK(strncmp(custdb_last_error(), "resume_token:", 13) == 0);
  CHECK_RC(CUSTDB_EINVAL,
           custdb_location_list(&resumed, store, 6, customer, &list_options));
  CHECK_RC(CUSTDB_EINVAL, custdb_customer_find_by_phone(
                              &resumed, store, 6, "4155550301", &list_options));
  custdb_buffer_free(token);

  /* A customer that is not in the account cannot be listed. */
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_contact_list(&cursor, store, 7, customer, NULL));
  CHECK(cursor == NULL);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_contact_list(&cursor, store, 6, 987654, NULL));
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_list(&cursor, store, 0, customer, NULL));
  list_options.version = 0;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_list(&cursor, store, 6, customer, &list_options));
}

static void test_locations(custdb_store* store) {
  custdb_update_options update = CUSTDB_UPDATE_OPTIONS_INIT;
  custdb_list_options list_options = CUSTDB_LIST_OPTIONS_INIT;
  custdb_buffer* record = NULL;
  custdb_buffer* patch = NULL;
  custdb_buffer* token = NULL;
  custdb_cursor* cursor = NULL;
  uint64_t ids[8];
  uint64_t customer = company(store, 8, "415-555-0401");
  uint64_t home, shop, third;
  int rc = 0;

  home =
      add_location(store, 8, customer,
                   "{\"kind\": \"Service\", \"label\": \"Home\", "
                   "\"address_line1\": \"123 North Main Street\", "
                   "\"address_line2\": \"Apt. 5\", \"city\": \"Springfield\","
                   " \"state\": \"il\", \"zip\": \"627011234\", "
                   "\"access_notes\": \"Gate code 4321\\nDog in yard\"}",
                   &rc);
  CHECK(rc == CUSTDB_OK);
  CHECK_RC(CUSTDB_OK, custdb_location_get(&record, store, 8, home));
  CHECK(record_has("Location", record, "\"state\": \"IL\""));
  CHECK(record_has("Location", record, "\"zip\": \"62701-1234\""));
  CHECK(record_has("Location", record,
                   "\"address_key\": \"123 n main st # 5|springfield|il|"
                   "62701\""));
  CHECK(record_number("Location", record, "customer_id") ==
        (long long)customer);
  custdb_buffer_free(record);
  record = NULL;

  /* Errors of add. */
  add_location(store, 8, customer,
               "{\"address_line1\": \"1 Elm St\", \"city\": \"Austin\", "
               "\"state\": \"TX\", \"zip\": \"78701\"}",
               &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "kind:", 5) == 0);
  add_location(store, 8, customer,
               "{\"kind\": \"Billing\", \"city\": \"Austin\", "
               "\"state\": \"TX\", \"zip\": \"78701\"}",
               &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "address_line1:", 14) == 0);
  add_location(
      store, 8, customer,
      "{\"kind\": \"Billing\", \"address_line1\": \"1 Elm St\", "
      "\"city\": \"Austin\", \"state\": \"Texas\", \"zip\": \"78701\"}",
      &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "state:", 6) == 0);
  add_location(store, 8, customer,
               "{\"kind\": \"Billing\", \"address_line1\": \"1 Elm St\", "
               "\"city\": \"Austin\", \"state\": \"TX\", \"zip\": \"7870\"}",
               &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "zip:", 4) == 0);
  add_location(store, 8, customer,
               "{\"kind\": 9, \"address_line1\": \"1 Elm St\", "
               "\"city\": \"Austin\", \"state\": \"TX\", \"zip\": \"78701\"}",
               &rc);
  CHECK(rc == CUSTDB_EINVAL);
  CHECK(strncmp(custdb_last_error(), "kind:", 5) == 0);
  add_location(store, 9, customer,
               "{\"kind\": \"Billing\", \"address_line1\": \"1 Elm St\", "
               "\"city\": \"Austin\", \"state\": \"TX\", \"zip\": \"78701\"}",
               &rc);
  CHECK(rc == CUSTDB_ENOTFOUND);

  shop = add_location(store, 8, customer,
                      "{\"kind\": \"Billing\", \"address_line1\": \"1 Elm St\","
                      " \"city\": \"Austin\", \"state\": \"TX\", "
                      "\"zip\": \"78701\"}",
                      &rc);
  CHECK(rc == CUSTDB_OK);
  third =
      add_location(store, 8, customer,
                   "{\"kind\": \"Mailing\", \"address_line1\": \"PO Box 9\","
                   " \"city\": \"Austin\", \"state\": \"TX\", "
                   "\"zip\": \"78702\"}",
                   &rc);
  CHECK(rc == CUSTDB_OK);

  /* Update: conditional, re-keyed. */
  patch =
      from_json("LocationPatch",
                "{\"address_line1\": \"9 Oak Avenue\", \"zip\": \"78703\"}");
  update.expected_version = 1;
  CHECK_RC(CUSTDB_OK, custdb_location_update(
                          &record, store, 8, shop, custdb_buffer_data(patch),
                          custdb_buffer_size(patch), &update));
  CHECK(record_number("Location", record, "version") == 2);
  CHECK(record_has("Location", record,
                   "\"address_key\": \"9 oak ave|austin|tx|78703\""));
  custdb_buffer_free(record);
  record = NULL;
  CHECK_RC(
      CUSTDB_ECONFLICT,
      custdb_location_update(&record, store, 8, shop, custdb_buffer_data(patch),
                             custdb_buffer_size(patch), &update));
  CHECK(record == NULL);
  CHECK_RC(
      CUSTDB_ENOTFOUND,
      custdb_location_update(NULL, store, 9, shop, custdb_buffer_data(patch),
                             custdb_buffer_size(patch), NULL));
  custdb_buffer_free(patch);
  patch = from_json("LocationPatch", "{\"state\": \"ZZ\"}");
  CHECK_RC(CUSTDB_EINVAL, custdb_location_update(
                              NULL, store, 8, shop, custdb_buffer_data(patch),
                              custdb_buffer_size(patch), NULL));
  CHECK(strncmp(custdb_last_error(), "state:", 6) == 0);
  custdb_buffer_free(patch);

  /* List, in pages, with a token. */
  CHECK_RC(CUSTDB_OK, custdb_location_list(&cursor, store, 8, customer, NULL));
  CHECK(read_ids(cursor, "Location", ids, 1) == 1);
  CHECK(ids[0] == home);
  CHECK_RC(CUSTDB_OK, custdb_cursor_token(&token, cursor));
  custdb_cursor_free(cursor);
  list_options.resume_token = custdb_buffer_data(token);
  list_options.resume_token_size = custdb_buffer_size(token);
  CHECK_RC(CUSTDB_OK,
           custdb_location_list(&cursor, store, 8, customer, &list_options));
  CHECK(read_ids(cursor, "Location", ids, 8) == 2);
  CHECK(ids[0] == shop && ids[1] == third);
  custdb_cursor_free(cursor);
  cursor = NULL;
  CHECK_RC(CUSTDB_EINVAL,
           custdb_contact_list(&cursor, store, 8, customer, &list_options));
  custdb_buffer_free(token);
  CHECK_RC(CUSTDB_ENOTFOUND,
           custdb_location_list(&cursor, store, 9, customer, NULL));
  CHECK(cursor == NULL);

  /* Delete. */
  update.expected_version = 1;
  CHECK_RC(CUSTDB_ECONFLICT, custdb_location_delete(store, 8, shop, &update));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_location_delete(store, 9, shop, NULL));
  update.expected_version = 2;
  CHECK_RC(CUSTDB_OK, custdb_location_delete(store, 8, shop, &update));
  CHECK_RC(CUSTDB_ENOTFOUND, custdb_location_get(&record, store, 8, shop));
  CHECK_RC(CUSTDB_OK, custdb_location_list(&cursor, store, 8, customer, NULL));
  CHECK(read_ids(cursor, "Location", ids, 8) == 2);
  CHECK(ids[0] == home && ids[1] == third);
  custdb_cursor_free(cursor);
}

static void test_check_and_close(custdb_store* store) {
  custdb_buffer* report = NULL;
  custdb_cursor* cursor = NULL;
  custdb_buffer* record = NULL;
  uint64_t customer = company(store, 10, "415-555-0501");
  add_contact_ok(store, 10, customer, "{\"first_name\": \"Last\"}");
  CHECK_RC(CUSTDB_OK, custdb_store_check(&report, store));
  CHECK(!record_has("CheckReport", report, "\"message\""));
  custdb_buffer_free(report);

  CHECK_RC(CUSTDB_OK, custdb_contact_list(&cursor, store, 10, customer, NULL));
  custdb_store_close(store);
  CHECK_RC(CUSTDB_ECLOSED, custdb_cursor_next(&record, cursor));
  CHECK(record == NULL);
  custdb_cursor_free(cursor);
}

int main(int argc, char** argv) {
  custdb_store* store = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  snprintf(scratch, sizeof scratch, "%s", argv[1]);
  remove_tree(scratch);

  test_null_safety();
  CHECK_RC(CUSTDB_OK, custdb_store_open(&store, path_of("main"), NULL));
  test_individual_primary_contact(store);
  test_contacts(store);
  test_find_through_contacts(store);
  test_contact_paging(store);
  test_locations(store);
  test_check_and_close(store);

  remove_tree(scratch);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
