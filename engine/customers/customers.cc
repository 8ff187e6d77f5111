#include "engine/customers/customers.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "engine/customers/validate.h"
#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/normalize/phone.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

using keys::CounterTag;
using keys::IndexTag;

std::string NotFoundMessage(uint64_t customer_id) {
  return "customer " + std::to_string(customer_id) +
         " not found in this account";
}

// Replaces the index entries and counter contributions of `before` (null
// for a new record) with those of `after`.
Status WriteDerived(Store* store, rocksdb::Transaction* txn,
                    const fb::CustomerT* before, const fb::CustomerT& after) {
  std::vector<std::string> old_keys;
  std::vector<std::string> old_counters;
  if (before != nullptr) {
    old_keys = IndexKeysOf(*before);
    old_counters = CounterKeysOf(*before);
  }
  std::vector<std::string> new_keys = IndexKeysOf(after);
  std::vector<std::string> new_counters = CounterKeysOf(after);

  auto* indexes = store->family(Family::kIndexes);
  for (const auto& k : old_keys) {
    if (std::find(new_keys.begin(), new_keys.end(), k) != new_keys.end()) {
      continue;
    }
    auto s = txn->Delete(indexes, k);
    if (!s.ok()) return FromRocks(s, "removing an index entry");
  }
  for (const auto& k : new_keys) {
    if (std::find(old_keys.begin(), old_keys.end(), k) != old_keys.end()) {
      continue;
    }
    auto s = txn->Put(indexes, k, rocksdb::Slice());
    if (!s.ok()) return FromRocks(s, "writing an index entry");
  }

  std::map<std::string, int64_t> deltas;
  for (const auto& key : old_counters) deltas[key] -= 1;
  for (const auto& key : new_counters) deltas[key] += 1;
  for (const auto& [key, delta] : deltas) {
    CUSTDB_RETURN_IF_ERROR(AddToCounter(store, txn, key, delta));
  }
  return Status::Ok();
}

Result<fb::CustomerT> DecodeCustomer(const std::string& bytes,
                                     uint64_t customer_id) {
  std::string storage;
  auto root =
      VerifyRecord<fb::Customer>(reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size(), "stored customer", &storage);
  if (!root.ok()) {
    return Status::Corruption("customer " + std::to_string(customer_id) +
                              ": the stored record is damaged");
  }
  fb::CustomerT c;
  (*root)->UnPackTo(&c);
  return c;
}

// Reads a record inside a transaction, locking it when `for_update`.
Result<std::optional<std::string>> ReadCustomer(Store* store,
                                                rocksdb::Transaction* txn,
                                                uint64_t account_id,
                                                uint64_t customer_id,
                                                bool for_update) {
  std::string value;
  rocksdb::ReadOptions ro;
  auto key = keys::CustomerKey(account_id, customer_id);
  auto* records = store->family(Family::kRecords);
  rocksdb::Status s = for_update ? txn->GetForUpdate(ro, records, key, &value)
                                 : txn->Get(ro, records, key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading a customer");
  return std::optional<std::string>(std::move(value));
}

// The ids of an index value, in id order, above `after_id`.
Result<std::vector<uint64_t>> ScanIndex(Store* store, rocksdb::Transaction* txn,
                                        uint64_t account_id, IndexTag tag,
                                        std::string_view value,
                                        uint64_t after_id, size_t limit) {
  std::string prefix = keys::IndexValuePrefix(account_id, tag, value);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  auto* family = store->family(Family::kIndexes);
  std::unique_ptr<rocksdb::Iterator> it(
      txn != nullptr ? txn->GetIterator(ro, family)
                     : store->db()->NewIterator(ro, family));
  std::vector<uint64_t> ids;
  it->Seek(keys::IndexKey(account_id, tag, value, after_id + 1));
  for (; it->Valid() && ids.size() < limit; it->Next()) {
    auto entry = keys::ParseIndexKey(it->key().ToStringView());
    if (!entry) return Status::Corruption("an index key is damaged");
    ids.push_back(entry->customer_id);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading an index");
  return ids;
}

}  // namespace

std::vector<std::string> IndexKeysOf(const fb::CustomerT& c) {
  std::vector<std::string> out;
  out.push_back(keys::IndexKey(c.account_id, IndexTag::kPhone, c.phone, c.id));
  if (!c.email.empty()) {
    out.push_back(keys::IndexKey(c.account_id, IndexTag::kEmail,
                                 EmailKey(c.email), c.id));
  }
  std::string folded = FoldName(c.display_name);
  if (!folded.empty()) {
    out.push_back(keys::IndexKey(c.account_id, IndexTag::kName, folded, c.id));
  }
  for (uint64_t tag_id : c.tag_ids) {
    out.push_back(keys::TagMemberKey(c.account_id, tag_id, c.id));
  }
  return out;
}

std::vector<std::string> CounterKeysOf(const fb::CustomerT& c) {
  auto key = [&](CounterTag t) { return keys::CounterKey(c.account_id, t); };
  std::vector<std::string> out;
  for (uint64_t tag_id : c.tag_ids) {
    out.push_back(
        keys::CounterKey(c.account_id, CounterTag::kTagCount, tag_id));
  }
  if (c.status == fb::CustomerStatus::Archived) {
    out.push_back(key(CounterTag::kArchived));
    return out;
  }
  out.push_back(key(CounterTag::kTotal));
  out.push_back(key(c.status == fb::CustomerStatus::Active
                        ? CounterTag::kActive
                        : CounterTag::kInactive));
  if (c.vip) out.push_back(key(CounterTag::kVip));
  if (c.kind == fb::CustomerKind::Company) {
    out.push_back(key(CounterTag::kCompanies));
  }
  return out;
}

Result<CreateResult> Customers::Create(uint64_t account_id,
                                       const fb::CustomerDraft& draft,
                                       const CreateOptions& options) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  fb::CustomerT customer = CustomerFromDraft(draft);
  CUSTDB_RETURN_IF_ERROR(NormalizeCustomer(&customer));
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();

  return InTransaction<CreateResult>(
      store_, [&](rocksdb::Transaction* txn) -> Result<CreateResult> {
        // Locks: a create takes its phone, then the customer-number
        // counter; an update takes its record, then its phones in sorted
        // order. No transaction waits for a record or the counter while
        // holding a phone another waits on in the other order, so the two
        // cannot deadlock (and RocksDB's detector backs this up).
        std::string lock_value;
        auto s = txn->GetForUpdate(
            rocksdb::ReadOptions(), store_->family(Family::kIndexes),
            keys::PhoneLockKey(account_id, customer.phone), &lock_value);
        if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "create");

        if (!options.allow_duplicate_phone) {
          auto owners = ScanIndex(store_, txn, account_id, IndexTag::kPhone,
                                  customer.phone, 0, 1);
          if (!owners.ok()) return owners.status();
          if (!owners->empty()) {
            auto existing =
                ReadCustomer(store_, txn, account_id, owners->front(), false);
            if (!existing.ok()) return existing.status();
            if (!existing->has_value()) {
              return Status::Corruption(
                  "create: the phone index names a missing customer");
            }
            return CreateResult{std::move(**existing), true};
          }
        }

        std::string number_value;
        auto number_key =
            keys::CounterKey(account_id, CounterTag::kCustomerNumber);
        auto* counters = store_->family(Family::kCounters);
        s = txn->GetForUpdate(rocksdb::ReadOptions(), counters, number_key,
                              &number_value);
        if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "create");
        uint64_t number = number_value.size() == 8
                              ? keys::GetBigEndian64(number_value.data())
                              : 0;
        customer.number = number + 1;
        s = txn->Put(counters, number_key,
                     EncodeCounter(static_cast<int64_t>(customer.number)));
        if (!s.ok()) return FromRocks(s, "create");

        customer.id = *id;
        customer.account_id = account_id;
        customer.created_at_ms = NowMs();
        customer.updated_at_ms = customer.created_at_ms;
        customer.last_activity_at_ms = customer.created_at_ms;
        customer.version = 1;
        std::string record = PackRecord(customer);
        s = txn->Put(store_->family(Family::kRecords),
                     keys::CustomerKey(account_id, customer.id), record);
        if (!s.ok()) return FromRocks(s, "create");
        CUSTDB_RETURN_IF_ERROR(WriteDerived(store_, txn, nullptr, customer));
        s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "create");
        return CreateResult{std::move(record), false};
      });
}

Result<std::string> Customers::Get(uint64_t account_id, uint64_t customer_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  std::string value;
  auto s = store_->db()->Get(
      rocksdb::ReadOptions(), store_->family(Family::kRecords),
      keys::CustomerKey(account_id, customer_id), &value);
  if (s.IsNotFound()) return Status::NotFound(NotFoundMessage(customer_id));
  if (!s.ok()) return FromRocks(s, "reading a customer");
  std::string storage;
  if (!VerifyRecord<fb::Customer>(
           reinterpret_cast<const uint8_t*>(value.data()), value.size(),
           "stored customer", &storage)
           .ok()) {
    return Status::Corruption("customer " + std::to_string(customer_id) +
                              ": the stored record is damaged");
  }
  return value;
}

Result<std::string> Customers::Update(uint64_t account_id, uint64_t customer_id,
                                      const fb::CustomerPatch& patch,
                                      uint64_t expected_version) {
  return Modify(account_id, customer_id, expected_version,
                [&](fb::CustomerT* c) { return ApplyPatch(patch, c); });
}

Result<std::string> Customers::SetArchived(uint64_t account_id,
                                           uint64_t customer_id, bool archived,
                                           uint64_t expected_version) {
  return Modify(account_id, customer_id, expected_version,
                [archived](fb::CustomerT* c) {
                  if (archived) {
                    c->status = fb::CustomerStatus::Archived;
                  } else if (c->status == fb::CustomerStatus::Archived) {
                    c->status = fb::CustomerStatus::Active;
                  }
                  return Status::Ok();
                });
}

Result<std::string> Customers::Modify(uint64_t account_id, uint64_t customer_id,
                                      uint64_t expected_version,
                                      const Change& change) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto before = LockForChild(txn, account_id, customer_id);
        if (!before.ok()) return before.status();
        if (expected_version != 0 && before->version != expected_version) {
          return Status::Conflict(
              "customer " + std::to_string(customer_id) + ": version is " +
              std::to_string(before->version) + ", not the expected " +
              std::to_string(expected_version));
        }
        fb::CustomerT after = *before;
        CUSTDB_RETURN_IF_ERROR(change(&after));
        CUSTDB_RETURN_IF_ERROR(NormalizeCustomer(&after));
        if (after.phone != before->phone) {
          // A create of the new phone must see this customer once it may
          // see the phone at all: both phones are locked, in sorted order.
          for (const auto& phone : {std::min(before->phone, after.phone),
                                    std::max(before->phone, after.phone)}) {
            CUSTDB_RETURN_IF_ERROR(
                LockKey(store_, txn, Family::kIndexes,
                        keys::PhoneLockKey(account_id, phone)));
          }
        }
        auto record = WriteInTransaction(txn, *before, std::move(after),
                                         /*bump_version=*/true);
        if (!record.ok()) return record.status();
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "update");
        return std::move(*record);
      });
}

Result<std::string> Customers::LookupKey(Lookup by, std::string_view value) {
  if (by == Lookup::kPhone) return NormalizePhone(value, "phone");
  auto email = ValidateEmail(value, "email");
  if (!email.ok()) return email.status();
  return EmailKey(*email);
}

Result<Page> Customers::Find(uint64_t account_id, Lookup by,
                             std::string_view key, const std::string& after,
                             size_t limit) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  uint64_t after_id = 0;
  if (!after.empty()) {
    if (after.size() != 8) {
      return Status::InvalidArgument("resume_token: is damaged");
    }
    after_id = keys::GetBigEndian64(after.data());
  }
  IndexTag tag = by == Lookup::kPhone ? IndexTag::kPhone : IndexTag::kEmail;
  auto ids =
      ScanIndex(store_, nullptr, account_id, tag, key, after_id, limit + 1);
  if (!ids.ok()) return ids.status();
  Page page;
  page.done = ids->size() <= limit;
  if (!page.done) ids->pop_back();
  for (uint64_t id : *ids) {
    auto record = Get(account_id, id);
    // The index and the record are read one after the other, not from
    // one snapshot: a record deleted or changed in between no longer
    // matches and is skipped.
    if (record.status().IsNotFound()) continue;
    if (!record.ok()) return record.status();
    auto* c = flatbuffers::GetRoot<fb::Customer>(record->data());
    std::string now = by == Lookup::kPhone ? FlatString(c->phone())
                                           : EmailKey(FlatString(c->email()));
    if (now != key) continue;
    std::string position;
    keys::PutBigEndian64(&position, id);
    page.items.push_back({std::move(position), std::move(*record)});
  }
  page.last_position = after;
  if (!ids->empty()) {
    page.last_position.clear();
    keys::PutBigEndian64(&page.last_position, ids->back());
  }
  return page;
}

Result<fb::CustomerT> Customers::LockForChild(rocksdb::Transaction* txn,
                                              uint64_t account_id,
                                              uint64_t customer_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto stored = ReadCustomer(store_, txn, account_id, customer_id, true);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return Status::NotFound(NotFoundMessage(customer_id));
  }
  return DecodeCustomer(**stored, customer_id);
}

Result<std::string> Customers::WriteInTransaction(rocksdb::Transaction* txn,
                                                  const fb::CustomerT& before,
                                                  fb::CustomerT after,
                                                  bool bump_version) {
  if (after == before) return PackRecord(before);
  if (bump_version) {
    after.version = before.version + 1;
    after.updated_at_ms = std::max(NowMs(), before.updated_at_ms);
  }
  std::string record = PackRecord(after);
  auto s = txn->Put(store_->family(Family::kRecords),
                    keys::CustomerKey(after.account_id, after.id), record);
  if (!s.ok()) return FromRocks(s, "writing a customer");
  CUSTDB_RETURN_IF_ERROR(WriteDerived(store_, txn, &before, after));
  return record;
}

Result<std::string> Customers::Summary(uint64_t account_id) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  const CounterTag tags[] = {CounterTag::kTotal,    CounterTag::kActive,
                             CounterTag::kInactive, CounterTag::kArchived,
                             CounterTag::kVip,      CounterTag::kCompanies};
  uint64_t values[std::size(tags)] = {};
  // One snapshot for all the counts, so that they agree with each other.
  const rocksdb::Snapshot* snapshot = store_->db()->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{store_->db(), snapshot};
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  for (size_t i = 0; i < std::size(tags); ++i) {
    std::string value;
    auto s = store_->db()->Get(ro, store_->family(Family::kCounters),
                               keys::CounterKey(account_id, tags[i]), &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "reading the summary");
    if (value.size() != 8) {
      return Status::Corruption("summary: a stored count is damaged");
    }
    values[i] = keys::GetBigEndian64(value.data());
  }
  fb::SummaryT summary;
  summary.total = values[0];
  summary.active = values[1];
  summary.inactive = values[2];
  summary.archived = values[3];
  summary.vip = values[4];
  summary.companies = values[5];
  return PackRecord(summary);
}

}  // namespace custdb

namespace custdb {

void ExpectCustomer(const keys::RecordKeyParts& key, std::string_view value,
                    CheckContext& context) {
  fb::CustomerT c;
  if (!UnpackStored<fb::Customer>(key, value, context, &c)) return;
  if (c.id != key.id || c.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the record's id or account differs from its key");
    return;
  }
  context.NoteCustomer(c.account_id, c.id);
  for (auto& k : IndexKeysOf(c)) context.ExpectIndex(std::move(k));
  for (auto& k : CounterKeysOf(c)) context.ExpectCount(std::move(k));
  context.ExpectSequenceAtLeast(
      keys::CounterKey(c.account_id, CounterTag::kCustomerNumber), c.number);
}

}  // namespace custdb
