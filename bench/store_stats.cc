// custdb-store-stats: what each column family of a store holds on disk,
// for the benchmarks' cost-per-customer figures (the C ABI has no call for
// RocksDB's properties).
//
// usage: custdb-store-stats STORE_DIR [--compact]
//
// Opens the store with the engine's own options, flushes every family's
// memtable, and prints one line a family:
//
//   family NAME keys N key_bytes K value_bytes V sst_bytes S estimate_keys E
//
// then, for each family, one line a tag (the byte after a key's account
// id; `-` for keys shorter than that), in tag order:
//
//   tag FAMILY TAG keys N key_bytes K value_bytes V
//
// and last one line for the trigram posting counters, which share the
// counters family with the others:
//
//   counters trigram_postings keys N key_bytes K value_bytes V
//
// keys, key_bytes and value_bytes are counted by reading the family
// through (exact, uncompressed); sst_bytes is the family's
// rocksdb.total-sst-files-size after the flush, estimate_keys its
// rocksdb.estimate-num-keys. --compact rewrites every family's table
// files after the flush (a full compaction, with the engine's current
// table options), so that sizes are those of a compacted store. Both
// write to the store: run it on a store that no other process has open.
#include <cinttypes>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <rocksdb/db.h>

#include "engine/storage/keys.h"
#include "engine/storage/store.h"

namespace {

const char* const kNames[] = {"default",  "records",  "indexes", "trigrams",
                              "timeline", "counters", "files"};
static_assert(std::size(kNames) == static_cast<size_t>(custdb::Family::kCount));

uint64_t Property(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                  const std::string& name) {
  uint64_t value = 0;
  if (!db->GetIntProperty(family, name, &value)) return 0;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const bool compact = argc == 3 && std::string(argv[2]) == "--compact";
  if (argc != 2 && !compact) {
    std::fprintf(stderr, "usage: custdb-store-stats STORE_DIR [--compact]\n");
    return 2;
  }
  custdb::StoreOptions options;
  options.sync_commits = false;
  auto store = custdb::Store::Open(argv[1], options);
  if (!store.ok()) {
    std::fprintf(stderr, "custdb-store-stats: %s\n",
                 store.status().message().c_str());
    return 1;
  }
  rocksdb::DB* db = (*store)->db();
  uint64_t counter_keys = 0, counter_key_bytes = 0, counter_value_bytes = 0;
  for (size_t i = 0; i < static_cast<size_t>(custdb::Family::kCount); ++i) {
    rocksdb::ColumnFamilyHandle* family =
        (*store)->family(static_cast<custdb::Family>(i));
    rocksdb::Status s = db->Flush(rocksdb::FlushOptions(), family);
    if (!s.ok()) {
      std::fprintf(stderr, "custdb-store-stats: flush %s: %s\n", kNames[i],
                   s.ToString().c_str());
      return 1;
    }
    if (compact) {
      rocksdb::CompactRangeOptions whole;
      whole.bottommost_level_compaction =
          rocksdb::BottommostLevelCompaction::kForce;
      s = db->CompactRange(whole, family, nullptr, nullptr);
      if (!s.ok()) {
        std::fprintf(stderr, "custdb-store-stats: compact %s: %s\n", kNames[i],
                     s.ToString().c_str());
        return 1;
      }
    }
    struct Count {
      uint64_t keys = 0, key_bytes = 0, value_bytes = 0;
    };
    std::map<int, Count> by_tag;  // -1: a key without a tag
    uint64_t keys = 0, key_bytes = 0, value_bytes = 0;
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, family));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++keys;
      key_bytes += it->key().size();
      value_bytes += it->value().size();
      Count& count =
          by_tag[it->key().size() > 8 ? static_cast<unsigned char>(it->key()[8])
                                      : -1];
      ++count.keys;
      count.key_bytes += it->key().size();
      count.value_bytes += it->value().size();
      if (i == static_cast<size_t>(custdb::Family::kCounters)) {
        auto parts = custdb::keys::ParseCounterKey(it->key().ToStringView());
        if (parts && parts->tag == custdb::keys::CounterTag::kTrigramPostings) {
          ++counter_keys;
          counter_key_bytes += it->key().size();
          counter_value_bytes += it->value().size();
        }
      }
    }
    if (!it->status().ok()) {
      std::fprintf(stderr, "custdb-store-stats: read %s: %s\n", kNames[i],
                   it->status().ToString().c_str());
      return 1;
    }
    std::printf("family %s keys %" PRIu64 " key_bytes %" PRIu64
                " value_bytes %" PRIu64 " sst_bytes %" PRIu64
                " estimate_keys %" PRIu64 "\n",
                kNames[i], keys, key_bytes, value_bytes,
                Property(db, family, "rocksdb.total-sst-files-size"),
                Property(db, family, "rocksdb.estimate-num-keys"));
    for (const auto& [tag, count] : by_tag) {
      char name[8] = "-";
      if (tag >= 0) {
        std::snprintf(name, sizeof name, tag > 32 && tag < 127 ? "%c" : "%02x",
                      tag);
      }
      std::printf("tag %s %s keys %" PRIu64 " key_bytes %" PRIu64
                  " value_bytes %" PRIu64 "\n",
                  kNames[i], name, count.keys, count.key_bytes,
                  count.value_bytes);
    }
  }
  std::printf("counters trigram_postings keys %" PRIu64 " key_bytes %" PRIu64
              " value_bytes %" PRIu64 "\n",
              counter_keys, counter_key_bytes, counter_value_bytes);
  return 0;
}
