// Customer records: the operations that write a record together with all
// of its index and counter entries in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/storage/store.h"

namespace custdb {

struct CreateOptions {
  // Create a new customer even when the phone already belongs to one.
  bool allow_duplicate_phone = false;
};

struct CreateResult {
  std::string record;    // a finished fb::Customer buffer
  bool existed = false;  // the phone and name matched this customer
};

// A draft normalized, with the ids of the customer and of its first
// contact (none for a company's draft that names no contact) handed out.
struct NewCustomer {
  fb::CustomerT customer;
  std::optional<fb::ContactT> first_contact;
};

// Which exact index a lookup reads.
enum class Lookup { kPhone, kEmail };

class Customers {
 public:
  explicit Customers(Store* store) : store_(store) {}

  // Creates a customer from a draft. When the phone already belongs to a
  // customer of the account whose name agrees with the draft's (the rule
  // of CompareNames, which duplicate detection uses too) and
  // `allow_duplicate_phone` is off, that customer is returned with
  // `existed` set and nothing is written; the per-phone lock makes this
  // hold for concurrent creators too. A phone whose owners all have
  // clearly different names (two businesses behind one switchboard) gets
  // a new customer that shares it. Only the customers' own phones count
  // here, not their contacts'.
  //
  // In the same transaction the customer gets its first contact, which
  // primary_contact_id names: an individual's is made of its own first
  // and last name, phone and email; a company's is the draft's
  // primary_contact, when it names one (else it starts with none).
  Result<CreateResult> Create(uint64_t account_id,
                              const fb::CustomerDraft& draft,
                              const CreateOptions& options);

  // Create in two steps, for the callers that write more in the same
  // transaction (an import): PrepareCreate normalizes the draft and hands
  // out its ids; CreateInTransaction does the rest inside `txn`, which
  // the caller commits (nothing is written when `existed` is set).
  Result<NewCustomer> PrepareCreate(const fb::CustomerDraft& draft);
  Result<CreateResult> CreateInTransaction(rocksdb::Transaction* txn,
                                           uint64_t account_id,
                                           const NewCustomer& prepared,
                                           const CreateOptions& options);

  // The stored record. The id of a customer merged into another resolves
  // to the survivor's record, through any chain of merges. kNotFound when
  // the id is neither a customer nor a merged customer of this account.
  Result<std::string> Get(uint64_t account_id, uint64_t customer_id);

  // The record stored under this very id, for the calls that act on the
  // customer's own children (lists, uploads): a merged id is kNotFound,
  // and the message names the customer it was merged into.
  Result<std::string> GetOwn(uint64_t account_id, uint64_t customer_id);

  // The customer a merged id resolves to (the end of its chain of
  // redirects), or 0 when the id was never merged. Reads through `txn`
  // when it is not null, else the latest committed state.
  Result<uint64_t> MergedInto(rocksdb::Transaction* txn, uint64_t account_id,
                              uint64_t customer_id);

  // The kNotFound of a customer id with no record: "customer 5 was merged
  // into customer 7" for a merged id, else "customer 5 not found in this
  // account".
  Status Missing(rocksdb::Transaction* txn, uint64_t account_id,
                 uint64_t customer_id);

  // Applies a patch. With `expected_version` other than 0 the update
  // happens only when the stored version equals it (kConflict otherwise).
  // An individual's primary contact follows a change of the first name,
  // last name, phone or email when it still held the old value.
  Result<std::string> Update(uint64_t account_id, uint64_t customer_id,
                             const fb::CustomerPatch& patch,
                             uint64_t expected_version);

  // Sets the status to Archived, or from Archived back to Active.
  Result<std::string> SetArchived(uint64_t account_id, uint64_t customer_id,
                                  bool archived, uint64_t expected_version);

  // The key a lookup value is indexed under: a phone in any common format
  // becomes E.164, an email is lower-cased. Invalid values fail.
  static Result<std::string> LookupKey(Lookup by, std::string_view value);

  // Customers whose phone or email (by `by`) is `key` (from LookupKey),
  // their own or one of their contacts', each once, in id order; a
  // position is the customer id, 8 bytes big-endian.
  Result<Page> Find(uint64_t account_id, Lookup by, std::string_view key,
                    const std::string& after, size_t limit);

  // The summary counts: a few point reads, independent of account size.
  Result<std::string> Summary(uint64_t account_id);

  // The store's accounts in id order, each an Account record: every
  // account that holds a record of any kind. One seek an account, so the
  // cost does not grow with the accounts' sizes. A position is the
  // account id, 8 bytes big-endian.
  Result<Page> ListAccounts(const std::string& after, size_t limit);

  // For the write paths of a customer's children (contacts, notes, ...):
  // reads and locks the customer inside `txn`, so that the child and its
  // parent commit together; kNotFound when it is not in this account.
  Result<fb::CustomerT> LockForChild(rocksdb::Transaction* txn,
                                     uint64_t account_id, uint64_t customer_id);

  // Writes `customer` (read with LockForChild and changed by the caller)
  // with its index and counter entries, inside `txn`. When
  // `bump_version` the version goes up and updated_at moves; a change of
  // last activity alone does neither (an SMS arriving is not an edit).
  // Returns the record as written (or as it was, when nothing changed).
  Result<std::string> WriteInTransaction(rocksdb::Transaction* txn,
                                         const fb::CustomerT& before,
                                         fb::CustomerT after,
                                         bool bump_version);

  // Removes `customer` (read with LockForChild) with its index entries and
  // counter contributions inside `txn`, and leaves a redirect from its id
  // to `survivor_id`, which the caller has locked too. For a merge, once
  // every child of the customer has moved to the survivor.
  Status RemoveInTransaction(rocksdb::Transaction* txn,
                             const fb::CustomerT& customer,
                             uint64_t survivor_id);

 private:
  // Reads the record under its lock, checks the expected version, lets
  // `change` edit a copy, and writes the copy with its index and counter
  // entries, unless it equals the stored record.
  using Change = std::function<Status(fb::CustomerT*)>;
  Result<std::string> Modify(uint64_t account_id, uint64_t customer_id,
                             uint64_t expected_version, const Change& change);

  // The record of the first phone owner of `customer` (in id order) whose
  // name agrees with its name; nullopt when no owner's does. REQUIRES: the
  // phone's lock is held by `txn`, so that no owner appears meanwhile.
  Result<std::optional<std::string>> OwnerWithAgreeingName(
      rocksdb::Transaction* txn, uint64_t account_id,
      const fb::CustomerT& customer);

  Store* store_;
};

// Declares to the checker what a stored customer implies.
void ExpectCustomer(const keys::RecordKeyParts& key, std::string_view value,
                    CheckContext& context);

// Declares to the checker what a merged customer's redirect implies: that
// no customer is stored under its id, and that it names a customer or
// another redirect.
void ExpectMergedCustomer(const keys::RecordKeyParts& key,
                          std::string_view value, CheckContext& context);

// The index keys and counters a record contributes; shared by the write
// path and the checker, so the two cannot disagree on what should exist.
// The list rows, index entries with values, are RowEntriesOf
// (customer_list.h).
std::vector<std::string> IndexKeysOf(const fb::CustomerT& customer);
std::vector<std::string> CounterKeysOf(const fb::CustomerT& customer);

}  // namespace custdb
