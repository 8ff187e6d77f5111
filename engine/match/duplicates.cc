#include "engine/match/duplicates.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "engine/match/match_name.h"
#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

using keys::IndexTag;

// Name candidates: the query's trigram lists are read rarest first, at
// most this many entries in all. Only a very common name reaches it.
constexpr size_t kPostingBudget = 2500;
// Name candidates scored at most, the most promising first.
constexpr size_t kNameCandidates = 24;
// The least similarity a name-only candidate needs.
constexpr double kNameThreshold = 0.5;

// The signals two customers share.
struct Signals {
  bool phone = false;
  bool email = false;
  bool loose_email = false;
  bool address = false;
  bool name = false;  // found through the name index or name groups
};

struct Scored {
  fb::Confidence confidence = fb::Confidence::Unspecified;
  float score = 0;
  std::vector<fb::MatchReasonT> reasons;
};

// The tier and score of a pair, by the rules of docs/duplicates.md;
// Unspecified when the pair is not a likely duplicate.
Scored Score(const Signals& s, const NameMatch& n) {
  Scored out;
  bool strong = s.phone || s.email;
  bool loose = s.loose_email && !s.email;
  if (strong && n.agree) {
    out.confidence = fb::Confidence::High;
  } else if (s.address && n.agree && n.similarity >= 0.7) {
    out.confidence = fb::Confidence::High;
  } else if (strong || (s.address && n.agree) || (loose && n.agree)) {
    out.confidence = fb::Confidence::Medium;
  } else if (n.similarity >= kNameThreshold || s.address || loose) {
    out.confidence = fb::Confidence::Low;
  } else {
    return out;
  }
  double score = 0.5 * n.similarity + (n.agree ? 0.1 : 0) +
                 (s.phone ? 0.15 : 0) + (s.email ? 0.15 : 0) +
                 (s.address ? 0.1 : 0) + (loose ? 0.05 : 0);
  out.score = static_cast<float>(std::min(1.0, score));
  auto reason = [&](fb::MatchSignal signal, double strength) {
    fb::MatchReasonT r;
    r.signal = signal;
    r.strength = static_cast<float>(strength);
    out.reasons.push_back(r);
  };
  if (s.phone) reason(fb::MatchSignal::Phone, 1);
  if (s.email) reason(fb::MatchSignal::Email, 1);
  if (loose) reason(fb::MatchSignal::EmailVariant, 1);
  if (s.address) reason(fb::MatchSignal::Address, 1);
  if (n.similarity > 0) reason(fb::MatchSignal::Name, n.similarity);
  return out;
}

// Reads of one snapshot.
class Reader {
 public:
  explicit Reader(Store* store)
      : store_(store), snapshot_(store->db()->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~Reader() {
    for (auto& it : iterators_) it.reset();
    store_->db()->ReleaseSnapshot(snapshot_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const rocksdb::ReadOptions& options() const { return options_; }

  Result<std::optional<std::string>> Get(Family family,
                                         const std::string& key) {
    std::string value;
    auto s = store_->db()->Get(options_, store_->family(family), key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "finding duplicates");
    return std::optional<std::string>(std::move(value));
  }

  // Calls `visit(key)` for each key under `prefix` until it returns false.
  // One iterator of each family serves every scan of the query: a seek is
  // much cheaper than opening an iterator over every level again.
  template <typename Visit>
  Status Scan(Family family, const std::string& prefix, Visit visit) {
    auto& it = iterators_[static_cast<size_t>(family)];
    if (!it)
      it.reset(store_->db()->NewIterator(options_, store_->family(family)));
    rocksdb::Slice start(prefix);
    for (it->Seek(start); it->Valid() && it->key().starts_with(start);
         it->Next()) {
      if (!visit(it->key().ToStringView())) break;
    }
    if (!it->status().ok())
      return FromRocks(it->status(), "finding duplicates");
    return Status::Ok();
  }

  // A customer's profile, read once; nullopt when it is gone.
  Result<const NameProfile*> ProfileOf(uint64_t account_id, uint64_t id) {
    auto cached = profiles_.find(id);
    if (cached != profiles_.end()) return &cached->second;
    auto bytes = Get(Family::kRecords, keys::CustomerKey(account_id, id));
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) return static_cast<const NameProfile*>(nullptr);
    std::string storage;
    auto root = VerifyRecord<fb::Customer>(
        reinterpret_cast<const uint8_t*>((*bytes)->data()), (*bytes)->size(),
        "stored customer", &storage);
    if (!root.ok()) {
      return Status::Corruption("customer " + std::to_string(id) +
                                ": the stored record is damaged");
    }
    return Remember(**root);
  }

  // Reads the profiles of `ids` not read yet in one batch, which shares
  // the index and block lookups of keys that lie close together.
  Status Prefetch(uint64_t account_id, const std::vector<uint64_t>& ids) {
    std::vector<std::string> key_storage;
    std::vector<uint64_t> wanted;
    for (uint64_t id : ids) {
      if (profiles_.count(id) != 0) continue;
      key_storage.push_back(keys::CustomerKey(account_id, id));
      wanted.push_back(id);
    }
    if (wanted.empty()) return Status::Ok();
    std::vector<rocksdb::Slice> slices(key_storage.begin(), key_storage.end());
    std::vector<rocksdb::ColumnFamilyHandle*> families(
        slices.size(), store_->family(Family::kRecords));
    std::vector<std::string> values;
    auto statuses = store_->db()->MultiGet(options_, families, slices, &values);
    for (size_t i = 0; i < statuses.size(); ++i) {
      if (statuses[i].IsNotFound()) continue;  // ProfileOf says it is gone
      if (!statuses[i].ok())
        return FromRocks(statuses[i], "finding duplicates");
      std::string storage;
      auto root = VerifyRecord<fb::Customer>(
          reinterpret_cast<const uint8_t*>(values[i].data()), values[i].size(),
          "stored customer", &storage);
      if (!root.ok()) {
        return Status::Corruption("customer " + std::to_string(wanted[i]) +
                                  ": the stored record is damaged");
      }
      Remember(**root);
    }
    return Status::Ok();
  }

  // The profile of a record already read and verified.
  const NameProfile* Remember(const fb::Customer& customer) {
    auto [it, inserted] =
        profiles_.try_emplace(customer.id(), NameProfileOf(customer));
    return &it->second;
  }

  // The trigram counters, in the order of `trigrams`.
  Result<std::vector<uint64_t>> PostingCounts(
      uint64_t account_id, const std::vector<std::string>& trigrams) {
    std::vector<std::string> key_storage;
    for (const auto& t : trigrams) {
      key_storage.push_back(keys::TrigramCounterKey(account_id, t));
    }
    std::vector<rocksdb::Slice> slices(key_storage.begin(), key_storage.end());
    std::vector<rocksdb::ColumnFamilyHandle*> families(
        slices.size(), store_->family(Family::kCounters));
    std::vector<std::string> values;
    auto statuses = store_->db()->MultiGet(options_, families, slices, &values);
    std::vector<uint64_t> counts;
    for (size_t i = 0; i < statuses.size(); ++i) {
      if (statuses[i].ok() && values[i].size() == 8) {
        counts.push_back(keys::GetBigEndian64(values[i].data()));
      } else if (statuses[i].ok() || statuses[i].IsNotFound()) {
        counts.push_back(0);
      } else {
        return FromRocks(statuses[i], "finding duplicates");
      }
    }
    return counts;
  }

 private:
  Store* store_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator>
      iterators_[static_cast<size_t>(Family::kCount)];
  std::unordered_map<uint64_t, NameProfile> profiles_;
};

// The customers under one value of an index, each once. Entries may
// carry a child id after the customer (keys::ParseValueIndexKey), which is
// skipped. nullopt when more than kMaxSharedValue customers share the
// value.
Result<std::optional<std::vector<uint64_t>>> Sharing(Reader& reader,
                                                     uint64_t account_id,
                                                     IndexTag tag,
                                                     Family family,
                                                     std::string_view value) {
  std::vector<uint64_t> ids;
  bool too_many = false;
  Status corrupt;
  auto s = reader.Scan(family, keys::IndexValuePrefix(account_id, tag, value),
                       [&](std::string_view key) {
                         auto e = keys::ParseValueIndexKey(key);
                         if (!e) {
                           corrupt =
                               Status::Corruption("an index key is damaged");
                           return false;
                         }
                         uint64_t id = e->customer_id;
                         if (ids.empty() || ids.back() != id) ids.push_back(id);
                         if (ids.size() > kMaxSharedValue) {
                           too_many = true;
                           return false;
                         }
                         return true;
                       });
  CUSTDB_RETURN_IF_ERROR(s);
  CUSTDB_RETURN_IF_ERROR(corrupt);
  if (too_many) return std::optional<std::vector<uint64_t>>();
  return std::optional<std::vector<uint64_t>>(std::move(ids));
}

// The contact signals of one customer: its own phone and email and its
// contacts', and the address keys of its locations.
struct OwnValues {
  std::set<std::string> phones;
  std::set<std::string> emails;
  std::set<std::string> loose_emails;
  std::set<std::string> addresses;
};

Result<OwnValues> ValuesOf(Reader& reader, const fb::Customer& c) {
  OwnValues v;
  if (c.phone() != nullptr && c.phone()->size() > 0) {
    v.phones.insert(c.phone()->str());
  }
  if (c.email() != nullptr && c.email()->size() > 0) {
    v.emails.insert(EmailKey(c.email()->str()));
    v.loose_emails.insert(LooseEmailKey(c.email()->str()));
  }
  uint64_t account_id = c.account_id();
  // The children lists name the records; each is read.
  for (keys::RecordTag tag :
       {keys::RecordTag::kContact, keys::RecordTag::kLocation}) {
    std::vector<uint64_t> ids;
    Status corrupt;
    CUSTDB_RETURN_IF_ERROR(reader.Scan(
        Family::kIndexes, keys::ChildPrefix(account_id, c.id(), tag),
        [&](std::string_view key) {
          auto e = keys::ParseChildKey(key);
          if (!e) {
            corrupt = Status::Corruption("a child key is damaged");
            return false;
          }
          ids.push_back(e->child_id);
          return ids.size() < 1000;
        }));
    CUSTDB_RETURN_IF_ERROR(corrupt);
    for (uint64_t id : ids) {
      auto bytes =
          reader.Get(Family::kRecords, keys::RecordKey(account_id, tag, id));
      if (!bytes.ok()) return bytes.status();
      if (!bytes->has_value()) continue;
      std::string storage;
      const auto* data = reinterpret_cast<const uint8_t*>((*bytes)->data());
      if (tag == keys::RecordTag::kContact) {
        auto contact = VerifyRecord<fb::Contact>(data, (*bytes)->size(),
                                                 "stored contact", &storage);
        if (!contact.ok()) continue;
        if ((*contact)->phone() != nullptr && (*contact)->phone()->size() > 0) {
          v.phones.insert((*contact)->phone()->str());
        }
        if ((*contact)->email() != nullptr && (*contact)->email()->size() > 0) {
          v.emails.insert(EmailKey((*contact)->email()->str()));
          v.loose_emails.insert(LooseEmailKey((*contact)->email()->str()));
        }
      } else {
        auto location = VerifyRecord<fb::Location>(data, (*bytes)->size(),
                                                   "stored location", &storage);
        if (!location.ok()) continue;
        if ((*location)->address_key() != nullptr &&
            (*location)->address_key()->size() > 0) {
          v.addresses.insert((*location)->address_key()->str());
        }
      }
    }
  }
  return v;
}

// Name candidates by prefix filtering over the rarest trigram lists
// (docs/duplicates.md): the customers in them, most lists shared first.
Result<std::vector<uint64_t>> NameCandidates(Reader& reader,
                                             uint64_t account_id,
                                             const NameProfile& self) {
  const auto& trigrams = self.trigrams;
  if (trigrams.empty()) return std::vector<uint64_t>();
  auto counts = reader.PostingCounts(account_id, trigrams);
  if (!counts.ok()) return counts.status();
  std::vector<size_t> order(trigrams.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return (*counts)[a] < (*counts)[b]; });
  size_t n = trigrams.size();
  size_t needed = static_cast<size_t>(std::ceil(kNameThreshold * n));
  size_t lists = n - needed + 1;

  // Every customer id read, once per list it is in; counted after.
  std::vector<uint64_t> seen;
  seen.reserve(kPostingBudget);
  for (size_t i = 0; i < lists && i < order.size(); ++i) {
    const std::string& trigram = trigrams[order[i]];
    if (!seen.empty() && seen.size() + (*counts)[order[i]] > kPostingBudget) {
      break;
    }
    std::string prefix = keys::TrigramPrefix(account_id, trigram);
    CUSTDB_RETURN_IF_ERROR(
        reader.Scan(Family::kTrigrams, prefix, [&](std::string_view key) {
          // The key is the prefix and the customer id, 8 bytes.
          if (key.size() == prefix.size() + 8) {
            uint64_t id = keys::GetBigEndian64(key.data() + prefix.size());
            if (id != self.id) seen.push_back(id);
          }
          return seen.size() < kPostingBudget;
        }));
    if (seen.size() >= kPostingBudget) break;
  }
  std::sort(seen.begin(), seen.end());
  std::vector<std::pair<uint32_t, uint64_t>> ranked;
  for (size_t i = 0; i < seen.size();) {
    size_t j = i;
    while (j < seen.size() && seen[j] == seen[i]) ++j;
    ranked.push_back({static_cast<uint32_t>(j - i), seen[i]});
    i = j;
  }
  size_t keep = std::min(kNameCandidates, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(),
                    [](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first
                                                : a.second < b.second;
                    });
  std::vector<uint64_t> out;
  for (size_t i = 0; i < keep; ++i) out.push_back(ranked[i].second);
  return out;
}

// Sort key of a candidate or pair: confidence, score descending, ids.
bool RanksBefore(fb::Confidence ca, float sa, uint64_t a1, uint64_t a2,
                 fb::Confidence cb, float sb, uint64_t b1, uint64_t b2) {
  if (ca != cb) return ca < cb;
  if (sa != sb) return sa > sb;
  if (a1 != b1) return a1 < b1;
  return a2 < b2;
}

// A pair's position: confidence, inverted score bits, the two ids; byte
// order is report order.
std::string PairPosition(fb::Confidence confidence, float score, uint64_t a,
                         uint64_t b) {
  std::string out;
  out.push_back(static_cast<char>(confidence));
  uint32_t bits;
  std::memcpy(&bits, &score, sizeof bits);  // score >= 0: bits order
  bits = ~bits;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((bits >> shift) & 0xFF));
  }
  keys::PutBigEndian64(&out, a);
  keys::PutBigEndian64(&out, b);
  return out;
}

}  // namespace

Result<std::string> Duplicates::Find(uint64_t account_id, uint64_t customer_id,
                                     const DuplicateOptions& options) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  Reader reader(store_);
  auto bytes =
      reader.Get(Family::kRecords, keys::CustomerKey(account_id, customer_id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return customers_->Missing(nullptr, account_id, customer_id);
  }
  std::string storage;
  auto root = VerifyRecord<fb::Customer>(
      reinterpret_cast<const uint8_t*>((*bytes)->data()), (*bytes)->size(),
      "stored customer", &storage);
  if (!root.ok()) {
    return Status::Corruption("customer " + std::to_string(customer_id) +
                              ": the stored record is damaged");
  }
  const NameProfile* self = reader.Remember(**root);
  auto own = ValuesOf(reader, **root);
  if (!own.ok()) return own.status();

  std::map<uint64_t, Signals> found;
  auto mark = [&](IndexTag tag, Family family,
                  const std::set<std::string>& values,
                  bool Signals::*signal) -> Status {
    for (const auto& value : values) {
      auto ids = Sharing(reader, account_id, tag, family, value);
      if (!ids.ok()) return ids.status();
      if (!ids->has_value()) continue;
      for (uint64_t id : **ids) {
        if (id != customer_id) found[id].*signal = true;
      }
    }
    return Status::Ok();
  };
  // The customers' own phones and emails and their contacts' are one
  // index each (keys::IndexTag).
  CUSTDB_RETURN_IF_ERROR(
      mark(IndexTag::kPhone, Family::kIndexes, own->phones, &Signals::phone));
  CUSTDB_RETURN_IF_ERROR(
      mark(IndexTag::kEmail, Family::kIndexes, own->emails, &Signals::email));
  CUSTDB_RETURN_IF_ERROR(mark(IndexTag::kLooseEmail, Family::kIndexes,
                              own->loose_emails, &Signals::loose_email));
  CUSTDB_RETURN_IF_ERROR(mark(IndexTag::kAddress, Family::kIndexes,
                              own->addresses, &Signals::address));
  auto by_name = NameCandidates(reader, account_id, *self);
  if (!by_name.ok()) return by_name.status();
  for (uint64_t id : *by_name) found[id].name = true;

  std::vector<uint64_t> found_ids;
  for (const auto& entry : found) found_ids.push_back(entry.first);
  CUSTDB_RETURN_IF_ERROR(reader.Prefetch(account_id, found_ids));
  std::vector<fb::DuplicateCandidateT> candidates;
  for (const auto& [id, signals] : found) {
    auto other = reader.ProfileOf(account_id, id);
    if (!other.ok()) return other.status();
    if (*other == nullptr) continue;  // removed since its index was read
    Scored scored = Score(signals, CompareNames(*self, **other));
    if (scored.confidence == fb::Confidence::Unspecified) continue;
    fb::DuplicateCandidateT c;
    c.customer_id = id;
    c.display_name = (*other)->display_name;
    c.confidence = scored.confidence;
    c.score = scored.score;
    c.archived = (*other)->archived;
    for (auto& r : scored.reasons) {
      c.reasons.push_back(std::make_unique<fb::MatchReasonT>(r));
    }
    candidates.push_back(std::move(c));
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) {
              return RanksBefore(a.confidence, a.score, a.customer_id, 0,
                                 b.confidence, b.score, b.customer_id, 0);
            });
  if (candidates.size() > options.limit) candidates.resize(options.limit);

  fb::DuplicateListT list;
  list.customer_id = customer_id;
  for (auto& c : candidates) {
    list.candidates.push_back(
        std::make_unique<fb::DuplicateCandidateT>(std::move(c)));
  }
  return PackRecord(list);
}

namespace {

// Groups the customers that share a value of one index (a phone: its
// customers' own entries and their contacts', side by side), and calls
// `group(ids)` for every value shared by 2..max_group customers.
template <typename Group>
Status ScanGroups(Store* store, const rocksdb::ReadOptions& base,
                  uint64_t account_id, IndexTag tag, size_t max_group,
                  Group group) {
  std::string prefix = keys::IndexPrefix(account_id, tag);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = base;
  ro.total_order_seek = true;  // from one value's entries to the next
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      store->db()->NewIterator(ro, store->family(Family::kIndexes)));
  std::string current;
  std::vector<uint64_t> ids;  // in id order, as a value's entries are
  bool started = false;
  auto flush = [&] {
    if (ids.size() >= 2 && ids.size() <= max_group) group(ids);
    ids.clear();
  };
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto entry = keys::ParseValueIndexKey(it->key().ToStringView());
    if (!entry) return Status::Corruption("an index key is damaged");
    if (!started || entry->value != current) {
      if (started) flush();
      current = std::move(entry->value);
      started = true;
    }
    bool repeated = !ids.empty() && ids.back() == entry->customer_id;
    if (!repeated && ids.size() <= max_group) {
      ids.push_back(entry->customer_id);
    }
  }
  if (started) flush();
  if (!it->status().ok()) {
    return FromRocks(it->status(), "building the duplicate report");
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const DuplicateReport>> Duplicates::Report(
    uint64_t account_id) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  Reader reader(store_);
  const rocksdb::ReadOptions& ro = reader.options();

  std::map<std::pair<uint64_t, uint64_t>, Signals> pairs;
  auto pass = [&](IndexTag tag, size_t max_group, bool Signals::*signal) {
    return ScanGroups(store_, ro, account_id, tag, max_group,
                      [&](const std::vector<uint64_t>& ids) {
                        for (size_t i = 0; i < ids.size(); ++i) {
                          for (size_t j = i + 1; j < ids.size(); ++j) {
                            pairs[{ids[i], ids[j]}].*signal = true;
                          }
                        }
                      });
  };
  CUSTDB_RETURN_IF_ERROR(
      pass(IndexTag::kPhone, kMaxSharedValue, &Signals::phone));
  CUSTDB_RETURN_IF_ERROR(
      pass(IndexTag::kEmail, kMaxSharedValue, &Signals::email));
  CUSTDB_RETURN_IF_ERROR(
      pass(IndexTag::kLooseEmail, kMaxSharedValue, &Signals::loose_email));
  CUSTDB_RETURN_IF_ERROR(
      pass(IndexTag::kAddress, kMaxSharedValue, &Signals::address));
  // Equal folded names, when the name is rare enough to mean something.
  CUSTDB_RETURN_IF_ERROR(pass(IndexTag::kName, 5, &Signals::name));

  struct Row {
    uint64_t a, b;
    Scored scored;
  };
  std::vector<Row> rows;
  for (const auto& [ids, signals] : pairs) {
    auto a = reader.ProfileOf(account_id, ids.first);
    if (!a.ok()) return a.status();
    auto b = reader.ProfileOf(account_id, ids.second);
    if (!b.ok()) return b.status();
    if (*a == nullptr || *b == nullptr) continue;
    Scored scored = Score(signals, CompareNames(**a, **b));
    if (scored.confidence == fb::Confidence::Unspecified) continue;
    rows.push_back({ids.first, ids.second, std::move(scored)});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
    return RanksBefore(x.scored.confidence, x.scored.score, x.a, x.b,
                       y.scored.confidence, y.scored.score, y.a, y.b);
  });
  auto report = std::make_shared<DuplicateReport>();
  report->reserve(rows.size());
  for (auto& row : rows) {
    fb::DuplicatePairT pair;
    pair.customer_id = row.a;
    pair.duplicate_id = row.b;
    pair.confidence = row.scored.confidence;
    pair.score = row.scored.score;
    for (auto& r : row.scored.reasons) {
      pair.reasons.push_back(std::make_unique<fb::MatchReasonT>(r));
    }
    report->push_back({PairPosition(pair.confidence, pair.score,
                                    pair.customer_id, pair.duplicate_id),
                       PackRecord(pair)});
  }
  return std::shared_ptr<const DuplicateReport>(std::move(report));
}

Page ReportPage(const DuplicateReport& report, const std::string& after,
                size_t limit) {
  auto it = report.begin();
  if (!after.empty()) {
    it = std::upper_bound(report.begin(), report.end(), after,
                          [](const std::string& pos, const PageItem& item) {
                            return pos < item.position;
                          });
  }
  Page page;
  for (; it != report.end() && page.items.size() < limit; ++it) {
    page.items.push_back(*it);
  }
  page.done = it == report.end();
  if (!page.items.empty()) page.last_position = page.items.back().position;
  return page;
}

}  // namespace custdb
