// Locations: where a customer is served, billed or written to.
//
// A location belongs to one customer. Its address is kept as given (less
// surrounding white space, the state upper-cased, a 9-digit ZIP written
// as ZIP+4) and also as a normalized address key (FoldAddressLine and
// AddressKey in engine/normalize/address.h), which is indexed so that
// customers sharing an address can be found: a duplicate signal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

// Maximum lengths, in bytes of UTF-8.
inline constexpr size_t kMaxLocationLabelBytes = 100;
inline constexpr size_t kMaxAddressLineBytes = 200;
inline constexpr size_t kMaxCityBytes = 100;
inline constexpr size_t kMaxLocationNotesBytes = 4000;

// Checks and normalizes every field of a location and sets its address
// key. kind must be Service, Billing, Mailing or Other; address_line1,
// city, state (a USPS code) and zip (12345, 12345-6789 or 123456789) are
// required; label and address_line2 are optional single lines; the three
// notes may span lines (tabs and line breaks are kept). The first rule
// broken is returned, naming its field.
Status NormalizeLocation(fb::LocationT* location);

// The index entries a stored location implies: its child entry under its
// customer and its address key. Shared by the write paths and the checker.
std::vector<std::string> IndexKeysOf(const fb::LocationT& location);

// Writes `after` (null: deletes the record) in place of `before` (null: a
// new record) inside `txn`, with its index entries. Returns the bytes
// written (empty after a delete).
Result<std::string> WriteLocation(Store* store, rocksdb::Transaction* txn,
                                  const fb::LocationT* before,
                                  const fb::LocationT* after);

class Locations {
 public:
  // Neither pointer is owned; both must outlive this object.
  Locations(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Adds a location to a customer and returns the Location record.
  // kNotFound when the customer is not in this account.
  Result<std::string> Add(uint64_t account_id, uint64_t customer_id,
                          const fb::LocationDraft& draft);
  // Add inside `txn`, which the caller commits (an import).
  Result<std::string> AddInTransaction(rocksdb::Transaction* txn,
                                       uint64_t account_id,
                                       uint64_t customer_id,
                                       const fb::LocationDraft& draft);

  // The stored record; kNotFound when the id is not a location of this
  // account.
  Result<std::string> Get(uint64_t account_id, uint64_t location_id);

  // Applies a patch (absent fields stay; an empty string clears an
  // optional field; a kind of Unspecified is refused) and re-indexes the
  // address. With `expected_version` other than 0 it happens only when the
  // stored version equals it (kConflict otherwise). A patch that changes
  // nothing writes nothing and returns the stored record.
  Result<std::string> Update(uint64_t account_id, uint64_t location_id,
                             const fb::LocationPatch& patch,
                             uint64_t expected_version);

  // Deletes a location, conditional on `expected_version` like Update.
  Status Delete(uint64_t account_id, uint64_t location_id,
                uint64_t expected_version);

  // A customer's locations in id order (creation order). A position is
  // the location id, 8 bytes big-endian. kNotFound when the customer is
  // not in this account.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    const std::string& after, size_t limit);

  // The customers of the account with a location whose address key is
  // `address_key` (from AddressKey), each once, in id order, at most
  // `limit`. For duplicate detection; no call of the C ABI reads it yet.
  Result<std::vector<uint64_t>> CustomersAtAddress(uint64_t account_id,
                                                   std::string_view address_key,
                                                   size_t limit);

 private:
  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a stored location implies.
void ExpectLocation(const keys::RecordKeyParts& key, std::string_view value,
                    CheckContext& context);

}  // namespace custdb
