#include "engine/timeline/timeline.h"

#include <memory>
#include <optional>

#include <rocksdb/snapshot.h>

#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

bool IsDirection(fb::Direction d) {
  return d == fb::Direction::Inbound || d == fb::Direction::Outbound;
}

// Copies a draft into an entry and checks every field. The texts are kept
// as given: a summary may span lines, and a reference is the host's id,
// compared byte for byte.
Result<fb::TimelineEntryT> EntryFromDraft(const fb::TimelineEntryDraft& d) {
  fb::TimelineEntryT e;
  e.channel = d.channel();
  e.direction = d.direction();
  e.occurred_at_ms = d.occurred_at_ms();
  e.contact_id = d.contact_id();
  e.summary = FlatString(d.summary());
  e.external_ref = FlatString(d.external_ref());
  if (!Timeline::IsEntryChannel(e.channel)) {
    return Status::InvalidArgument(
        "channel: must be Sms, Email, Call or AiSession");
  }
  if (!IsDirection(e.direction)) {
    return Status::InvalidArgument("direction: must be Inbound or Outbound");
  }
  if (e.occurred_at_ms <= 0) {
    return Status::InvalidArgument(
        "occurred_at_ms: is required, in milliseconds after the Unix epoch");
  }
  CUSTDB_RETURN_IF_ERROR(CheckTextField("summary", e.summary,
                                        kMaxTimelineSummaryBytes,
                                        /*multiline=*/true));
  CUSTDB_RETURN_IF_ERROR(
      CheckTextField("external_ref", e.external_ref, kMaxExternalRefBytes));
  return e;
}

Status VerifyEntry(const std::string& bytes, std::string_view what) {
  std::string storage;
  auto root = VerifyRecord<fb::TimelineEntry>(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), what,
      &storage);
  if (!root.ok()) {
    return Status::Corruption(std::string(what) +
                              ": the stored record is damaged");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> WriteTimelineEntry(Store* store, rocksdb::Transaction* txn,
                                       const fb::TimelineEntryT* before,
                                       const fb::TimelineEntryT* after) {
  auto entry_key = [](const fb::TimelineEntryT& e) {
    return keys::TimelineKey(e.account_id, e.customer_id, e.occurred_at_ms,
                             e.id);
  };
  auto channel_key = [](const fb::TimelineEntryT& e) {
    return keys::TimelineChannelKey(e.account_id, e.customer_id,
                                    static_cast<uint8_t>(e.channel),
                                    e.occurred_at_ms, e.id);
  };
  auto* timeline = store->family(Family::kTimeline);
  auto* indexes = store->family(Family::kIndexes);
  if (before != nullptr) {
    auto s = txn->Delete(timeline, entry_key(*before));
    if (s.ok()) s = txn->Delete(timeline, channel_key(*before));
    if (s.ok() && !before->external_ref.empty()) {
      s = txn->Delete(
          indexes, keys::TimelineRefKey(before->account_id, before->customer_id,
                                        before->external_ref));
    }
    if (!s.ok()) return FromRocks(s, "writing a timeline entry");
  }
  if (after == nullptr) return std::string();
  std::string key = entry_key(*after);
  std::string record = PackRecord(*after);
  std::string ref_key;
  if (!after->external_ref.empty()) {
    ref_key = keys::TimelineRefKey(after->account_id, after->customer_id,
                                   after->external_ref);
  }
  if (before == nullptr) {
    // A new entry's keys name its fresh id, and its reference is new
    // too when its customer is (a bulk transaction's): no lock is needed.
    CUSTDB_RETURN_IF_ERROR(
        PutUnlocked(store, txn, Family::kTimeline, key, record));
    CUSTDB_RETURN_IF_ERROR(PutUnlocked(store, txn, Family::kTimeline,
                                       channel_key(*after), rocksdb::Slice()));
  } else {
    auto s = txn->Put(timeline, key, record);
    if (s.ok()) s = txn->Put(timeline, channel_key(*after), rocksdb::Slice());
    if (!s.ok()) return FromRocks(s, "writing a timeline entry");
  }
  if (ref_key.empty()) return record;
  if (before == nullptr && BulkWrites::Created(txn, after->customer_id)) {
    CUSTDB_RETURN_IF_ERROR(
        PutUnlocked(store, txn, Family::kIndexes, ref_key, key));
    return record;
  }
  auto s = txn->Put(indexes, ref_key, key);
  if (!s.ok()) return FromRocks(s, "writing a timeline entry");
  return record;
}

bool Timeline::IsEntryChannel(fb::TimelineChannel channel) {
  return channel > fb::TimelineChannel::Unspecified &&
         channel <= fb::TimelineChannel::MAX;
}

Result<AppendResult> Timeline::Append(uint64_t account_id, uint64_t customer_id,
                                      const fb::TimelineEntryDraft& draft) {
  return InTransaction<AppendResult>(
      store_, [&](rocksdb::Transaction* txn) -> Result<AppendResult> {
        auto appended =
            AppendInTransaction(txn, account_id, customer_id, draft);
        if (!appended.ok() || appended->existed) return appended;
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "append");
        return appended;
      });
}

Result<AppendResult> Timeline::AppendInTransaction(
    rocksdb::Transaction* txn, uint64_t account_id, uint64_t customer_id,
    const fb::TimelineEntryDraft& draft) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto entry = EntryFromDraft(draft);
  if (!entry.ok()) return entry.status();
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();
  // Locks: the customer, then its reference, then the contact. The
  // customer's lock alone already serializes the appends of one
  // customer; the reference's own lock keeps "one entry per
  // reference" true without relying on that.
  auto before = customers_->LockForChild(txn, account_id, customer_id);
  if (!before.ok()) return before.status();

  std::string ref_key;
  if (!entry->external_ref.empty()) {
    ref_key =
        keys::TimelineRefKey(account_id, customer_id, entry->external_ref);
    auto named = ReadInTransaction(
        store_, txn, Family::kIndexes, ref_key,
        /*for_update=*/!BulkWrites::Created(txn, customer_id));
    if (!named.ok()) return named.status();
    if (named->has_value()) {
      auto stored = ReadInTransaction(store_, txn, Family::kTimeline, **named,
                                      /*for_update=*/false);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) {
        return Status::Corruption(
            "append: the reference index names a missing timeline "
            "entry");
      }
      CUSTDB_RETURN_IF_ERROR(VerifyEntry(**stored, "timeline entry"));
      return AppendResult{std::move(**stored), true};
    }
  }
  if (entry->contact_id != 0) {
    CUSTDB_RETURN_IF_ERROR(
        CheckContact(txn, account_id, customer_id, entry->contact_id));
  }

  entry->id = *id;
  entry->account_id = account_id;
  entry->customer_id = customer_id;
  entry->created_at_ms = NowMs();
  auto record = WriteTimelineEntry(store_, txn, nullptr, &*entry);
  if (!record.ok()) return record.status();

  // An entry from the past leaves the last activity where it is.
  if (entry->occurred_at_ms > before->last_activity_at_ms) {
    fb::CustomerT after = *before;
    after.last_activity_at_ms = entry->occurred_at_ms;
    auto written = customers_->WriteInTransaction(
        txn, *before, std::move(after), /*bump_version=*/false);
    if (!written.ok()) return written.status();
  }
  return AppendResult{std::move(*record), false};
}

Status Timeline::CheckContact(rocksdb::Transaction* txn, uint64_t account_id,
                              uint64_t customer_id, uint64_t contact_id) {
  // Locked, so that the contact cannot move to another customer before
  // the entry that names it commits.
  auto stored = ReadInTransaction(
      store_, txn, Family::kRecords,
      keys::RecordKey(account_id, keys::RecordTag::kContact, contact_id),
      /*for_update=*/true);
  if (!stored.ok()) return stored.status();
  std::string not_found = "contact_id: contact " + std::to_string(contact_id) +
                          " is not a contact of this customer";
  if (!stored->has_value()) return Status::NotFound(not_found);
  std::string storage;
  auto contact = VerifyRecord<fb::Contact>(
      reinterpret_cast<const uint8_t*>((*stored)->data()), (*stored)->size(),
      "contact", &storage);
  if (!contact.ok()) {
    return Status::Corruption("contact " + std::to_string(contact_id) +
                              ": the stored record is damaged");
  }
  if ((*contact)->customer_id() != customer_id) {
    return Status::NotFound(not_found);
  }
  return Status::Ok();
}

Result<Page> Timeline::List(uint64_t account_id, uint64_t customer_id,
                            fb::TimelineChannel channel,
                            const std::string& after, size_t limit) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  bool all = channel == fb::TimelineChannel::Unspecified;
  if (!all && !IsEntryChannel(channel)) {
    return Status::InvalidArgument(
        "channel: must be 0 (all) or Sms, Email, Call or AiSession");
  }
  std::optional<keys::TimelinePositionParts> position;
  if (!after.empty()) {
    position = keys::ParseTimelinePosition(after);
    if (!position) return Status::InvalidArgument("resume_token: is damaged");
  }
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();

  // The whole list reads its own keys and, for a channel, each entry from
  // one snapshot, so an entry's two keys are never seen half written.
  uint8_t channel_byte = static_cast<uint8_t>(channel);
  auto key_at = [&](int64_t occurred_at_ms, uint64_t entry_id) {
    return all ? keys::TimelineKey(account_id, customer_id, occurred_at_ms,
                                   entry_id)
               : keys::TimelineChannelKey(account_id, customer_id, channel_byte,
                                          occurred_at_ms, entry_id);
  };
  std::string prefix =
      all ? keys::TimelinePrefix(account_id, customer_id)
          : keys::TimelineChannelPrefix(account_id, customer_id, channel_byte);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ManagedSnapshot snapshot(store_->db());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  rocksdb::ReadOptions scan = read;
  scan.iterate_upper_bound = &upper;
  auto* family = store_->family(Family::kTimeline);
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(scan, family));
  if (position) {
    std::string from = key_at(position->occurred_at_ms, position->entry_id);
    it->Seek(from);
    if (it->Valid() && it->key() == rocksdb::Slice(from)) it->Next();
  } else {
    it->Seek(prefix);
  }

  Page page;
  page.last_position = after;
  for (; it->Valid() && page.items.size() < limit; it->Next()) {
    auto parts = keys::ParseTimelineKey(it->key().ToStringView());
    if (!parts) return Status::Corruption("list: a timeline key is damaged");
    std::string here =
        keys::TimelinePosition(parts->occurred_at_ms, parts->entry_id);
    std::string record;
    if (all) {
      record = it->value().ToString();
    } else {
      auto s = store_->db()->Get(
          read, family,
          keys::TimelineKey(account_id, customer_id, parts->occurred_at_ms,
                            parts->entry_id),
          &record);
      if (!s.ok()) {
        return s.IsNotFound()
                   ? Status::Corruption(
                         "list: a channel key names a missing timeline entry")
                   : FromRocks(s, "reading the timeline");
      }
    }
    CUSTDB_RETURN_IF_ERROR(VerifyEntry(record, "timeline entry"));
    page.last_position = here;
    page.items.push_back({std::move(here), std::move(record)});
  }
  if (!it->status().ok())
    return FromRocks(it->status(), "reading the timeline");
  page.done = !it->Valid();
  return page;
}

}  // namespace custdb

namespace custdb {

void ExpectTimelineEntry(const keys::TimelineKeyParts& key,
                         std::string_view value, CheckContext& context) {
  std::string label = "timeline entry " + std::to_string(key.entry_id);
  std::string storage;
  auto root = VerifyRecord<fb::TimelineEntry>(
      reinterpret_cast<const uint8_t*>(value.data()), value.size(), "record",
      &storage);
  if (!root.ok()) {
    context.Issue(key.account_id, key.customer_id,
                  label + ": the record is damaged");
    return;
  }
  fb::TimelineEntryT e;
  (*root)->UnPackTo(&e);
  if (e.id != key.entry_id || e.account_id != key.account_id ||
      e.customer_id != key.customer_id ||
      e.occurred_at_ms != key.occurred_at_ms) {
    context.Issue(key.account_id, key.customer_id,
                  label +
                      ": the record's id, account, customer or time "
                      "differs from its key");
    return;
  }
  if (!Timeline::IsEntryChannel(e.channel) ||
      (e.direction != fb::Direction::Inbound &&
       e.direction != fb::Direction::Outbound) ||
      e.occurred_at_ms <= 0) {
    context.Issue(key.account_id, key.customer_id,
                  label + ": its channel, direction or time is not valid");
  }
  if (!context.HasCustomer(e.account_id, e.customer_id)) {
    context.Issue(key.account_id, key.customer_id,
                  label + ": its customer does not exist");
  }
  std::string entry_key =
      keys::TimelineKey(e.account_id, e.customer_id, e.occurred_at_ms, e.id);
  context.ExpectTimelineKey(keys::TimelineChannelKey(
      e.account_id, e.customer_id, static_cast<uint8_t>(e.channel),
      e.occurred_at_ms, e.id));
  if (!e.external_ref.empty()) {
    context.ExpectIndex(
        keys::TimelineRefKey(e.account_id, e.customer_id, e.external_ref),
        std::move(entry_key));
  }
  context.NoteActivity(e.account_id, e.customer_id, e.occurred_at_ms);
}

}  // namespace custdb
