#include "engine/storage/store.h"

#include <doctest/doctest.h>

#include <fstream>
#include <mutex>
#include <set>
#include <vector>

#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "test_util.h"

namespace custdb {
namespace {

using testing::OpenStore;
using testing::TempDir;

TEST_CASE("opening a missing directory creates an empty store") {
  TempDir dir;
  auto store = OpenStore(dir.sub("new/nested"));
  CHECK(std::filesystem::exists(dir.sub("new/nested/CURRENT")));
}

TEST_CASE("counter deltas and fresh keys hold no lock that others wait for") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::string counter = keys::CounterKey(1, keys::CounterTag::kTotal);
  const std::string fresh = keys::CustomerKey(1, 77);
  auto first = store->BeginTransaction();
  auto second = store->BeginTransaction();
  REQUIRE(AddToCounter(store.get(), first.get(), counter, 2).ok());
  REQUIRE(
      PutUnlocked(store.get(), first.get(), Family::kRecords, fresh, "x").ok());

  // Had `first` locked either key, these would wait for it and time out.
  REQUIRE(AddToCounter(store.get(), second.get(), counter, 3).ok());
  std::string value;
  auto read = second->GetForUpdate(
      rocksdb::ReadOptions(), store->family(Family::kRecords), fresh, &value);
  CHECK(read.IsNotFound());
  REQUIRE(second->Commit().ok());

  // The unlocked writes commit with their transaction, and can be read in it.
  REQUIRE(first
              ->Get(rocksdb::ReadOptions(), store->family(Family::kRecords),
                    fresh, &value)
              .ok());
  CHECK(value == "x");
  REQUIRE(first->Commit().ok());
  REQUIRE(store->db()
              ->Get(rocksdb::ReadOptions(), store->family(Family::kCounters),
                    counter, &value)
              .ok());
  REQUIRE(value.size() == 8);
  CHECK(keys::GetBigEndian64(value.data()) == 5);
  REQUIRE(store->db()
              ->Get(rocksdb::ReadOptions(), store->family(Family::kRecords),
                    fresh, &value)
              .ok());
  CHECK(value == "x");
}

TEST_CASE("a store that is open cannot be opened a second time") {
  TempDir dir;
  auto first = OpenStore(dir.path());
  auto second = Store::Open(dir.path(), StoreOptions());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::kInUse);
  CHECK(second.status().message().find("in use") != std::string::npos);
}

TEST_CASE("a closed store can be opened again") {
  TempDir dir;
  { auto store = OpenStore(dir.path()); }
  auto again = Store::Open(dir.path(), StoreOptions());
  CHECK(again.ok());
}

TEST_CASE("a directory with other files in it is not taken over") {
  TempDir dir;
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.sub("notes.txt")) << "mine";
  auto store = Store::Open(dir.path(), StoreOptions());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnsupportedFormat);
  CHECK(std::filesystem::exists(dir.sub("notes.txt")));
  CHECK_FALSE(std::filesystem::exists(dir.sub("CURRENT")));
}

TEST_CASE("a RocksDB database that is not a custdb store is refused") {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
    REQUIRE(raw->Put(rocksdb::WriteOptions(), "someone", "else's").ok());
    delete raw;
  }
  auto store = Store::Open(dir.path(), StoreOptions());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnsupportedFormat);
  CHECK(store.status().message().find("not a custdb store") !=
        std::string::npos);
}

TEST_CASE("a store whose creation was cut short is created again") {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
    delete raw;  // an empty database: no format version was written
  }
  auto store = Store::Open(dir.path(), StoreOptions());
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  store->reset();
  CHECK(Store::Open(dir.path(), StoreOptions()).ok());
}

TEST_CASE("queries hash alike within a store and differently across stores") {
  TempDir a, b;
  auto first = OpenStore(a.path());
  auto second = OpenStore(b.path());
  CHECK(first->QueryHash("+14158675309") == first->QueryHash("+14158675309"));
  CHECK(first->QueryHash("+14158675309") != first->QueryHash("+14158675308"));
  CHECK(first->QueryHash("+14158675309") != second->QueryHash("+14158675309"));
  uint64_t before = first->QueryHash("x");
  first.reset();
  first = OpenStore(a.path());
  CHECK(first->QueryHash("x") == before);
}

TEST_CASE("a store of a newer format version is refused") {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    std::string newer;
    keys::PutBigEndian64(&newer, kFormatVersion + 1);
    REQUIRE(store->db()
                ->Put(rocksdb::WriteOptions(), store->family(Family::kMeta),
                      "custdb.format_version", newer)
                .ok());
  }
  auto store = Store::Open(dir.path(), StoreOptions());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnsupportedFormat);
  CHECK(store.status().message().find("newer") != std::string::npos);
}

TEST_CASE("reopening after unflushed writes logs the recovery") {
  TempDir dir;
  { auto store = OpenStore(dir.path()); }
  std::vector<std::string> lines;
  StoreOptions options;
  options.log = [&](LogLevel, std::string_view m) { lines.emplace_back(m); };
  {
    auto store = Store::Open(dir.path(), options);
    REQUIRE(store.ok());
  }
  bool recovered = false;
  for (const auto& line : lines) {
    if (line.rfind("recovery:", 0) == 0) recovered = true;
  }
  CHECK(recovered);
}

TEST_CASE("ids are never handed out twice, across reopening") {
  TempDir dir;
  std::set<uint64_t> seen;
  for (int round = 0; round < 3; ++round) {
    auto store = OpenStore(dir.path());
    for (int i = 0; i < 5000; ++i) {
      auto id = store->AllocateId();
      REQUIRE(id.ok());
      CHECK(*id != 0);
      CHECK(seen.insert(*id).second);
    }
  }
}

TEST_CASE("the log callback hears the lifecycle and no record contents") {
  TempDir dir;
  std::mutex mutex;
  std::vector<std::string> lines;
  StoreOptions options;
  options.log = [&](LogLevel, std::string_view message) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.emplace_back(message);
  };
  {
    auto store = Store::Open(dir.path(), options);
    REQUIRE(store.ok());
    auto& s = *store;
    for (int i = 0; i < 100; ++i) {
      REQUIRE(s->db()
                  ->Put(rocksdb::WriteOptions(), s->family(Family::kRecords),
                        "secret-" + std::to_string(i), "555-0100")
                  .ok());
    }
    REQUIRE(s->db()
                ->Flush(rocksdb::FlushOptions(), s->family(Family::kRecords))
                .ok());
  }
  std::lock_guard<std::mutex> lock(mutex);
  REQUIRE(lines.size() >= 3);
  CHECK(lines.front().find("created store") != std::string::npos);
  CHECK(lines.back().find("closed store") != std::string::npos);
  bool flushed = false;
  for (const auto& line : lines) {
    if (line.find("flush completed") != std::string::npos) flushed = true;
    CHECK(line.find("secret") == std::string::npos);
    CHECK(line.find("555") == std::string::npos);
  }
  CHECK(flushed);
}

}  // namespace
}  // namespace custdb
