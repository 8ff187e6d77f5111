#include "engine/contacts/contacts.h"

#include <algorithm>
#include <utility>

#include "engine/contacts/contact_record.h"
#include "engine/customers/children.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

using keys::RecordTag;

constexpr std::string_view kWhat = "contact";

void Touch(const fb::ContactT& before, fb::ContactT* after) {
  after->version = before.version + 1;
  after->updated_at_ms = std::max(NowMs(), before.updated_at_ms);
}

Status CheckVersion(const fb::ContactT& contact, uint64_t expected) {
  if (expected == 0 || contact.version == expected) return Status::Ok();
  return Status::Conflict("contact " + std::to_string(contact.id) +
                          ": version is " + std::to_string(contact.version) +
                          ", not the expected " + std::to_string(expected));
}

// Sets the primary flag of a contact other than the one being written,
// inside `txn`. A contact that is gone is left alone (the checker reports
// a customer that names a missing contact).
Status SetPrimaryFlag(Store* store, rocksdb::Transaction* txn,
                      uint64_t account_id, uint64_t contact_id, bool primary) {
  auto stored = ReadChild<fb::Contact>(store, txn, account_id,
                                       RecordTag::kContact, contact_id, kWhat,
                                       /*for_update=*/true);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value() || (*stored)->record.primary == primary) {
    return Status::Ok();
  }
  const fb::ContactT& before = (*stored)->record;
  fb::ContactT after = before;
  after.primary = primary;
  Touch(before, &after);
  return WriteContact(store, txn, &before, &after).status();
}

Result<uint64_t> CustomerOfContact(const std::string& bytes, uint64_t id) {
  return VerifiedCustomerOf<fb::Contact>(bytes, id, kWhat);
}

}  // namespace

Result<std::string> Contacts::Add(uint64_t account_id, uint64_t customer_id,
                                  const fb::ContactDraft& draft) {
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto record = AddInTransaction(txn, account_id, customer_id, draft);
        if (!record.ok()) return record;
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "adding a contact");
        return record;
      });
}

Result<std::string> Contacts::AddInTransaction(rocksdb::Transaction* txn,
                                               uint64_t account_id,
                                               uint64_t customer_id,
                                               const fb::ContactDraft& draft) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  fb::ContactT contact = ContactFromDraft(draft);
  CUSTDB_RETURN_IF_ERROR(NormalizeContact(&contact));
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();
  auto customer = customers_->LockForChild(txn, account_id, customer_id);
  if (!customer.ok()) return customer.status();
  fb::ContactT added = std::move(contact);
  StampNewChild(&added, *id, account_id, customer_id, NowMs());
  uint64_t old_primary = customer->primary_contact_id;
  added.primary = added.primary || old_primary == 0;
  if (added.primary && old_primary != 0) {
    CUSTDB_RETURN_IF_ERROR(
        SetPrimaryFlag(store_, txn, account_id, old_primary, false));
  }
  auto record = WriteContact(store_, txn, nullptr, &added);
  if (!record.ok()) return record.status();
  if (added.primary) {
    fb::CustomerT after = *customer;
    after.primary_contact_id = added.id;
    CUSTDB_RETURN_IF_ERROR(
        customers_->WriteInTransaction(txn, *customer, after, true).status());
  }
  return record;
}

Result<std::string> Contacts::Get(uint64_t account_id, uint64_t contact_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, contact_id, "contact_id"));
  auto stored =
      ReadChild<fb::Contact>(store_, nullptr, account_id, RecordTag::kContact,
                             contact_id, kWhat, false);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return Status::NotFound(ChildNotFound(kWhat, contact_id));
  }
  return std::move((*stored)->bytes);
}

Result<std::string> Contacts::Update(uint64_t account_id, uint64_t contact_id,
                                     const fb::ContactPatch& patch,
                                     uint64_t expected_version) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, contact_id, "contact_id"));
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto locked =
            LockChild<fb::Contact>(store_, customers_, txn, account_id,
                                   RecordTag::kContact, contact_id, kWhat);
        if (!locked.ok()) return locked.status();
        const fb::ContactT& before = locked->child.record;
        CUSTDB_RETURN_IF_ERROR(CheckVersion(before, expected_version));
        fb::ContactT after = before;
        ApplyContactPatch(patch, &after);
        CUSTDB_RETURN_IF_ERROR(NormalizeContact(&after));
        if (after == before) return std::move(locked->child.bytes);
        Touch(before, &after);
        auto record = WriteContact(store_, txn, &before, &after);
        if (!record.ok()) return record.status();
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "updating a contact");
        return std::move(*record);
      });
}

Result<std::string> Contacts::Promote(uint64_t account_id,
                                      uint64_t contact_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, contact_id, "contact_id"));
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto locked =
            LockChild<fb::Contact>(store_, customers_, txn, account_id,
                                   RecordTag::kContact, contact_id, kWhat);
        if (!locked.ok()) return locked.status();
        const fb::CustomerT& customer = locked->customer;
        const fb::ContactT& before = locked->child.record;
        if (before.primary && customer.primary_contact_id == contact_id) {
          return std::move(locked->child.bytes);
        }
        uint64_t old_primary = customer.primary_contact_id;
        if (old_primary != 0 && old_primary != contact_id) {
          CUSTDB_RETURN_IF_ERROR(
              SetPrimaryFlag(store_, txn, account_id, old_primary, false));
        }
        fb::ContactT after = before;
        after.primary = true;
        std::string record = locked->child.bytes;
        if (after != before) {
          Touch(before, &after);
          auto written = WriteContact(store_, txn, &before, &after);
          if (!written.ok()) return written.status();
          record = std::move(*written);
        }
        fb::CustomerT customer_after = customer;
        customer_after.primary_contact_id = contact_id;
        CUSTDB_RETURN_IF_ERROR(
            customers_->WriteInTransaction(txn, customer, customer_after, true)
                .status());
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "promoting a contact");
        return record;
      });
}

Status Contacts::Delete(uint64_t account_id, uint64_t contact_id,
                        uint64_t expected_version) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, contact_id, "contact_id"));
  auto result = InTransaction<bool>(
      store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
        auto locked =
            LockChild<fb::Contact>(store_, customers_, txn, account_id,
                                   RecordTag::kContact, contact_id, kWhat);
        if (!locked.ok()) return locked.status();
        const fb::CustomerT& customer = locked->customer;
        const fb::ContactT& contact = locked->child.record;
        CUSTDB_RETURN_IF_ERROR(CheckVersion(contact, expected_version));
        CUSTDB_RETURN_IF_ERROR(
            WriteContact(store_, txn, &contact, nullptr).status());
        if (customer.primary_contact_id == contact_id) {
          // The oldest remaining contact becomes primary: the first child
          // entry, read through the transaction, which no longer sees the
          // one just deleted.
          auto next = ScanKeys(
              store_, txn, Family::kIndexes,
              keys::ChildPrefix(account_id, customer.id, RecordTag::kContact),
              "", 1);
          if (!next.ok()) return next.status();
          fb::CustomerT after = customer;
          after.primary_contact_id = 0;
          if (!next->empty()) {
            auto entry = keys::ParseChildKey(next->front());
            if (!entry) return Status::Corruption("a child key is damaged");
            after.primary_contact_id = entry->child_id;
            CUSTDB_RETURN_IF_ERROR(
                SetPrimaryFlag(store_, txn, account_id, entry->child_id, true));
          }
          CUSTDB_RETURN_IF_ERROR(
              customers_->WriteInTransaction(txn, customer, after, true)
                  .status());
        }
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "deleting a contact");
        return true;
      });
  return result.status();
}

Result<Page> Contacts::List(uint64_t account_id, uint64_t customer_id,
                            const std::string& after, size_t limit) {
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();
  return ListChildren(store_, account_id, customer_id, RecordTag::kContact,
                      after, limit, CustomerOfContact);
}

void ExpectContact(const keys::RecordKeyParts& key, std::string_view value,
                   CheckContext& context) {
  fb::ContactT c;
  if (!UnpackStored<fb::Contact>(key, value, context, &c)) return;
  if (c.id != key.id || c.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the contact's id or account differs from its key");
    return;
  }
  for (auto& k : IndexKeysOf(c)) context.ExpectIndex(std::move(k));
  if (!context.HasCustomer(c.account_id, c.customer_id)) {
    context.Issue(c.account_id, c.customer_id,
                  "contact " + std::to_string(c.id) +
                      " belongs to a customer that does not exist");
    return;
  }
  context.NoteContact(c.account_id, c.customer_id, c.id, c.primary);
}

}  // namespace custdb
