#include "engine/contacts/contact_record.h"

#include "engine/match/match_name.h"
#include "engine/match/search_words.h"
#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/normalize/phone.h"
#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "engine/storage/write_record.h"

namespace custdb {
namespace {

using keys::IndexTag;
using keys::RecordTag;

std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

Status CleanLine(std::string_view field, std::string* value, size_t max) {
  CUSTDB_RETURN_IF_ERROR(CheckTextField(field, *value, max));
  *value = std::string(TrimSpace(*value));
  return Status::Ok();
}

}  // namespace

fb::ContactT ContactFromDraft(const fb::ContactDraft& draft) {
  fb::ContactT c;
  c.first_name = Str(draft.first_name());
  c.last_name = Str(draft.last_name());
  c.phone = Str(draft.phone());
  c.email = Str(draft.email());
  c.preferred_channel = draft.preferred_channel();
  c.primary = draft.primary();
  return c;
}

void ApplyContactPatch(const fb::ContactPatch& patch, fb::ContactT* c) {
  auto set = [](const flatbuffers::String* from, std::string* to) {
    if (from != nullptr) *to = from->str();
  };
  set(patch.first_name(), &c->first_name);
  set(patch.last_name(), &c->last_name);
  set(patch.phone(), &c->phone);
  set(patch.email(), &c->email);
  if (patch.preferred_channel().has_value()) {
    c->preferred_channel = *patch.preferred_channel();
  }
}

Status NormalizeContact(fb::ContactT* c) {
  CUSTDB_RETURN_IF_ERROR(
      CleanLine("first_name", &c->first_name, kMaxContactNameBytes));
  CUSTDB_RETURN_IF_ERROR(
      CleanLine("last_name", &c->last_name, kMaxContactNameBytes));
  if (c->first_name.empty()) {
    return Status::InvalidArgument("first_name: is required for a contact");
  }
  c->display_name = IndividualDisplayName(c->first_name, c->last_name);

  if (!TrimSpace(c->phone).empty()) {
    auto phone = NormalizePhone(c->phone, "phone");
    if (!phone.ok()) return phone.status();
    c->phone = std::move(*phone);
    c->phone_display = FormatPhone(c->phone);
  } else {
    c->phone.clear();
    c->phone_display.clear();
  }

  if (!TrimSpace(c->email).empty()) {
    auto email = ValidateEmail(c->email, "email");
    if (!email.ok()) return email.status();
    c->email = std::move(*email);
  } else {
    c->email.clear();
  }

  if (c->preferred_channel < fb::PreferredChannel::MIN ||
      c->preferred_channel > fb::PreferredChannel::MAX) {
    return Status::InvalidArgument(
        "preferred_channel: must be Unspecified, Sms, Email or Phone");
  }
  return Status::Ok();
}

std::vector<std::string> IndexKeysOf(const fb::ContactT& c) {
  std::vector<std::string> out;
  out.push_back(
      keys::ChildKey(c.account_id, c.customer_id, RecordTag::kContact, c.id));
  if (!c.phone.empty()) {
    out.push_back(keys::ChildIndexKey(c.account_id, IndexTag::kPhone, c.phone,
                                      c.customer_id, c.id));
    AppendPhoneSuffixKey(c.account_id, c.phone, c.customer_id, c.id, &out);
  }
  if (!c.email.empty()) {
    out.push_back(keys::ChildIndexKey(c.account_id, IndexTag::kEmail,
                                      EmailKey(c.email), c.customer_id, c.id));
    out.push_back(keys::ChildIndexKey(c.account_id, IndexTag::kLooseEmail,
                                      LooseEmailKey(c.email), c.customer_id,
                                      c.id));
  }
  AppendTrigramKeys(c.account_id, c.display_name, NameKind::kPerson,
                    c.customer_id, &out);
  AppendSearchWordKeys(c.account_id, c.display_name, c.customer_id, c.id, &out);
  return out;
}

Result<std::string> WriteContact(Store* store, rocksdb::Transaction* txn,
                                 const fb::ContactT* before,
                                 const fb::ContactT* after,
                                 bool customer_is_new) {
  return WriteRecordAndEntries(
      store, txn, RecordTag::kContact, "contact", before, after,
      [](const fb::ContactT& c) { return IndexKeysOf(c); }, customer_is_new);
}

}  // namespace custdb
