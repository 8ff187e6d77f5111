// Notes: an internal feed per customer, written by the host's users and
// never shown to the customer.
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
inline constexpr size_t kMaxNoteAuthorBytes = 200;
inline constexpr size_t kMaxNoteBodyBytes = 20000;

// Writes `after` (null: deletes the record) in place of `before` (null: a
// new note) inside `txn`, with its entry in its customer's list. Returns
// the bytes written (empty after a delete).
Result<std::string> WriteNote(Store* store, rocksdb::Transaction* txn,
                              const fb::NoteT* before, const fb::NoteT* after);

class Notes {
 public:
  Notes(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Adds a note to a customer's feed; returns the fb::Note record
  // (version 1). kNotFound when the customer is not in this account.
  Result<std::string> Add(uint64_t account_id, uint64_t customer_id,
                          const fb::NoteDraft& draft);

  // The stored record; kNotFound when the id is not a note of this
  // account.
  Result<std::string> Get(uint64_t account_id, uint64_t note_id);

  // Replaces the body when the patch has one. A change bumps the version
  // and updated_at; a patch that changes nothing writes nothing. With
  // `expected_version` other than 0 the stored version must equal it
  // (kConflict otherwise).
  Result<std::string> Update(uint64_t account_id, uint64_t note_id,
                             const fb::NotePatch& patch,
                             uint64_t expected_version);

  // Removes a note, conditionally on its version as Update.
  Status Delete(uint64_t account_id, uint64_t note_id,
                uint64_t expected_version);

  // A customer's notes, newest first. Note ids only grow, so reverse id
  // order is reverse creation order; a position is the note id, 8 bytes
  // big-endian.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    const std::string& after, size_t limit);

 private:
  struct StoredNote {
    std::string bytes;
    fb::NoteT note;
  };
  // Reads and locks a note, and checks the expected version.
  Result<StoredNote> LockNote(rocksdb::Transaction* txn, uint64_t account_id,
                              uint64_t note_id, uint64_t expected_version);

  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a stored note implies: its customer, and
// its entry in the customer's list of notes.
void ExpectNote(const keys::RecordKeyParts& key, std::string_view value,
                CheckContext& context);

}  // namespace custdb
