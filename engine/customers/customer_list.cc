#include "engine/customers/customer_list.h"

#include <algorithm>
#include <memory>

#include "engine/customers/customer_search.h"
#include "engine/match/search_words.h"
#include "engine/normalize/name.h"
#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

using keys::RowSort;

// The entries one page call examines at most. A filter that matches few
// rows returns an empty page past them rather than reading the whole
// list in one call; 1024 rows take about 3 ms with a tag read each.
// TODO: custdb_cursor_next asks for the next page until it has a row or
// the list ends, so a filter that matches nothing still reads the whole
// order in one call there (70 ms for 50,000 customers); bounding it needs
// a "no row yet" answer in the cursor contract.
constexpr size_t kMaxRowsExamined = 1024;

// The longest tag member list a page call reads whole, in place of
// scanning the rows; about 10 ms.
constexpr uint64_t kMaxMembersRead = 2000;

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
  // A status the schema does not define matches no filter.
  if (row.status() < fb::CustomerStatus::MIN ||
      row.status() > fb::CustomerStatus::MAX ||
      (statuses & StatusBit(row.status())) == 0) {
    return false;
  }
  if (filter.kind != fb::CustomerKind::Unspecified &&
      row.kind() != filter.kind) {
    return false;
  }
  return FlagMatches(filter.vip, row.vip()) &&
         FlagMatches(filter.do_not_contact, row.do_not_contact());
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

uint32_t EffectiveStatuses(const CustomerListFilter& filter) {
  if (filter.statuses != 0) return filter.statuses;
  return StatusBit(fb::CustomerStatus::Active) |
         StatusBit(fb::CustomerStatus::Inactive);
}

std::vector<uint64_t> CanonicalTags(std::vector<uint64_t> tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

Result<bool> RowPasses(Store* store, const rocksdb::ReadOptions& ro,
                       uint64_t account_id, const CustomerListFilter& filter,
                       const std::vector<uint64_t>& tags, rocksdb::Slice value,
                       std::string* storage, const fb::CustomerRow** row) {
  auto verified = VerifyRecord<fb::CustomerRow>(
      reinterpret_cast<const uint8_t*>(value.data()), value.size(), "row",
      storage);
  if (!verified.ok()) {
    return Status::Corruption("customer list: a stored row is damaged");
  }
  *row = *verified;
  if (!RowMatches(**verified, filter, EffectiveStatuses(filter))) return false;
  if (tags.empty()) return true;
  return CarriesTags(store, ro, account_id, (*verified)->id(), tags);
}

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
  if (filter.query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("query: at most 256 bytes");
  }
  if (!IsValidUtf8(filter.query)) {
    return Status::InvalidArgument("query: must be valid UTF-8");
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
  std::vector<uint64_t> tags = CanonicalTags(filter.tag_ids);
  query.push_back(static_cast<char>(tags.size()));
  for (uint64_t tag : tags) keys::PutBigEndian64(&query, tag);
  query += filter.query;
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
                 row});
  out.push_back({keys::CustomerRowByIdKey(c.account_id, c.id), row});
  // The customer's own search entries carry its row too, so that a search
  // reads no row for them (a contact's entries name only the customer).
  std::vector<std::string> search;
  AppendSearchWordKeys(c.account_id, c.display_name, c.id, c.id, &search);
  AppendPhoneSuffixKey(c.account_id, c.phone, c.id, c.id, &search);
  for (auto& key : search) out.push_back({std::move(key), row});
  return out;
}

namespace {

// What a page call shares: the store, the snapshot's read options, the
// filter and the order's prefix.
struct ListRead {
  Store* store;
  rocksdb::ReadOptions ro;
  uint64_t account_id;
  const CustomerListFilter& filter;
  uint32_t statuses;
  std::string prefix;  // of the order's row keys
};

// Whether a stored row passes the filter; `tags` are the tags still to
// check by point reads.
Result<bool> Keep(const ListRead& read, rocksdb::Slice value,
                  const std::vector<uint64_t>& tags) {
  std::string storage;
  const fb::CustomerRow* row = nullptr;
  return RowPasses(read.store, read.ro, read.account_id, read.filter, tags,
                   value, &storage, &row);
}

// A counter's value from the snapshot (0 when it was never written).
Result<uint64_t> ReadCount(const ListRead& read, const std::string& key) {
  std::string value;
  auto s = read.store->db()->Get(read.ro, read.store->family(Family::kCounters),
                                 key, &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "reading the customer list");
  if (value.size() != 8) {
    return Status::Corruption("customer list: a stored count is damaged");
  }
  return keys::GetBigEndian64(value.data());
}

// The list in its order, one row entry after another, each row judged by
// itself and by a point read of each tag's member entry.
Result<Page> ScanRows(const ListRead& read, const std::vector<uint64_t>& tags,
                      const std::string& after, size_t limit) {
  std::string end = keys::PrefixEnd(read.prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = read.ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      read.store->db()->NewIterator(ro, read.store->family(Family::kIndexes)));
  std::string start = read.prefix + after;
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
        keys::CustomerRowPosition(it->key().ToStringView(), read.filter.sort);
    if (!position) {
      return Status::Corruption("customer list: a row key is damaged");
    }
    page.last_position = *position;
    auto keep = Keep(read, it->value(), tags);
    if (!keep.ok()) return keep.status();
    if (!*keep) continue;
    page.items.push_back({std::move(*position), it->value().ToString()});
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the customer list");
  }
  page.done = !it->Valid();
  return page;
}

// The list of the customers that carry `rarest`: its member entries give
// the customers, each customer's record gives its row key in this order,
// and the rows after `after` are sorted in memory. Every call reads all
// the members, so it is only taken for a short member list.
Result<Page> ScanTagMembers(const ListRead& read, uint64_t rarest,
                            const std::vector<uint64_t>& other_tags,
                            const std::string& after, size_t limit) {
  std::string prefix = keys::TagMemberPrefix(read.account_id, rarest);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = read.ro;
  ro.iterate_upper_bound = &upper;
  auto* db = read.store->db();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(ro, read.store->family(Family::kIndexes)));

  std::vector<PageItem> found;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (it->key().size() != prefix.size() + 8) {
      return Status::Corruption("customer list: a tag member key is damaged");
    }
    uint64_t customer_id =
        keys::GetBigEndian64(it->key().data() + prefix.size());
    std::string record;
    auto s = db->Get(read.ro, read.store->family(Family::kRecords),
                     keys::CustomerKey(read.account_id, customer_id), &record);
    if (s.IsNotFound()) continue;  // the checker reports a stray member
    if (!s.ok()) return FromRocks(s, "reading the customer list");
    std::string storage;
    auto customer = VerifyRecord<fb::Customer>(
        reinterpret_cast<const uint8_t*>(record.data()), record.size(),
        "customer", &storage);
    if (!customer.ok()) {
      return Status::Corruption("customer " + std::to_string(customer_id) +
                                ": the stored record is damaged");
    }
    const fb::Customer& c = **customer;
    std::string key;
    switch (read.filter.sort) {
      case RowSort::kName:
        key = keys::CustomerRowByNameKey(read.account_id,
                                         FoldName(FlatString(c.display_name())),
                                         customer_id);
        break;
      case RowSort::kId:
        key = keys::CustomerRowByIdKey(read.account_id, customer_id);
        break;
      case RowSort::kLastActivity:
      case RowSort::kCreated:
        key = keys::CustomerRowByTimeKey(read.account_id, read.filter.sort,
                                         read.filter.sort == RowSort::kCreated
                                             ? c.created_at_ms()
                                             : c.last_activity_at_ms(),
                                         customer_id);
        break;
    }
    std::string position = key.substr(read.prefix.size());
    if (!after.empty() && position <= after) continue;
    std::string row;
    s = db->Get(read.ro, read.store->family(Family::kIndexes), key, &row);
    if (s.IsNotFound()) continue;  // the checker reports a missing row
    if (!s.ok()) return FromRocks(s, "reading the customer list");
    auto keep = Keep(read, row, other_tags);
    if (!keep.ok()) return keep.status();
    if (*keep) found.push_back({std::move(position), std::move(row)});
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the customer list");
  }

  std::sort(found.begin(), found.end(),
            [](const PageItem& a, const PageItem& b) {
              return a.position < b.position;
            });
  Page page;
  page.done = found.size() <= limit;
  if (!page.done) found.resize(limit);
  page.last_position = found.empty() ? after : found.back().position;
  page.items = std::move(found);
  return page;
}

}  // namespace

Result<Page> ListCustomers(Store* store, uint64_t account_id,
                           const CustomerListFilter& filter,
                           const std::string& after, size_t limit) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  CUSTDB_RETURN_IF_ERROR(ValidateListFilter(filter));
  if (IsSearch(filter.query)) {
    return SearchCustomers(store, account_id, filter, after, limit);
  }
  if (!after.empty() && !keys::IsCustomerRowPosition(after, filter.sort)) {
    return Status::InvalidArgument("resume_token: is damaged");
  }

  // The rows, the tag memberships and the counts are read from one
  // snapshot, so that a row is judged by the tags it had when it was read.
  SnapshotRead snapshot(store);
  ListRead read{store,
                snapshot.ro(),
                account_id,
                filter,
                EffectiveStatuses(filter),
                keys::CustomerRowPrefix(account_id, filter.sort)};
  std::vector<uint64_t> tags = CanonicalTags(filter.tag_ids);
  if (tags.empty()) return ScanRows(read, tags, after, limit);

  // The rarest tag decides the plan. Scanning the rows costs a row and a
  // point read for each of about limit * customers / members rows;
  // reading the members costs about 1.5 times that for each member, on
  // every page (docs/list.md has the measurements).
  uint64_t rarest = 0;
  uint64_t members = UINT64_MAX;
  for (uint64_t tag : tags) {
    auto count = ReadCount(
        read, keys::CounterKey(account_id, keys::CounterTag::kTagCount, tag));
    if (!count.ok()) return count.status();
    if (*count < members) {
      members = *count;
      rarest = tag;
    }
  }
  auto total =
      ReadCount(read, keys::CounterKey(account_id, keys::CounterTag::kTotal));
  if (!total.ok()) return total.status();
  auto archived = ReadCount(
      read, keys::CounterKey(account_id, keys::CounterTag::kArchived));
  if (!archived.ok()) return archived.status();
  uint64_t customers = *total + *archived;
  bool few =
      members <= kMaxMembersRead &&
      3 * members * members <= 2 * customers * std::max<size_t>(limit, 1);
  if (!few) return ScanRows(read, tags, after, limit);
  std::vector<uint64_t> others;
  for (uint64_t tag : tags) {
    if (tag != rarest) others.push_back(tag);
  }
  return ScanTagMembers(read, rarest, others, after, limit);
}

}  // namespace custdb
