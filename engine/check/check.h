// The consistency checker: rebuilds every derived entry (index entries,
// counters, file chunks) from the records and compares them with what is
// stored.
//
// Each kind of record contributes an expectation function that declares
// the entries its record implies; the checker registers them in one table
// (check.cc), so a new kind of record is checked by adding one line.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "custdb_generated.h"
#include "engine/common/status.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"

namespace custdb {

class CheckContext {
 public:
  // An entry of the indexes family that must exist with this value.
  void ExpectIndex(std::string key, std::string value = {});
  // A counter that must hold the sum of what is expected of it.
  void ExpectCount(std::string counter_key, uint64_t n = 1);
  // A sequence counter (a Put, not a merge) must be at least `used`.
  void ExpectSequenceAtLeast(std::string counter_key, uint64_t used);
  // A key of the files family that must exist.
  void ExpectFileChunk(std::string key);
  // A key of the timeline family, other than an entry's own, that must
  // exist with this value (an entry's place in its channel's list).
  void ExpectTimelineKey(std::string key, std::string value = {});
  // A customer has a timeline entry at `occurred_at_ms`: its last
  // activity must not be older than the newest such time.
  void NoteActivity(uint64_t account_id, uint64_t customer_id,
                    int64_t occurred_at_ms);
  // Chunks of a file that is being written: they may exist, in any number,
  // without a record (a pending-file marker vouches for them).
  void AllowFileChunks(uint64_t account_id, uint64_t file_id);

  // Reports a difference. Messages never contain record contents.
  void Issue(uint64_t account_id, uint64_t record_id, std::string message);

  // Whether a customer record was seen. Customers sort before every other
  // record of their account, and the records family is read before the
  // timeline, so a child can always ask about its parent.
  bool HasCustomer(uint64_t account_id, uint64_t customer_id) const {
    return customers_.count({account_id, customer_id}) != 0;
  }
  void NoteCustomer(uint64_t account_id, uint64_t customer_id) {
    customers_.insert({account_id, customer_id});
  }

  // A merged customer's redirect to `survivor_id`. Checked once every
  // record was seen: it must name a customer or another redirect, and its
  // chain must end at a customer.
  void NoteRedirect(uint64_t account_id, uint64_t customer_id,
                    uint64_t survivor_id) {
    redirects_[{account_id, customer_id}] = survivor_id;
  }

  // The primary-contact rule: a customer with contacts names exactly one
  // of them as primary (primary_contact_id), and that contact, alone among
  // them, is flagged primary; a customer without contacts names none.
  // Customers note the contact they name (0: none), contacts note
  // themselves, and the checker compares the two after the records.
  void NotePrimaryContactId(uint64_t account_id, uint64_t customer_id,
                            uint64_t contact_id) {
    contacts_[{account_id, customer_id}].named_primary = contact_id;
  }
  void NoteContact(uint64_t account_id, uint64_t customer_id,
                   uint64_t contact_id, bool primary) {
    auto& contacts = contacts_[{account_id, customer_id}];
    contacts.ids.insert(contact_id);
    if (primary) contacts.flagged_primary.insert(contact_id);
  }

 private:
  friend class Checker;

  std::map<std::string, std::string> index_;
  std::map<std::string, uint64_t> counts_;
  std::map<std::string, uint64_t> sequences_;
  std::set<std::string> file_chunks_;
  std::map<std::string, std::string> timeline_keys_;
  std::map<std::pair<uint64_t, uint64_t>, int64_t> newest_activity_;
  std::set<std::pair<uint64_t, uint64_t>> pending_files_;
  std::set<std::pair<uint64_t, uint64_t>> customers_;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> redirects_;
  struct CustomerContacts {
    uint64_t named_primary = 0;
    std::set<uint64_t> ids;
    std::set<uint64_t> flagged_primary;
  };
  std::map<std::pair<uint64_t, uint64_t>, CustomerContacts> contacts_;
  fb::CheckReportT report_;
};

// Declares what a stored record implies. `value` is the record's bytes,
// not yet verified.
using ExpectFn = void (*)(const keys::RecordKeyParts& key,
                          std::string_view value, CheckContext& context);

// Declares what an entry of the indexes family implies when the entry is
// the stored form of something with no record of its own (a link, a
// pending-file marker). It must declare the entry itself too, or it is
// reported as stray. Called after every record was seen.
using ExpectIndexFn = void (*)(std::string_view key, std::string_view value,
                               CheckContext& context);

// Verifies a stored record's bytes as a T and unpacks it into `out`;
// reports a damaged record and returns false.
template <typename T>
bool UnpackStored(const keys::RecordKeyParts& key, std::string_view value,
                  CheckContext& context, typename T::NativeTableType* out);

// Rebuilds and compares everything in the store; returns an
// fb::CheckReport buffer listing each difference.
Result<std::string> CheckStore(Store* store);

}  // namespace custdb

#include "engine/schema/records.h"

namespace custdb {

template <typename T>
bool UnpackStored(const keys::RecordKeyParts& key, std::string_view value,
                  CheckContext& context, typename T::NativeTableType* out) {
  std::string storage;
  auto root = VerifyRecord<T>(reinterpret_cast<const uint8_t*>(value.data()),
                              value.size(), "record", &storage);
  if (!root.ok()) {
    context.Issue(key.account_id, key.id, "the record is damaged");
    return false;
  }
  (*root)->UnPackTo(out);
  return true;
}

}  // namespace custdb
