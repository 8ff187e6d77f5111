// The account-wide tag library and the tags customers carry.
//
// A tag's name is unique in its account without regard to case
// (FoldCase). A customer's record lists the ids of its tags (ascending);
// each membership is also an index entry (tag, customer) and is counted
// per tag, all in the transaction that changes the customer.
//
// Locks: renaming takes the tag record, then its name keys in key order;
// tagging takes the tag, then the customer; deleting takes the tag, its
// customers, then its name key; creating takes the name key alone and
// only reads the tag it finds. Nothing that holds a customer's lock waits
// for a tag's, and nothing waits for a tag while holding a name key.
#pragma once

#include <cstdint>
#include <string>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

inline constexpr size_t kMaxTagNameBytes = 50;

struct TagCreateResult {
  std::string record;    // a finished fb::Tag buffer
  bool existed = false;  // a tag of that name was already there
};

class Tags {
 public:
  Tags(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Creates a tag, or returns the one whose name equals it without regard
  // to case (with `existed` set).
  Result<TagCreateResult> Create(uint64_t account_id,
                                 const fb::TagDraft& draft);

  // The tag with its current customer count.
  Result<std::string> Get(uint64_t account_id, uint64_t tag_id);

  // Renames a tag; kConflict when another tag has the new name or the
  // version is not the expected one (0: any).
  Result<std::string> Rename(uint64_t account_id, uint64_t tag_id,
                             const fb::TagDraft& draft,
                             uint64_t expected_version);

  // Deletes a tag and removes it from every customer that carries it, in
  // one transaction.
  Status Delete(uint64_t account_id, uint64_t tag_id);

  // Tags in name order (folded), each with its customer count; a position
  // is the folded name.
  Result<Page> List(uint64_t account_id, const std::string& after,
                    size_t limit);

  // Puts a tag on a customer, or takes it off; the customer record comes
  // back. Putting on a tag it carries, or taking off one it does not,
  // changes nothing.
  Result<std::string> Assign(uint64_t account_id, uint64_t customer_id,
                             uint64_t tag_id, bool carry);

  // Locks a tag inside `txn` so that it stays until the commit, for a
  // caller that puts it on a customer it writes itself (an import).
  // kNotFound when it is not a tag of this account.
  Status LockInTransaction(rocksdb::Transaction* txn, uint64_t account_id,
                           uint64_t tag_id);

 private:
  // Reads a tag inside `txn`, taking its lock when `for_update`.
  Result<fb::TagT> ReadTag(rocksdb::Transaction* txn, uint64_t account_id,
                           uint64_t tag_id, bool for_update);
  Result<uint64_t> CountOf(uint64_t account_id, uint64_t tag_id);
  Result<std::string> WithCount(fb::TagT tag);

  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a stored tag implies: its name entry. The
// memberships and counts are declared by the customers that carry it.
void ExpectTag(const keys::RecordKeyParts& key, std::string_view value,
               CheckContext& context);

}  // namespace custdb
