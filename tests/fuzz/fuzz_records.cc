// Records at the C ABI: the bytes as a CustomerDraft, a ContactDraft and a
// LocationDraft, as records of a few tables for custdb_record_to_json,
// and as JSON text for custdb_record_from_json. Whatever the bytes, a call
// returns a code; a record the library returns converts to JSON; JSON it
// accepts converts back, and the JSON of that record gives the same record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "custdb.h"
#include "custdb_generated.h"
#include "tests/fuzz/fuzz_store.h"

namespace {

constexpr uint64_t kAccount = 1;

// Every table the bytes are tried as: the drafts the calls take, and a
// few records of other shapes.
constexpr const char* kTypeNames[] = {
    "CustomerDraft", "ContactDraft", "LocationDraft", "Customer",
    "CustomerPatch", "Contact",      "Location",      "TimelineEntryDraft",
};

// The customer the contacts and locations are added to.
uint64_t Customer() {
  static uint64_t id = [] {
    custdb_buffer* draft = custdb::fuzz::RecordFromJson(
        "CustomerDraft",
        R"({"kind": "Individual", "first_name": "Ada", "phone": "4158675309"})");
    custdb_buffer* customer = nullptr;
    int existed = 0;
    if (custdb_customer_create(&customer, &existed, custdb::fuzz::Store(),
                               kAccount, custdb_buffer_data(draft),
                               custdb_buffer_size(draft),
                               nullptr) != CUSTDB_OK) {
      __builtin_trap();
    }
    uint64_t customer_id =
        flatbuffers::GetRoot<custdb::fb::Customer>(custdb_buffer_data(customer))
            ->id();
    custdb_buffer_free(customer);
    custdb_buffer_free(draft);
    return customer_id;
  }();
  return id;
}

// A record the library returned converts to JSON as its own table.
void CheckReturned(custdb_buffer* record, const char* type_name) {
  if (record == nullptr) return;
  custdb_buffer* json = nullptr;
  if (custdb_record_to_json(&json, type_name, custdb_buffer_data(record),
                            custdb_buffer_size(record)) != CUSTDB_OK) {
    __builtin_trap();
  }
  custdb_buffer_free(json);
  custdb_buffer_free(record);
}

// JSON the library accepted gives a record whose JSON gives that record
// again, byte for byte.
void CheckJsonRoundTrip(custdb_buffer* record, const char* type_name) {
  custdb_buffer* json = nullptr;
  if (custdb_record_to_json(&json, type_name, custdb_buffer_data(record),
                            custdb_buffer_size(record)) != CUSTDB_OK) {
    __builtin_trap();
  }
  custdb_buffer* again = nullptr;
  if (custdb_record_from_json(
          &again, type_name,
          reinterpret_cast<const char*>(custdb_buffer_data(json)),
          custdb_buffer_size(json)) != CUSTDB_OK) {
    __builtin_trap();
  }
  custdb_buffer* json_again = nullptr;
  if (custdb_record_to_json(&json_again, type_name, custdb_buffer_data(again),
                            custdb_buffer_size(again)) != CUSTDB_OK) {
    __builtin_trap();
  }
  std::string_view first(
      reinterpret_cast<const char*>(custdb_buffer_data(json)),
      custdb_buffer_size(json));
  std::string_view second(
      reinterpret_cast<const char*>(custdb_buffer_data(json_again)),
      custdb_buffer_size(json_again));
  if (first != second) __builtin_trap();
  custdb_buffer_free(json_again);
  custdb_buffer_free(again);
  custdb_buffer_free(json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  custdb_store* store = custdb::fuzz::Store();
  uint64_t customer_id = Customer();

  custdb_create_options create = CUSTDB_CREATE_OPTIONS_INIT;
  create.allow_duplicate_phone = 1;
  custdb_buffer* record = nullptr;
  int existed = 0;
  if (custdb_customer_create(&record, &existed, store, kAccount, data, size,
                             &create) == CUSTDB_OK) {
    if (existed) __builtin_trap();
    CheckReturned(record, "Customer");
  }

  record = nullptr;
  if (custdb_contact_add(&record, store, kAccount, customer_id, data, size) ==
      CUSTDB_OK) {
    CheckReturned(record, "Contact");
  }

  record = nullptr;
  if (custdb_location_add(&record, store, kAccount, customer_id, data, size) ==
      CUSTDB_OK) {
    CheckReturned(record, "Location");
  }

  for (const char* type_name : kTypeNames) {
    custdb_buffer* json = nullptr;
    if (custdb_record_to_json(&json, type_name, data, size) == CUSTDB_OK) {
      custdb_buffer_free(json);
    }
  }

  for (const char* type_name : kTypeNames) {
    custdb_buffer* parsed = nullptr;
    if (custdb_record_from_json(&parsed, type_name,
                                reinterpret_cast<const char*>(data),
                                size) == CUSTDB_OK) {
      CheckJsonRoundTrip(parsed, type_name);
      custdb_buffer_free(parsed);
    }
  }
  return 0;
}
