// What every part of the C ABI shim shares: error reporting, buffers, the
// store handle and its shared state, and cursors. Internal; not installed.
#pragma once

#include <deque>
#include <memory>
#include <shared_mutex>
#include <string>

#include "capi/custdb.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/contacts/contacts.h"
#include "engine/customers/customers.h"
#include "engine/files/files.h"
#include "engine/links/links.h"
#include "engine/locations/locations.h"
#include "engine/match/duplicates.h"
#include "engine/merge/merge.h"
#include "engine/portal/portal.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"
#include "engine/tags/tags.h"
#include "engine/timeline/notes.h"
#include "engine/timeline/timeline.h"

struct custdb_buffer {
  std::string bytes;
};

namespace custdb::shim {

// The state a store handle and its cursors share. Calls hold `mutex`
// shared; closing holds it exclusively, so it waits for running calls, and
// leaves `store` empty for the cursors that outlive the handle.
struct StoreState {
  // Makes one engine object per module over a store just opened.
  void Attach(std::unique_ptr<Store> opened);
  // Drops the modules, then the store, which closes RocksDB.
  void Detach();

  std::shared_mutex mutex;
  std::unique_ptr<Store> store;
  std::unique_ptr<Customers> customers;
  std::unique_ptr<Contacts> contacts;
  std::unique_ptr<Locations> locations;
  std::unique_ptr<Tags> tags;
  std::unique_ptr<Timeline> timeline;
  std::unique_ptr<Notes> notes;
  std::unique_ptr<Files> files;
  std::unique_ptr<Links> links;
  std::unique_ptr<Portal> portal;
  std::unique_ptr<Duplicates> duplicates;
  std::unique_ptr<Merger> merger;
};

// Records `status` as this thread's last error and returns its code.
int Fail(const Status& status);
int Invalid(const char* message);

// Runs `body` with the last error cleared, turning any escaping exception
// into an error code.
void ClearLastError();
const char* LastError();
int FailFromException(bool out_of_memory);
template <typename Body>
int Guard(Body body) noexcept {
  try {
    ClearLastError();
    return body();
  } catch (const std::bad_alloc&) {
    return FailFromException(true);
  } catch (...) {
    return FailFromException(false);
  }
}

// Hands `bytes` to the caller through `out` (ignored when `out` is NULL).
int Emit(custdb_buffer** out, std::string bytes);

template <typename T>
int EmitResult(custdb_buffer** out, Result<T> result) {
  if (!result.ok()) return Fail(result.status());
  return Emit(out, std::move(*result));
}

// Checks an options struct's version; a NULL struct is the defaults.
template <typename Options>
bool OptionsVersionOk(const Options* options, uint32_t latest) {
  return options == nullptr ||
         (options->version >= 1 && options->version <= latest);
}
int UnknownOptionsVersion();

}  // namespace custdb::shim

struct custdb_store {
  std::shared_ptr<custdb::shim::StoreState> state;
};

// A cursor over any list: a page source, the position of the last record
// returned (what a resume token saves) and of the last one fetched.
struct custdb_cursor {
  std::shared_ptr<custdb::shim::StoreState> state;
  uint8_t list_kind = 0;
  uint64_t account_id = 0;
  uint64_t query_hash = 0;
  custdb::PageSource source;
  std::string fetched_after;
  std::string returned_after;
  bool exhausted = false;
  std::deque<custdb::PageItem> pending;
};

namespace custdb::shim {

// Runs `body(state)` holding the store open; `store` may not be NULL.
template <typename Body>
int WithStore(custdb_store* store, Body body) {
  if (store == nullptr) return Invalid("store: must not be NULL");
  std::shared_lock<std::shared_mutex> lock(store->state->mutex);
  if (!store->state->store) return Fail(Status::Closed("store: is closed"));
  return body(*store->state);
}

// Runs `body(state, input)` holding the store open, once `size` bytes at
// `data` are verified as a T record; `what` names the argument ("draft").
template <typename T, typename Body>
int WithInput(custdb_store* store, const uint8_t* data, size_t size,
              const char* what, Body body) {
  return WithStore(store, [&](StoreState& state) {
    std::string storage;
    auto input = VerifyRecord<T>(data, size, what, &storage);
    if (!input.ok()) return Fail(input.status());
    return body(state, **input);
  });
}

// The code of a Status: CUSTDB_OK, or the error recorded as Fail does.
inline int Done(const Status& status) {
  return status.ok() ? CUSTDB_OK : Fail(status);
}

// The kinds of list, as resume tokens record them. Never renumbered.
enum ListKind : uint8_t {
  kListCustomersByPhone = 1,
  kListCustomersByEmail = 2,
  kListContacts = 3,
  kListLocations = 4,
  kListTimeline = 5,
  kListNotes = 6,
  kListFiles = 7,
  kListFileContent = 8,
  kListTags = 9,
  kListLinks = 10,
  kListPortalLinks = 11,
  kListDuplicateReport = 12,
  kListCustomers = 13,
  kListAccounts = 14,
};

// Opens a cursor over `source` at the position saved in the options'
// resume token (or at the start). `query` is what the list is of (a
// phone, a customer id and filter), hashed into the token so that a token
// resumes only the list it came from. Requires the store lock.
int OpenCursor(custdb_cursor** out, custdb_store* store, ListKind kind,
               uint64_t account_id, std::string_view query,
               const custdb_list_options* options, PageSource source);

// Opens a cursor over a list of one customer's children (contacts, notes,
// files, ...), with the checks every such call makes: `out` and the
// options version, then, under the store lock, a customer that is not in
// the account fails at once rather than at the first custdb_cursor_next.
// The token is bound to the customer and to `filter` (bytes that narrow
// the list, such as a channel; empty for none). `make_source(state)`
// returns the list's PageSource.
template <typename MakeSource>
int OpenChildList(custdb_cursor** out, custdb_store* store, ListKind kind,
                  uint64_t account_id, uint64_t customer_id,
                  std::string_view filter, const custdb_list_options* options,
                  MakeSource make_source) {
  if (out == nullptr) return Invalid("out: must not be NULL");
  *out = nullptr;
  if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
    return UnknownOptionsVersion();
  }
  return WithStore(store, [&](StoreState& state) {
    auto customer = state.customers->GetOwn(account_id, customer_id);
    if (!customer.ok()) return Fail(customer.status());
    std::string query;
    keys::PutBigEndian64(&query, customer_id);
    query.append(filter);
    return OpenCursor(out, store, kind, account_id, query, options,
                      make_source(state));
  });
}
// Reads the expected version from update options; false for an unknown
// options version.
bool ExpectedVersion(const custdb_update_options* options, uint64_t* out);

}  // namespace custdb::shim
