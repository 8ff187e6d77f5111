// A store: one RocksDB TransactionDB in one directory, shared by every
// account that lives in it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <rocksdb/utilities/transaction_db.h>

#include "engine/common/status.h"

namespace custdb {

// The format of the files in a store directory. A store written by a newer
// format is refused rather than misread; one of an older format is
// upgraded when it is opened (docs/file-format.md).
inline constexpr uint64_t kFormatVersion = 2;

enum class LogLevel { kInfo = 0, kWarn = 1, kError = 2 };

// Lifecycle events: open, recovery, flushes, compactions, write stalls,
// background errors. Messages never contain record contents. The callback
// may be called from RocksDB's background threads, at any time until the
// store is closed.
using LogCallback = std::function<void(LogLevel, std::string_view)>;

struct StoreOptions {
  // Whether every commit waits for its write-ahead log record to reach
  // the disk (fsync). On: an acknowledged write survives a power cut. Off:
  // it survives a crash of the process but a power cut may lose the last
  // commits (never part of one).
  bool sync_commits = true;
  // Size of the block cache shared by all column families.
  size_t cache_bytes = 64u << 20;
  LogCallback log;
  // The environment RocksDB's files go through; null for the default.
  // Tests put a file system of their own here (a simulated power cut);
  // it must outlive the store.
  rocksdb::Env* env = nullptr;
};

// The column families, by access pattern.
enum class Family {
  kMeta = 0,  // "default": format version, id reservation, secret
  kRecords,   // FlatBuffers records
  kIndexes,   // every index entry, lock key and pending-file marker
  kTrigrams,  // fuzzy-name postings
  kTimeline,  // communication timeline, newest first
  kCounters,  // summary counters, updated by a merge operator
  kFiles,     // file contents, in blob files
  kCount,
};

// The read options of an iterator that may go past the entries of the
// value it seeks to: every iterator over the indexes family except the
// scans of one phone's or email's entries, which may use the family's
// prefix filter (ExactValuePrefix in store.cc). The filter would hide
// the keys of other values from a scan that goes on to them.
inline rocksdb::ReadOptions TotalOrderRead() {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  return ro;
}

class Store {
 public:
  // Opens the store in `path`, creating the directory and an empty store
  // when missing. Fails with kInUse when another process (or another
  // handle in this one) has it open, with kUnsupportedFormat when the
  // directory holds something that is not a custdb store or a store of a
  // newer format.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const StoreOptions& options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::TransactionDB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* family(Family f) const {
    return handles_[static_cast<size_t>(f)];
  }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // A new transaction. Its locks time out after a few seconds with kBusy.
  std::unique_ptr<rocksdb::Transaction> BeginTransaction() const;

  // A store-wide id that was never handed out before and never will be
  // again, even across a crash.
  Result<uint64_t> AllocateId();

  void Log(LogLevel level, std::string_view message) const;

  // A 64-bit hash of `text` keyed with the store's secret: the same text
  // hashes alike within one store, and the hash cannot be reversed by
  // hashing guesses without the secret.
  uint64_t QueryHash(std::string_view text) const;

  // Writes a consistent copy of the whole store, every account, into
  // `dir`, which must not exist yet (its parent must): a RocksDB
  // checkpoint, whose table files are hard links where the file system
  // allows, so it costs little space until the store moves on. The copy
  // is a store that custdb_store_open opens like any other.
  Status Backup(const std::string& dir);

  // The store's secret: 32 random bytes made when the store was created.
  const std::string& secret() const { return secret_; }

 private:
  Store() = default;
  Status Initialize(bool created);
  Status Upgrade();
  Status MoveContactEntries();
  Status LoadSecret();

  rocksdb::TransactionDB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* handles_[static_cast<size_t>(Family::kCount)] =
      {};
  rocksdb::WriteOptions write_options_;
  LogCallback log_;
  std::string secret_;

  // Ids are reserved in blocks: the reservation is persisted before any id
  // of a block is handed out, so a crash can only skip ids.
  std::mutex id_mutex_;
  uint64_t next_id_ = 0;
  uint64_t reserved_until_ = 0;
};

// Converts a RocksDB status into a custdb one. `operation` names what was
// being done ("reading a customer"); RocksDB's own message is kept only
// for I/O and corruption errors, where it names files, never contents.
Status FromRocks(const rocksdb::Status& s, std::string_view operation);

// A snapshot of the store, released when it goes out of scope; `ro()`
// reads from it.
class SnapshotRead {
 public:
  explicit SnapshotRead(Store* store)
      : db_(store->db()), snapshot_(db_->GetSnapshot()), ro_(TotalOrderRead()) {
    ro_.snapshot = snapshot_;
  }
  ~SnapshotRead() { db_->ReleaseSnapshot(snapshot_); }
  SnapshotRead(const SnapshotRead&) = delete;
  SnapshotRead& operator=(const SnapshotRead&) = delete;

  const rocksdb::ReadOptions& ro() const { return ro_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions ro_;
};

}  // namespace custdb
