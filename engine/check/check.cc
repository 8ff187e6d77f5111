#include "engine/check/check.h"

#include "engine/contacts/contacts.h"
#include "engine/customers/customers.h"
#include "engine/locations/locations.h"

namespace custdb {
namespace {

struct RecordKind {
  keys::RecordTag tag;
  const char* name;
  ExpectFn expect;
};

// Every kind of record in the records family and what it implies.
const RecordKind kRecordKinds[] = {
    {keys::RecordTag::kCustomer, "customer", ExpectCustomer},
    {keys::RecordTag::kContact, "contact", ExpectContact},
    {keys::RecordTag::kLocation, "location", ExpectLocation},
};

const RecordKind* FindKind(keys::RecordTag tag) {
  for (const auto& kind : kRecordKinds) {
    if (kind.tag == tag) return &kind;
  }
  return nullptr;
}

// A short, content-free description of an index key, for messages.
std::string DescribeIndexKey(std::string_view key) {
  keys::KeyReader reader(key);
  auto account = reader.ReadU64();
  auto tag = reader.ReadU8();
  if (!account || !tag) return "malformed index entry";
  return std::string(keys::IndexTagName(static_cast<keys::IndexTag>(*tag))) +
         " index entry";
}

uint64_t AccountOf(std::string_view key) {
  return key.size() >= 8 ? keys::GetBigEndian64(key.data()) : 0;
}

}  // namespace

void CheckContext::ExpectIndex(std::string key, std::string value) {
  index_[std::move(key)] = std::move(value);
}

void CheckContext::ExpectCount(std::string counter_key, uint64_t n) {
  counts_[std::move(counter_key)] += n;
}

void CheckContext::ExpectSequenceAtLeast(std::string counter_key,
                                         uint64_t used) {
  uint64_t& highest = sequences_[std::move(counter_key)];
  highest = std::max(highest, used);
}

void CheckContext::ExpectFileChunk(std::string key) {
  file_chunks_.insert(std::move(key));
}

void CheckContext::Issue(uint64_t account_id, uint64_t record_id,
                         std::string message) {
  auto issue = std::make_unique<fb::CheckIssueT>();
  issue->account_id = account_id;
  issue->customer_id = record_id;
  issue->message = std::move(message);
  report_.issues.push_back(std::move(issue));
}

class Checker {
 public:
  explicit Checker(Store* store) : store_(store) {}

  Result<std::string> Run() {
    CUSTDB_RETURN_IF_ERROR(ScanRecords());
    ComparePrimaryContacts();
    CUSTDB_RETURN_IF_ERROR(CompareIndexes());
    CUSTDB_RETURN_IF_ERROR(CompareCounters());
    CUSTDB_RETURN_IF_ERROR(CompareFileChunks());
    return PackRecord(context_.report_);
  }

 private:
  std::unique_ptr<rocksdb::Iterator> Scan(Family family) {
    // The checker is meant for a quiet store (maintenance, tests); each
    // family is read in one pass of its own, not from one snapshot.
    return std::unique_ptr<rocksdb::Iterator>(store_->db()->NewIterator(
        rocksdb::ReadOptions(), store_->family(family)));
  }

  Status ScanRecords() {
    auto it = Scan(Family::kRecords);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = keys::ParseRecordKey(it->key().ToStringView());
      const RecordKind* kind = key ? FindKind(key->tag) : nullptr;
      if (kind == nullptr) {
        context_.Issue(AccountOf(it->key().ToStringView()), 0,
                       "a record key is malformed");
        continue;
      }
      ++context_.report_.records_checked;
      kind->expect(*key, it->value().ToStringView(), context_);
    }
    return it->status().ok() ? Status::Ok() : FromRocks(it->status(), "check");
  }

  void ComparePrimaryContacts() {
    for (const auto& [customer, contacts] : context_.contacts_) {
      auto [account_id, customer_id] = customer;
      uint64_t named = contacts.named_primary;
      std::string named_text = "primary contact " + std::to_string(named);
      if (contacts.ids.empty()) {
        if (named != 0) {
          context_.Issue(
              account_id, customer_id,
              "the customer names " + named_text + " but has no contacts");
        }
        continue;
      }
      if (named == 0) {
        context_.Issue(account_id, customer_id,
                       "the customer has contacts but names no primary one");
      } else if (contacts.ids.count(named) == 0) {
        context_.Issue(account_id, customer_id,
                       "the customer names " + named_text +
                           ", which is not one of its contacts");
      } else if (contacts.flagged_primary.count(named) == 0) {
        context_.Issue(
            account_id, customer_id,
            "the customer's " + named_text + " is not flagged primary");
      }
      for (uint64_t id : contacts.flagged_primary) {
        if (id == named) continue;
        context_.Issue(account_id, customer_id,
                       "contact " + std::to_string(id) +
                           " is flagged primary but the customer names " +
                           (named == 0 ? "none" : named_text));
      }
    }
  }

  Status CompareIndexes() {
    auto it = Scan(Family::kIndexes);
    std::set<std::string> seen;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++context_.report_.index_entries_checked;
      std::string key = it->key().ToString();
      auto want = context_.index_.find(key);
      if (want == context_.index_.end()) {
        context_.Issue(AccountOf(key), 0, "stray " + DescribeIndexKey(key));
      } else if (want->second != it->value().ToStringView()) {
        context_.Issue(AccountOf(key), 0,
                       "wrong value in " + DescribeIndexKey(key));
      }
      seen.insert(std::move(key));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    for (const auto& [key, value] : context_.index_) {
      if (seen.count(key) == 0) {
        context_.Issue(AccountOf(key), 0, "missing " + DescribeIndexKey(key));
      }
    }
    return Status::Ok();
  }

  Status CompareCounters() {
    auto it = Scan(Family::kCounters);
    std::set<std::string> seen;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string key = it->key().ToString();
      if (it->value().size() != 8) {
        context_.Issue(AccountOf(key), 0, "a counter is malformed");
        continue;
      }
      uint64_t stored = keys::GetBigEndian64(it->value().data());
      seen.insert(key);
      auto sequence = context_.sequences_.find(key);
      if (sequence != context_.sequences_.end()) {
        if (stored < sequence->second) {
          context_.Issue(AccountOf(key), 0,
                         "a sequence stands at " + std::to_string(stored) +
                             ", below the " + std::to_string(sequence->second) +
                             " in use");
        }
        continue;
      }
      auto want = context_.counts_.find(key);
      uint64_t expected = want == context_.counts_.end() ? 0 : want->second;
      if (stored != expected) {
        context_.Issue(AccountOf(key), 0,
                       CounterName(key) + " count is " +
                           std::to_string(stored) + ", a recount gives " +
                           std::to_string(expected));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    for (const auto& [key, expected] : context_.counts_) {
      if (seen.count(key) == 0 && expected != 0) {
        context_.Issue(AccountOf(key), 0,
                       CounterName(key) + " count is missing, a recount " +
                           "gives " + std::to_string(expected));
      }
    }
    for (const auto& [key, used] : context_.sequences_) {
      if (seen.count(key) == 0 && used != 0) {
        context_.Issue(AccountOf(key), 0, "a sequence counter is missing");
      }
    }
    return Status::Ok();
  }

  Status CompareFileChunks() {
    auto it = Scan(Family::kFiles);
    std::set<std::string> seen;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string key = it->key().ToString();
      if (context_.file_chunks_.count(key) == 0) {
        context_.Issue(AccountOf(key), 0, "a stray file chunk");
      }
      seen.insert(std::move(key));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    for (const auto& key : context_.file_chunks_) {
      if (seen.count(key) == 0) {
        context_.Issue(AccountOf(key), 0, "a file chunk is missing");
      }
    }
    return Status::Ok();
  }

  // "the total", "the vip", ...: the counter's name, never its contents.
  static std::string CounterName(std::string_view key) {
    auto parts = keys::ParseCounterKey(key);
    return std::string("the ") +
           (parts ? CounterTagName(parts->tag) : "unknown");
  }

  Store* store_;
  CheckContext context_;
};

Result<std::string> CheckStore(Store* store) {
  // TODO: the expected entries of the whole store are held in memory
  // (about 100 bytes an index entry); a store of tens of millions of
  // customers wants a per-account, sorted merge instead.
  return Checker(store).Run();
}

}  // namespace custdb
