// The rules a customer record obeys, applied to drafts and patches alike.
#pragma once

#include <cstddef>
#include <optional>

#include "custdb_generated.h"
#include "engine/common/status.h"

namespace custdb {

// Maximum lengths, in bytes of UTF-8.
inline constexpr size_t kMaxPersonNameBytes = 100;
inline constexpr size_t kMaxCompanyNameBytes = 200;
inline constexpr size_t kMaxReasonBytes = 500;
inline constexpr size_t kMaxInternalNotesBytes = 10000;
inline constexpr size_t kMaxPhoneInputBytes = 64;

// Copies a draft into a new record, unvalidated. The draft's primary
// contact is not part of the record; see NormalizePrimaryContact.
fb::CustomerT CustomerFromDraft(const fb::CustomerDraft& draft);

// The primary contact a company's draft names, trimmed and checked
// (first_name required when one is named; last_name optional; an email,
// when given, valid), or nothing when the draft names none or only empty
// fields. An individual may not name one: it is its own.
Result<std::optional<fb::PrimaryContactT>> NormalizePrimaryContact(
    const fb::CustomerDraft& draft);

// Applies a patch to a copy of a stored record, unvalidated. Fails when
// the patch tries to change the kind.
Status ApplyPatch(const fb::CustomerPatch& patch, fb::CustomerT* customer);

// Trims and checks every field, normalizes the phone to E.164, and sets
// the derived fields (display name, formatted phone). The first rule
// broken is returned, naming its field.
Status NormalizeCustomer(fb::CustomerT* customer);

}  // namespace custdb
