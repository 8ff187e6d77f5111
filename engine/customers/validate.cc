#include "engine/customers/validate.h"

#include <string>

#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/normalize/phone.h"
#include "engine/normalize/text.h"

namespace custdb {
namespace {

std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

// Trims a single-line field in place and checks it.
Status CleanLine(std::string_view field, std::string* value, size_t max) {
  CUSTDB_RETURN_IF_ERROR(CheckTextField(field, *value, max));
  *value = std::string(TrimSpace(*value));
  return Status::Ok();
}

bool ValidKind(fb::CustomerKind k) {
  return k == fb::CustomerKind::Individual || k == fb::CustomerKind::Company;
}

bool ValidStatus(fb::CustomerStatus s) {
  return s >= fb::CustomerStatus::MIN && s <= fb::CustomerStatus::MAX;
}

bool ValidSource(fb::CustomerSource s) {
  return s >= fb::CustomerSource::MIN && s <= fb::CustomerSource::MAX;
}

}  // namespace

fb::CustomerT CustomerFromDraft(const fb::CustomerDraft& draft) {
  fb::CustomerT c;
  c.kind = draft.kind();
  c.status = draft.status();
  c.first_name = Str(draft.first_name());
  c.last_name = Str(draft.last_name());
  c.company_name = Str(draft.company_name());
  c.phone = Str(draft.phone());
  c.email = Str(draft.email());
  c.vip = draft.vip();
  c.do_not_contact = draft.do_not_contact();
  c.do_not_contact_reason = Str(draft.do_not_contact_reason());
  c.source = draft.source();
  c.internal_notes = Str(draft.internal_notes());
  return c;
}

Result<std::optional<fb::PrimaryContactT>> NormalizePrimaryContact(
    const fb::CustomerDraft& draft) {
  if (draft.primary_contact() == nullptr) {
    return std::optional<fb::PrimaryContactT>();
  }
  if (draft.kind() != fb::CustomerKind::Company) {
    return Status::InvalidArgument(
        "primary_contact: only a company names a primary contact; an "
        "individual is its own");
  }
  fb::PrimaryContactT pc;
  draft.primary_contact()->UnPackTo(&pc);
  CUSTDB_RETURN_IF_ERROR(CleanLine("primary_contact.first_name", &pc.first_name,
                                   kMaxPersonNameBytes));
  CUSTDB_RETURN_IF_ERROR(CleanLine("primary_contact.last_name", &pc.last_name,
                                   kMaxPersonNameBytes));
  if (!TrimSpace(pc.email).empty()) {
    auto email = ValidateEmail(pc.email, "primary_contact.email");
    if (!email.ok()) return email.status();
    pc.email = std::move(*email);
  } else {
    pc.email.clear();
  }
  if (pc.first_name.empty() && pc.last_name.empty() && pc.email.empty()) {
    return std::optional<fb::PrimaryContactT>();
  }
  if (pc.first_name.empty()) {
    return Status::InvalidArgument(
        "primary_contact.first_name: is required when a primary contact is "
        "named");
  }
  return std::optional<fb::PrimaryContactT>(std::move(pc));
}

Status ApplyPatch(const fb::CustomerPatch& patch, fb::CustomerT* c) {
  if (patch.kind().has_value() && *patch.kind() != c->kind) {
    return Status::InvalidArgument(
        "kind: the type of a customer never changes after creation");
  }
  auto set = [](const flatbuffers::String* from, std::string* to) {
    if (from != nullptr) *to = from->str();
  };
  set(patch.first_name(), &c->first_name);
  set(patch.last_name(), &c->last_name);
  set(patch.company_name(), &c->company_name);
  set(patch.phone(), &c->phone);
  set(patch.email(), &c->email);
  set(patch.internal_notes(), &c->internal_notes);
  if (patch.vip().has_value()) c->vip = *patch.vip();
  if (patch.source().has_value()) c->source = *patch.source();
  if (patch.status().has_value()) c->status = *patch.status();
  if (patch.do_not_contact().has_value()) {
    c->do_not_contact = *patch.do_not_contact();
    // Clearing the flag removes the reason with it, unless the patch
    // itself tries to keep one (which is then refused below).
    if (!c->do_not_contact) c->do_not_contact_reason.clear();
  }
  set(patch.do_not_contact_reason(), &c->do_not_contact_reason);
  return Status::Ok();
}

Status NormalizeCustomer(fb::CustomerT* c) {
  if (!ValidKind(c->kind)) {
    return Status::InvalidArgument("kind: must be Individual or Company");
  }
  if (!ValidStatus(c->status)) {
    return Status::InvalidArgument(
        "status: must be Active, Inactive or Archived");
  }
  if (!ValidSource(c->source)) {
    return Status::InvalidArgument(
        "source: must be Manual, Storefront, Referral, Import or Other");
  }
  CUSTDB_RETURN_IF_ERROR(
      CleanLine("first_name", &c->first_name, kMaxPersonNameBytes));
  CUSTDB_RETURN_IF_ERROR(
      CleanLine("last_name", &c->last_name, kMaxPersonNameBytes));
  CUSTDB_RETURN_IF_ERROR(
      CleanLine("company_name", &c->company_name, kMaxCompanyNameBytes));

  if (c->kind == fb::CustomerKind::Individual) {
    if (c->first_name.empty()) {
      return Status::InvalidArgument(
          "first_name: is required for an individual");
    }
    if (!c->company_name.empty()) {
      return Status::InvalidArgument(
          "company_name: an individual has no company name");
    }
    c->display_name = IndividualDisplayName(c->first_name, c->last_name);
  } else {
    if (c->company_name.empty()) {
      return Status::InvalidArgument("company_name: is required for a company");
    }
    if (!c->first_name.empty() || !c->last_name.empty()) {
      return Status::InvalidArgument(
          "first_name: a company has no first or last name; name its "
          "primary contact instead");
    }
    c->display_name = c->company_name;
  }

  if (TrimSpace(c->phone).empty()) {
    return Status::InvalidArgument("phone: is required");
  }
  auto phone = NormalizePhone(c->phone, "phone");
  if (!phone.ok()) return phone.status();
  c->phone = std::move(*phone);
  c->phone_display = FormatPhone(c->phone);

  if (!TrimSpace(c->email).empty()) {
    auto email = ValidateEmail(c->email, "email");
    if (!email.ok()) return email.status();
    c->email = std::move(*email);
  } else {
    c->email.clear();
  }

  CUSTDB_RETURN_IF_ERROR(CleanLine("do_not_contact_reason",
                                   &c->do_not_contact_reason, kMaxReasonBytes));
  if (c->do_not_contact && c->do_not_contact_reason.empty()) {
    return Status::InvalidArgument(
        "do_not_contact_reason: is required when do_not_contact is set");
  }
  if (!c->do_not_contact && !c->do_not_contact_reason.empty()) {
    return Status::InvalidArgument(
        "do_not_contact_reason: is only kept while do_not_contact is set");
  }
  CUSTDB_RETURN_IF_ERROR(CheckTextField("internal_notes", c->internal_notes,
                                        kMaxInternalNotesBytes,
                                        /*multiline=*/true));
  return Status::Ok();
}

}  // namespace custdb
