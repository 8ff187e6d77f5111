#include "engine/links/links.h"

#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

std::string BigEndian(uint64_t v) {
  std::string out;
  keys::PutBigEndian64(&out, v);
  return out;
}

bool IsKindByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Whether stored link bytes are a Link that matches the key they sit
// under.
bool LinkMatchesKey(std::string_view value, const keys::LinkKeyParts& key) {
  std::string storage;
  auto root =
      VerifyRecord<fb::Link>(reinterpret_cast<const uint8_t*>(value.data()),
                             value.size(), "stored link", &storage);
  if (!root.ok()) return false;
  const fb::Link* link = *root;
  return link->account_id() == key.account_id &&
         link->customer_id() == key.customer_id &&
         FlatString(link->kind()) == key.kind &&
         FlatString(link->external_id()) == key.external_id;
}

Result<std::string> ReadLink(Store* store, rocksdb::Transaction* txn,
                             const std::string& link_key) {
  std::string value;
  rocksdb::Status s =
      txn->Get(rocksdb::ReadOptions(), store->family(Family::kIndexes),
               link_key, &value);
  if (s.IsNotFound()) return Status::NotFound("link: not found");
  if (!s.ok()) return FromRocks(s, "reading a link");
  auto key = keys::ParseLinkKey(link_key);
  if (!key || !LinkMatchesKey(value, *key)) {
    return Status::Corruption("link: the stored entry is damaged");
  }
  return value;
}

}  // namespace

Status WriteLink(Store* store, rocksdb::Transaction* txn,
                 const fb::LinkT* before, const fb::LinkT* after) {
  auto* indexes = store->family(Family::kIndexes);
  if (before != nullptr) {
    auto s = txn->Delete(indexes,
                         keys::LinkKey(before->account_id, before->customer_id,
                                       before->kind, before->external_id));
    if (s.ok() && after == nullptr) {
      s = txn->Delete(indexes,
                      keys::LinkTargetKey(before->account_id, before->kind,
                                          before->external_id));
    }
    if (!s.ok()) return FromRocks(s, "writing a link");
  }
  if (after == nullptr) return Status::Ok();
  auto s = txn->Put(indexes,
                    keys::LinkKey(after->account_id, after->customer_id,
                                  after->kind, after->external_id),
                    PackRecord(*after));
  if (s.ok()) {
    s = txn->Put(
        indexes,
        keys::LinkTargetKey(after->account_id, after->kind, after->external_id),
        BigEndian(after->customer_id));
  }
  if (!s.ok()) return FromRocks(s, "writing a link");
  return Status::Ok();
}

Result<std::string> NormalizeLinkKind(std::string_view kind) {
  std::string out(kind);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  bool ok = !out.empty() && out.size() <= kMaxLinkKindBytes;
  for (char c : out) ok = ok && IsKindByte(c);
  if (!ok) {
    return Status::InvalidArgument(
        "kind: must be 1 to 32 bytes of letters, digits, '_' and '-'");
  }
  return out;
}

Status CheckExternalId(std::string_view external_id) {
  CUSTDB_RETURN_IF_ERROR(
      CheckTextField("external_id", external_id, kMaxExternalIdBytes));
  if (external_id.empty()) {
    return Status::InvalidArgument("external_id: is required");
  }
  return Status::Ok();
}

Result<std::string> Links::Add(uint64_t account_id, uint64_t customer_id,
                               const fb::LinkDraft& draft) {
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        bool existed = false;
        auto record =
            AddInTransaction(txn, account_id, customer_id, draft, &existed);
        if (!record.ok() || existed) return record;
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "adding a link");
        return record;
      });
}

Result<std::string> Links::AddInTransaction(rocksdb::Transaction* txn,
                                            uint64_t account_id,
                                            uint64_t customer_id,
                                            const fb::LinkDraft& draft,
                                            bool* existed) {
  *existed = false;
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto kind = NormalizeLinkKind(FlatString(draft.kind()));
  if (!kind.ok()) return kind.status();
  std::string external_id = FlatString(draft.external_id());
  CUSTDB_RETURN_IF_ERROR(CheckExternalId(external_id));
  // Locks: the target key, then the customer. Every link call takes
  // its target first, so two calls cannot wait on each other in a
  // cycle through these keys.
  std::string target_key = keys::LinkTargetKey(account_id, *kind, external_id);
  auto holder = ReadInTransaction(store_, txn, Family::kIndexes, target_key,
                                  /*for_update=*/true);
  if (!holder.ok()) return holder.status();
  if (holder->has_value()) {
    if ((*holder)->size() != 8) {
      return Status::Corruption("link: the stored target is damaged");
    }
    uint64_t owner = keys::GetBigEndian64((*holder)->data());
    if (owner != customer_id) {
      return Status::Conflict("link: already linked to customer " +
                              std::to_string(owner));
    }
    auto existing =
        ReadLink(store_, txn,
                 keys::LinkKey(account_id, customer_id, *kind, external_id));
    if (existing.status().IsNotFound()) {
      return Status::Corruption("link: the target names a missing link");
    }
    *existed = true;
    return existing;
  }
  auto customer = customers_->LockForChild(txn, account_id, customer_id);
  if (!customer.ok()) return customer.status();

  fb::LinkT link;
  link.account_id = account_id;
  link.customer_id = customer_id;
  link.kind = *kind;
  link.external_id = external_id;
  link.created_at_ms = NowMs();
  std::string record = PackRecord(link);
  CUSTDB_RETURN_IF_ERROR(WriteLink(store_, txn, nullptr, &link));
  return record;
}

Result<uint64_t> Links::HolderInTransaction(rocksdb::Transaction* txn,
                                            uint64_t account_id,
                                            const fb::LinkDraft& draft) {
  auto kind = NormalizeLinkKind(FlatString(draft.kind()));
  if (!kind.ok()) return kind.status();
  std::string external_id = FlatString(draft.external_id());
  CUSTDB_RETURN_IF_ERROR(CheckExternalId(external_id));
  auto holder =
      ReadInTransaction(store_, txn, Family::kIndexes,
                        keys::LinkTargetKey(account_id, *kind, external_id),
                        /*for_update=*/true);
  if (!holder.ok()) return holder.status();
  if (!holder->has_value()) return uint64_t{0};
  if ((*holder)->size() != 8) {
    return Status::Corruption("link: the stored target is damaged");
  }
  return keys::GetBigEndian64((*holder)->data());
}

Status Links::Remove(uint64_t account_id, uint64_t customer_id,
                     std::string_view kind_in, std::string_view external_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto kind = NormalizeLinkKind(kind_in);
  if (!kind.ok()) return kind.status();
  CUSTDB_RETURN_IF_ERROR(CheckExternalId(external_id));
  return InTransaction<bool>(
             store_,
             [&](rocksdb::Transaction* txn) -> Result<bool> {
               std::string target_key =
                   keys::LinkTargetKey(account_id, *kind, external_id);
               CUSTDB_RETURN_IF_ERROR(
                   LockKey(store_, txn, Family::kIndexes, target_key));
               std::string link_key =
                   keys::LinkKey(account_id, customer_id, *kind, external_id);
               auto stored = ReadInTransaction(store_, txn, Family::kIndexes,
                                               link_key, /*for_update=*/false);
               if (!stored.ok()) return stored.status();
               if (!stored->has_value()) {
                 // A merged customer's links are the survivor's now; say
                 // so rather than that this one is missing.
                 auto customer = customers_->GetOwn(account_id, customer_id);
                 if (!customer.ok()) return customer.status();
                 return Status::NotFound("link: not linked to customer " +
                                         std::to_string(customer_id));
               }
               auto* indexes = store_->family(Family::kIndexes);
               auto s = txn->Delete(indexes, link_key);
               if (!s.ok()) return FromRocks(s, "removing a link");
               s = txn->Delete(indexes, target_key);
               if (!s.ok()) return FromRocks(s, "removing a link");
               s = txn->Commit();
               if (!s.ok()) return FromRocks(s, "removing a link");
               return true;
             })
      .status();
}

Result<std::string> Links::Find(uint64_t account_id, std::string_view kind_in,
                                std::string_view external_id) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  auto kind = NormalizeLinkKind(kind_in);
  if (!kind.ok()) return kind.status();
  CUSTDB_RETURN_IF_ERROR(CheckExternalId(external_id));
  // One snapshot for the two reads, so that a link moving between them is
  // seen either before or after.
  rocksdb::ManagedSnapshot snapshot(store_->db());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot();
  auto* db = store_->db();
  std::string holder;
  auto s =
      db->Get(ro, store_->family(Family::kIndexes),
              keys::LinkTargetKey(account_id, *kind, external_id), &holder);
  if (s.IsNotFound()) {
    return Status::NotFound("link: not linked to any customer");
  }
  if (!s.ok()) return FromRocks(s, "finding a link");
  if (holder.size() != 8) {
    return Status::Corruption("link: the stored target is damaged");
  }
  std::string value;
  std::string link_key = keys::LinkKey(
      account_id, keys::GetBigEndian64(holder.data()), *kind, external_id);
  s = db->Get(ro, store_->family(Family::kIndexes), link_key, &value);
  if (s.IsNotFound()) {
    return Status::Corruption("link: the target names a missing link");
  }
  if (!s.ok()) return FromRocks(s, "finding a link");
  auto key = keys::ParseLinkKey(link_key);
  if (!key || !LinkMatchesKey(value, *key)) {
    return Status::Corruption("link: the stored entry is damaged");
  }
  return value;
}

Result<Page> Links::List(uint64_t account_id, uint64_t customer_id,
                         const std::string& after, size_t limit) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();
  std::string prefix = keys::LinkPrefix(account_id, customer_id);
  if (!after.empty() && after.compare(0, prefix.size(), prefix) != 0) {
    return Status::InvalidArgument("resume_token: is damaged");
  }
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = TotalOrderRead();
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(ro, store_->family(Family::kIndexes)));
  if (after.empty()) {
    it->Seek(prefix);
  } else {
    it->Seek(after);
    if (it->Valid() && it->key() == rocksdb::Slice(after)) it->Next();
  }
  Page page;
  page.last_position = after;
  for (; it->Valid() && page.items.size() < limit; it->Next()) {
    auto key = keys::ParseLinkKey(it->key().ToStringView());
    if (!key || !LinkMatchesKey(it->value().ToStringView(), *key)) {
      return Status::Corruption("link: a stored entry is damaged");
    }
    page.last_position = it->key().ToString();
    page.items.push_back({page.last_position, it->value().ToString()});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing links");
  page.done = !it->Valid();
  return page;
}

void ExpectLinkEntry(std::string_view key, std::string_view value,
                     CheckContext& context) {
  auto parts = keys::ParseLinkKey(key);
  uint64_t account = key.size() >= 8 ? keys::GetBigEndian64(key.data()) : 0;
  if (!parts || !LinkMatchesKey(value, *parts)) {
    // Left undeclared, so it is also reported as a stray link entry.
    context.Issue(account, parts ? parts->customer_id : 0,
                  "a link entry is damaged or differs from its key");
    return;
  }
  if (!context.HasCustomer(parts->account_id, parts->customer_id)) {
    context.Issue(parts->account_id, parts->customer_id,
                  "a link of a customer that is missing");
  }
  context.ExpectIndex(std::string(key), std::string(value));
  context.ExpectIndex(
      keys::LinkTargetKey(parts->account_id, parts->kind, parts->external_id),
      BigEndian(parts->customer_id));
}

}  // namespace custdb
