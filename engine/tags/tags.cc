#include "engine/tags/tags.h"

#include <algorithm>

#include "engine/normalize/name.h"
#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

std::string TagNotFound(uint64_t tag_id) {
  return "tag " + std::to_string(tag_id) + " not found in this account";
}

// The trimmed name and the key it is unique under.
Status CleanName(const fb::TagDraft& draft, std::string* name,
                 std::string* folded) {
  *name = FlatString(draft.name());
  CUSTDB_RETURN_IF_ERROR(CheckTextField("name", *name, kMaxTagNameBytes));
  *name = std::string(TrimSpace(*name));
  if (name->empty()) return Status::InvalidArgument("name: is required");
  *folded = FoldCase(*name);
  return Status::Ok();
}

std::string EncodeId(uint64_t id) {
  std::string value;
  keys::PutBigEndian64(&value, id);
  return value;
}

}  // namespace

Result<fb::TagT> Tags::ReadTag(rocksdb::Transaction* txn, uint64_t account_id,
                               uint64_t tag_id, bool for_update) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, tag_id, "tag_id"));
  auto stored = ReadInTransaction(
      store_, txn, Family::kRecords,
      keys::RecordKey(account_id, keys::RecordTag::kTag, tag_id), for_update);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::NotFound(TagNotFound(tag_id));
  std::string storage;
  auto root =
      VerifyRecord<fb::Tag>(reinterpret_cast<const uint8_t*>((*stored)->data()),
                            (*stored)->size(), "stored tag", &storage);
  if (!root.ok()) {
    return Status::Corruption("tag " + std::to_string(tag_id) +
                              ": the stored record is damaged");
  }
  fb::TagT tag;
  (*root)->UnPackTo(&tag);
  return tag;
}

Result<uint64_t> Tags::CountOf(uint64_t account_id, uint64_t tag_id) {
  std::string value;
  auto s = store_->db()->Get(
      rocksdb::ReadOptions(), store_->family(Family::kCounters),
      keys::CounterKey(account_id, keys::CounterTag::kTagCount, tag_id),
      &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "reading a tag count");
  if (value.size() != 8) return Status::Corruption("tag: count is damaged");
  return keys::GetBigEndian64(value.data());
}

Result<std::string> Tags::WithCount(fb::TagT tag) {
  auto count = CountOf(tag.account_id, tag.id);
  if (!count.ok()) return count.status();
  tag.customer_count = *count;
  return PackRecord(tag);
}

Result<TagCreateResult> Tags::Create(uint64_t account_id,
                                     const fb::TagDraft& draft) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  std::string name, folded;
  CUSTDB_RETURN_IF_ERROR(CleanName(draft, &name, &folded));
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();
  return InTransaction<TagCreateResult>(
      store_, [&](rocksdb::Transaction* txn) -> Result<TagCreateResult> {
        std::string name_key = keys::TagNameKey(account_id, folded);
        auto existing = ReadInTransaction(store_, txn, Family::kIndexes,
                                          name_key, /*for_update=*/true);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          if ((*existing)->size() != 8) {
            return Status::Corruption("tag: the name index is damaged");
          }
          // Read in this transaction, without the tag's lock: the name
          // key is held, and a rename holds the tag before the name.
          auto tag = ReadTag(txn, account_id,
                             keys::GetBigEndian64((*existing)->data()),
                             /*for_update=*/false);
          if (!tag.ok()) return tag.status();
          auto record = WithCount(std::move(*tag));
          if (!record.ok()) return record.status();
          return TagCreateResult{std::move(*record), true};
        }
        fb::TagT tag;
        tag.id = *id;
        tag.account_id = account_id;
        tag.name = name;
        tag.created_at_ms = NowMs();
        tag.version = 1;
        std::string record = PackRecord(tag);
        auto s = txn->Put(
            store_->family(Family::kRecords),
            keys::RecordKey(account_id, keys::RecordTag::kTag, tag.id), record);
        if (s.ok()) {
          s = txn->Put(store_->family(Family::kIndexes), name_key,
                       EncodeId(tag.id));
        }
        if (s.ok()) s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "creating a tag");
        return TagCreateResult{std::move(record), false};
      });
}

Result<std::string> Tags::Get(uint64_t account_id, uint64_t tag_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, tag_id, "tag_id"));
  // A read takes no lock: a lock here, under a caller's other locks, could
  // close a cycle that RocksDB's deadlock detector does not see.
  auto txn = store_->BeginTransaction();
  auto tag = ReadTag(txn.get(), account_id, tag_id, /*for_update=*/false);
  txn->Rollback().PermitUncheckedError();
  if (!tag.ok()) return tag.status();
  return WithCount(std::move(*tag));
}

Result<std::string> Tags::Rename(uint64_t account_id, uint64_t tag_id,
                                 const fb::TagDraft& draft,
                                 uint64_t expected_version) {
  std::string name, folded;
  CUSTDB_RETURN_IF_ERROR(CleanName(draft, &name, &folded));
  auto renamed = InTransaction<fb::TagT>(
      store_, [&](rocksdb::Transaction* txn) -> Result<fb::TagT> {
        auto tag = ReadTag(txn, account_id, tag_id, /*for_update=*/true);
        if (!tag.ok()) return tag.status();
        if (expected_version != 0 && tag->version != expected_version) {
          return Status::Conflict(
              "tag " + std::to_string(tag_id) + ": version is " +
              std::to_string(tag->version) + ", not the expected " +
              std::to_string(expected_version));
        }
        if (tag->name == name) return std::move(*tag);
        std::string old_key = keys::TagNameKey(account_id, FoldCase(tag->name));
        std::string new_key = keys::TagNameKey(account_id, folded);
        // Both name keys, in key order, so that two renames cannot
        // deadlock.
        for (const auto& key :
             {std::min(old_key, new_key), std::max(old_key, new_key)}) {
          CUSTDB_RETURN_IF_ERROR(LockKey(store_, txn, Family::kIndexes, key));
        }
        if (new_key != old_key) {
          auto holder =
              ReadInTransaction(store_, txn, Family::kIndexes, new_key, false);
          if (!holder.ok()) return holder.status();
          if (holder->has_value()) {
            return Status::Conflict("name: another tag has this name");
          }
        }
        tag->name = name;
        ++tag->version;
        auto s =
            txn->Put(store_->family(Family::kRecords),
                     keys::RecordKey(account_id, keys::RecordTag::kTag, tag_id),
                     PackRecord(*tag));
        if (s.ok() && new_key != old_key) {
          s = txn->Delete(store_->family(Family::kIndexes), old_key);
          if (s.ok()) {
            s = txn->Put(store_->family(Family::kIndexes), new_key,
                         EncodeId(tag_id));
          }
        }
        if (s.ok()) s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "renaming a tag");
        return std::move(*tag);
      });
  if (!renamed.ok()) return renamed.status();
  return WithCount(std::move(*renamed));
}

Status Tags::Delete(uint64_t account_id, uint64_t tag_id) {
  // TODO: one transaction holds every customer carrying the tag; a tag on
  // hundreds of thousands of customers wants batches behind a tombstone.
  auto done = InTransaction<bool>(
      store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
        auto tag = ReadTag(txn, account_id, tag_id, /*for_update=*/true);
        if (!tag.ok()) return tag.status();
        auto members =
            ScanKeys(store_, txn, Family::kIndexes,
                     keys::TagMemberPrefix(account_id, tag_id), "", SIZE_MAX);
        if (!members.ok()) return members.status();
        for (const auto& member : *members) {
          uint64_t customer_id =
              keys::GetBigEndian64(member.data() + member.size() - 8);
          auto before = customers_->LockForChild(txn, account_id, customer_id);
          if (!before.ok()) return before.status();
          fb::CustomerT after = *before;
          std::erase(after.tag_ids, tag_id);
          auto written = customers_->WriteInTransaction(
              txn, *before, std::move(after), /*bump_version=*/true);
          if (!written.ok()) return written.status();
        }
        auto s = txn->Delete(
            store_->family(Family::kRecords),
            keys::RecordKey(account_id, keys::RecordTag::kTag, tag_id));
        if (s.ok()) {
          s = txn->Delete(store_->family(Family::kIndexes),
                          keys::TagNameKey(account_id, FoldCase(tag->name)));
        }
        if (s.ok()) s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "deleting a tag");
        return true;
      });
  return done.ok() ? Status::Ok() : done.status();
}

Result<Page> Tags::List(uint64_t account_id, const std::string& after,
                        size_t limit) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  std::string prefix = keys::TagNamePrefix(account_id);
  auto names = ScanKeys(
      store_, nullptr, Family::kIndexes, prefix,
      after.empty() ? "" : keys::TagNameKey(account_id, after), limit + 1);
  if (!names.ok()) return names.status();
  Page page;
  page.done = names->size() <= limit;
  if (!page.done) names->pop_back();
  page.last_position = after;
  for (const auto& name_key : *names) {
    keys::KeyReader reader(name_key);
    reader.ReadU64();
    reader.ReadU8();
    auto folded = reader.ReadString();
    if (!folded) return Status::Corruption("tag: the name index is damaged");
    page.last_position = *folded;
    std::string value;
    auto s =
        store_->db()->Get(rocksdb::ReadOptions(),
                          store_->family(Family::kIndexes), name_key, &value);
    if (s.IsNotFound()) continue;  // renamed or deleted meanwhile
    if (!s.ok()) return FromRocks(s, "listing tags");
    if (value.size() != 8) {
      return Status::Corruption("tag: the name index is damaged");
    }
    auto tag = Get(account_id, keys::GetBigEndian64(value.data()));
    if (tag.status().IsNotFound()) continue;
    if (!tag.ok()) return tag.status();
    page.items.push_back({*folded, std::move(*tag)});
  }
  return page;
}

Result<std::string> Tags::Assign(uint64_t account_id, uint64_t customer_id,
                                 uint64_t tag_id, bool carry) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto tag = ReadTag(txn, account_id, tag_id, /*for_update=*/true);
        if (!tag.ok()) return tag.status();
        auto before = customers_->LockForChild(txn, account_id, customer_id);
        if (!before.ok()) return before.status();
        fb::CustomerT after = *before;
        auto& ids = after.tag_ids;
        auto at = std::lower_bound(ids.begin(), ids.end(), tag_id);
        bool carries = at != ids.end() && *at == tag_id;
        if (carry && !carries) ids.insert(at, tag_id);
        if (!carry && carries) ids.erase(at);
        auto written = customers_->WriteInTransaction(
            txn, *before, std::move(after), /*bump_version=*/true);
        if (!written.ok()) return written.status();
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "tagging a customer");
        return std::move(*written);
      });
}

Status Tags::LockInTransaction(rocksdb::Transaction* txn, uint64_t account_id,
                               uint64_t tag_id) {
  return ReadTag(txn, account_id, tag_id, /*for_update=*/true).status();
}

void ExpectTag(const keys::RecordKeyParts& key, std::string_view value,
               CheckContext& context) {
  fb::TagT tag;
  if (!UnpackStored<fb::Tag>(key, value, context, &tag)) return;
  if (tag.id != key.id || tag.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the tag's id or account differs from its key");
    return;
  }
  context.ExpectIndex(keys::TagNameKey(tag.account_id, FoldCase(tag.name)),
                      EncodeId(tag.id));
}

}  // namespace custdb
