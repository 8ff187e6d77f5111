#include "engine/customers/customers.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "engine/contacts/contact_record.h"
#include "engine/customers/children.h"
#include "engine/customers/customer_list.h"
#include "engine/customers/validate.h"
#include "engine/match/match_name.h"
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

// The longest chain of redirects a merged id is followed through; a
// longer one is taken to be a cycle, which only damage can make.
constexpr int kMaxMergeHops = 1000;

// Replaces the index entries and counter contributions of `before` (null
// for a new record) with those of `after` (null for a removed record).
Status WriteDerived(Store* store, rocksdb::Transaction* txn,
                    const fb::CustomerT* before, const fb::CustomerT* after) {
  std::vector<std::string> old_keys;
  std::vector<IndexValueEntry> old_rows;
  std::vector<std::string> old_counters;
  if (before != nullptr) {
    old_keys = IndexKeysOf(*before);
    old_rows = RowEntriesOf(*before);
    old_counters = CounterKeysOf(*before);
  }
  std::vector<std::string> new_keys;
  std::vector<IndexValueEntry> new_rows;
  std::vector<std::string> new_counters;
  if (after != nullptr) {
    new_keys = IndexKeysOf(*after);
    new_rows = RowEntriesOf(*after);
    new_counters = CounterKeysOf(*after);
  }

  // A null `before` is a customer this transaction creates; a bulk
  // transaction knows the others it created.
  const bool owner_is_new =
      before == nullptr || BulkWrites::Created(txn, before->id);
  CUSTDB_RETURN_IF_ERROR(
      ReplaceIndexEntries(store, txn, old_keys, new_keys, owner_is_new));
  CUSTDB_RETURN_IF_ERROR(
      ReplaceIndexValues(store, txn, old_rows, new_rows, owner_is_new));

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

// An iterator over the indexes family for a scan of one value's entries
// (ScanValueIndex), through `txn` when it is not null: it may use the
// family's prefix filter, as the scan stops at the end of the value's
// entries.
std::unique_ptr<rocksdb::Iterator> ValueScanIterator(
    Store* store, rocksdb::Transaction* txn) {
  rocksdb::ReadOptions ro;
  auto* family = store->family(Family::kIndexes);
  return std::unique_ptr<rocksdb::Iterator>(
      txn != nullptr ? txn->GetIterator(ro, family)
                     : store->db()->NewIterator(ro, family));
}

// The customers holding a phone or an email (kPhone, kEmail), in id
// order, above `after_id`: at most `limit` customers, each with whether
// the value is its own and the ids of its contacts that have it. With
// `own_only`, the customers whose own value it is, and no contact ids.
struct ValueHolder {
  uint64_t customer_id;
  bool own = false;
  std::vector<uint64_t> contact_ids;
};
Result<std::vector<ValueHolder>> ScanValueIndex(
    rocksdb::Iterator* it, uint64_t account_id, IndexTag tag,
    std::string_view value, uint64_t after_id, size_t limit, bool own_only) {
  std::string prefix = keys::IndexValuePrefix(account_id, tag, value);
  std::vector<ValueHolder> holders;
  it->Seek(keys::IndexKey(account_id, tag, value, after_id + 1));
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto entry = keys::ParseValueIndexKey(it->key().ToStringView());
    if (!entry) return Status::Corruption("an index key is damaged");
    if (own_only && entry->child_id != 0) continue;
    if (holders.empty() || holders.back().customer_id != entry->customer_id) {
      if (holders.size() == limit) break;
      holders.push_back({entry->customer_id, false, {}});
    }
    if (entry->child_id == 0) {
      holders.back().own = true;
    } else {
      holders.back().contact_ids.push_back(entry->child_id);
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading an index");
  return holders;
}

// The contact a new customer starts with: an individual's own name,
// phone and email, or the primary contact a company's draft names. Its id
// and the fields of the store are set by the caller.
Result<std::optional<fb::ContactT>> FirstContact(
    const fb::CustomerT& customer, const fb::CustomerDraft& draft) {
  auto named = NormalizePrimaryContact(draft);
  if (!named.ok()) return named.status();
  fb::ContactT contact;
  if (customer.kind == fb::CustomerKind::Individual) {
    contact.first_name = customer.first_name;
    contact.last_name = customer.last_name;
    contact.phone = customer.phone;
    contact.email = customer.email;
  } else if (named->has_value()) {
    contact.first_name = (*named)->first_name;
    contact.last_name = (*named)->last_name;
    contact.email = (*named)->email;
  } else {
    return std::optional<fb::ContactT>();
  }
  CUSTDB_RETURN_IF_ERROR(NormalizeContact(&contact));
  return std::optional<fb::ContactT>(std::move(contact));
}

// An individual is its own primary contact: when an update changes its
// first or last name, phone or email, the primary contact's field follows
// if it still held the old value. A field the contact has been given a
// value of its own for (or a contact promoted in place of the one the
// customer started with) is left alone.
Status MirrorOntoPrimaryContact(Store* store, rocksdb::Transaction* txn,
                                const fb::CustomerT& before,
                                const fb::CustomerT& after) {
  if (after.kind != fb::CustomerKind::Individual ||
      after.primary_contact_id == 0) {
    return Status::Ok();
  }
  if (before.first_name == after.first_name &&
      before.last_name == after.last_name && before.phone == after.phone &&
      before.email == after.email) {
    return Status::Ok();
  }
  auto stored = ReadChild<fb::Contact>(store, txn, after.account_id,
                                       keys::RecordTag::kContact,
                                       after.primary_contact_id, "contact",
                                       /*for_update=*/true);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::Ok();
  const fb::ContactT& was = (*stored)->record;
  fb::ContactT now = was;
  auto follow = [](const std::string& old_value, const std::string& new_value,
                   std::string* field) {
    if (*field == old_value) *field = new_value;
  };
  follow(before.first_name, after.first_name, &now.first_name);
  follow(before.last_name, after.last_name, &now.last_name);
  follow(before.phone, after.phone, &now.phone);
  follow(before.email, after.email, &now.email);
  CUSTDB_RETURN_IF_ERROR(NormalizeContact(&now));
  if (now == was) return Status::Ok();
  now.version = was.version + 1;
  now.updated_at_ms = std::max(NowMs(), was.updated_at_ms);
  return WriteContact(store, txn, &was, &now).status();
}

// Whether one of these contacts of the customer still has the value.
Result<bool> ContactStillMatches(Store* store, uint64_t account_id,
                                 uint64_t customer_id, Lookup by,
                                 std::string_view key,
                                 const std::vector<uint64_t>& contact_ids) {
  for (uint64_t contact_id : contact_ids) {
    auto contact = ReadChild<fb::Contact>(store, nullptr, account_id,
                                          keys::RecordTag::kContact, contact_id,
                                          "contact", false);
    if (!contact.ok()) return contact.status();
    if (!contact->has_value()) continue;
    const fb::ContactT& c = (*contact)->record;
    std::string now = by == Lookup::kPhone ? c.phone : EmailKey(c.email);
    if (c.customer_id == customer_id && now == key) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> IndexKeysOf(const fb::CustomerT& c) {
  std::vector<std::string> out;
  out.push_back(keys::IndexKey(c.account_id, IndexTag::kPhone, c.phone, c.id));
  if (!c.email.empty()) {
    out.push_back(keys::IndexKey(c.account_id, IndexTag::kEmail,
                                 EmailKey(c.email), c.id));
    out.push_back(keys::ChildIndexKey(c.account_id, IndexTag::kLooseEmail,
                                      LooseEmailKey(c.email), c.id, c.id));
  }
  std::string folded = FoldName(c.display_name);
  if (!folded.empty()) {
    out.push_back(keys::IndexKey(c.account_id, IndexTag::kName, folded, c.id));
  }
  for (uint64_t tag_id : c.tag_ids) {
    out.push_back(keys::TagMemberKey(c.account_id, tag_id, c.id));
  }
  AppendTrigramKeys(c.account_id, c.display_name, NameKindOf(c.kind), c.id,
                    &out);
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

// The phone owners compared with a new customer's name at most. A phone
// with more owners than this is a switchboard; the ones past the limit
// are not compared.
// TODO: a draft whose namesake is past the 64th owner of its phone is
// created anew; comparing all of them costs a read per owner.
constexpr size_t kPhoneOwnersCompared = 64;

Result<std::optional<std::string>> Customers::OwnerWithAgreeingName(
    rocksdb::Transaction* txn, uint64_t account_id,
    const fb::CustomerT& customer) {
  auto owners = ScanValueIndex(ValueScanIterator(store_, txn).get(), account_id,
                               IndexTag::kPhone, customer.phone, 0,
                               kPhoneOwnersCompared, /*own_only=*/true);
  if (!owners.ok()) return owners.status();
  if (owners->empty()) return std::optional<std::string>();
  NameProfile wanted = NameProfileOf(customer);
  for (const ValueHolder& owner : *owners) {
    uint64_t owner_id = owner.customer_id;
    auto existing = ReadCustomer(store_, txn, account_id, owner_id, false);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) {
      return Status::Corruption(
          "create: the phone index names a missing customer");
    }
    std::string storage;
    auto root = VerifyRecord<fb::Customer>(
        reinterpret_cast<const uint8_t*>((*existing)->data()),
        (*existing)->size(), "stored customer", &storage);
    if (!root.ok()) {
      return Status::Corruption("customer " + std::to_string(owner_id) +
                                ": the stored record is damaged");
    }
    if (CompareNames(wanted, NameProfileOf(**root)).agree) {
      return std::move(*existing);
    }
  }
  return std::optional<std::string>();
}

Result<NewCustomer> Customers::PrepareCreate(const fb::CustomerDraft& draft) {
  NewCustomer prepared;
  prepared.customer = CustomerFromDraft(draft);
  CUSTDB_RETURN_IF_ERROR(NormalizeCustomer(&prepared.customer));
  auto contact = FirstContact(prepared.customer, draft);
  if (!contact.ok()) return contact.status();
  prepared.first_contact = std::move(*contact);
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();
  prepared.customer.id = *id;
  if (prepared.first_contact) {
    auto contact_id = store_->AllocateId();
    if (!contact_id.ok()) return contact_id.status();
    prepared.first_contact->id = *contact_id;
  }
  return prepared;
}

Result<CreateResult> Customers::Create(uint64_t account_id,
                                       const fb::CustomerDraft& draft,
                                       const CreateOptions& options) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  auto prepared = PrepareCreate(draft);
  if (!prepared.ok()) return prepared.status();
  return InTransaction<CreateResult>(
      store_, [&](rocksdb::Transaction* txn) -> Result<CreateResult> {
        auto created = CreateInTransaction(txn, account_id, *prepared, options);
        if (!created.ok() || created->existed) return created;
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "create");
        return created;
      });
}

Result<CreateResult> Customers::CreateInTransaction(
    rocksdb::Transaction* txn, uint64_t account_id, const NewCustomer& prepared,
    const CreateOptions& options) {
  // Locks: a create takes its phone, then the customer-number counter,
  // then only fresh keys (its record, its first contact); an update
  // takes its record, then its phones in sorted order, then an
  // individual's primary contact. No transaction waits for a record or
  // the counter while holding a phone another waits on in the other
  // order, and a customer's contacts are locked only by holders of the
  // customer's own lock, so none of them can deadlock (and RocksDB's
  // detector backs this up). A merge takes its two customers in
  // ascending id order, then the duplicate's phone, like an update
  // (engine/merge/merge.h). An import takes the phones of all its rows
  // first, in sorted order (engine/customers/import.h).
  fb::CustomerT customer = prepared.customer;
  std::string lock_value;
  auto s = txn->GetForUpdate(
      rocksdb::ReadOptions(), store_->family(Family::kIndexes),
      keys::PhoneLockKey(account_id, customer.phone), &lock_value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "create");

  if (!options.allow_duplicate_phone) {
    auto existing = OwnerWithAgreeingName(txn, account_id, customer);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return CreateResult{std::move(**existing), true};
    }
  }

  std::string number_value;
  auto number_key = keys::CounterKey(account_id, CounterTag::kCustomerNumber);
  auto* counters = store_->family(Family::kCounters);
  s = txn->GetForUpdate(rocksdb::ReadOptions(), counters, number_key,
                        &number_value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "create");
  uint64_t number =
      number_value.size() == 8 ? keys::GetBigEndian64(number_value.data()) : 0;
  customer.number = number + 1;
  s = txn->Put(counters, number_key,
               EncodeCounter(static_cast<int64_t>(customer.number)));
  if (!s.ok()) return FromRocks(s, "create");

  customer.account_id = account_id;
  customer.created_at_ms = NowMs();
  customer.updated_at_ms = customer.created_at_ms;
  customer.last_activity_at_ms = customer.created_at_ms;
  customer.version = 1;
  if (prepared.first_contact) {
    // The first contact commits with its customer.
    fb::ContactT first = *prepared.first_contact;
    StampNewChild(&first, first.id, account_id, customer.id,
                  customer.created_at_ms);
    first.primary = true;
    auto written = WriteContact(store_, txn, nullptr, &first,
                                /*customer_is_new=*/true);
    if (!written.ok()) return written.status();
    customer.primary_contact_id = first.id;
  }
  std::string record = PackRecord(customer);
  // A fresh id: nobody else can write the key, and it needs no lock.
  CUSTDB_RETURN_IF_ERROR(PutUnlocked(store_, txn, Family::kRecords,
                                     keys::CustomerKey(account_id, customer.id),
                                     record));
  CUSTDB_RETURN_IF_ERROR(WriteDerived(store_, txn, nullptr, &customer));
  return CreateResult{std::move(record), false};
}

Result<std::string> Customers::Get(uint64_t account_id, uint64_t customer_id) {
  auto own = GetOwn(account_id, customer_id);
  if (!own.status().IsNotFound()) return own;
  // The redirects and the survivor's record are not read from one
  // snapshot: a merge of the survivor that commits in between removes it
  // and leaves a redirect of its own, which is followed in turn. Only a
  // survivor missing with no redirect is damage.
  uint64_t at = customer_id;
  for (int hop = 0; hop <= kMaxMergeHops; ++hop) {
    auto survivor = MergedInto(nullptr, account_id, at);
    if (!survivor.ok()) return survivor.status();
    if (*survivor == 0) {
      if (at == customer_id) return own;
      return Status::Corruption("customer " + std::to_string(customer_id) +
                                ": merged into a customer that is missing");
    }
    auto record = GetOwn(account_id, *survivor);
    if (!record.status().IsNotFound()) return record;
    at = *survivor;
  }
  return Status::Corruption("customer " + std::to_string(customer_id) +
                            ": its redirects form a cycle");
}

Result<uint64_t> Customers::MergedInto(rocksdb::Transaction* txn,
                                       uint64_t account_id,
                                       uint64_t customer_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  uint64_t at = customer_id;
  for (int hop = 0; hop <= kMaxMergeHops; ++hop) {
    std::string value;
    rocksdb::ReadOptions ro;
    auto* records = store_->family(Family::kRecords);
    auto key = keys::MergedKey(account_id, at);
    // Redirects are written once and never changed, so they are read
    // without a lock.
    auto s = txn != nullptr ? txn->Get(ro, records, key, &value)
                            : store_->db()->Get(ro, records, key, &value);
    if (s.IsNotFound()) return at == customer_id ? 0 : at;
    if (!s.ok()) return FromRocks(s, "reading a merged customer");
    if (value.size() != 8) {
      return Status::Corruption("customer " + std::to_string(at) +
                                ": the stored redirect is damaged");
    }
    at = keys::GetBigEndian64(value.data());
  }
  return Status::Corruption("customer " + std::to_string(customer_id) +
                            ": its redirects form a cycle");
}

Status Customers::Missing(rocksdb::Transaction* txn, uint64_t account_id,
                          uint64_t customer_id) {
  auto survivor = MergedInto(txn, account_id, customer_id);
  if (!survivor.ok()) return survivor.status();
  if (*survivor == 0) return Status::NotFound(NotFoundMessage(customer_id));
  return Status::NotFound("customer " + std::to_string(customer_id) +
                          " was merged into customer " +
                          std::to_string(*survivor));
}

Result<std::string> Customers::GetOwn(uint64_t account_id,
                                      uint64_t customer_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  std::string value;
  auto s = store_->db()->Get(
      rocksdb::ReadOptions(), store_->family(Family::kRecords),
      keys::CustomerKey(account_id, customer_id), &value);
  if (s.IsNotFound()) return Missing(nullptr, account_id, customer_id);
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
        auto record =
            WriteInTransaction(txn, *before, after, /*bump_version=*/true);
        if (!record.ok()) return record.status();
        CUSTDB_RETURN_IF_ERROR(
            MirrorOntoPrimaryContact(store_, txn, *before, after));
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
    // No id follows the largest one; the scans below seek to after_id + 1,
    // which would wrap to 0 and start the list over.
    if (after_id == UINT64_MAX) {
      Page page;
      page.last_position = after;
      page.done = true;
      return page;
    }
  }
  // A customer's own entry and its contacts' lie side by side under one
  // value: one seek reads the first limit + 1 customers holding it.
  bool phone = by == Lookup::kPhone;
  auto scanned =
      ScanValueIndex(ValueScanIterator(store_, nullptr).get(), account_id,
                     phone ? IndexTag::kPhone : IndexTag::kEmail, key, after_id,
                     limit + 1, /*own_only=*/false);
  if (!scanned.ok()) return scanned.status();
  std::vector<ValueHolder>& candidates = *scanned;

  Page page;
  page.done = candidates.size() <= limit;
  if (!page.done) candidates.pop_back();
  for (const auto& candidate : candidates) {
    auto record = GetOwn(account_id, candidate.customer_id);
    // The indexes and the records are read one after the other, not from
    // one snapshot: a record deleted or changed in between no longer
    // matches and is skipped.
    if (record.status().IsNotFound()) continue;
    if (!record.ok()) return record.status();
    auto* c = flatbuffers::GetRoot<fb::Customer>(record->data());
    bool matches =
        candidate.own && (phone ? FlatString(c->phone())
                                : EmailKey(FlatString(c->email()))) == key;
    if (!matches && !candidate.contact_ids.empty()) {
      auto still =
          ContactStillMatches(store_, account_id, candidate.customer_id, by,
                              key, candidate.contact_ids);
      if (!still.ok()) return still.status();
      matches = *still;
    }
    if (!matches) continue;
    std::string position;
    keys::PutBigEndian64(&position, candidate.customer_id);
    page.items.push_back({std::move(position), std::move(*record)});
  }
  page.last_position = after;
  if (!candidates.empty()) {
    page.last_position.clear();
    keys::PutBigEndian64(&page.last_position, candidates.back().customer_id);
  }
  return page;
}

Result<fb::CustomerT> Customers::LockForChild(rocksdb::Transaction* txn,
                                              uint64_t account_id,
                                              uint64_t customer_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  // One that a bulk transaction created is nobody else's to change.
  auto stored =
      ReadCustomer(store_, txn, account_id, customer_id,
                   /*for_update=*/!BulkWrites::Created(txn, customer_id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Missing(txn, account_id, customer_id);
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
  auto key = keys::CustomerKey(after.account_id, after.id);
  if (BulkWrites::Created(txn, after.id)) {
    CUSTDB_RETURN_IF_ERROR(
        PutUnlocked(store_, txn, Family::kRecords, key, record));
  } else {
    auto s = txn->Put(store_->family(Family::kRecords), key, record);
    if (!s.ok()) return FromRocks(s, "writing a customer");
  }
  CUSTDB_RETURN_IF_ERROR(WriteDerived(store_, txn, &before, &after));
  return record;
}

Status Customers::RemoveInTransaction(rocksdb::Transaction* txn,
                                      const fb::CustomerT& customer,
                                      uint64_t survivor_id) {
  auto* records = store_->family(Family::kRecords);
  auto s =
      txn->Delete(records, keys::CustomerKey(customer.account_id, customer.id));
  if (!s.ok()) return FromRocks(s, "removing a customer");
  CUSTDB_RETURN_IF_ERROR(WriteDerived(store_, txn, &customer, nullptr));
  std::string target;
  keys::PutBigEndian64(&target, survivor_id);
  s = txn->Put(records, keys::MergedKey(customer.account_id, customer.id),
               target);
  if (!s.ok()) return FromRocks(s, "removing a customer");
  return Status::Ok();
}

namespace {

// The summary counts of an account, read with `ro`.
Result<fb::SummaryT> ReadSummary(Store* store, const rocksdb::ReadOptions& ro,
                                 uint64_t account_id) {
  const CounterTag tags[] = {CounterTag::kTotal,    CounterTag::kActive,
                             CounterTag::kInactive, CounterTag::kArchived,
                             CounterTag::kVip,      CounterTag::kCompanies};
  uint64_t values[std::size(tags)] = {};
  for (size_t i = 0; i < std::size(tags); ++i) {
    std::string value;
    auto s = store->db()->Get(ro, store->family(Family::kCounters),
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
  return summary;
}

}  // namespace

Result<std::string> Customers::Summary(uint64_t account_id) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  // One snapshot for all the counts, so that they agree with each other.
  SnapshotRead snapshot(store_);
  auto summary = ReadSummary(store_, snapshot.ro(), account_id);
  if (!summary.ok()) return summary.status();
  return PackRecord(*summary);
}

Result<Page> Customers::ListAccounts(const std::string& after, size_t limit) {
  uint64_t next = 0;
  if (!after.empty()) {
    if (after.size() != 8)
      return Status::InvalidArgument("resume_token: is damaged");
    uint64_t last = keys::GetBigEndian64(after.data());
    if (last == UINT64_MAX) return Page{{}, after, true};
    next = last + 1;
  }
  SnapshotRead snapshot(store_);
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(
      snapshot.ro(), store_->family(Family::kRecords)));
  Page page;
  page.last_position = after;
  for (;;) {
    std::string start;
    keys::PutBigEndian64(&start, next);
    it->Seek(start);
    if (!it->Valid()) break;
    if (page.items.size() == limit) return page;
    rocksdb::Slice key = it->key();
    if (key.size() < 8) return Status::Corruption("a record key is damaged");
    uint64_t account_id = keys::GetBigEndian64(key.data());
    auto summary = ReadSummary(store_, snapshot.ro(), account_id);
    if (!summary.ok()) return summary.status();
    fb::AccountT account;
    account.id = account_id;
    account.summary = std::make_unique<fb::SummaryT>(std::move(*summary));
    page.last_position = key.ToString().substr(0, 8);
    page.items.push_back({page.last_position, PackRecord(account)});
    if (account_id == UINT64_MAX) break;
    next = account_id + 1;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing accounts");
  page.done = true;
  return page;
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
  context.NotePrimaryContactId(c.account_id, c.id, c.primary_contact_id);
  for (auto& k : IndexKeysOf(c)) context.ExpectIndex(std::move(k));
  for (auto& row : RowEntriesOf(c)) {
    context.ExpectIndex(std::move(row.key), std::move(row.value));
  }
  for (auto& k : CounterKeysOf(c)) context.ExpectCount(std::move(k));
  context.ExpectSequenceAtLeast(
      keys::CounterKey(c.account_id, CounterTag::kCustomerNumber), c.number);
}

}  // namespace custdb

namespace custdb {

void ExpectMergedCustomer(const keys::RecordKeyParts& key,
                          std::string_view value, CheckContext& context) {
  if (value.size() != 8) {
    context.Issue(key.account_id, key.id,
                  "a merged customer's redirect is "
                  "malformed");
    return;
  }
  uint64_t survivor = keys::GetBigEndian64(value.data());
  if (survivor == 0 || survivor == key.id) {
    context.Issue(key.account_id, key.id,
                  "a merged customer's redirect names no other customer");
    return;
  }
  // Customers sort before redirects in an account, so every customer of
  // the account is known by now.
  if (context.HasCustomer(key.account_id, key.id)) {
    context.Issue(key.account_id, key.id,
                  "a merged customer's record is still stored");
  }
  context.NoteRedirect(key.account_id, key.id, survivor);
}

}  // namespace custdb
