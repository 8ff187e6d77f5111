// The communication timeline: every SMS, email, call and AI session with
// a customer, newest first. Entries are appended, never edited.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"

namespace custdb {

// Maximum lengths, in bytes of UTF-8.
inline constexpr size_t kMaxTimelineSummaryBytes = 4000;
inline constexpr size_t kMaxExternalRefBytes = 200;

struct AppendResult {
  std::string record;    // a finished fb::TimelineEntry buffer
  bool existed = false;  // the external_ref already named this entry
};

// Writes the entry `after` (null: deletes it) in place of `before` (null:
// a new entry) inside `txn`: its key, its channel key and, when it has an
// external_ref, its reference entry. Returns the bytes written (empty
// after a delete).
Result<std::string> WriteTimelineEntry(Store* store, rocksdb::Transaction* txn,
                                       const fb::TimelineEntryT* before,
                                       const fb::TimelineEntryT* after);

class Timeline {
 public:
  Timeline(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Appends an entry to a customer's timeline and moves the customer's
  // last activity forward to the entry's time (never back, and without a
  // new version). When the draft's external_ref already names an entry of
  // this customer, that entry is returned as first stored, with `existed`
  // set, and nothing is written; concurrent appends of one reference end
  // with one entry. kNotFound when the customer is not in this account,
  // or when contact_id is set and is not a contact of this customer.
  Result<AppendResult> Append(uint64_t account_id, uint64_t customer_id,
                              const fb::TimelineEntryDraft& draft);
  // Append inside `txn`, which the caller commits (an import).
  Result<AppendResult> AppendInTransaction(rocksdb::Transaction* txn,
                                           uint64_t account_id,
                                           uint64_t customer_id,
                                           const fb::TimelineEntryDraft& draft);

  // A customer's entries, newest first (by occurred_at, then by id), all
  // of them or those of one channel (Unspecified: all). A position is
  // keys::TimelinePosition of an entry, so a page resumes strictly after
  // the last entry read, wherever new entries were added meanwhile.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    fb::TimelineChannel channel, const std::string& after,
                    size_t limit);

  // Whether `channel` is a channel an entry may have.
  static bool IsEntryChannel(fb::TimelineChannel channel);

 private:
  Status CheckContact(rocksdb::Transaction* txn, uint64_t account_id,
                      uint64_t customer_id, uint64_t contact_id);

  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a stored timeline entry implies: its
// channel key, its reference index entry, and its customer's last
// activity. `value` is the entry's bytes, not yet verified.
void ExpectTimelineEntry(const keys::TimelineKeyParts& key,
                         std::string_view value, CheckContext& context);

}  // namespace custdb
