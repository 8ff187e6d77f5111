// The floor: raw RocksDB doing only the key-value work each operation
// needs, with no transactions, no validation and no normalization beyond
// the harness's own. Keys are a one-byte kind and the fields of the
// lookup:
//   'r' id                      the customer's record (its draft bytes)
//   'k' id seq / 'l' id seq     its contacts' and locations' records
//   'p' phone -> id             'e' email -> id (customer and contacts)
//   'n' name_fold 0 id -> row   the list, by name
//   'w' word 0 name_fold 0 id -> row   name prefixes
//   '4' last4 id -> row         phone suffixes
//   't' id ~time seq -> entry   the timeline, newest first
// A "row" is what a list shows (display name, phone), so a page is one
// seek and its nexts.
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "process.h"
#include "side.h"

namespace custdb::bench::side {
namespace fs = std::filesystem;

namespace {

constexpr size_t kCacheBytes = 64 << 20;  // custdb's default cache

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok())
    throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

void AppendBigEndian(std::string& key, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    key += static_cast<char>((v >> shift) & 0xff);
  }
}

uint64_t ReadBigEndian(const std::string& bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return v;
}

std::string IdKey(char kind, uint64_t id) {
  std::string key(1, kind);
  AppendBigEndian(key, id);
  return key;
}

std::string ValueKey(char kind, const std::string& value) {
  return std::string(1, kind) + value;
}

std::string IdBytes(uint64_t id) {
  std::string bytes;
  AppendBigEndian(bytes, id);
  return bytes;
}

std::string NameKey(const std::string& fold, uint64_t id) {
  std::string key = "n" + fold;
  key += '\0';
  AppendBigEndian(key, id);
  return key;
}

std::string WordKey(const std::string& word, const std::string& fold,
                    uint64_t id) {
  std::string key = "w" + word;
  key += '\0';
  key += fold;
  key += '\0';
  AppendBigEndian(key, id);
  return key;
}

std::string Last4Key(const std::string& phone, uint64_t id) {
  std::string key = "4" + (phone.size() == 10 ? phone.substr(6) : "");
  AppendBigEndian(key, id);
  return key;
}

std::string RowValue(const std::string& display, const std::string& phone) {
  return display + '\0' + phone;
}

// The index keys of a customer's own name and phone.
void PutIndexes(rocksdb::WriteBatch& batch, uint64_t id,
                const std::string& display, const std::string& fold,
                const std::string& phone, const std::string& email) {
  std::string row = RowValue(display, phone);
  batch.Put(ValueKey('p', phone), IdBytes(id));
  if (!email.empty()) batch.Put(ValueKey('e', email), IdBytes(id));
  batch.Put(NameKey(fold, id), row);
  for (const std::string& w : NameWords(display)) {
    batch.Put(WordKey(w, fold, id), row);
  }
  batch.Put(Last4Key(phone, id), row);
}

std::unique_ptr<rocksdb::DB> Open(const fs::path& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(kCacheBytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  Check(rocksdb::DB::Open(options, path.string(), &db), "open");
  return std::unique_ptr<rocksdb::DB>(db);
}

// Reads up to a page of keys that begin with `prefix`; returns how many.
size_t Page(rocksdb::DB* db, const std::string& prefix) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  size_t n = 0;
  for (it->Seek(prefix); it->Valid() && n < kPage; it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    it->value();
    ++n;
  }
  Check(it->status(), "iterate");
  return n;
}

void Load(const ChildArgs& args, const fs::path& path, Report& report) {
  size_t count = 0;
  {
    std::unique_ptr<rocksdb::DB> db = Open(path);
    rocksdb::WriteOptions unsynced;
    auto start = std::chrono::steady_clock::now();
    CustomerReader reader(args.data_dir);
    PeerCustomer c;
    while (reader.Next(&c)) {
      // One batch per customer, as custdb writes one transaction each.
      rocksdb::WriteBatch batch;
      uint64_t id = static_cast<uint64_t>(c.id);
      batch.Put(IdKey('r', id), c.record);
      for (size_t i = 0; i < c.contact_records.size(); ++i) {
        std::string key = IdKey('k', id);
        AppendBigEndian(key, i);
        batch.Put(key, c.contact_records[i]);
      }
      for (size_t i = 0; i < c.location_records.size(); ++i) {
        std::string key = IdKey('l', id);
        AppendBigEndian(key, i);
        batch.Put(key, c.location_records[i]);
      }
      PutIndexes(batch, id, c.display_name, c.name_fold, c.phone, c.email);
      for (size_t i = 1; i < c.contacts.size(); ++i) {
        const PeerContact& k = c.contacts[i];
        if (!k.phone.empty()) batch.Put(ValueKey('p', k.phone), IdBytes(id));
        if (!k.email.empty()) batch.Put(ValueKey('e', k.email), IdBytes(id));
      }
      Check(db->Write(unsynced, &batch), "write");
      ++count;
    }
    report.Fact("seconds", std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - start)
                               .count());
    // Measured as table files, like custdb's size after a flush.
    Check(db->Flush(rocksdb::FlushOptions()), "flush");
  }
  report.Fact("count", static_cast<double>(count));
  report.Fact("bytes", static_cast<double>(BytesOnDisk(path)));
  report.Fact("table_bytes", static_cast<double>(TableFileBytes(path)));
  report.Note(
      "one WriteBatch per customer (record, contacts, locations, "
      "phone, email, name, word and last-four keys), sync=false; "
      "size after a flush");
}

}  // namespace

int RunRocksdb(const ChildArgs& args, Report& report) {
  fs::path path = fs::path(args.work_dir) / "db";
  const std::string& op = args.op;
  const std::string queries =
      fs::path(args.work_dir).parent_path() / "queries.tsv";
  if (op == "load") {
    Load(args, path, report);
    return 0;
  }
  std::unique_ptr<rocksdb::DB> db = Open(path);
  rocksdb::ReadOptions read;
  rocksdb::WriteOptions synced, unsynced;
  synced.sync = true;

  auto get_record = [&](uint64_t id) {
    std::string value;
    Check(db->Get(read, IdKey('r', id), &value), "get");
    return size_t{1};
  };
  if (op == "get_id") {
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report,
              [&](const Query& q) { return get_record(q.row); });
  } else if (op == "get_phone" || op == "get_email") {
    bool phone = op == "get_phone";
    TimeCalls(
        ReadQueries(queries, phone ? "phone" : "email"), kWarmup, report,
        [&](const Query& q) {
          std::string id;
          Check(db->Get(read,
                        ValueKey(phone ? 'p' : 'e', phone ? PhoneDigits(q.text)
                                                          : LowerAscii(q.text)),
                        &id),
                "get");
          return get_record(ReadBigEndian(id));
        });
  } else if (op == "list_page") {
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report,
              [&](const Query&) { return Page(db.get(), "n"); });
  } else if (op == "name_prefix") {
    TimeCalls(ReadQueries(queries, "prefix"), kWarmup, report,
              [&](const Query& q) { return Page(db.get(), "w" + q.text); });
  } else if (op == "phone_last4") {
    TimeCalls(ReadQueries(queries, "last4"), kWarmup, report,
              [&](const Query& q) { return Page(db.get(), "4" + q.text); });
  } else if (op == "timeline_page") {
    std::vector<Query> customers = ReadQueries(queries, "timeline");
    uint64_t seq = 0;
    for (const Query& q : customers) {
      for (int i = 0; i < args.timeline_entries; ++i) {
        uint64_t at = 1700000000000ULL + i * 3600000ULL;
        std::string key = IdKey('t', q.row);
        AppendBigEndian(key, ~at);
        AppendBigEndian(key, ++seq);
        Check(db->Put(unsynced, key,
                      "Reminder about visit " + std::to_string(i) +
                          ": the technician arrives between 9 and 11."),
              "put");
      }
    }
    std::vector<Query> reads;
    while (reads.size() < 1000) {
      reads.insert(reads.end(), customers.begin(), customers.end());
    }
    TimeCalls(reads, kWarmup, report, [&](const Query& q) {
      return Page(db.get(), IdKey('t', q.row));
    });
  } else if (op == "create_sync" || op == "create_nosync") {
    rocksdb::WriteOptions& options = op == "create_sync" ? synced : unsynced;
    uint64_t base = (uint64_t{1} << 40) + (op == "create_sync" ? 0 : 1000000);
    auto create = [&](size_t i) {
      NewCustomer n = NewCustomerFor(op, i);
      uint64_t id = base + i;
      std::string display = n.first_name + " " + n.last_name;
      std::string phone = PhoneDigits(n.phone);
      // The phone's owner is looked up, then the record and its keys are
      // written in one batch.
      std::string owner;
      rocksdb::Status s = db->Get(read, ValueKey('p', phone), &owner);
      if (!s.IsNotFound()) throw std::runtime_error("a new phone exists");
      rocksdb::WriteBatch batch;
      batch.Put(IdKey('r', id), display + phone + n.email);
      PutIndexes(batch, id, display, NameFold(display), phone,
                 LowerAscii(n.email));
      Check(db->Write(options, &batch), "write");
      return size_t{1};
    };
    TimeCreates(args.creates, report, create);
  } else if (op == "merge") {
    // Both records read; the survivor rewritten; the duplicate's record
    // and name keys deleted, its phone and email pointed at the survivor,
    // its contacts and locations moved: one synced batch.
    TimeCalls(ReadQueries(queries, "merge"), 0, report, [&](const Query& q) {
      uint64_t a = q.row, b = q.other;
      std::string survivor, duplicate;
      Check(db->Get(read, IdKey('r', a), &survivor), "get");
      Check(db->Get(read, IdKey('r', b), &duplicate), "get");
      size_t t1 = q.text.find('\t'), t2 = q.text.find('\t', t1 + 1);
      std::string display = q.text.substr(0, t1);
      std::string phone = PhoneDigits(q.text.substr(t1 + 1, t2 - t1 - 1));
      std::string email = LowerAscii(q.text.substr(t2 + 1));
      std::string fold = NameFold(display);
      rocksdb::WriteBatch batch;
      batch.Put(IdKey('r', a), survivor);
      batch.Delete(IdKey('r', b));
      batch.Delete(NameKey(fold, b));
      for (const std::string& w : NameWords(display)) {
        batch.Delete(WordKey(w, fold, b));
      }
      batch.Delete(Last4Key(phone, b));
      batch.Put(ValueKey('p', phone), IdBytes(a));
      if (!email.empty()) batch.Put(ValueKey('e', email), IdBytes(a));
      for (char kind : {'k', 'l'}) {
        std::string prefix = IdKey(kind, b);
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read));
        uint64_t n = 1000;  // after the survivor's own
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
             it->Next()) {
          std::string moved = IdKey(kind, a);
          AppendBigEndian(moved, n++);
          batch.Put(moved, it->value());
          batch.Delete(it->key());
        }
        Check(it->status(), "iterate");
      }
      Check(db->Write(synced, &batch), "write");
      return size_t{1};
    });
  } else if (op == "duplicates") {
    report.Note(
        "no floor: a fuzzy name search is not one key-value "
        "operation");
  } else {
    throw std::runtime_error("rocksdb: unknown op " + op);
  }
  return 0;
}

}  // namespace custdb::bench::side
