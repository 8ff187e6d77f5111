// A simulated power cut: a file system that remembers how much of each
// file was synced, stops every write at the cut, and then drops what was
// not synced, as a machine losing power would. Debian's RocksDB does not
// ship its fault-injection file system, so this one is written on
// FileSystemWrapper.
#include <doctest/doctest.h>

#include <unistd.h>

#include <map>
#include <mutex>
#include <random>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "engine/customers/customers.h"
#include "test_util.h"

namespace custdb {
namespace {

using testing::IndividualDraft;
using testing::Root;
using testing::Str;
using testing::TempDir;

// What survives of a file is what was synced. A rename counts as durable
// at once (directories are not modelled), which is kind to RocksDB only
// for CURRENT, whose contents it syncs before the rename.
class PowerCutFileSystem : public rocksdb::FileSystemWrapper {
 public:
  PowerCutFileSystem()
      : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  const char* Name() const override { return "PowerCutFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cut_) return Off();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    auto s = target()->NewWritableFile(name, options, &file, dbg);
    if (!s.ok()) return s;
    files_[name] = {0, 0};
    *result = std::make_unique<File>(std::move(file), this, name);
    return s;
  }

  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cut_) return Off();
    auto s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) {
      auto node = files_.extract(from);
      if (!node.empty()) {
        node.key() = to;
        files_.insert_or_assign(to, node.mapped());
      }
    }
    return s;
  }

  rocksdb::IOStatus DeleteFile(const std::string& name,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cut_) return Off();
    files_.erase(name);
    return target()->DeleteFile(name, options, dbg);
  }

  // The power goes off: from now on nothing reaches the disk.
  void Cut() {
    std::lock_guard<std::mutex> lock(mutex_);
    cut_ = true;
  }

  // What the disk holds after the cut: each file as far as it was synced.
  void DropUnsynced() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, sizes] : files_) {
      if (access(name.c_str(), F_OK) != 0) continue;
      REQUIRE(truncate(name.c_str(), static_cast<off_t>(sizes.synced)) == 0);
    }
  }

 private:
  struct Sizes {
    uint64_t written;
    uint64_t synced;
  };

  static rocksdb::IOStatus Off() {
    return rocksdb::IOStatus::IOError("the power is off");
  }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, PowerCutFileSystem* fs,
         std::string name)
        : rocksdb::FSWritableFileOwnerWrapper(std::move(file)),
          fs_(fs),
          name_(std::move(name)) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      std::lock_guard<std::mutex> lock(fs_->mutex_);
      if (fs_->cut_) return Off();
      auto s = target()->Append(data, options, dbg);
      if (s.ok()) fs_->files_[name_].written += data.size();
      return s;
    }

    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo&,
                             rocksdb::IODebugContext* dbg) override {
      return Append(data, options, dbg);
    }

    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      return Synced(target()->Sync(options, dbg));
    }

    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      return Synced(target()->Fsync(options, dbg));
    }

    rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&,
                                rocksdb::IODebugContext*) override {
      // Starting write-back of a range promises nothing durable.
      return rocksdb::IOStatus::OK();
    }

   private:
    rocksdb::IOStatus Synced(rocksdb::IOStatus s) {
      std::lock_guard<std::mutex> lock(fs_->mutex_);
      if (fs_->cut_) return Off();
      if (s.ok()) {
        auto& sizes = fs_->files_[name_];
        sizes.synced = sizes.written;
      }
      return s;
    }

    PowerCutFileSystem* fs_;
    std::string name_;
  };

  std::mutex mutex_;
  bool cut_ = false;
  std::map<std::string, Sizes> files_;
};

std::string PhoneFor(int n) {
  char text[32];
  std::snprintf(text, sizeof text, "415-%03d-%04d", 200 + n / 10000 % 700,
                n % 10000);
  return text;
}

struct Outcome {
  std::vector<std::pair<uint64_t, std::string>> acknowledged;
};

// Creates customers until a random moment, cuts the power, tries a few
// more writes, and leaves the disk as the cut would.
Outcome WriteAndCut(const std::string& path, bool sync, uint64_t seed) {
  auto fs = std::make_shared<PowerCutFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  Outcome outcome;
  {
    StoreOptions options;
    options.sync_commits = sync;
    options.env = env.get();
    auto store = Store::Open(path, options);
    REQUIRE_MESSAGE(store.ok(), store.status().message());
    Customers customers(store->get());
    std::mt19937_64 rng(seed);
    int before_cut = 1 + static_cast<int>(rng() % 60);
    for (int i = 0; i < before_cut + 5; ++i) {
      if (i == before_cut) fs->Cut();
      std::string draft = IndividualDraft(
          "Cut", std::to_string(i), PhoneFor(static_cast<int>(seed) * 100 + i));
      auto r =
          customers.Create(1, *Root<fb::CustomerDraft>(draft), CreateOptions());
      if (i < before_cut) {
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        auto* c = Root<fb::Customer>(r->record);
        outcome.acknowledged.emplace_back(c->id(), Str(c->phone()));
      } else {
        // After the cut no write can be acknowledged.
        CHECK_FALSE(r.ok());
      }
    }
  }
  fs->DropUnsynced();
  return outcome;
}

size_t Issues(Store* store) {
  auto report = CheckStore(store);
  REQUIRE(report.ok());
  auto* issues = Root<fb::CheckReport>(*report)->issues();
  return issues == nullptr ? 0 : issues->size();
}

TEST_CASE("a power cut loses no synced commit and leaves nothing half done") {
  for (uint64_t round = 1; round <= 12; ++round) {
    CAPTURE(round);
    TempDir dir;
    Outcome outcome = WriteAndCut(dir.path(), /*sync=*/true, round);
    auto store = testing::OpenStore(dir.path());
    Customers customers(store.get());
    for (const auto& [id, phone] : outcome.acknowledged) {
      auto got = customers.Get(1, id);
      REQUIRE_MESSAGE(got.ok(), got.status().message());
      CHECK(Str(Root<fb::Customer>(*got)->phone()) == phone);
    }
    CHECK(Issues(store.get()) == 0);
  }
}

TEST_CASE("without synced commits a power cut loses whole commits only") {
  size_t lost_total = 0;
  for (uint64_t round = 1; round <= 12; ++round) {
    CAPTURE(round);
    TempDir dir;
    Outcome outcome = WriteAndCut(dir.path(), /*sync=*/false, round);
    auto store = testing::OpenStore(dir.path());
    Customers customers(store.get());
    // Some acknowledged creates may be gone; those that are there are
    // whole, and the counts and indexes agree with them.
    size_t lost = 0;
    for (const auto& [id, phone] : outcome.acknowledged) {
      auto got = customers.Get(1, id);
      if (got.ok()) {
        CHECK(Str(Root<fb::Customer>(*got)->phone()) == phone);
      } else {
        ++lost;
      }
    }
    lost_total += lost;
    CHECK(Issues(store.get()) == 0);
  }
  // The simulated cut does drop what was not synced: without synced
  // commits acknowledged creates are lost, so the synced case above does
  // not pass by luck.
  CHECK(lost_total > 0);
}

}  // namespace
}  // namespace custdb
