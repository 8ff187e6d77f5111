// The rules of a contact record, and what a stored contact writes besides
// itself. Shared by the contact operations and by the customer operations
// that make or mirror a contact (a create, an individual's update).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/utilities/transaction.h>

#include "custdb_generated.h"
#include "engine/common/status.h"
#include "engine/storage/store.h"

namespace custdb {

// Maximum lengths, in bytes of UTF-8 (an email's limit is ValidateEmail's).
inline constexpr size_t kMaxContactNameBytes = 100;

// Copies a draft into a new record, unvalidated.
fb::ContactT ContactFromDraft(const fb::ContactDraft& draft);

// Applies a patch to a copy of a stored record, unvalidated: an absent
// field stays, a present string replaces the value (empty clears it).
void ApplyContactPatch(const fb::ContactPatch& patch, fb::ContactT* contact);

// Trims and checks every field: first_name is required, last_name
// optional (100 bytes each); a phone, when given, is a US number and
// becomes E.164 with its display form; an email, when given, must be
// valid; the preferred channel must be a known value (Unspecified is).
// Sets display_name. The first rule broken is returned, naming its field.
Status NormalizeContact(fb::ContactT* contact);

// The index entries a stored contact implies: its child entry under its
// customer, and its phone and lower-cased email when it has them. Shared
// by the write paths and the checker.
std::vector<std::string> IndexKeysOf(const fb::ContactT& contact);

// Writes `after` (null: deletes the record) in place of `before` (null: a
// new record) inside `txn`, with its index entries. Returns the bytes
// written (empty after a delete). `customer_is_new`: the contact's
// customer is created by `txn` (see ReplaceIndexEntries).
Result<std::string> WriteContact(Store* store, rocksdb::Transaction* txn,
                                 const fb::ContactT* before,
                                 const fb::ContactT* after,
                                 bool customer_is_new = false);

}  // namespace custdb
