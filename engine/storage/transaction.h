// Helpers every write path shares: running a transaction with retries,
// reading and locking records, counter deltas, ids and times.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "engine/common/status.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"

namespace custdb {

inline constexpr int kMaxTransactionAttempts = 4;

// Runs `body(txn)` in a fresh transaction, again when it fails with kBusy
// (a lock timeout or a detected deadlock), up to a few times. `body`
// commits; a transaction it leaves uncommitted is rolled back.
template <typename T, typename Body>
Result<T> InTransaction(Store* store, Body body) {
  Result<T> result = Status::Internal("transaction: never ran");
  for (int attempt = 0; attempt < kMaxTransactionAttempts; ++attempt) {
    auto txn = store->BeginTransaction();
    result = body(txn.get());
    if (result.ok() || !result.status().IsBusy()) return result;
    txn->Rollback().PermitUncheckedError();
  }
  return result;
}

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string FlatString(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

// A counter delta as the counters family's merge operator reads it.
inline std::string EncodeCounter(int64_t delta) {
  std::string value;
  keys::PutBigEndian64(&value, static_cast<uint64_t>(delta));
  return value;
}

// Checks that both ids are set; `what` names the second ("customer_id").
inline Status CheckIds(uint64_t account_id, uint64_t id,
                       std::string_view what = "customer_id") {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  if (id == 0)
    return Status::InvalidArgument(std::string(what) + ": must not be 0");
  return Status::Ok();
}

// Reads a value of `family` inside a transaction, locking it
// when `for_update`. An empty optional when there is none.
Result<std::optional<std::string>> ReadInTransaction(Store* store,
                                                     rocksdb::Transaction* txn,
                                                     Family family,
                                                     const std::string& key,
                                                     bool for_update);

// Locks a key that may not exist (a per-value lock such as a phone's).
Status LockKey(Store* store, rocksdb::Transaction* txn, Family family,
               const std::string& key);

// Writes `key` into `txn` without locking it, for a key no other writer
// can know: one that names an id `txn` took fresh. (RocksDB's pessimistic
// transaction locks every key it writes, the *Untracked calls included,
// which skip only the conflict check.) The write commits or rolls back
// with `txn`. `readable`: later reads through `txn` see it; otherwise it
// goes into the write batch unindexed, which costs less, for a key the
// transaction never reads again.
Status PutUnlocked(Store* store, rocksdb::Transaction* txn, Family family,
                   const std::string& key, const rocksdb::Slice& value,
                   bool readable = true);
// Deletes `key` the same way.
Status DeleteUnlocked(Store* store, rocksdb::Transaction* txn, Family family,
                      const std::string& key, bool readable = true);

// Adds `delta` to a counter without taking its lock: deltas commute, so
// writers of one account never queue on their counts. The delta is not
// readable through `txn`.
Status AddToCounter(Store* store, rocksdb::Transaction* txn,
                    const std::string& counter_key, int64_t delta);

// For a transaction of many new records (an import). While one is alive
// on this thread, the writes of its transaction take shortcuts that only
// hold when nothing else reads what the transaction writes before it
// commits, and the records it creates are new:
// - AddToCounter adds to a sum here instead of writing a delta each
//   call, and Write writes one delta a counter;
// - a trigram entry's count is kept here, and read from here, instead of
//   from the transaction's indexed batch;
// - the index entries of a new customer are written without indexing
//   or locking (PutUnlocked), except its phone entries, which a later
//   create of the transaction reads; the write still commits them;
// - a customer the transaction created is nobody else's until the
//   commit (Created): what its rows write of it later takes no lock.
// The counter sums since the last KeepRow are dropped by DropRow, for a
// record rolled back to a save point. (A rolled-back record's trigram
// counts may stay here: its keys name its fresh id, which nothing
// writes again.)
class BulkWrites {
 public:
  BulkWrites(Store* store, rocksdb::Transaction* txn);
  ~BulkWrites();
  BulkWrites(const BulkWrites&) = delete;
  BulkWrites& operator=(const BulkWrites&) = delete;

  // The one alive for `txn` on this thread, or null.
  static BulkWrites* Of(const rocksdb::Transaction* txn);

  void Add(const std::string& counter_key, int64_t delta) {
    row_[counter_key] += delta;
  }
  // The names a trigram entry written in this transaction counts; null
  // for an entry it has not written.
  const uint32_t* TrigramNames(const std::string& key) const {
    auto it = trigram_names_.find(key);
    return it == trigram_names_.end() ? nullptr : &it->second;
  }
  void SetTrigramNames(const std::string& key, uint32_t names) {
    trigram_names_[key] = names;
  }
  // A customer this transaction created: nothing of it is in the store
  // yet, so what its later writes would read there is not looked for.
  void MarkNew(uint64_t customer_id) { new_customers_.insert(customer_id); }
  bool IsNew(uint64_t customer_id) const {
    return new_customers_.count(customer_id) != 0;
  }
  // Whether the bulk transaction alive for `txn` on this thread created
  // `customer_id`. Such a customer is known to nobody else until the
  // commit: its record and its entries need no lock.
  static bool Created(const rocksdb::Transaction* txn, uint64_t customer_id) {
    const BulkWrites* bulk = Of(txn);
    return bulk != nullptr && bulk->IsNew(customer_id);
  }

  void KeepRow();
  void DropRow();
  // Writes the sums kept (the current row's included) into the
  // transaction.
  Status Write();

 private:
  Store* store_;
  rocksdb::Transaction* txn_;
  BulkWrites* outer_;
  std::map<std::string, int64_t> row_;
  std::map<std::string, int64_t> batch_;
  std::unordered_map<std::string, uint32_t> trigram_names_;
  std::unordered_set<uint64_t> new_customers_;
};

// Deletes the index entries only `old_keys` has and writes (with an empty
// value) those only `new_keys` has, inside `txn`. `owner_is_new`: the
// customer the entries belong to is created by `txn`, so that its shared
// trigram entries can only be among the transaction's own writes, and
// only those are read.
Status ReplaceIndexEntries(Store* store, rocksdb::Transaction* txn,
                           const std::vector<std::string>& old_keys,
                           const std::vector<std::string>& new_keys,
                           bool owner_is_new = false);

// An index entry with a value of its own (a customer's list rows).
struct IndexValueEntry {
  std::string key;
  std::string value;
};

// Deletes the entries whose keys only `old_entries` has and writes those
// of `new_entries` that are new or whose value changed, inside `txn`.
// `owner_is_new` as for ReplaceIndexEntries.
Status ReplaceIndexValues(Store* store, rocksdb::Transaction* txn,
                          const std::vector<IndexValueEntry>& old_entries,
                          const std::vector<IndexValueEntry>& new_entries,
                          bool owner_is_new = false);

// Commits `txn` as one write whose keys are sorted, for transactions
// of many records (a bulk import): a memtable takes keys in order much
// faster than scattered, and the deltas of one counter become one. The
// write is made while `txn` still holds its locks, which are released by
// rolling `txn` back afterwards; to every other reader and writer it is
// the transaction's commit. A batch with an operation this does not
// reorder (other than puts, deletes and counter merges) is committed as
// it is.
Status CommitSorted(Store* store, rocksdb::Transaction* txn);

// Keys of `family` under `prefix`, in order, after `after`
// (empty: from the start), at most `limit`. Reads through `txn` when it
// is not null (its own writes included), else the latest committed state.
Result<std::vector<std::string>> ScanKeys(
    Store* store, rocksdb::Transaction* txn, Family family,
    const std::string& prefix, const std::string& after, size_t limit);

}  // namespace custdb
