#include "engine/customers/children.h"

namespace custdb {

std::string ChildNotFound(std::string_view what, uint64_t id) {
  return std::string(what) + " " + std::to_string(id) +
         " not found in this account";
}

Result<Page> ListChildren(Store* store, uint64_t account_id,
                          uint64_t customer_id, keys::RecordTag tag,
                          const std::string& after, size_t limit,
                          VerifyStored verify) {
  std::string prefix = keys::ChildPrefix(account_id, customer_id, tag);
  std::string after_key;
  if (!after.empty()) {
    if (after.size() != 8) {
      return Status::InvalidArgument("resume_token: is damaged");
    }
    after_key = keys::ChildKey(account_id, customer_id, tag,
                               keys::GetBigEndian64(after.data()));
  }
  auto entries =
      ScanKeys(store, nullptr, Family::kIndexes, prefix, after_key, limit + 1);
  if (!entries.ok()) return entries.status();
  Page page;
  page.done = entries->size() <= limit;
  if (!page.done) entries->pop_back();
  page.last_position = after;
  for (const auto& entry : *entries) {
    auto child = keys::ParseChildKey(entry);
    if (!child) return Status::Corruption("a child index key is damaged");
    std::string position;
    keys::PutBigEndian64(&position, child->child_id);
    page.last_position = position;
    // The entry and the record are not read from one snapshot: a child
    // deleted in between is skipped.
    std::string value;
    auto s = store->db()->Get(
        rocksdb::ReadOptions(), store->family(Family::kRecords),
        keys::RecordKey(account_id, tag, child->child_id), &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "reading a record");
    auto owner = verify(value, child->child_id);
    if (!owner.ok()) return owner.status();
    if (*owner != customer_id) continue;
    page.items.push_back({std::move(position), std::move(value)});
  }
  return page;
}

}  // namespace custdb
