// The customer list: the table a dispatcher keeps open, filtered, sorted
// and paged, read from row entries that hold what the table shows (see
// docs/list.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "custdb_generated.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"
#include "engine/storage/transaction.h"

namespace custdb {

// The most tags one list may require.
inline constexpr size_t kMaxListTags = 16;

// A status as a bit of CustomerListFilter::statuses.
constexpr uint32_t StatusBit(fb::CustomerStatus status) {
  return 1u << static_cast<uint32_t>(status);
}
inline constexpr uint32_t kAllStatuses =
    StatusBit(fb::CustomerStatus::Active) |
    StatusBit(fb::CustomerStatus::Inactive) |
    StatusBit(fb::CustomerStatus::Archived);

// How a flag (VIP, do-not-contact) narrows the list.
enum class FlagFilter : uint8_t { kAny = 0, kOnly = 1, kExclude = 2 };

// Which customers a list shows and in which order. The defaults are the
// list a dispatcher opens: every customer that is not archived, by name.
struct CustomerListFilter {
  uint32_t statuses = 0;  // StatusBit()s; 0: active and inactive
  fb::CustomerKind kind = fb::CustomerKind::Unspecified;  // Unspecified: any
  FlagFilter vip = FlagFilter::kAny;
  FlagFilter do_not_contact = FlagFilter::kAny;
  std::vector<uint64_t> tag_ids;  // a customer must carry all of them
  keys::RowSort sort = keys::RowSort::kName;
  // Search text (engine/customers/customer_search.h); empty, or text with
  // nothing to search for, lists by `sort`.
  std::string query;
};

// The longest search text, in bytes.
inline constexpr size_t kMaxQueryBytes = 256;

// Checks a filter's values; the message names the field ("statuses").
Status ValidateListFilter(const CustomerListFilter& filter);

// The filter as canonical bytes (tags sorted, duplicates dropped, the
// default statuses spelled out), which a resume token is bound to.
std::string ListQuery(const CustomerListFilter& filter);

// A customer's list row, as stored and as returned: a finished
// fb::CustomerRow buffer.
std::string CustomerRowOf(const fb::CustomerT& customer);

// The row entries a customer contributes, each valued with its row: one
// for each order of the list, one by id, and its own search entries (the
// words of its display name, the end of its phone); shared by the write
// path and the checker.
std::vector<IndexValueEntry> RowEntriesOf(const fb::CustomerT& customer);

// The statuses a filter shows (its default spelled out).
uint32_t EffectiveStatuses(const CustomerListFilter& filter);

// Whether a stored row (`value`, a CustomerRow buffer) passes every filter
// but the search text, the tags by point reads of their member entries
// from `ro`; `tags` are the canonical tags still to check. `*row` is the
// verified row, which lives as long as `value` and `*storage`.
Result<bool> RowPasses(Store* store, const rocksdb::ReadOptions& ro,
                       uint64_t account_id, const CustomerListFilter& filter,
                       const std::vector<uint64_t>& tags, rocksdb::Slice value,
                       std::string* storage, const fb::CustomerRow** row);

// The tags sorted and each once.
std::vector<uint64_t> CanonicalTags(std::vector<uint64_t> tags);

// Reads the list after `after` (a position from an earlier page; empty:
// from the start): at most `limit` rows. One call examines a bounded
// number of entries; when the filter skipped them all, the page is empty
// and not done, and last_position says where to go on.
Result<Page> ListCustomers(Store* store, uint64_t account_id,
                           const CustomerListFilter& filter,
                           const std::string& after, size_t limit);

}  // namespace custdb
