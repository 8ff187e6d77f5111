// Resume tokens at the C ABI: the bytes as custdb_list_options.resume_token
// of custdb_contact_list and custdb_customer_find_by_phone, each cursor
// drained. A random token almost never passes the checksum, so the first
// byte also chooses to keep the header of a real token of either list and
// put the remaining bytes in its position, which reaches the lists' own
// reading of positions. Whatever the token, a cursor returns no more
// records than its list holds, only records after the position, and its
// own token is accepted again.
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
constexpr const char* kPhone = "+14158675309";
// Two customers share the phone; the first has its own contact and three
// added ones.
constexpr int kCustomers = 2;
constexpr int kContacts = 4;

struct Fixture {
  uint64_t customer_id = 0;
  std::string contact_token;  // after the first contact
  std::string phone_token;    // after the first customer
};

std::string TakeToken(custdb_cursor* cursor) {
  custdb_buffer* record = nullptr;
  if (custdb_cursor_next(&record, cursor) != CUSTDB_OK || record == nullptr) {
    __builtin_trap();
  }
  custdb_buffer_free(record);
  custdb_buffer* token = nullptr;
  if (custdb_cursor_token(&token, cursor) != CUSTDB_OK) __builtin_trap();
  std::string bytes(reinterpret_cast<const char*>(custdb_buffer_data(token)),
                    custdb_buffer_size(token));
  custdb_buffer_free(token);
  custdb_cursor_free(cursor);
  return bytes;
}

const Fixture& Setup() {
  static Fixture fixture = [] {
    Fixture f;
    custdb_store* store = custdb::fuzz::Store();
    custdb_buffer* draft = custdb::fuzz::RecordFromJson(
        "CustomerDraft",
        R"({"kind": "Individual", "first_name": "Ada", "phone": "4158675309"})");
    custdb_create_options create = CUSTDB_CREATE_OPTIONS_INIT;
    create.allow_duplicate_phone = 1;
    for (int i = 0; i < kCustomers; ++i) {
      custdb_buffer* customer = nullptr;
      int existed = 0;
      if (custdb_customer_create(
              &customer, &existed, store, kAccount, custdb_buffer_data(draft),
              custdb_buffer_size(draft), &create) != CUSTDB_OK) {
        __builtin_trap();
      }
      if (i == 0) {
        f.customer_id = flatbuffers::GetRoot<custdb::fb::Customer>(
                            custdb_buffer_data(customer))
                            ->id();
      }
      custdb_buffer_free(customer);
    }
    custdb_buffer_free(draft);

    custdb_buffer* contact = custdb::fuzz::RecordFromJson(
        "ContactDraft", R"({"first_name": "Bo", "phone": "628 555 0199"})");
    for (int i = 1; i < kContacts; ++i) {
      if (custdb_contact_add(nullptr, store, kAccount, f.customer_id,
                             custdb_buffer_data(contact),
                             custdb_buffer_size(contact)) != CUSTDB_OK) {
        __builtin_trap();
      }
    }
    custdb_buffer_free(contact);

    custdb_cursor* cursor = nullptr;
    if (custdb_contact_list(&cursor, store, kAccount, f.customer_id, nullptr) !=
        CUSTDB_OK) {
      __builtin_trap();
    }
    f.contact_token = TakeToken(cursor);
    if (custdb_customer_find_by_phone(&cursor, store, kAccount, kPhone,
                                      nullptr) != CUSTDB_OK) {
      __builtin_trap();
    }
    f.phone_token = TakeToken(cursor);
    return f;
  }();
  return fixture;
}

// Drains a cursor; traps when it returns more than `limit` records, a
// record whose id (read by `id_of`) is not above `after` (the position's
// id, 0 for none), or when its final token is refused by `reopen`.
template <typename IdOf, typename Reopen>
void Drain(custdb_cursor* cursor, int limit, uint64_t after, IdOf id_of,
           Reopen reopen) {
  int count = 0;
  for (;;) {
    custdb_buffer* record = nullptr;
    if (custdb_cursor_next(&record, cursor) != CUSTDB_OK) break;
    if (record == nullptr) break;
    if (id_of(custdb_buffer_data(record)) <= after) __builtin_trap();
    custdb_buffer_free(record);
    if (++count > limit) __builtin_trap();
  }
  custdb_buffer* token = nullptr;
  if (custdb_cursor_token(&token, cursor) == CUSTDB_OK) {
    custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;
    options.resume_token = custdb_buffer_data(token);
    options.resume_token_size = custdb_buffer_size(token);
    custdb_cursor* again = nullptr;
    if (reopen(&again, &options) != CUSTDB_OK) __builtin_trap();
    custdb_cursor_free(again);
    custdb_buffer_free(token);
  }
  custdb_cursor_free(cursor);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& fixture = Setup();
  custdb_store* store = custdb::fuzz::Store();

  std::string token(reinterpret_cast<const char*>(data), size);
  // Both lists' positions are the big-endian id of the last record (of
  // the contact or the customer), and a list resumes strictly after it.
  uint64_t after = 0;
  if (size > 0 && data[0] % 3 != 0) {
    if (size == 9) after = custdb::keys::GetBigEndian64(token.data() + 1);
    const std::string& real =
        data[0] % 3 == 1 ? fixture.contact_token : fixture.phone_token;
    token = custdb::fuzz::WithPosition(real, token.substr(1));
  }
  custdb_list_options options = CUSTDB_LIST_OPTIONS_INIT;
  options.resume_token = reinterpret_cast<const uint8_t*>(token.data());
  options.resume_token_size = token.size();

  auto contacts = [&](custdb_cursor** out, const custdb_list_options* o) {
    return custdb_contact_list(out, store, kAccount, fixture.customer_id, o);
  };
  custdb_cursor* cursor = nullptr;
  if (contacts(&cursor, &options) == CUSTDB_OK) {
    Drain(
        cursor, kContacts, after,
        [](const uint8_t* record) {
          return flatbuffers::GetRoot<custdb::fb::Contact>(record)->id();
        },
        contacts);
  }

  auto by_phone = [&](custdb_cursor** out, const custdb_list_options* o) {
    return custdb_customer_find_by_phone(out, store, kAccount, kPhone, o);
  };
  cursor = nullptr;
  if (by_phone(&cursor, &options) == CUSTDB_OK) {
    Drain(
        cursor, kCustomers, after,
        [](const uint8_t* record) {
          return flatbuffers::GetRoot<custdb::fb::Customer>(record)->id();
        },
        by_phone);
  }
  return 0;
}
