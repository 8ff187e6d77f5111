#include "engine/customers/customer_list.h"

#include <algorithm>
#include <memory>

#include "engine/normalize/name.h"
#include "engine/schema/records.h"

namespace custdb {
namespace {

using keys::RowSort;

// The entries one page call examines at most. A filter that matches few
// rows returns an empty page past them rather than reading the whole
// list in one call; 1024 rows are about a quarter of a millisecond.
constexpr size_t kMaxRowsExamined = 1024;

uint32_t EffectiveStatuses(const CustomerListFilter& filter) {
  if (filter.statuses != 0) return filter.statuses;
  return StatusBit(fb::CustomerStatus::Active) |
         StatusBit(fb::CustomerStatus::Inactive);
}

bool FlagMatches(FlagFilter filter, bool flag) {
  switch (filter) {
    case FlagFilter::kAny:
      return true;
    case FlagFilter::kOnly:
      return flag;
    case FlagFilter::kExclude:
      return !flag;
  }
  return false;
}

// The filters a row answers by itself (all but the tags).
bool RowMatches(const fb::CustomerRow& row, const CustomerListFilter& filter,
                uint32_t statuses) {
  if ((statuses & StatusBit(row.status())) == 0) return false;
  if (filter.kind != fb::CustomerKind::Unspecified &&
      row.kind() != filter.kind) {
    return false;
  }
  return FlagMatches(filter.vip, row.vip()) &&
         FlagMatches(filter.do_not_contact, row.do_not_contact());
}

// The tags sorted and each once.
std::vector<uint64_t> CanonicalTags(std::vector<uint64_t> tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

// Whether the customer carries every tag: one point read of the tag
// member index a tag, from the page's snapshot.
Result<bool> CarriesTags(Store* store, const rocksdb::ReadOptions& ro,
                         uint64_t account_id, uint64_t customer_id,
                         const std::vector<uint64_t>& tags) {
  auto* indexes = store->family(Family::kIndexes);
  for (uint64_t tag : tags) {
    rocksdb::PinnableSlice ignored;
    auto s = store->db()->Get(ro, indexes,
                              keys::TagMemberKey(account_id, tag, customer_id),
                              &ignored);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return FromRocks(s, "reading the customer list");
  }
  return true;
}

}  // namespace

Status ValidateListFilter(const CustomerListFilter& filter) {
  if ((filter.statuses & ~kAllStatuses) != 0) {
    return Status::InvalidArgument(
        "statuses: only the active, inactive and archived bits may be set");
  }
  if (filter.kind != fb::CustomerKind::Unspecified &&
      filter.kind != fb::CustomerKind::Individual &&
      filter.kind != fb::CustomerKind::Company) {
    return Status::InvalidArgument(
        "kind: must be 0 (any), individual or company");
  }
  auto flag_ok = [](FlagFilter f) {
    return f == FlagFilter::kAny || f == FlagFilter::kOnly ||
           f == FlagFilter::kExclude;
  };
  if (!flag_ok(filter.vip)) {
    return Status::InvalidArgument(
        "vip: must be 0 (any), 1 (only) or 2 (exclude)");
  }
  if (!flag_ok(filter.do_not_contact)) {
    return Status::InvalidArgument(
        "do_not_contact: must be 0 (any), 1 (only) or 2 (exclude)");
  }
  if (filter.tag_ids.size() > kMaxListTags) {
    return Status::InvalidArgument("tag_ids: at most 16 tags");
  }
  for (uint64_t tag : filter.tag_ids) {
    if (tag == 0) return Status::InvalidArgument("tag_ids: must not hold 0");
  }
  if (filter.sort != RowSort::kName && filter.sort != RowSort::kLastActivity &&
      filter.sort != RowSort::kCreated) {
    return Status::InvalidArgument(
        "sort: must be 0 (name), 1 (last activity) or 2 (created)");
  }
  return Status::Ok();
}

std::string ListQuery(const CustomerListFilter& filter) {
  std::string query;
  query.push_back(1);  // the layout of these bytes
  query.push_back(static_cast<char>(filter.sort));
  keys::PutBigEndian64(&query, EffectiveStatuses(filter));
  query.push_back(static_cast<char>(filter.kind));
  query.push_back(static_cast<char>(filter.vip));
  query.push_back(static_cast<char>(filter.do_not_contact));
  for (uint64_t tag : CanonicalTags(filter.tag_ids)) {
    keys::PutBigEndian64(&query, tag);
  }
  return query;
}

std::string CustomerRowOf(const fb::CustomerT& c) {
  fb::CustomerRowT row;
  row.id = c.id;
  row.number = c.number;
  row.display_name = c.display_name;
  row.kind = c.kind;
  row.phone_display = c.phone_display;
  row.status = c.status;
  row.last_activity_at_ms = c.last_activity_at_ms;
  row.vip = c.vip;
  row.do_not_contact = c.do_not_contact;
  return PackRecord(row);
}

std::vector<IndexValueEntry> RowEntriesOf(const fb::CustomerT& c) {
  std::string row = CustomerRowOf(c);
  std::vector<IndexValueEntry> out;
  out.push_back(
      {keys::CustomerRowByNameKey(c.account_id, FoldName(c.display_name), c.id),
       row});
  out.push_back(
      {keys::CustomerRowByTimeKey(c.account_id, RowSort::kLastActivity,
                                  c.last_activity_at_ms, c.id),
       row});
  out.push_back({keys::CustomerRowByTimeKey(c.account_id, RowSort::kCreated,
                                            c.created_at_ms, c.id),
                 std::move(row)});
  return out;
}

Result<Page> ListCustomers(Store* store, uint64_t account_id,
                           const CustomerListFilter& filter,
                           const std::string& after, size_t limit) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  CUSTDB_RETURN_IF_ERROR(ValidateListFilter(filter));
  if (!after.empty() && !keys::IsCustomerRowPosition(after, filter.sort)) {
    return Status::InvalidArgument("resume_token: is damaged");
  }
  uint32_t statuses = EffectiveStatuses(filter);
  std::vector<uint64_t> tags = CanonicalTags(filter.tag_ids);

  // The rows and the tag memberships are read from one snapshot, so that
  // a row is judged by the tags it had when it was read.
  const rocksdb::Snapshot* snapshot = store->db()->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{store->db(), snapshot};
  std::string prefix = keys::CustomerRowPrefix(account_id, filter.sort);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      store->db()->NewIterator(ro, store->family(Family::kIndexes)));
  std::string start = prefix + after;
  it->Seek(start);
  if (!after.empty() && it->Valid() && it->key() == rocksdb::Slice(start)) {
    it->Next();
  }

  Page page;
  page.last_position = after;
  for (size_t examined = 0;
       it->Valid() && page.items.size() < limit && examined < kMaxRowsExamined;
       it->Next(), ++examined) {
    auto position =
        keys::CustomerRowPosition(it->key().ToStringView(), filter.sort);
    if (!position) {
      return Status::Corruption("customer list: a row key is damaged");
    }
    page.last_position = *position;
    std::string storage;
    auto row = VerifyRecord<fb::CustomerRow>(
        reinterpret_cast<const uint8_t*>(it->value().data()),
        it->value().size(), "row", &storage);
    if (!row.ok()) {
      return Status::Corruption("customer list: a stored row is damaged");
    }
    if (!RowMatches(**row, filter, statuses)) continue;
    if (!tags.empty()) {
      auto carries = CarriesTags(store, ro, account_id, (*row)->id(), tags);
      if (!carries.ok()) return carries.status();
      if (!*carries) continue;
    }
    page.items.push_back({std::move(*position), it->value().ToString()});
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the customer list");
  }
  page.done = !it->Valid();
  return page;
}

}  // namespace custdb
