#include "engine/locations/locations.h"

#include <algorithm>
#include <memory>

#include "engine/customers/children.h"
#include "engine/normalize/address.h"
#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "engine/storage/write_record.h"

namespace custdb {
namespace {

using keys::IndexTag;
using keys::RecordTag;

constexpr std::string_view kWhat = "location";

std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

Status CleanLine(std::string_view field, std::string* value, size_t max) {
  CUSTDB_RETURN_IF_ERROR(CheckTextField(field, *value, max));
  *value = std::string(TrimSpace(*value));
  return Status::Ok();
}

Status Required(std::string_view field, std::string* value, size_t max) {
  CUSTDB_RETURN_IF_ERROR(CleanLine(field, value, max));
  if (value->empty()) {
    return Status::InvalidArgument(std::string(field) + ": is required");
  }
  return Status::Ok();
}

Status CheckNotes(std::string_view field, const std::string& value) {
  return CheckTextField(field, value, kMaxLocationNotesBytes,
                        /*multiline=*/true);
}

fb::LocationT LocationFromDraft(const fb::LocationDraft& draft) {
  fb::LocationT l;
  l.kind = draft.kind();
  l.label = Str(draft.label());
  l.address_line1 = Str(draft.address_line1());
  l.address_line2 = Str(draft.address_line2());
  l.city = Str(draft.city());
  l.state = Str(draft.state());
  l.zip = Str(draft.zip());
  l.access_notes = Str(draft.access_notes());
  l.parking_notes = Str(draft.parking_notes());
  l.service_notes = Str(draft.service_notes());
  return l;
}

void ApplyLocationPatch(const fb::LocationPatch& patch, fb::LocationT* l) {
  auto set = [](const flatbuffers::String* from, std::string* to) {
    if (from != nullptr) *to = from->str();
  };
  if (patch.kind().has_value()) l->kind = *patch.kind();
  set(patch.label(), &l->label);
  set(patch.address_line1(), &l->address_line1);
  set(patch.address_line2(), &l->address_line2);
  set(patch.city(), &l->city);
  set(patch.state(), &l->state);
  set(patch.zip(), &l->zip);
  set(patch.access_notes(), &l->access_notes);
  set(patch.parking_notes(), &l->parking_notes);
  set(patch.service_notes(), &l->service_notes);
}

Status CheckVersion(const fb::LocationT& location, uint64_t expected) {
  if (expected == 0 || location.version == expected) return Status::Ok();
  return Status::Conflict("location " + std::to_string(location.id) +
                          ": version is " + std::to_string(location.version) +
                          ", not the expected " + std::to_string(expected));
}

Result<uint64_t> CustomerOfLocation(const std::string& bytes, uint64_t id) {
  return VerifiedCustomerOf<fb::Location>(bytes, id, kWhat);
}

}  // namespace

Status NormalizeLocation(fb::LocationT* l) {
  if (l->kind < fb::LocationKind::Service || l->kind > fb::LocationKind::MAX) {
    return Status::InvalidArgument(
        "kind: must be Service, Billing, Mailing or Other");
  }
  CUSTDB_RETURN_IF_ERROR(CleanLine("label", &l->label, kMaxLocationLabelBytes));
  CUSTDB_RETURN_IF_ERROR(
      Required("address_line1", &l->address_line1, kMaxAddressLineBytes));
  CUSTDB_RETURN_IF_ERROR(
      CleanLine("address_line2", &l->address_line2, kMaxAddressLineBytes));
  CUSTDB_RETURN_IF_ERROR(Required("city", &l->city, kMaxCityBytes));
  // The state and ZIP are short; a long or malformed value is refused by
  // their own rules, which never quote it.
  auto state = NormalizeState(l->state, "state");
  if (!state.ok()) return state.status();
  l->state = std::move(*state);
  auto zip = NormalizeZip(l->zip, "zip");
  if (!zip.ok()) return zip.status();
  l->zip = std::move(*zip);
  CUSTDB_RETURN_IF_ERROR(CheckNotes("access_notes", l->access_notes));
  CUSTDB_RETURN_IF_ERROR(CheckNotes("parking_notes", l->parking_notes));
  CUSTDB_RETURN_IF_ERROR(CheckNotes("service_notes", l->service_notes));
  l->address_key =
      AddressKey(l->address_line1, l->address_line2, l->city, l->state, l->zip);
  return Status::Ok();
}

std::vector<std::string> IndexKeysOf(const fb::LocationT& l) {
  return {
      keys::ChildKey(l.account_id, l.customer_id, RecordTag::kLocation, l.id),
      keys::ChildIndexKey(l.account_id, IndexTag::kAddress, l.address_key,
                          l.customer_id, l.id),
  };
}

Result<std::string> WriteLocation(Store* store, rocksdb::Transaction* txn,
                                  const fb::LocationT* before,
                                  const fb::LocationT* after) {
  return WriteRecordAndEntries(
      store, txn, RecordTag::kLocation, "location", before, after,
      [](const fb::LocationT& l) { return IndexKeysOf(l); });
}

Result<std::string> Locations::Add(uint64_t account_id, uint64_t customer_id,
                                   const fb::LocationDraft& draft) {
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto record = AddInTransaction(txn, account_id, customer_id, draft);
        if (!record.ok()) return record;
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "adding a location");
        return record;
      });
}

Result<std::string> Locations::AddInTransaction(
    rocksdb::Transaction* txn, uint64_t account_id, uint64_t customer_id,
    const fb::LocationDraft& draft) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  fb::LocationT location = LocationFromDraft(draft);
  CUSTDB_RETURN_IF_ERROR(NormalizeLocation(&location));
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();
  // Locking the customer makes sure it exists until the commit.
  auto customer = customers_->LockForChild(txn, account_id, customer_id);
  if (!customer.ok()) return customer.status();
  StampNewChild(&location, *id, account_id, customer_id, NowMs());
  return WriteLocation(store_, txn, nullptr, &location);
}

Result<std::string> Locations::Get(uint64_t account_id, uint64_t location_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, location_id, "location_id"));
  auto stored =
      ReadChild<fb::Location>(store_, nullptr, account_id, RecordTag::kLocation,
                              location_id, kWhat, false);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return Status::NotFound(ChildNotFound(kWhat, location_id));
  }
  return std::move((*stored)->bytes);
}

Result<std::string> Locations::Update(uint64_t account_id, uint64_t location_id,
                                      const fb::LocationPatch& patch,
                                      uint64_t expected_version) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, location_id, "location_id"));
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto locked =
            LockChild<fb::Location>(store_, customers_, txn, account_id,
                                    RecordTag::kLocation, location_id, kWhat);
        if (!locked.ok()) return locked.status();
        const fb::LocationT& before = locked->child.record;
        CUSTDB_RETURN_IF_ERROR(CheckVersion(before, expected_version));
        fb::LocationT after = before;
        ApplyLocationPatch(patch, &after);
        CUSTDB_RETURN_IF_ERROR(NormalizeLocation(&after));
        if (after == before) return std::move(locked->child.bytes);
        after.version = before.version + 1;
        after.updated_at_ms = std::max(NowMs(), before.updated_at_ms);
        auto record = WriteLocation(store_, txn, &before, &after);
        if (!record.ok()) return record.status();
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "updating a location");
        return std::move(*record);
      });
}

Status Locations::Delete(uint64_t account_id, uint64_t location_id,
                         uint64_t expected_version) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, location_id, "location_id"));
  auto result = InTransaction<bool>(
      store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
        auto locked =
            LockChild<fb::Location>(store_, customers_, txn, account_id,
                                    RecordTag::kLocation, location_id, kWhat);
        if (!locked.ok()) return locked.status();
        const fb::LocationT& location = locked->child.record;
        CUSTDB_RETURN_IF_ERROR(CheckVersion(location, expected_version));
        CUSTDB_RETURN_IF_ERROR(
            WriteLocation(store_, txn, &location, nullptr).status());
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "deleting a location");
        return true;
      });
  return result.status();
}

Result<Page> Locations::List(uint64_t account_id, uint64_t customer_id,
                             const std::string& after, size_t limit) {
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();
  return ListChildren(store_, account_id, customer_id, RecordTag::kLocation,
                      after, limit, CustomerOfLocation);
}

Result<std::vector<uint64_t>> Locations::CustomersAtAddress(
    uint64_t account_id, std::string_view address_key, size_t limit) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  std::string prefix =
      keys::IndexValuePrefix(account_id, IndexTag::kAddress, address_key);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = TotalOrderRead();
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(ro, store_->family(Family::kIndexes)));
  std::vector<uint64_t> customers;
  // Entries sort by customer, then location: a customer with several
  // locations at the address is skipped past in one seek.
  it->Seek(prefix);
  while (it->Valid() && customers.size() < limit) {
    auto entry = keys::ParseChildIndexKey(it->key().ToStringView());
    if (!entry) return Status::Corruption("an address index key is damaged");
    customers.push_back(entry->customer_id);
    if (entry->customer_id == UINT64_MAX) break;
    it->Seek(keys::ChildIndexKey(account_id, IndexTag::kAddress, address_key,
                                 entry->customer_id + 1, 0));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading an index");
  return customers;
}

void ExpectLocation(const keys::RecordKeyParts& key, std::string_view value,
                    CheckContext& context) {
  fb::LocationT l;
  if (!UnpackStored<fb::Location>(key, value, context, &l)) return;
  if (l.id != key.id || l.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the location's id or account differs from its key");
    return;
  }
  for (auto& k : IndexKeysOf(l)) context.ExpectIndex(std::move(k));
  if (!context.HasCustomer(l.account_id, l.customer_id)) {
    context.Issue(l.account_id, l.customer_id,
                  "location " + std::to_string(l.id) +
                      " belongs to a customer that does not exist");
  }
}

}  // namespace custdb
