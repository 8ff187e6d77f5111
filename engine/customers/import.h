// Importing customers in batches: many new customers, each with its
// link, contacts, locations, timeline entries and tags, written in one
// transaction (docs/import.md).
#pragma once

#include <cstdint>
#include <string>

#include "custdb_generated.h"
#include "engine/common/status.h"
#include "engine/contacts/contacts.h"
#include "engine/customers/customers.h"
#include "engine/links/links.h"
#include "engine/locations/locations.h"
#include "engine/storage/store.h"
#include "engine/tags/tags.h"
#include "engine/timeline/timeline.h"

namespace custdb {

// The rows a batch may hold at most.
inline constexpr size_t kMaxImportRows = 10000;

// The modules a row is written through; none is owned.
struct ImportServices {
  Store* store;
  Customers* customers;
  Contacts* contacts;
  Locations* locations;
  Timeline* timeline;
  Links* links;
  Tags* tags;
};

// Imports the rows of `batch` in their order, each as the single calls
// would write it (create, then link add, contact and location adds,
// timeline appends, with the tags on the customer from the start), and
// returns an ImportResult with the outcome of every row:
//   Created   the customer and everything the row names were written;
//   Existing  the phone belongs to a customer whose name agrees (as
//             Customers::Create decides, `options` included): that
//             customer's id, and nothing of the row written;
//   Linked    the row's link is held by a customer already: its id, and
//             nothing written;
//   Rejected  a part of the row is invalid: nothing of the row written,
//             and the error names the row and field
//             ("rows[3].contacts[0].email: ...").
// A later row sees what the earlier ones created. The rows that are
// written all commit together, or nothing does when the call fails (a
// storage error, never an invalid row).
//
// Locks: the link targets of every row, then their tags, then their
// phones, each in sorted order, before any row writes; then what each
// row's create takes after its phone, and its new customer's own keys.
// A batch holds them until it commits, so that other writers of those
// keys wait for the batch.
Result<std::string> ImportCustomers(const ImportServices& services,
                                    uint64_t account_id,
                                    const fb::ImportBatch& batch,
                                    const CreateOptions& options);

}  // namespace custdb
