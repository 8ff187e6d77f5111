// Links from a customer to records the host keeps (jobs, invoices,
// quotes): a (kind, external id) pair belongs to at most one customer of
// an account.
//
// Links have no record of their own. Each lives in the indexes family as
// two entries written in one transaction: the customer's entry, whose
// value is the Link record, and the target entry, which says which
// customer holds the host's record. docs/links.md explains the choice.
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

inline constexpr size_t kMaxLinkKindBytes = 32;
inline constexpr size_t kMaxExternalIdBytes = 128;

// A kind lower-cased and checked: 1 to 32 bytes of a-z, 0-9, '_' and '-'.
Result<std::string> NormalizeLinkKind(std::string_view kind);
// An external id checked: 1 to 128 bytes of printable UTF-8, as given.
Status CheckExternalId(std::string_view external_id);

// Writes the link `after` (null: removes it) in place of `before` (null:
// a new link) inside `txn`: the customer's entry, whose value is the Link
// record, and the target entry naming the customer. The caller holds the
// target key's lock.
Status WriteLink(Store* store, rocksdb::Transaction* txn,
                 const fb::LinkT* before, const fb::LinkT* after);

class Links {
 public:
  Links(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Links the host's record to a customer and returns the Link record.
  // Linking it again to the same customer returns the stored link;
  // linking it to another customer is kConflict. Concurrent links of one
  // host record are serialized on its target key, so they end with one.
  Result<std::string> Add(uint64_t account_id, uint64_t customer_id,
                          const fb::LinkDraft& draft);
  // Add inside `txn`, which the caller commits (an import); `existed`
  // is set when the customer held the link already (nothing written).
  Result<std::string> AddInTransaction(rocksdb::Transaction* txn,
                                       uint64_t account_id,
                                       uint64_t customer_id,
                                       const fb::LinkDraft& draft,
                                       bool* existed);
  // The customer holding the host record a draft names, 0 for none; its
  // target key is locked in `txn`, so that it stays so until the end.
  Result<uint64_t> HolderInTransaction(rocksdb::Transaction* txn,
                                       uint64_t account_id,
                                       const fb::LinkDraft& draft);

  // Removes a customer's link; kNotFound when the customer does not hold
  // it.
  Status Remove(uint64_t account_id, uint64_t customer_id,
                std::string_view kind, std::string_view external_id);

  // The Link of a host record, whichever customer holds it; kNotFound
  // when none does.
  Result<std::string> Find(uint64_t account_id, std::string_view kind,
                           std::string_view external_id);

  // A customer's links by kind, then external id; kNotFound when the
  // customer is not in this account. A position is the link's key.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    const std::string& after, size_t limit);

 private:
  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a customer's link entry implies: itself
// and its target entry.
void ExpectLinkEntry(std::string_view key, std::string_view value,
                     CheckContext& context);

}  // namespace custdb
