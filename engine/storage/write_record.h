// Writing a record with an id together with its index entries, the one
// shape every child record's write function shares.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"
#include "engine/storage/transaction.h"

namespace custdb {

// Writes `after` under its record key (or deletes the record when `after`
// is null) and replaces the index entries `keys_of(*before)` with
// `keys_of(*after)` (none for a null side), inside `txn`. `what` names the
// record in an error ("contact"). `owner_is_new` is ReplaceIndexEntries'.
// Returns the bytes written, empty after a delete.
template <typename T, typename KeysOf>
Result<std::string> WriteRecordAndEntries(
    Store* store, rocksdb::Transaction* txn, keys::RecordTag tag,
    std::string_view what, const T* before, const T* after, KeysOf keys_of,
    bool owner_is_new = false) {
  const T& any = after != nullptr ? *after : *before;
  // A child of a customer that a bulk transaction created is as new as
  // its customer.
  owner_is_new = owner_is_new || BulkWrites::Created(txn, any.customer_id);
  std::string key = keys::RecordKey(any.account_id, tag, any.id);
  std::string record;
  rocksdb::Status s;
  if (after != nullptr) {
    record = PackRecord(*after);
    // A new record's key names its fresh id: nobody else can write it,
    // and it needs no lock.
    if (before == nullptr) {
      CUSTDB_RETURN_IF_ERROR(
          PutUnlocked(store, txn, Family::kRecords, key, record));
    } else {
      s = txn->Put(store->family(Family::kRecords), key, record);
    }
  } else {
    s = txn->Delete(store->family(Family::kRecords), key);
  }
  if (!s.ok()) return FromRocks(s, "writing a " + std::string(what));
  auto entries = [&](const T* r) {
    return r != nullptr ? keys_of(*r) : std::vector<std::string>();
  };
  CUSTDB_RETURN_IF_ERROR(ReplaceIndexEntries(store, txn, entries(before),
                                             entries(after), owner_is_new));
  return record;
}

// The only index entry of most children: their place in their customer's
// list of that kind.
template <typename T>
std::vector<std::string> ChildEntryOf(const T& child, keys::RecordTag tag) {
  return {keys::ChildKey(child.account_id, child.customer_id, tag, child.id)};
}

}  // namespace custdb
