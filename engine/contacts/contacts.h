// Contacts: the people a customer is reached through.
//
// A contact belongs to one customer. While a customer has contacts,
// exactly one of them is primary: it is flagged `primary` and the
// customer's primary_contact_id names it (0 while it has none). The first
// contact a customer gets becomes primary whatever its draft says; adding
// one with `primary` set, or promoting one, demotes the one before.
// Deleting the primary contact promotes the oldest contact that remains
// (the lowest id, ids being handed out in creation order); deleting the
// last one leaves primary_contact_id 0. A change of the primary contact
// changes the customer record too (its version goes up), and each contact
// whose `primary` flag changes gets a new version as well; all of it
// commits in one transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

class Contacts {
 public:
  // Neither pointer is owned; both must outlive this object.
  Contacts(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Adds a contact to a customer and returns the Contact record.
  // kNotFound when the customer is not in this account.
  Result<std::string> Add(uint64_t account_id, uint64_t customer_id,
                          const fb::ContactDraft& draft);
  // Add inside `txn`, which the caller commits (an import).
  Result<std::string> AddInTransaction(rocksdb::Transaction* txn,
                                       uint64_t account_id,
                                       uint64_t customer_id,
                                       const fb::ContactDraft& draft);

  // The stored record; kNotFound when the id is not a contact of this
  // account.
  Result<std::string> Get(uint64_t account_id, uint64_t contact_id);

  // Applies a patch (absent fields stay; an empty string clears an
  // optional field) and re-indexes phone and email. With
  // `expected_version` other than 0 it happens only when the stored
  // version equals it (kConflict otherwise). A patch that changes nothing
  // writes nothing and returns the stored record.
  Result<std::string> Update(uint64_t account_id, uint64_t contact_id,
                             const fb::ContactPatch& patch,
                             uint64_t expected_version);

  // Makes a contact its customer's primary contact and returns it; the
  // primary contact before is demoted. Promoting the primary contact
  // changes nothing.
  Result<std::string> Promote(uint64_t account_id, uint64_t contact_id);

  // Deletes a contact, conditional on `expected_version` like Update. When
  // it was the primary contact, the oldest remaining one is promoted.
  Status Delete(uint64_t account_id, uint64_t contact_id,
                uint64_t expected_version);

  // A customer's contacts in id order (creation order), the primary one
  // wherever it falls. A position is the contact id, 8 bytes big-endian.
  // kNotFound when the customer is not in this account.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    const std::string& after, size_t limit);

 private:
  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a stored contact implies.
void ExpectContact(const keys::RecordKeyParts& key, std::string_view value,
                   CheckContext& context);

}  // namespace custdb
