#include "engine/storage/store.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <vector>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_buffer_manager.h>
#include <sodium.h>

#include "engine/storage/keys.h"

namespace custdb {
namespace {

const char* const kFamilyNames[] = {
    "default",  // rocksdb::kDefaultColumnFamilyName
    "records", "indexes", "trigrams", "timeline", "counters", "files",
};
constexpr size_t kFamilyCount = static_cast<size_t>(Family::kCount);
static_assert(std::size(kFamilyNames) == kFamilyCount);

constexpr std::string_view kFormatVersionKey = "custdb.format_version";
constexpr std::string_view kIdReservationKey = "custdb.id_reserved_until";
constexpr std::string_view kSecretKey = "custdb.secret";
constexpr size_t kSecretBytes = 32;
constexpr uint64_t kIdBlock = 4096;
// The memory of every family's memtables together.
constexpr size_t kMemtableBudget = 64u << 20;

// Adds signed 64-bit deltas, stored as 8 bytes big-endian two's
// complement. A missing or malformed operand counts as zero, so a damaged
// counter is reported by the checker instead of failing every write.
class CounterAddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger*) const override {
    uint64_t sum = Decode(value);
    if (existing != nullptr) sum += Decode(*existing);
    new_value->clear();
    keys::PutBigEndian64(new_value, sum);
    return true;
  }
  const char* Name() const override { return "custdb.CounterAdd"; }

 private:
  static uint64_t Decode(const rocksdb::Slice& s) {
    return s.size() == 8 ? keys::GetBigEndian64(s.data()) : 0;
  }
};

// The exact-value prefix of an indexes-family key (a phone's or an
// email's entries, keys::ExactValuePrefixLength): the family's filter
// holds these prefixes, so that a lookup by phone or email passes over
// every table file without that value instead of reading a block of
// each. A seek uses the filter unless its ReadOptions ask for total
// order, and then finds nothing past the entries of the value it seeks
// to; only the scans of one value's entries may do that (ScanIndex and
// the like), every other iterator over the family reads in total order.
class ExactValuePrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "custdb.ExactValuePrefix.1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), *Length(key));
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return Length(key).has_value();
  }

 private:
  static std::optional<size_t> Length(const rocksdb::Slice& key) {
    return keys::ExactValuePrefixLength(key.ToStringView());
  }
};

// Forwards RocksDB's background events to the host's log callback, in
// words of its own: file numbers and sizes, never keys or values.
class LifecycleListener : public rocksdb::EventListener {
 public:
  explicit LifecycleListener(LogCallback log) : log_(std::move(log)) {}

  void OnFlushCompleted(rocksdb::DB*,
                        const rocksdb::FlushJobInfo& info) override {
    log_(LogLevel::kInfo,
         "flush completed: family " + info.cf_name + ", " +
             std::to_string(info.table_properties.num_entries) + " entries");
  }

  void OnCompactionCompleted(rocksdb::DB*,
                             const rocksdb::CompactionJobInfo& info) override {
    log_(LogLevel::kInfo,
         "compaction completed: family " + info.cf_name + ", level " +
             std::to_string(info.base_input_level) + " to " +
             std::to_string(info.output_level) + ", " +
             std::to_string(info.input_files.size()) + " files in, " +
             std::to_string(info.output_files.size()) + " out");
  }

  void OnStallConditionsChanged(const rocksdb::WriteStallInfo& info) override {
    auto name = [](rocksdb::WriteStallCondition c) {
      switch (c) {
        case rocksdb::WriteStallCondition::kNormal:
          return "normal";
        case rocksdb::WriteStallCondition::kDelayed:
          return "delayed";
        case rocksdb::WriteStallCondition::kStopped:
          return "stopped";
      }
      return "unknown";
    };
    log_(LogLevel::kWarn, std::string("write stall: family ") + info.cf_name +
                              " went from " + name(info.condition.prev) +
                              " to " + name(info.condition.cur));
  }

  void OnBackgroundError(rocksdb::BackgroundErrorReason,
                         rocksdb::Status* error) override {
    log_(LogLevel::kError,
         std::string("background error: ") + error->ToString());
  }

  void OnErrorRecoveryCompleted(rocksdb::Status) override {
    log_(LogLevel::kInfo, "recovered from a background error");
  }

 private:
  LogCallback log_;
};

bool HasRocksDbFiles(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / "CURRENT", ec);
}

// The write-ahead logs that opening will replay: their presence at open
// means the last close did not flush everything (or did not happen).
size_t CountLogFiles(const std::filesystem::path& dir) {
  std::error_code ec;
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".log" && entry.file_size(ec) > 0) {
      ++count;
    }
  }
  return count;
}

bool IsEmptyDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_empty(dir, ec) && !ec;
}

bool AllFamiliesOurs(const std::vector<std::string>& families) {
  for (const auto& name : families) {
    if (std::find(std::begin(kFamilyNames), std::end(kFamilyNames), name) ==
        std::end(kFamilyNames)) {
      return false;
    }
  }
  return true;
}

// Reads the format version of an existing store without locking it, so
// that a store of another format is refused before anything is written.
// Sets `*interrupted` for a database that holds nothing at all: a store
// whose creation stopped before its format version was written, which is
// then created again.
Status CheckExistingFormat(const std::string& path, rocksdb::Env* env,
                           bool* interrupted) {
  *interrupted = false;
  std::vector<std::string> families;
  rocksdb::DBOptions list_options;
  if (env != nullptr) list_options.env = env;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(list_options, path, &families);
  if (!s.ok()) return FromRocks(s, "reading the store's column families");
  rocksdb::Options options;
  if (env != nullptr) options.env = env;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, "reading the store's format version");
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value;
  s = db->Get(
      rocksdb::ReadOptions(), handles[0],
      rocksdb::Slice(kFormatVersionKey.data(), kFormatVersionKey.size()),
      &value);
  bool empty = false;
  if (s.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), handles[0]));
    it->SeekToFirst();
    empty = !it->Valid() && it->status().ok();
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (s.IsNotFound() && empty && AllFamiliesOurs(families)) {
    *interrupted = true;
    return Status::Ok();
  }
  if (s.IsNotFound()) {
    return Status::UnsupportedFormat(
        "open: the directory holds a RocksDB database that is not a custdb "
        "store");
  }
  if (!s.ok()) return FromRocks(s, "reading the store's format version");
  if (value.size() != 8) {
    return Status::Corruption("open: the store's format version is damaged");
  }
  uint64_t version = keys::GetBigEndian64(value.data());
  if (version > kFormatVersion) {
    return Status::UnsupportedFormat(
        "open: the store has format version " + std::to_string(version) +
        ", newer than the " + std::to_string(kFormatVersion) +
        " this library reads");
  }
  if (version == 0) {
    return Status::UnsupportedFormat("open: the store has format version 0");
  }
  return Status::Ok();
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, std::string_view operation) {
  std::string op(operation);
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status::NotFound(op + ": not found");
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return Status::Busy(op + ": a lock could not be had in time; retry");
  }
  if (s.IsIOError()) {
    std::string detail = s.ToString();
    // RocksDB's two words for a LOCK file held by another process or by
    // another handle in this one.
    if (detail.find("While lock file") != std::string::npos ||
        detail.find("lock hold by current process") != std::string::npos) {
      return Status::InUse(op +
                           ": the store is in use by another process "
                           "or another handle");
    }
    return Status::Io(op + ": " + detail);
  }
  if (s.IsInvalidArgument()) {
    // Opening a database, RocksDB tries its IDENTITY file with the
    // options' I/O settings, then without direct I/O, and reports either
    // failure as an invalid argument. custdb never asks for direct I/O,
    // so both mean the file system failed to open a file.
    std::string detail = s.ToString();
    if (detail.find("Found options incompatible with filesystem") !=
            std::string::npos ||
        detail.find("Direct I/O is not supported") != std::string::npos) {
      return Status::Io(op + ": " + detail);
    }
  }
  if (s.IsCorruption()) {
    return Status::Corruption(op + ": stored data is damaged");
  }
  if (s.IsNoSpace()) return Status::Io(op + ": no space left on the device");
  return Status::Internal(op + ": " + s.ToString());
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                           const StoreOptions& options) {
  if (path.empty()) return Status::InvalidArgument("path: must not be empty");
  if (sodium_init() < 0) {
    return Status::Internal("open: the cryptography library did not start");
  }
  std::filesystem::path dir(path);
  std::error_code ec;
  bool created = false;
  size_t logs_to_replay = 0;
  if (HasRocksDbFiles(dir)) {
    CUSTDB_RETURN_IF_ERROR(CheckExistingFormat(path, options.env, &created));
    logs_to_replay = CountLogFiles(dir);
  } else if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec)) {
      return Status::InvalidArgument("path: is not a directory");
    }
    if (!IsEmptyDirectory(dir)) {
      return Status::UnsupportedFormat(
          "open: the directory is not empty and holds no custdb store");
    }
    created = true;
  } else {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return Status::Io("open: cannot create the directory: " + ec.message());
    created = true;
  }

  std::unique_ptr<Store> store(new Store());
  store->log_ = options.log;
  store->write_options_.sync = options.sync_commits;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.create_missing_column_families = true;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 4;
  // A write-ahead log file stays until every family has flushed what it
  // holds, and the families written rarely (meta data, files) would keep
  // gigabytes of log alive for the busy ones: past this much log, the
  // families holding the oldest file are flushed. It also bounds what an
  // open after a crash replays.
  db_options.max_total_wal_size = 256u << 20;
  // All the families' memtables together stay within this much memory:
  // past it, the largest is flushed. Without it each family could hold
  // two 64 MiB memtables and more waiting to be flushed. (Letting writes
  // wait for the flushes, RocksDB's allow_stall, hung a bulk load here.)
  db_options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(kMemtableBudget);
  if (options.log) {
    db_options.listeners.push_back(
        std::make_shared<LifecycleListener>(options.log));
  }

  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.cache_bytes);
  auto table_factory = std::shared_ptr<rocksdb::TableFactory>(
      rocksdb::NewBlockBasedTableFactory(table_options));
  // The families read by key (records, counts) keep a Bloom filter of 10
  // bits a key, so that a point read looks into the one table file that
  // holds the key instead of a data block of every level (duplicate
  // detection reads some thirty records a query). The indexes family
  // keeps one of its exact-value prefixes alone (ExactValuePrefix): a
  // few of its keys a customer, where a filter of every key would cost
  // memory in proportion to some twenty. The other families are read by
  // prefix scans and have none.
  rocksdb::BlockBasedTableOptions filtered_options = table_options;
  filtered_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  auto filtered_factory = std::shared_ptr<rocksdb::TableFactory>(
      rocksdb::NewBlockBasedTableFactory(filtered_options));
  rocksdb::BlockBasedTableOptions prefix_options = filtered_options;
  prefix_options.whole_key_filtering = false;
  auto prefix_factory = std::shared_ptr<rocksdb::TableFactory>(
      rocksdb::NewBlockBasedTableFactory(prefix_options));
  auto exact_value_prefix = std::make_shared<ExactValuePrefix>();

  // The last level of a family holds most of its data and is rewritten
  // least: it is compressed with ZSTD, a quarter smaller than the Snappy
  // of the levels above, where compactions are frequent. Not in the
  // indexes family: a lookup by phone or email seeks into every level of
  // it and decompresses a block at each one that is not cached, which
  // with ZSTD took a third longer at a million customers. A RocksDB built
  // without ZSTD keeps Snappy throughout.
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool zstd = std::find(supported.begin(), supported.end(),
                              rocksdb::kZSTD) != supported.end();

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < static_cast<size_t>(Family::kCount); ++i) {
    rocksdb::ColumnFamilyOptions cf;
    if (zstd && i != static_cast<size_t>(Family::kIndexes)) {
      cf.bottommost_compression = rocksdb::kZSTD;
    }
    cf.table_factory = i == static_cast<size_t>(Family::kRecords) ||
                               i == static_cast<size_t>(Family::kCounters)
                           ? filtered_factory
                           : table_factory;
    if (i == static_cast<size_t>(Family::kIndexes)) {
      cf.table_factory = prefix_factory;
      cf.prefix_extractor = exact_value_prefix;
    }
    // TransactionDB keeps flushed memtables in memory, as many as the
    // live ones, unless told otherwise: a history for checking the
    // conflicts of transactions that read at a snapshot. custdb's
    // transactions never set a snapshot (their locks order them), so no
    // history is kept; with it a bulk import held hundreds of megabytes.
    cf.max_write_buffer_size_to_maintain = 1;
    if (i == static_cast<size_t>(Family::kCounters)) {
      cf.merge_operator = std::make_shared<CounterAddOperator>();
      // A busy counter (an account's total, a common trigram's) would
      // otherwise pile up deltas in the memtable that every read adds up;
      // past this many the write folds them into one value.
      cf.max_successive_merges = 16;
    }
    if (i == static_cast<size_t>(Family::kFiles)) {
      cf.enable_blob_files = true;
      cf.min_blob_size = 4096;
    }
    descriptors.emplace_back(kFamilyNames[i], cf);
  }

  rocksdb::TransactionDBOptions txn_db_options;
  txn_db_options.transaction_lock_timeout = 5000;  // ms
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::TransactionDB::Open(
      rocksdb::Options(db_options, rocksdb::ColumnFamilyOptions()),
      txn_db_options, path, descriptors, &handles, &store->db_);
  if (!s.ok()) return FromRocks(s, "open");
  for (size_t i = 0; i < handles.size(); ++i) store->handles_[i] = handles[i];

  if (logs_to_replay > 0) {
    store->Log(LogLevel::kInfo, "recovery: replayed " +
                                    std::to_string(logs_to_replay) +
                                    " write-ahead log file(s)");
  }
  CUSTDB_RETURN_IF_ERROR(store->Initialize(created));
  store->Log(LogLevel::kInfo,
             std::string(created ? "created" : "opened") +
                 " store at format version " + std::to_string(kFormatVersion) +
                 ", last sequence " +
                 std::to_string(store->db_->GetLatestSequenceNumber()));
  return store;
}

Status Store::Initialize(bool created) {
  rocksdb::WriteOptions synced;
  synced.sync = true;
  if (created) {
    std::string value;
    keys::PutBigEndian64(&value, kFormatVersion);
    rocksdb::Status s = db_->Put(
        synced, family(Family::kMeta),
        rocksdb::Slice(kFormatVersionKey.data(), kFormatVersionKey.size()),
        value);
    if (!s.ok()) return FromRocks(s, "writing the format version");
  } else {
    CUSTDB_RETURN_IF_ERROR(Upgrade());
  }
  CUSTDB_RETURN_IF_ERROR(LoadSecret());

  std::string reserved;
  rocksdb::Status s = db_->Get(
      rocksdb::ReadOptions(), family(Family::kMeta),
      rocksdb::Slice(kIdReservationKey.data(), kIdReservationKey.size()),
      &reserved);
  if (s.IsNotFound()) {
    next_id_ = 1;
  } else if (!s.ok()) {
    return FromRocks(s, "reading the id reservation");
  } else if (reserved.size() != 8) {
    return Status::Corruption("open: the id reservation is damaged");
  } else {
    // Ids below the reservation may have been handed out before a crash.
    next_id_ = keys::GetBigEndian64(reserved.data());
  }
  reserved_until_ = next_id_;
  return Status::Ok();
}

// Brings a store of an older format version (CheckExistingFormat let
// through none newer) to this one, then writes the version, synced: a
// crash before that leaves the old version, and the next open upgrades
// again from where this one stopped.
Status Store::Upgrade() {
  rocksdb::Slice key(kFormatVersionKey.data(), kFormatVersionKey.size());
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), family(Family::kMeta), key, &value);
  if (!s.ok()) return FromRocks(s, "reading the format version");
  if (value.size() != 8) {
    return Status::Corruption("open: the store's format version is damaged");
  }
  uint64_t version = keys::GetBigEndian64(value.data());
  if (version == kFormatVersion) return Status::Ok();
  if (version == 1) CUSTDB_RETURN_IF_ERROR(MoveContactEntries());
  value.clear();
  keys::PutBigEndian64(&value, kFormatVersion);
  rocksdb::WriteOptions synced;
  synced.sync = true;
  s = db_->Put(synced, family(Family::kMeta), key, value);
  if (!s.ok()) return FromRocks(s, "writing the format version");
  Log(LogLevel::kInfo, "upgraded the store from format version " +
                           std::to_string(version) + " to " +
                           std::to_string(kFormatVersion));
  return Status::Ok();
}

// Version 1 kept the contacts' phone and email entries under tags of
// their own (kContactPhone, kContactEmail); version 2 keeps them beside
// the customers' own entries (kPhone, kEmail), where one seek finds
// both. Each entry moves in one write batch with its removal, so that a
// crash leaves it under one tag or the other, never both or neither.
Status Store::MoveContactEntries() {
  using keys::IndexTag;
  constexpr size_t kMovesPerBatch = 4096;
  auto* indexes = family(Family::kIndexes);
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;  // from account to account
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, indexes));
  rocksdb::WriteBatch batch;
  size_t moved = 0;
  auto write = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
    if (!s.ok()) return FromRocks(s, "upgrading the store");
    batch.Clear();
    return Status::Ok();
  };
  it->SeekToFirst();
  while (it->Valid()) {
    if (it->key().size() < 8) {
      return Status::Corruption("open: an index key is damaged");
    }
    uint64_t account_id = keys::GetBigEndian64(it->key().data());
    for (auto [from, to] :
         {std::pair{IndexTag::kContactPhone, IndexTag::kPhone},
          std::pair{IndexTag::kContactEmail, IndexTag::kEmail}}) {
      std::string prefix = keys::IndexPrefix(account_id, from);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
           it->Next()) {
        auto entry = keys::ParseChildIndexKey(it->key().ToStringView());
        if (!entry) {
          return Status::Corruption("open: a contact index key is damaged");
        }
        batch.Put(indexes,
                  keys::ChildIndexKey(account_id, to, entry->value,
                                      entry->customer_id, entry->child_id),
                  it->value());
        batch.Delete(indexes, it->key());
        ++moved;
        if (moved % kMovesPerBatch == 0) CUSTDB_RETURN_IF_ERROR(write());
      }
      if (!it->status().ok())
        return FromRocks(it->status(), "upgrading the store");
    }
    if (account_id == UINT64_MAX) break;
    it->Seek(keys::AccountPrefix(account_id + 1));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "upgrading the store");
  CUSTDB_RETURN_IF_ERROR(write());
  // The moves reach the disk before the version that says they are done.
  rocksdb::Status s = db_->FlushWAL(/*sync=*/true);
  if (!s.ok()) return FromRocks(s, "upgrading the store");
  Log(LogLevel::kInfo, "upgrade: moved " + std::to_string(moved) +
                           " contact phone and email entries");
  return Status::Ok();
}

Status Store::LoadSecret() {
  rocksdb::Slice key(kSecretKey.data(), kSecretKey.size());
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), family(Family::kMeta), key, &secret_);
  if (s.ok() && secret_.size() == kSecretBytes) return Status::Ok();
  if (s.ok()) return Status::Corruption("open: the store's secret is damaged");
  if (!s.IsNotFound()) return FromRocks(s, "reading the store's secret");
  secret_.resize(kSecretBytes);
  randombytes_buf(secret_.data(), secret_.size());
  rocksdb::WriteOptions synced;
  synced.sync = true;
  s = db_->Put(synced, family(Family::kMeta), key, secret_);
  return FromRocks(s, "writing the store's secret");
}

uint64_t Store::QueryHash(std::string_view text) const {
  unsigned char hash[8];
  crypto_generichash(
      hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()),
      text.size(), reinterpret_cast<const unsigned char*>(secret_.data()),
      secret_.size());
  return keys::GetBigEndian64(reinterpret_cast<const char*>(hash));
}

Store::~Store() {
  if (db_ == nullptr) return;
  for (auto* h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  rocksdb::Status s = db_->Close();
  if (!s.ok()) Log(LogLevel::kError, "close: " + s.ToString());
  delete db_;
  Log(LogLevel::kInfo, "closed store");
}

std::unique_ptr<rocksdb::Transaction> Store::BeginTransaction() const {
  rocksdb::TransactionOptions options;
  options.deadlock_detect = true;
  return std::unique_ptr<rocksdb::Transaction>(
      db_->BeginTransaction(write_options_, options));
}

Result<uint64_t> Store::AllocateId() {
  std::lock_guard<std::mutex> lock(id_mutex_);
  if (next_id_ >= reserved_until_) {
    uint64_t until = next_id_ + kIdBlock;
    std::string value;
    keys::PutBigEndian64(&value, until);
    rocksdb::WriteOptions synced;
    synced.sync = true;
    rocksdb::Status s = db_->Put(
        synced, family(Family::kMeta),
        rocksdb::Slice(kIdReservationKey.data(), kIdReservationKey.size()),
        value);
    if (!s.ok()) return FromRocks(s, "reserving customer ids");
    reserved_until_ = until;
  }
  return next_id_++;
}

void Store::Log(LogLevel level, std::string_view message) const {
  if (log_) log_(level, message);
}

Status Store::Backup(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("dir: must not be empty");
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return Status::InvalidArgument("dir: already exists");
  }
  std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return Status::InvalidArgument("dir: its parent directory does not exist");
  }
  rocksdb::Checkpoint* checkpoint = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &checkpoint);
  if (!s.ok()) return FromRocks(s, "backup");
  std::unique_ptr<rocksdb::Checkpoint> owned(checkpoint);
  // A log size of 0 flushes the memtables first, so that the copy holds
  // table files and no write-ahead log to replay.
  s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) return FromRocks(s, "backup");
  Log(LogLevel::kInfo, "backup written");
  return Status::Ok();
}

}  // namespace custdb
