#include "engine/storage/transaction.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

namespace custdb {

Result<std::optional<std::string>> ReadInTransaction(Store* store,
                                                     rocksdb::Transaction* txn,
                                                     Family family,
                                                     const std::string& key,
                                                     bool for_update) {
  std::string value;
  rocksdb::ReadOptions ro;
  auto* handle = store->family(family);
  rocksdb::Status s = for_update ? txn->GetForUpdate(ro, handle, key, &value)
                                 : txn->Get(ro, handle, key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading a record");
  return std::optional<std::string>(std::move(value));
}

Status LockKey(Store* store, rocksdb::Transaction* txn, Family family,
               const std::string& key) {
  std::string ignored;
  auto s = txn->GetForUpdate(rocksdb::ReadOptions(), store->family(family), key,
                             &ignored);
  if (s.ok() || s.IsNotFound()) return Status::Ok();
  return FromRocks(s, "taking a lock");
}

namespace {

thread_local BulkWrites* current_bulk = nullptr;

// The transaction's own batch, past its lock manager: indexed (`readable`),
// it is what a read through the transaction consults; the raw batch
// under it is what the commit writes.
rocksdb::WriteBatchBase* UnlockedBatch(rocksdb::Transaction* txn,
                                       bool readable) {
  rocksdb::WriteBatchWithIndex* indexed = txn->GetWriteBatch();
  if (readable) return indexed;
  return indexed->GetWriteBatch();
}

// A counter delta, unlocked and unindexed (see AddToCounter).
Status MergeCounterDelta(Store* store, rocksdb::Transaction* txn,
                         const std::string& counter_key, int64_t delta) {
  auto s = UnlockedBatch(txn, /*readable=*/false)
               ->Merge(store->family(Family::kCounters), counter_key,
                       EncodeCounter(delta));
  return FromRocks(s, "updating a count");
}

}  // namespace

Status PutUnlocked(Store* store, rocksdb::Transaction* txn, Family family,
                   const std::string& key, const rocksdb::Slice& value,
                   bool readable) {
  auto s = UnlockedBatch(txn, readable)->Put(store->family(family), key, value);
  return FromRocks(s, "writing");
}

Status DeleteUnlocked(Store* store, rocksdb::Transaction* txn, Family family,
                      const std::string& key, bool readable) {
  auto s = UnlockedBatch(txn, readable)->Delete(store->family(family), key);
  return FromRocks(s, "deleting");
}

BulkWrites::BulkWrites(Store* store, rocksdb::Transaction* txn)
    : store_(store), txn_(txn), outer_(current_bulk) {
  current_bulk = this;
}

BulkWrites::~BulkWrites() { current_bulk = outer_; }

BulkWrites* BulkWrites::Of(const rocksdb::Transaction* txn) {
  return current_bulk != nullptr && current_bulk->txn_ == txn ? current_bulk
                                                              : nullptr;
}

void BulkWrites::KeepRow() {
  for (const auto& [key, delta] : row_) batch_[key] += delta;
  row_.clear();
}

void BulkWrites::DropRow() { row_.clear(); }

Status BulkWrites::Write() {
  KeepRow();
  for (const auto& [key, delta] : batch_) {
    if (delta == 0) continue;
    CUSTDB_RETURN_IF_ERROR(MergeCounterDelta(store_, txn_, key, delta));
  }
  batch_.clear();
  return Status::Ok();
}

Status AddToCounter(Store* store, rocksdb::Transaction* txn,
                    const std::string& counter_key, int64_t delta) {
  if (delta == 0) return Status::Ok();
  if (BulkWrites* bulk = BulkWrites::Of(txn)) {
    bulk->Add(counter_key, delta);
    return Status::Ok();
  }
  return MergeCounterDelta(store, txn, counter_key, delta);
}

namespace {

// Adds `delta` (+1 or -1) to the names a trigram entry counts: the entry
// appears at 1 and goes at 0, moving its trigram's counter then. Every
// writer of a customer's names holds the customer's lock (or created the
// customer in a bulk transaction, which nobody else sees), so the read
// sees the last committed count. The entries of a customer `txn` creates
// are read from `txn` alone, which spares a read of the store for each
// trigram of a new customer; in a bulk transaction (BulkWrites) they are
// counted there, and written without indexing.
Status MoveTrigramEntry(Store* store, rocksdb::Transaction* txn,
                        const std::string& key, const std::string& counter,
                        int delta, bool owner_is_new) {
  auto* trigrams = store->family(Family::kTrigrams);
  BulkWrites* bulk = BulkWrites::Of(txn);
  if (bulk != nullptr && !owner_is_new) {
    auto entry = keys::ParseIndexKey(key);
    owner_is_new = entry && bulk->IsNew(entry->customer_id);
  }
  uint32_t names = 0;
  const uint32_t* counted = bulk != nullptr ? bulk->TrigramNames(key) : nullptr;
  if (counted != nullptr) {
    names = *counted;
  } else if (bulk == nullptr || !owner_is_new) {
    std::string value;
    // Only merges would need real options; trigram entries are plain Puts.
    static const rocksdb::DBOptions kBatchReadOptions;
    auto s = owner_is_new
                 ? txn->GetWriteBatch()->GetFromBatch(
                       trigrams, kBatchReadOptions, key, &value)
                 : txn->Get(rocksdb::ReadOptions(), trigrams, key, &value);
    if (s.ok()) {
      auto stored = keys::DecodeTrigramCount(value);
      if (!stored) return Status::Corruption("a trigram entry is damaged");
      names = *stored;
    } else if (!s.IsNotFound()) {
      return FromRocks(s, "reading a trigram entry");
    }
  }
  if (delta < 0 && names == 0) {
    return Status::Corruption("a trigram entry is missing");
  }
  uint32_t now = delta < 0 ? names - 1 : names + 1;
  if (bulk != nullptr) bulk->SetTrigramNames(key, now);
  // The key of a new customer's entry names its fresh id: nobody else can
  // write it, and it needs no lock. A bulk transaction reads its counts
  // from BulkWrites, not from the batch.
  if (owner_is_new && now != 0) {
    CUSTDB_RETURN_IF_ERROR(PutUnlocked(store, txn, Family::kTrigrams, key,
                                       keys::EncodeTrigramCount(now),
                                       /*readable=*/bulk == nullptr));
  } else {
    if (bulk != nullptr) txn->DisableIndexing();
    auto s = now == 0 ? txn->Delete(trigrams, key)
                      : txn->Put(trigrams, key, keys::EncodeTrigramCount(now));
    if (bulk != nullptr) txn->EnableIndexing();
    if (!s.ok()) return FromRocks(s, "writing a trigram entry");
  }
  if (names == 0 || now == 0) {
    CUSTDB_RETURN_IF_ERROR(AddToCounter(store, txn, counter, delta));
  }
  return Status::Ok();
}

// Writes an index entry of a new customer, whose key names its fresh id:
// nobody else can write it, and it needs no lock. In a bulk transaction
// it is not indexed either, unless it is a phone entry, which a later
// create in the transaction reads to find the phone's owners.
bool ReadableNewEntry(const rocksdb::Transaction* txn, const std::string& key) {
  return BulkWrites::Of(txn) == nullptr || keys::IsPhoneIndexKey(key);
}

Status PutNewEntry(Store* store, rocksdb::Transaction* txn,
                   const std::string& key, const rocksdb::Slice& value) {
  return PutUnlocked(store, txn, Family::kIndexes, key, value,
                     ReadableNewEntry(txn, key));
}

// Removes such an entry, which a bulk transaction wrote earlier for a
// customer it created (a name that a later contact changed, a list row
// that moved).
Status DeleteNewEntry(Store* store, rocksdb::Transaction* txn,
                      const std::string& key) {
  return DeleteUnlocked(store, txn, Family::kIndexes, key,
                        ReadableNewEntry(txn, key));
}

}  // namespace

Status ReplaceIndexEntries(Store* store, rocksdb::Transaction* txn,
                           const std::vector<std::string>& old_keys,
                           const std::vector<std::string>& new_keys,
                           bool owner_is_new) {
  auto* indexes = store->family(Family::kIndexes);
  auto has = [](const std::vector<std::string>& keys, const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  };
  // A trigram entry is shared by the names of one customer, in the
  // trigrams family; the others are written blind.
  for (const auto& k : old_keys) {
    if (has(new_keys, k)) continue;
    if (auto counter = keys::TrigramCounterOf(k)) {
      CUSTDB_RETURN_IF_ERROR(
          MoveTrigramEntry(store, txn, k, *counter, -1, owner_is_new));
      continue;
    }
    if (owner_is_new) {
      CUSTDB_RETURN_IF_ERROR(DeleteNewEntry(store, txn, k));
      continue;
    }
    auto s = txn->Delete(indexes, k);
    if (!s.ok()) return FromRocks(s, "removing an index entry");
  }
  for (const auto& k : new_keys) {
    if (has(old_keys, k)) continue;
    if (auto counter = keys::TrigramCounterOf(k)) {
      CUSTDB_RETURN_IF_ERROR(
          MoveTrigramEntry(store, txn, k, *counter, 1, owner_is_new));
      continue;
    }
    // A new customer's entries end with its fresh id (see above).
    if (owner_is_new) {
      CUSTDB_RETURN_IF_ERROR(PutNewEntry(store, txn, k, rocksdb::Slice()));
      continue;
    }
    auto s = txn->Put(indexes, k, rocksdb::Slice());
    if (!s.ok()) return FromRocks(s, "writing an index entry");
  }
  return Status::Ok();
}

Status ReplaceIndexValues(Store* store, rocksdb::Transaction* txn,
                          const std::vector<IndexValueEntry>& old_entries,
                          const std::vector<IndexValueEntry>& new_entries,
                          bool owner_is_new) {
  auto* indexes = store->family(Family::kIndexes);
  auto find = [](const std::vector<IndexValueEntry>& entries,
                 const std::string& key) {
    return std::find_if(entries.begin(), entries.end(),
                        [&](const IndexValueEntry& e) { return e.key == key; });
  };
  for (const auto& e : old_entries) {
    if (find(new_entries, e.key) != new_entries.end()) continue;
    if (owner_is_new) {
      CUSTDB_RETURN_IF_ERROR(DeleteNewEntry(store, txn, e.key));
      continue;
    }
    auto s = txn->Delete(indexes, e.key);
    if (!s.ok()) return FromRocks(s, "removing an index entry");
  }
  // An entry whose key stays but whose value changed is written again:
  // a row moves when its sort value changes, and is rewritten in place
  // when only what it shows does.
  for (const auto& e : new_entries) {
    auto old = find(old_entries, e.key);
    if (old != old_entries.end() && old->value == e.value) continue;
    if (owner_is_new) {
      CUSTDB_RETURN_IF_ERROR(PutNewEntry(store, txn, e.key, e.value));
      continue;
    }
    auto s = txn->Put(indexes, e.key, e.value);
    if (!s.ok()) return FromRocks(s, "writing an index entry");
  }
  return Status::Ok();
}

namespace {

// A transaction's writes, in the order made. The keys and values point
// into the batch read, which must outlive the collector unchanged.
class BatchCollector : public rocksdb::WriteBatch::Handler {
 public:
  enum class Op : uint8_t { kPut, kDelete, kMerge };
  struct Write {
    uint32_t family;
    Op op;
    uint32_t order;  // among the batch's writes
    rocksdb::Slice key;
    rocksdb::Slice value;
  };

  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    return Add(family, Op::kPut, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t family,
                           const rocksdb::Slice& key) override {
    return Add(family, Op::kDelete, key, rocksdb::Slice());
  }
  rocksdb::Status MergeCF(uint32_t family, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    return Add(family, Op::kMerge, key, value);
  }
  // The marker a transaction's batch starts with.
  rocksdb::Status MarkNoop(bool) override { return rocksdb::Status::OK(); }
  // Operations custdb does not make: noted, and the transaction is then
  // committed as it is. (Refusing them here would stop the iteration
  // with an error, which some builds of RocksDB assert against.)
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override {
    return Other();
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return Other();
  }
  rocksdb::Status PutEntityCF(uint32_t, const rocksdb::Slice&,
                              const rocksdb::Slice&) override {
    return Other();
  }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&,
                                 const rocksdb::Slice&) override {
    return Other();
  }
  void LogData(const rocksdb::Slice&) override { other = true; }

  std::vector<Write> writes;
  bool other = false;

 private:
  rocksdb::Status Add(uint32_t family, Op op, const rocksdb::Slice& key,
                      const rocksdb::Slice& value) {
    writes.push_back(
        {family, op, static_cast<uint32_t>(writes.size()), key, value});
    return rocksdb::Status::OK();
  }

  rocksdb::Status Other() {
    other = true;
    return rocksdb::Status::OK();
  }
};

uint64_t CounterDelta(const rocksdb::Slice& value) {
  return value.size() == 8 ? keys::GetBigEndian64(value.data()) : 0;
}

}  // namespace

// TODO: a batch spends half its time here, most of it in the memtable
// placing some forty-five keys a customer among those already there.
// Writing the sorted batch as table files and ingesting them would spare
// the memtable and its flush; the transaction's locks would have to be
// held across the ingestion.
Status CommitSorted(Store* store, rocksdb::Transaction* txn) {
  BatchCollector collected;
  rocksdb::WriteBatch* made = txn->GetWriteBatch()->GetWriteBatch();
  if (!made->Iterate(&collected).ok() || collected.other) {
    return FromRocks(txn->Commit(), "committing");
  }
  auto& writes = collected.writes;
  const uint32_t counters = store->family(Family::kCounters)->GetID();
  for (const auto& w : writes) {
    if (w.op == BatchCollector::Op::kMerge && w.family != counters) {
      return FromRocks(txn->Commit(), "committing");
    }
  }
  // The writes of one key stay in the order they were made.
  std::sort(writes.begin(), writes.end(),
            [](const BatchCollector::Write& a, const BatchCollector::Write& b) {
              if (a.family != b.family) return a.family < b.family;
              int c = a.key.compare(b.key);
              return c != 0 ? c < 0 : a.order < b.order;
            });
  auto handle_of = [store](uint32_t id) -> rocksdb::ColumnFamilyHandle* {
    for (size_t i = 0; i < static_cast<size_t>(Family::kCount); ++i) {
      auto* handle = store->family(static_cast<Family>(i));
      if (handle->GetID() == id) return handle;
    }
    return nullptr;
  };

  rocksdb::WriteBatch sorted(made->GetDataSize());
  using Op = BatchCollector::Op;
  for (size_t i = 0; i < writes.size();) {
    size_t end = i;
    while (end < writes.size() && writes[end].family == writes[i].family &&
           writes[end].key == writes[i].key) {
      ++end;
    }
    auto* handle = handle_of(writes[i].family);
    if (handle == nullptr) return Status::Internal("commit: unknown family");
    // A key's last put or delete stands, followed by the sum of the
    // counter deltas merged after it (merges are the counters' alone).
    const BatchCollector::Write* base = nullptr;
    uint64_t delta = 0;
    bool merged = false;
    for (size_t j = i; j < end; ++j) {
      const auto& w = writes[j];
      if (w.op != Op::kMerge) {
        base = &w;
        delta = 0;
        merged = false;
      } else {
        delta += CounterDelta(w.value);
        merged = true;
      }
    }
    rocksdb::Status s;
    if (base != nullptr) {
      s = base->op == Op::kPut ? sorted.Put(handle, base->key, base->value)
                               : sorted.Delete(handle, base->key);
    }
    if (s.ok() && merged) {
      std::string value;
      keys::PutBigEndian64(&value, delta);
      s = sorted.Merge(handle, writes[i].key, value);
    }
    if (!s.ok()) return FromRocks(s, "committing");
    i = end;
  }

  rocksdb::TransactionDBWriteOptimizations unlocked;
  unlocked.skip_concurrency_control = true;  // `txn` holds every lock
  auto s = store->db()->Write(store->write_options(), unlocked, &sorted);
  if (!s.ok()) return FromRocks(s, "committing");
  // Releases the locks; what the transaction wrote is written already.
  // (Should this fail, destroying the transaction releases them.)
  txn->Rollback().PermitUncheckedError();
  return Status::Ok();
}

Result<std::vector<std::string>> ScanKeys(
    Store* store, rocksdb::Transaction* txn, Family family,
    const std::string& prefix, const std::string& after, size_t limit) {
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = TotalOrderRead();
  if (!end.empty()) ro.iterate_upper_bound = &upper;
  auto* handle = store->family(family);
  std::unique_ptr<rocksdb::Iterator> it(
      txn != nullptr ? txn->GetIterator(ro, handle)
                     : store->db()->NewIterator(ro, handle));
  std::vector<std::string> out;
  if (after.empty()) {
    it->Seek(prefix);
  } else {
    it->Seek(after);
    if (it->Valid() && it->key() == rocksdb::Slice(after)) it->Next();
  }
  for (; it->Valid() && out.size() < limit; it->Next()) {
    out.push_back(it->key().ToString());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading an index");
  return out;
}

}  // namespace custdb
