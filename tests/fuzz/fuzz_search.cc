// Search in the customer list at the C ABI: the input's first byte picks
// the filter (VIP, kind, every status) and whether the rest is the search
// text or the position of a real search token (its header kept, its
// checksum made good), which reaches the search's own reading of
// positions. Whatever the input, a cursor returns no more rows than the
// store has customers times their names, and its own token is accepted
// again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custdb.h"
#include "custdb_generated.h"
#include "engine/storage/keys.h"
#include "engine/storage/resume_token.h"
#include "tests/fuzz/fuzz_store.h"

namespace {

constexpr uint64_t kAccount = 1;
constexpr int kCustomers = 12;
// Each customer's own name and its contact's: the most rows one value of
// a search can list for a customer, times the kinds of value.
constexpr int kMaxRows = kCustomers * 2 * 4;

const char* const kNames[] = {"Ann", "José", "Jonh", "Smith",  "Zoë",   "Ng",
                              "Lee", "Mary", "Ruiz", "O'Neil", "Bjørn", "Kim"};

// A real token of a search for "an", taken after its first row.
const std::string& SearchToken() {
  static std::string token = [] {
    custdb_store* store = custdb::fuzz::Store();
    custdb_create_options create = CUSTDB_CREATE_OPTIONS_INIT;
    create.allow_duplicate_phone = 1;
    for (int i = 0; i < kCustomers; ++i) {
      std::string json =
          std::string(R"({"kind": "Individual", "first_name": ")") + kNames[i] +
          R"(", "last_name": ")" + kNames[(i * 5 + 3) % kCustomers] +
          R"(", "phone": "415 555 01)" + std::to_string(10 + i) +
          R"(", "email": "p)" + std::to_string(i) +
          R"(@example.com", "vip": )" + (i % 3 == 0 ? "true" : "false") + "}";
      custdb_buffer* draft =
          custdb::fuzz::RecordFromJson("CustomerDraft", json.c_str());
      custdb_buffer* customer = nullptr;
      if (custdb_customer_create(
              &customer, nullptr, store, kAccount, custdb_buffer_data(draft),
              custdb_buffer_size(draft), &create) != CUSTDB_OK) {
        __builtin_trap();
      }
      uint64_t id = flatbuffers::GetRoot<custdb::fb::Customer>(
                        custdb_buffer_data(customer))
                        ->id();
      custdb_buffer_free(customer);
      custdb_buffer_free(draft);
      std::string contact =
          std::string(R"({"first_name": ")") + kNames[(i + 1) % kCustomers] +
          R"(", "phone": "628 555 01)" + std::to_string(10 + i) + R"("})";
      custdb_buffer* c =
          custdb::fuzz::RecordFromJson("ContactDraft", contact.c_str());
      if (custdb_contact_add(nullptr, store, kAccount, id,
                             custdb_buffer_data(c),
                             custdb_buffer_size(c)) != CUSTDB_OK) {
        __builtin_trap();
      }
      custdb_buffer_free(c);
    }
    custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
    filter.query = "an";
    custdb_cursor* cursor = nullptr;
    if (custdb_customer_list(&cursor, store, kAccount, &filter, nullptr) !=
        CUSTDB_OK) {
      __builtin_trap();
    }
    custdb_buffer* row = nullptr;
    if (custdb_cursor_next(&row, cursor) != CUSTDB_OK || row == nullptr) {
      __builtin_trap();
    }
    custdb_buffer_free(row);
    custdb_buffer* t = nullptr;
    if (custdb_cursor_token(&t, cursor) != CUSTDB_OK) __builtin_trap();
    std::string bytes(reinterpret_cast<const char*>(custdb_buffer_data(t)),
                      custdb_buffer_size(t));
    custdb_buffer_free(t);
    custdb_cursor_free(cursor);
    return bytes;
  }();
  return token;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& real = SearchToken();
  custdb_store* store = custdb::fuzz::Store();
  if (size == 0) return 0;
  uint8_t mode = data[0];
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);

  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.vip = mode & 3;
  if (filter.vip == 3) filter.vip = 0;
  filter.kind = (mode >> 2) & 1;
  if ((mode >> 3) & 1)
    filter.statuses =
        CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_INACTIVE | CUSTDB_STATUS_ARCHIVED;
  bool positioned = (mode >> 4) & 1;
  std::string token;
  custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;
  if (positioned) {
    // The token's query hash is the one of "an" with the default filter.
    filter = (custdb_customer_list_options)CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
    filter.query = "an";
    token = custdb::fuzz::WithPosition(real, rest);
    options.resume_token = reinterpret_cast<const uint8_t*>(token.data());
    options.resume_token_size = token.size();
  } else {
    rest = rest.substr(0, rest.find('\0'));
    filter.query = rest.c_str();
  }

  custdb_cursor* cursor = nullptr;
  if (custdb_customer_list(&cursor, store, kAccount, &filter, &options) !=
      CUSTDB_OK) {
    return 0;
  }
  int rows = 0;
  for (;;) {
    custdb_buffer* row = nullptr;
    if (custdb_cursor_next(&row, cursor) != CUSTDB_OK || row == nullptr) {
      break;
    }
    custdb_buffer_free(row);
    if (++rows > kMaxRows) __builtin_trap();
  }
  custdb_buffer* again = nullptr;
  if (custdb_cursor_token(&again, cursor) == CUSTDB_OK) {
    custdb_list_options resume = CUSTDB_LIST_OPTIONS_INIT;
    resume.resume_token = custdb_buffer_data(again);
    resume.resume_token_size = custdb_buffer_size(again);
    custdb_cursor* reopened = nullptr;
    if (custdb_customer_list(&reopened, store, kAccount, &filter, &resume) !=
        CUSTDB_OK) {
      __builtin_trap();
    }
    custdb_cursor_free(reopened);
    custdb_buffer_free(again);
  }
  custdb_cursor_free(cursor);
  return 0;
}
