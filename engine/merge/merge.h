// Merging two customers of an account: everything the duplicate has moves
// to the survivor, the survivor's empty fields are filled from the
// duplicate, and the duplicate's id is left behind as a redirect to the
// survivor. All of it is one transaction. docs/merge.md gives the rules.
//
// Locks, in this order (see "Lock order" in docs/architecture.md): the
// target keys of the duplicate's links, in key order; the duplicate's
// tags, in id order; the two customers, the lower id first; the
// duplicate's phone lock; then the records and entries of the two
// customers' children, which only holders of their customer's lock add or
// move (a note or a file is deleted under its own lock alone, so one of
// the duplicate's may vanish while the merge runs; it is not moved).
#pragma once

#include <cstdint>
#include <string>

#include "custdb_generated.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

struct MergeOptions {
  // The duplicate's primary contact becomes the survivor's primary (when
  // the duplicate has one); otherwise the survivor's stays primary.
  bool keep_duplicate_contact = false;
  // Other than 0: merge only if the record's version is still this one
  // (kConflict otherwise).
  uint64_t expected_survivor_version = 0;
  uint64_t expected_duplicate_version = 0;
};

// The survivor's fields after a merge, before its version moves: the
// survivor with its empty fields filled from the duplicate and the flags,
// times, status and tags of both joined (docs/merge.md), normalized like
// any customer. primary_contact_id is left as the survivor's; the merge
// sets it.
Result<fb::CustomerT> MergedCustomer(const fb::CustomerT& survivor,
                                     const fb::CustomerT& duplicate);

class Merger {
 public:
  // Neither pointer is owned; both must outlive this object.
  Merger(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // A MergePreview: both records as stored, the survivor as the merge
  // would write it, and how many of each kind of record would move. It
  // runs the merge itself in a transaction that is rolled back, so the two
  // cannot disagree; it takes the merge's locks for that while and
  // commits nothing.
  Result<std::string> Preview(uint64_t account_id, uint64_t survivor_id,
                              uint64_t duplicate_id,
                              const MergeOptions& options);

  // Merges the duplicate into the survivor and returns the survivor's
  // Customer record as written. kInvalidArgument when the two ids are
  // equal; kNotFound when either is not a customer of the account (a
  // merged id included, its message naming the customer it was merged
  // into); kConflict when an expected version differs. Nothing changes on
  // failure.
  Result<std::string> Merge(uint64_t account_id, uint64_t survivor_id,
                            uint64_t duplicate_id, const MergeOptions& options);

 private:
  struct Outcome;
  Result<Outcome> Run(uint64_t account_id, uint64_t survivor_id,
                      uint64_t duplicate_id, const MergeOptions& options,
                      bool commit);

  Store* store_;
  Customers* customers_;
};

}  // namespace custdb
