// Duplicate detection: the likely duplicates of one customer, and every
// likely duplicate pair of an account, found through the indexes and
// ranked by the rules of docs/duplicates.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "custdb_generated.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

struct DuplicateOptions {
  size_t limit = 10;  // candidates at most
};

// A value (a phone, an email, an address) shared by more customers than
// this is a switchboard or a shared office: it is not evidence that any
// two of them are one customer, and is ignored.
inline constexpr size_t kMaxSharedValue = 50;

// The report is a list computed once, then paged: the pairs in order,
// each a finished fb::DuplicatePair buffer with its position.
using DuplicateReport = std::vector<PageItem>;

class Duplicates {
 public:
  // Neither pointer is owned; both must outlive this object.
  Duplicates(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // A finished fb::DuplicateList: the candidates for one customer,
  // ordered by confidence, score, then id. kNotFound when the customer is
  // not in the account, or was merged into another (the message says
  // which).
  Result<std::string> Find(uint64_t account_id, uint64_t customer_id,
                           const DuplicateOptions& options);

  // Every likely duplicate pair of the account, from one pass over each
  // exact index; never a comparison of all pairs.
  Result<std::shared_ptr<const DuplicateReport>> Report(uint64_t account_id);

 private:
  Store* store_;
  Customers* customers_;
};

// The items of a report after `after` (a position), at most `limit`.
Page ReportPage(const DuplicateReport& report, const std::string& after,
                size_t limit);

}  // namespace custdb
