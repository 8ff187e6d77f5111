#include "engine/merge/merge.h"

#include <algorithm>
#include <set>
#include <vector>

#include "engine/contacts/contact_record.h"
#include "engine/customers/children.h"
#include "engine/customers/validate.h"
#include "engine/files/files.h"
#include "engine/links/links.h"
#include "engine/locations/locations.h"
#include "engine/portal/portal.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "engine/timeline/notes.h"
#include "engine/timeline/timeline.h"

namespace custdb {

struct Merger::Outcome {
  fb::CustomerT survivor;
  fb::CustomerT duplicate;
  std::string merged;  // the survivor's record as written
  uint64_t contacts = 0;
  uint64_t locations = 0;
  uint64_t timeline_entries = 0;
  uint64_t notes = 0;
  uint64_t files = 0;
  uint64_t tags = 0;
  uint64_t links = 0;
  uint64_t portal_links = 0;
};

namespace {

using keys::RecordTag;

// Keys are read in pages of this many, so that a customer with many
// children is never held in memory at once.
constexpr size_t kPageKeys = 256;

// Calls `visit(key)` for every key of `family` under `prefix`, read
// through `txn` a page at a time. `visit` may delete the key it is given.
template <typename Visit>
Status ForEachKey(Store* store, rocksdb::Transaction* txn, Family family,
                  const std::string& prefix, Visit visit) {
  std::string after;
  for (;;) {
    auto page = ScanKeys(store, txn, family, prefix, after, kPageKeys);
    if (!page.ok()) return page.status();
    for (const auto& key : *page) CUSTDB_RETURN_IF_ERROR(visit(key));
    if (page->size() < kPageKeys) return Status::Ok();
    after = page->back();
  }
}

// Calls `move(record)` for every child of one kind of a customer, each
// read and locked through `txn`.
template <typename T, typename Move>
Status ForEachChild(Store* store, rocksdb::Transaction* txn,
                    uint64_t account_id, uint64_t customer_id, RecordTag tag,
                    std::string_view what, Move move) {
  return ForEachKey(
      store, txn, Family::kIndexes,
      keys::ChildPrefix(account_id, customer_id, tag),
      [&](const std::string& key) -> Status {
        auto entry = keys::ParseChildKey(key);
        if (!entry) return Status::Corruption("a child index key is damaged");
        auto child = ReadChild<T>(store, txn, account_id, tag, entry->child_id,
                                  what, /*for_update=*/true);
        if (!child.ok()) return child.status();
        if (!child->has_value()) {
          // Deleting a note or a file locks only its own record, so one may
          // be deleted between the scan and this read: then its list entry
          // is gone too, and there is nothing to move.
          auto listed = ReadInTransaction(store, txn, Family::kIndexes, key,
                                          /*for_update=*/false);
          if (!listed.ok()) return listed.status();
          if (!listed->has_value()) return Status::Ok();
        }
        if (!child->has_value() ||
            (*child)->record.customer_id != customer_id) {
          return Status::Corruption(std::string(what) + " " +
                                    std::to_string(entry->child_id) +
                                    ": its customer's list entry names no "
                                    "record of that customer");
        }
        return move((*child)->record);
      });
}

// The merge's order of activity: an active customer before an inactive
// one, either before an archived one.
int ActivityRank(fb::CustomerStatus status) {
  switch (status) {
    case fb::CustomerStatus::Active:
      return 0;
    case fb::CustomerStatus::Inactive:
      return 1;
    default:
      return 2;
  }
}

Status CheckExpected(const fb::CustomerT& customer, uint64_t expected) {
  if (expected == 0 || customer.version == expected) return Status::Ok();
  return Status::Conflict("customer " + std::to_string(customer.id) +
                          ": version is " + std::to_string(customer.version) +
                          ", not the expected " + std::to_string(expected));
}

// The target keys of a customer's links, in key order.
Result<std::set<std::string>> LinkTargets(Store* store,
                                          rocksdb::Transaction* txn,
                                          uint64_t account_id,
                                          uint64_t customer_id) {
  std::set<std::string> targets;
  CUSTDB_RETURN_IF_ERROR(ForEachKey(
      store, txn, Family::kIndexes, keys::LinkPrefix(account_id, customer_id),
      [&](const std::string& key) -> Status {
        auto parts = keys::ParseLinkKey(key);
        if (!parts) return Status::Corruption("a link key is damaged");
        targets.insert(
            keys::LinkTargetKey(account_id, parts->kind, parts->external_id));
        return Status::Ok();
      }));
  return targets;
}

Result<fb::CustomerT> Unpack(const std::string& bytes) {
  fb::CustomerT out;
  flatbuffers::GetRoot<fb::Customer>(bytes.data())->UnPackTo(&out);
  return out;
}

}  // namespace

Result<fb::CustomerT> MergedCustomer(const fb::CustomerT& survivor,
                                     const fb::CustomerT& duplicate) {
  fb::CustomerT merged = survivor;
  auto fill = [](std::string* field, const std::string& from) {
    if (field->empty()) *field = from;
  };
  // A field fills only from a customer of the same kind: an individual has
  // no company name and a company no last name.
  if (survivor.kind == duplicate.kind) {
    fill(&merged.last_name, duplicate.last_name);
    fill(&merged.company_name, duplicate.company_name);
  }
  fill(&merged.email, duplicate.email);
  if (merged.internal_notes.empty()) {
    merged.internal_notes = duplicate.internal_notes;
  } else if (!duplicate.internal_notes.empty() &&
             duplicate.internal_notes != merged.internal_notes) {
    // Both kept when they fit the field together; else the survivor's.
    std::string joined =
        merged.internal_notes + "\n\n" + duplicate.internal_notes;
    if (joined.size() <= kMaxInternalNotesBytes) {
      merged.internal_notes = std::move(joined);
    }
  }
  if (!survivor.do_not_contact && duplicate.do_not_contact) {
    merged.do_not_contact = true;
    merged.do_not_contact_reason = duplicate.do_not_contact_reason;
  }
  merged.vip = survivor.vip || duplicate.vip;
  if (ActivityRank(duplicate.status) < ActivityRank(survivor.status)) {
    merged.status = duplicate.status;
  }
  merged.created_at_ms =
      std::min(survivor.created_at_ms, duplicate.created_at_ms);
  merged.last_activity_at_ms =
      std::max(survivor.last_activity_at_ms, duplicate.last_activity_at_ms);
  std::vector<uint64_t> tags;
  std::set_union(survivor.tag_ids.begin(), survivor.tag_ids.end(),
                 duplicate.tag_ids.begin(), duplicate.tag_ids.end(),
                 std::back_inserter(tags));
  merged.tag_ids = std::move(tags);
  CUSTDB_RETURN_IF_ERROR(NormalizeCustomer(&merged));
  return merged;
}

Result<std::string> Merger::Preview(uint64_t account_id, uint64_t survivor_id,
                                    uint64_t duplicate_id,
                                    const MergeOptions& options) {
  auto outcome = Run(account_id, survivor_id, duplicate_id, options, false);
  if (!outcome.ok()) return outcome.status();
  auto merged = Unpack(outcome->merged);
  if (!merged.ok()) return merged.status();
  fb::MergePreviewT preview;
  preview.survivor = std::make_unique<fb::CustomerT>(outcome->survivor);
  preview.duplicate = std::make_unique<fb::CustomerT>(outcome->duplicate);
  preview.merged = std::make_unique<fb::CustomerT>(std::move(*merged));
  preview.contacts = outcome->contacts;
  preview.locations = outcome->locations;
  preview.timeline_entries = outcome->timeline_entries;
  preview.notes = outcome->notes;
  preview.files = outcome->files;
  preview.tags = outcome->tags;
  preview.links = outcome->links;
  preview.portal_links = outcome->portal_links;
  return PackRecord(preview);
}

Result<std::string> Merger::Merge(uint64_t account_id, uint64_t survivor_id,
                                  uint64_t duplicate_id,
                                  const MergeOptions& options) {
  auto outcome = Run(account_id, survivor_id, duplicate_id, options, true);
  if (!outcome.ok()) return outcome.status();
  return std::move(outcome->merged);
}

Result<Merger::Outcome> Merger::Run(uint64_t account_id, uint64_t survivor_id,
                                    uint64_t duplicate_id,
                                    const MergeOptions& options, bool commit) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, survivor_id, "survivor_id"));
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, duplicate_id, "duplicate_id"));
  if (survivor_id == duplicate_id) {
    return Status::InvalidArgument(
        "duplicate_id: must differ from survivor_id");
  }
  return InTransaction<
      Outcome>(store_, [&](rocksdb::Transaction* txn) -> Result<Outcome> {
    // The keys ranked before customers must be locked before them, and
    // which they are is known only from the duplicate: read it and its
    // links unlocked, lock their keys, then the customers, and start
    // again should the duplicate have gained a tag or a link between.
    auto peek = customers_->GetOwn(account_id, duplicate_id);
    if (!peek.ok()) return peek.status();
    auto peeked = Unpack(*peek);
    if (!peeked.ok()) return peeked.status();
    auto targets = LinkTargets(store_, nullptr, account_id, duplicate_id);
    if (!targets.ok()) return targets.status();
    for (const auto& target : *targets) {
      CUSTDB_RETURN_IF_ERROR(LockKey(store_, txn, Family::kIndexes, target));
    }
    for (uint64_t tag_id : peeked->tag_ids) {
      CUSTDB_RETURN_IF_ERROR(
          LockKey(store_, txn, Family::kRecords,
                  keys::RecordKey(account_id, RecordTag::kTag, tag_id)));
    }
    uint64_t first = std::min(survivor_id, duplicate_id);
    uint64_t second = std::max(survivor_id, duplicate_id);
    auto locked_first = customers_->LockForChild(txn, account_id, first);
    if (!locked_first.ok()) return locked_first.status();
    auto locked_second = customers_->LockForChild(txn, account_id, second);
    if (!locked_second.ok()) return locked_second.status();
    Outcome out;
    out.survivor =
        std::move(first == survivor_id ? *locked_first : *locked_second);
    out.duplicate =
        std::move(first == duplicate_id ? *locked_first : *locked_second);
    const fb::CustomerT& survivor = out.survivor;
    const fb::CustomerT& duplicate = out.duplicate;
    auto now_targets = LinkTargets(store_, txn, account_id, duplicate_id);
    if (!now_targets.ok()) return now_targets.status();
    if (duplicate.tag_ids != peeked->tag_ids || *now_targets != *targets) {
      return Status::Busy("merge: the duplicate changed while being locked");
    }
    CUSTDB_RETURN_IF_ERROR(
        CheckExpected(survivor, options.expected_survivor_version));
    CUSTDB_RETURN_IF_ERROR(
        CheckExpected(duplicate, options.expected_duplicate_version));
    // Its phone leaves the index: a create of that phone must see the
    // duplicate whole or gone, as after an update of a phone.
    CUSTDB_RETURN_IF_ERROR(
        LockKey(store_, txn, Family::kIndexes,
                keys::PhoneLockKey(account_id, duplicate.phone)));

    auto merged = MergedCustomer(survivor, duplicate);
    if (!merged.ok()) return merged.status();
    uint64_t kept = survivor.primary_contact_id;
    uint64_t theirs = duplicate.primary_contact_id;
    uint64_t primary =
        (options.keep_duplicate_contact && theirs != 0) || kept == 0 ? theirs
                                                                     : kept;
    merged->primary_contact_id = primary;
    // A merge is a change of the survivor even when none of its fields
    // moves (a duplicate with nothing the survivor lacks).
    merged->version = survivor.version + 1;
    int64_t now = NowMs();

    CUSTDB_RETURN_IF_ERROR(ForEachChild<fb::Contact>(
        store_, txn, account_id, duplicate_id, RecordTag::kContact, "contact",
        [&](const fb::ContactT& was) -> Status {
          fb::ContactT moved = was;
          moved.customer_id = survivor_id;
          moved.primary = was.id == primary;
          moved.version = was.version + 1;
          moved.updated_at_ms = std::max(now, was.updated_at_ms);
          ++out.contacts;
          return WriteContact(store_, txn, &was, &moved).status();
        }));
    if (kept != 0 && kept != primary) {
      auto stored =
          ReadChild<fb::Contact>(store_, txn, account_id, RecordTag::kContact,
                                 kept, "contact", /*for_update=*/true);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) {
        const fb::ContactT& was = (*stored)->record;
        fb::ContactT demoted = was;
        demoted.primary = false;
        demoted.version = was.version + 1;
        demoted.updated_at_ms = std::max(now, was.updated_at_ms);
        CUSTDB_RETURN_IF_ERROR(
            WriteContact(store_, txn, &was, &demoted).status());
      }
    }

    CUSTDB_RETURN_IF_ERROR(ForEachChild<fb::Location>(
        store_, txn, account_id, duplicate_id, RecordTag::kLocation, "location",
        [&](const fb::LocationT& was) -> Status {
          fb::LocationT moved = was;
          moved.customer_id = survivor_id;
          moved.version = was.version + 1;
          moved.updated_at_ms = std::max(now, was.updated_at_ms);
          ++out.locations;
          return WriteLocation(store_, txn, &was, &moved).status();
        }));

    // An entry keeps its time and id, so the survivor's timeline holds
    // both customers' entries in one newest-first order. An entry whose
    // host reference the survivor already has is the same message or
    // call recorded twice; the survivor's entry stands for it and the
    // duplicate's is dropped, as an append of that reference would
    // have returned the survivor's.
    CUSTDB_RETURN_IF_ERROR(ForEachKey(
        store_, txn, Family::kTimeline,
        keys::TimelinePrefix(account_id, duplicate_id),
        [&](const std::string& key) -> Status {
          auto bytes = ReadInTransaction(store_, txn, Family::kTimeline, key,
                                         /*for_update=*/false);
          if (!bytes.ok()) return bytes.status();
          if (!bytes->has_value()) return Status::Ok();
          auto parts = keys::ParseTimelineKey(key);
          auto was = DecodeStored<fb::TimelineEntry>(
              **bytes, "timeline entry", parts ? parts->entry_id : 0);
          if (!was.ok()) return was.status();
          if (!was->external_ref.empty()) {
            auto held =
                ReadInTransaction(store_, txn, Family::kIndexes,
                                  keys::TimelineRefKey(account_id, survivor_id,
                                                       was->external_ref),
                                  /*for_update=*/false);
            if (!held.ok()) return held.status();
            if (held->has_value()) {
              return WriteTimelineEntry(store_, txn, &*was, nullptr).status();
            }
          }
          fb::TimelineEntryT moved = *was;
          moved.customer_id = survivor_id;
          ++out.timeline_entries;
          return WriteTimelineEntry(store_, txn, &*was, &moved).status();
        }));

    CUSTDB_RETURN_IF_ERROR(ForEachChild<fb::Note>(
        store_, txn, account_id, duplicate_id, RecordTag::kNote, "note",
        [&](const fb::NoteT& was) -> Status {
          fb::NoteT moved = was;
          moved.customer_id = survivor_id;
          moved.version = was.version + 1;
          moved.updated_at_ms = std::max(now, was.updated_at_ms);
          ++out.notes;
          return WriteNote(store_, txn, &was, &moved).status();
        }));

    CUSTDB_RETURN_IF_ERROR(ForEachChild<fb::FileInfo>(
        store_, txn, account_id, duplicate_id, RecordTag::kFile, "file",
        [&](const fb::FileInfoT& was) -> Status {
          fb::FileInfoT moved = was;
          moved.customer_id = survivor_id;
          ++out.files;
          return WriteFileInfo(store_, txn, &was, &moved);
        }));

    CUSTDB_RETURN_IF_ERROR(ForEachChild<fb::PortalLink>(
        store_, txn, account_id, duplicate_id, RecordTag::kPortalLink,
        "portal link", [&](const fb::PortalLinkT& was) -> Status {
          fb::PortalLinkT moved = was;
          moved.customer_id = survivor_id;
          ++out.portal_links;
          return WritePortalLink(store_, txn, &was, &moved);
        }));

    CUSTDB_RETURN_IF_ERROR(ForEachKey(
        store_, txn, Family::kIndexes,
        keys::LinkPrefix(account_id, duplicate_id),
        [&](const std::string& key) -> Status {
          auto bytes = ReadInTransaction(store_, txn, Family::kIndexes, key,
                                         /*for_update=*/false);
          if (!bytes.ok()) return bytes.status();
          if (!bytes->has_value()) return Status::Ok();
          auto was = DecodeStored<fb::Link>(**bytes, "link", 0);
          if (!was.ok()) return was.status();
          fb::LinkT moved = *was;
          moved.customer_id = survivor_id;
          ++out.links;
          return WriteLink(store_, txn, &*was, &moved);
        }));

    for (uint64_t tag_id : duplicate.tag_ids) {
      out.tags += !std::binary_search(survivor.tag_ids.begin(),
                                      survivor.tag_ids.end(), tag_id);
    }
    auto written = customers_->WriteInTransaction(
        txn, survivor, std::move(*merged), /*bump_version=*/true);
    if (!written.ok()) return written.status();
    out.merged = std::move(*written);
    CUSTDB_RETURN_IF_ERROR(
        customers_->RemoveInTransaction(txn, duplicate, survivor_id));
    auto s = commit ? txn->Commit() : txn->Rollback();
    if (!s.ok()) return FromRocks(s, "merging customers");
    return out;
  });
}

}  // namespace custdb
