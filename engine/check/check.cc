#include "engine/check/check.h"

#include <algorithm>

#include "engine/contacts/contacts.h"
#include "engine/customers/customers.h"
#include "engine/files/files.h"
#include "engine/links/links.h"
#include "engine/locations/locations.h"
#include "engine/portal/portal.h"
#include "engine/tags/tags.h"
#include "engine/timeline/notes.h"
#include "engine/timeline/timeline.h"

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
    {keys::RecordTag::kTag, "tag", ExpectTag},
    {keys::RecordTag::kNote, "note", ExpectNote},
    {keys::RecordTag::kFile, "file", ExpectFile},
    {keys::RecordTag::kPortalLink, "portal link", ExpectPortalLink},
    {keys::RecordTag::kContact, "contact", ExpectContact},
    {keys::RecordTag::kLocation, "location", ExpectLocation},
    {keys::RecordTag::kMerged, "merged customer", ExpectMergedCustomer},
};

struct IndexKind {
  keys::IndexTag tag;
  ExpectIndexFn expect;
};

// Entries of the indexes family that stand for themselves: what they
// imply is read from them, not from a record.
const IndexKind kIndexKinds[] = {
    {keys::IndexTag::kLink, ExpectLinkEntry},
    {keys::IndexTag::kPendingFile, ExpectPendingFile},
};

const IndexKind* FindIndexKind(std::string_view key) {
  keys::KeyReader reader(key);
  auto account = reader.ReadU64();
  auto tag = reader.ReadU8();
  if (!account || !tag) return nullptr;
  for (const auto& kind : kIndexKinds) {
    if (static_cast<uint8_t>(kind.tag) == *tag) return &kind;
  }
  return nullptr;
}

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
  auto index = static_cast<keys::IndexTag>(*tag);
  // A contact's entry beside its customer's own in a value index.
  std::string whose;
  if (index == keys::IndexTag::kPhone || index == keys::IndexTag::kEmail) {
    auto entry = keys::ParseValueIndexKey(key);
    if (entry && entry->child_id != 0) whose = "contact ";
  }
  return whose + keys::IndexTagName(index) + " index entry";
}

uint64_t AccountOf(std::string_view key) {
  return key.size() >= 8 ? keys::GetBigEndian64(key.data()) : 0;
}

}  // namespace

void CheckContext::ExpectIndex(std::string key, std::string value) {
  // A trigram entry counts the names that have it, and its trigram's
  // counter counts the entry once.
  if (auto counter = keys::TrigramCounterOf(key)) {
    auto [it, first] = index_.try_emplace(std::move(key));
    uint32_t names =
        first ? 0 : keys::DecodeTrigramCount(it->second).value_or(0);
    it->second = keys::EncodeTrigramCount(names + 1);
    if (first) ExpectCount(*counter);
    return;
  }
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

void CheckContext::ExpectTimelineKey(std::string key, std::string value) {
  timeline_keys_[std::move(key)] = std::move(value);
}

void CheckContext::NoteActivity(uint64_t account_id, uint64_t customer_id,
                                int64_t occurred_at_ms) {
  auto [it, added] =
      newest_activity_.try_emplace({account_id, customer_id}, occurred_at_ms);
  if (!added) it->second = std::max(it->second, occurred_at_ms);
}

void CheckContext::AllowFileChunks(uint64_t account_id, uint64_t file_id) {
  pending_files_.insert({account_id, file_id});
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
    CompareRedirects();
    CUSTDB_RETURN_IF_ERROR(ScanTimeline());
    CUSTDB_RETURN_IF_ERROR(CompareLastActivity());
    CUSTDB_RETURN_IF_ERROR(ScanSelfDescribingEntries());
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
    return std::unique_ptr<rocksdb::Iterator>(
        store_->db()->NewIterator(TotalOrderRead(), store_->family(family)));
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

  // Each redirect's chain must end at a customer of its account.
  void CompareRedirects() {
    for (const auto& [merged, survivor] : context_.redirects_) {
      auto [account_id, customer_id] = merged;
      uint64_t at = survivor;
      size_t hops = 0;
      while (!context_.HasCustomer(account_id, at)) {
        auto next = context_.redirects_.find({account_id, at});
        if (next == context_.redirects_.end()) {
          context_.Issue(account_id, customer_id,
                         "a merged customer's redirect leads to customer " +
                             std::to_string(at) + ", which does not exist");
          break;
        }
        if (++hops > context_.redirects_.size()) {
          context_.Issue(account_id, customer_id,
                         "a merged customer's redirects form a cycle");
          break;
        }
        at = next->second;
      }
    }
  }

  // Entries are records of their own; the channel keys beside them are
  // derived, and compared with what the entries declare once all are read.
  Status ScanTimeline() {
    auto it = Scan(Family::kTimeline);
    std::map<std::string, std::string> channel_keys;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string key = it->key().ToString();
      auto parts = keys::ParseTimelineKey(key);
      if (!parts) {
        context_.Issue(AccountOf(key), 0, "a timeline key is malformed");
      } else if (parts->tag == keys::TimelineTag::kEntry) {
        ++context_.report_.records_checked;
        ExpectTimelineEntry(*parts, it->value().ToStringView(), context_);
      } else {
        ++context_.report_.index_entries_checked;
        channel_keys.emplace(std::move(key), it->value().ToString());
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    auto customer_of = [](const std::string& key) {
      auto parts = keys::ParseTimelineKey(key);
      return parts ? parts->customer_id : 0;
    };
    for (const auto& [key, value] : channel_keys) {
      auto want = context_.timeline_keys_.find(key);
      if (want == context_.timeline_keys_.end()) {
        context_.Issue(AccountOf(key), customer_of(key),
                       "stray timeline channel entry");
      } else if (want->second != value) {
        context_.Issue(AccountOf(key), customer_of(key),
                       "wrong value in timeline channel entry");
      }
    }
    for (const auto& [key, value] : context_.timeline_keys_) {
      if (channel_keys.count(key) == 0) {
        context_.Issue(AccountOf(key), customer_of(key),
                       "missing timeline channel entry");
      }
    }
    return Status::Ok();
  }

  // A customer's last activity must have moved up to its newest entry.
  Status CompareLastActivity() {
    for (const auto& [ids, newest] : context_.newest_activity_) {
      auto [account_id, customer_id] = ids;
      if (!context_.HasCustomer(account_id, customer_id)) continue;
      std::string value;
      auto s = store_->db()->Get(
          rocksdb::ReadOptions(), store_->family(Family::kRecords),
          keys::CustomerKey(account_id, customer_id), &value);
      if (s.IsNotFound()) continue;
      if (!s.ok()) return FromRocks(s, "check");
      // A damaged record was reported by the records pass already.
      std::string storage;
      auto customer = VerifyRecord<fb::Customer>(
          reinterpret_cast<const uint8_t*>(value.data()), value.size(),
          "customer", &storage);
      if (!customer.ok()) continue;
      if ((*customer)->last_activity_at_ms() < newest) {
        context_.Issue(account_id, customer_id,
                       "the last activity is older than the newest timeline "
                       "entry");
      }
    }
    return Status::Ok();
  }

  Status ScanSelfDescribingEntries() {
    auto it = Scan(Family::kIndexes);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const IndexKind* kind = FindIndexKind(it->key().ToStringView());
      if (kind == nullptr) continue;
      kind->expect(it->key().ToStringView(), it->value().ToStringView(),
                   context_);
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

  // The indexes family, and the trigram entries of the trigrams family.
  Status CompareIndexes() {
    std::set<std::string> seen;
    for (Family family : {Family::kIndexes, Family::kTrigrams}) {
      auto it = Scan(family);
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ++context_.report_.index_entries_checked;
        std::string key = it->key().ToString();
        bool trigram = keys::TrigramCounterOf(key).has_value();
        auto want = context_.index_.find(key);
        if (want == context_.index_.end() ||
            trigram != (family == Family::kTrigrams)) {
          context_.Issue(AccountOf(key), 0, "stray " + DescribeIndexKey(key));
        } else if (want->second != it->value().ToStringView()) {
          context_.Issue(AccountOf(key), 0,
                         "wrong value in " + DescribeIndexKey(key));
        }
        seen.insert(std::move(key));
      }
      if (!it->status().ok()) return FromRocks(it->status(), "check");
    }
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
      auto parts = keys::ParseFileChunkKey(key);
      if (context_.file_chunks_.count(key) != 0) {
        if (!FileChunkIntact(it->value().ToStringView())) {
          context_.Issue(AccountOf(key), parts ? parts->file_id : 0,
                         "a file chunk is damaged");
        }
      } else if (!parts || context_.pending_files_.count(
                               {parts->account_id, parts->file_id}) == 0) {
        context_.Issue(AccountOf(key), parts ? parts->file_id : 0,
                       "a stray file chunk");
      }
      seen.insert(std::move(key));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check");
    for (const auto& key : context_.file_chunks_) {
      if (seen.count(key) == 0) {
        auto parts = keys::ParseFileChunkKey(key);
        context_.Issue(AccountOf(key), parts ? parts->file_id : 0,
                       "a file chunk is missing");
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
