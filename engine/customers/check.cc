// The consistency checker: every index entry and counter is rebuilt from
// the records and compared with what is stored.
#include <map>
#include <set>

#include "engine/customers/customers.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"

namespace custdb {
namespace {

using keys::CounterTag;
using keys::IndexTag;

const char* IndexName(IndexTag tag) {
  switch (tag) {
    case IndexTag::kPhone:
      return "phone";
    case IndexTag::kEmail:
      return "email";
    case IndexTag::kName:
      return "name";
    case IndexTag::kPhoneLock:
      return "phone lock";
  }
  return "unknown";
}

const char* CounterName(CounterTag tag) {
  switch (tag) {
    case CounterTag::kTotal:
      return "total";
    case CounterTag::kActive:
      return "active";
    case CounterTag::kInactive:
      return "inactive";
    case CounterTag::kArchived:
      return "archived";
    case CounterTag::kVip:
      return "vip";
    case CounterTag::kCompanies:
      return "companies";
    case CounterTag::kCustomerNumber:
      return "customer number";
  }
  return "unknown";
}

// What the records say should exist.
struct Expected {
  std::set<std::string> index_keys;
  std::map<std::pair<uint64_t, uint8_t>, uint64_t> counters;
  std::map<uint64_t, uint64_t> max_number;  // account -> highest number
};

class Checker {
 public:
  explicit Checker(Store* store) : store_(store) {}

  Result<std::string> Run() {
    CUSTDB_RETURN_IF_ERROR(ScanRecords());
    CUSTDB_RETURN_IF_ERROR(CompareIndexes());
    CUSTDB_RETURN_IF_ERROR(CompareCounters());
    return PackRecord(report_);
  }

 private:
  void AddIssue(uint64_t account_id, uint64_t customer_id, std::string text) {
    auto issue = std::make_unique<fb::CheckIssueT>();
    issue->account_id = account_id;
    issue->customer_id = customer_id;
    issue->message = std::move(text);
    report_.issues.push_back(std::move(issue));
  }

  std::unique_ptr<rocksdb::Iterator> Scan(Family family) {
    // One snapshot for the whole check would be ideal; the checker is
    // meant for a quiet store (maintenance, tests), and each family is
    // read in one pass of its own.
    return std::unique_ptr<rocksdb::Iterator>(store_->db()->NewIterator(
        rocksdb::ReadOptions(), store_->family(family)));
  }

  Status ScanRecords() {
    auto it = Scan(Family::kRecords);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = keys::ParseRecordKey(it->key().ToStringView());
      if (!key || key->tag != keys::RecordTag::kCustomer) {
        AddIssue(0, 0, "a record key is malformed");
        continue;
      }
      ++report_.records_checked;
      auto value = it->value();
      std::string storage;
      auto root = VerifyRecord<fb::Customer>(
          reinterpret_cast<const uint8_t*>(value.data()), value.size(),
          "record", &storage);
      if (!root.ok()) {
        AddIssue(key->account_id, key->id, "the record is damaged");
        continue;
      }
      fb::CustomerT c;
      (*root)->UnPackTo(&c);
      if (c.id != key->id || c.account_id != key->account_id) {
        AddIssue(key->account_id, key->id,
                 "the record's id or account differs from its key");
        continue;
      }
      for (auto& k : IndexKeysOf(c)) expected_.index_keys.insert(std::move(k));
      for (uint8_t tag : CounterTagsOf(c)) {
        ++expected_.counters[{c.account_id, tag}];
      }
      uint64_t& max = expected_.max_number[c.account_id];
      max = std::max(max, c.number);
    }
    return it->status().ok() ? Status::Ok() : FromRocks(it->status(), "check");
  }

  Status CompareIndexes() {
    std::set<std::string> seen;
    auto it = Scan(Family::kIndexes);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.index_entries_checked;
      std::string key = it->key().ToString();
      auto entry = keys::ParseIndexKey(key);
      if (!entry) {
        AddIssue(0, 0, "an index key is malformed");
        continue;
      }
      if (expected_.index_keys.count(key) == 0) {
        AddIssue(
            entry->account_id, entry->customer_id,
            std::string("stray ") + IndexName(entry->tag) + " index entry");
      }
      seen.insert(std::move(key));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    for (const auto& key : expected_.index_keys) {
      if (seen.count(key) != 0) continue;
      auto entry = keys::ParseIndexKey(key);
      AddIssue(
          entry->account_id, entry->customer_id,
          std::string("missing ") + IndexName(entry->tag) + " index entry");
    }
    return Status::Ok();
  }

  Status CompareCounters() {
    std::set<std::pair<uint64_t, uint8_t>> seen;
    auto it = Scan(Family::kCounters);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = keys::ParseCounterKey(it->key().ToStringView());
      if (!key || it->value().size() != 8) {
        AddIssue(0, 0, "a counter is malformed");
        continue;
      }
      uint64_t stored = keys::GetBigEndian64(it->value().data());
      if (key->tag == CounterTag::kCustomerNumber) {
        uint64_t max = expected_.max_number[key->account_id];
        if (stored < max) {
          AddIssue(key->account_id, 0,
                   "the last customer number handed out is " +
                       std::to_string(stored) + ", below the highest in use " +
                       std::to_string(max));
        }
        continue;
      }
      auto id = std::make_pair(key->account_id, static_cast<uint8_t>(key->tag));
      seen.insert(id);
      uint64_t want = expected_.counters.count(id) ? expected_.counters[id] : 0;
      if (stored != want) {
        AddIssue(key->account_id, 0,
                 std::string("the ") + CounterName(key->tag) + " count is " +
                     std::to_string(stored) + ", a recount gives " +
                     std::to_string(want));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    for (const auto& [id, want] : expected_.counters) {
      if (seen.count(id) != 0) continue;
      AddIssue(id.first, 0,
               std::string("the ") +
                   CounterName(static_cast<CounterTag>(id.second)) +
                   " count is missing, a recount gives " +
                   std::to_string(want));
    }
    for (const auto& [account, max] : expected_.max_number) {
      std::string value;
      auto s = store_->db()->Get(
          rocksdb::ReadOptions(), store_->family(Family::kCounters),
          keys::CounterKey(account, CounterTag::kCustomerNumber), &value);
      if (s.IsNotFound() && max > 0) {
        AddIssue(account, 0, "the customer number counter is missing");
      }
    }
    return Status::Ok();
  }

  Store* store_;
  Expected expected_;
  fb::CheckReportT report_;
};

}  // namespace

Result<std::string> CheckStore(Store* store) {
  // TODO: the expected entries of the whole store are held in memory
  // (about 100 bytes an index entry); a store of tens of millions of
  // customers wants a per-account, sorted merge instead.
  return Checker(store).Run();
}

}  // namespace custdb
