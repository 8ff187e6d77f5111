#include "engine/timeline/notes.h"

#include <algorithm>
#include <memory>

#include <rocksdb/snapshot.h>

#include "engine/customers/children.h"
#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/transaction.h"
#include "engine/storage/write_record.h"

namespace custdb {
namespace {

using keys::RecordTag;

std::string NotFoundMessage(uint64_t note_id) {
  return "note " + std::to_string(note_id) + " not found in this account";
}

// A body may span lines and is kept as written, but must say something.
Status CheckBody(const std::string& body) {
  CUSTDB_RETURN_IF_ERROR(
      CheckTextField("body", body, kMaxNoteBodyBytes, /*multiline=*/true));
  if (TrimSpace(body).empty()) {
    return Status::InvalidArgument("body: is required");
  }
  return Status::Ok();
}

// The author is the host's user id, kept byte for byte.
Status CheckAuthor(const std::string& author) {
  CUSTDB_RETURN_IF_ERROR(CheckTextField("author", author, kMaxNoteAuthorBytes));
  if (author.empty()) return Status::InvalidArgument("author: is required");
  return Status::Ok();
}

Result<fb::NoteT> DecodeNote(std::string_view bytes, uint64_t note_id) {
  std::string storage;
  auto root =
      VerifyRecord<fb::Note>(reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size(), "stored note", &storage);
  if (!root.ok()) {
    return Status::Corruption("note " + std::to_string(note_id) +
                              ": the stored record is damaged");
  }
  fb::NoteT note;
  (*root)->UnPackTo(&note);
  return note;
}

}  // namespace

Result<std::string> WriteNote(Store* store, rocksdb::Transaction* txn,
                              const fb::NoteT* before, const fb::NoteT* after) {
  return WriteRecordAndEntries(
      store, txn, RecordTag::kNote, "note", before, after,
      [](const fb::NoteT& n) { return ChildEntryOf(n, RecordTag::kNote); });
}

Result<std::string> Notes::Add(uint64_t account_id, uint64_t customer_id,
                               const fb::NoteDraft& draft) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  fb::NoteT note;
  note.author = FlatString(draft.author());
  note.body = FlatString(draft.body());
  CUSTDB_RETURN_IF_ERROR(CheckAuthor(note.author));
  CUSTDB_RETURN_IF_ERROR(CheckBody(note.body));
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();

  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        // The customer is locked, not changed: a note does not count as
        // activity, but it must not be added to a customer being removed.
        auto customer = customers_->LockForChild(txn, account_id, customer_id);
        if (!customer.ok()) return customer.status();
        StampNewChild(&note, *id, account_id, customer_id, NowMs());
        auto record = WriteNote(store_, txn, nullptr, &note);
        if (!record.ok()) return record.status();
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "adding a note");
        return std::move(*record);
      });
}

Result<std::string> Notes::Get(uint64_t account_id, uint64_t note_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, note_id, "note_id"));
  std::string value;
  auto s = store_->db()->Get(
      rocksdb::ReadOptions(), store_->family(Family::kRecords),
      keys::RecordKey(account_id, RecordTag::kNote, note_id), &value);
  if (s.IsNotFound()) return Status::NotFound(NotFoundMessage(note_id));
  if (!s.ok()) return FromRocks(s, "reading a note");
  auto note = DecodeNote(value, note_id);
  if (!note.ok()) return note.status();
  return value;
}

Result<Notes::StoredNote> Notes::LockNote(rocksdb::Transaction* txn,
                                          uint64_t account_id, uint64_t note_id,
                                          uint64_t expected_version) {
  auto stored =
      ReadInTransaction(store_, txn, Family::kRecords,
                        keys::RecordKey(account_id, RecordTag::kNote, note_id),
                        /*for_update=*/true);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::NotFound(NotFoundMessage(note_id));
  auto note = DecodeNote(**stored, note_id);
  if (!note.ok()) return note.status();
  if (expected_version != 0 && note->version != expected_version) {
    return Status::Conflict("note " + std::to_string(note_id) +
                            ": version is " + std::to_string(note->version) +
                            ", not the expected " +
                            std::to_string(expected_version));
  }
  return StoredNote{std::move(**stored), std::move(*note)};
}

Result<std::string> Notes::Update(uint64_t account_id, uint64_t note_id,
                                  const fb::NotePatch& patch,
                                  uint64_t expected_version) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, note_id, "note_id"));
  bool has_body = patch.body() != nullptr;
  std::string body = FlatString(patch.body());
  if (has_body) CUSTDB_RETURN_IF_ERROR(CheckBody(body));

  return InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto stored = LockNote(txn, account_id, note_id, expected_version);
        if (!stored.ok()) return stored.status();
        const fb::NoteT& before = stored->note;
        if (!has_body || before.body == body) return std::move(stored->bytes);
        fb::NoteT note = before;
        note.body = body;
        note.version += 1;
        note.updated_at_ms = std::max(NowMs(), note.updated_at_ms);
        auto record = WriteNote(store_, txn, &before, &note);
        if (!record.ok()) return record.status();
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "updating a note");
        return std::move(*record);
      });
}

Status Notes::Delete(uint64_t account_id, uint64_t note_id,
                     uint64_t expected_version) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, note_id, "note_id"));
  auto done = InTransaction<bool>(
      store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
        auto stored = LockNote(txn, account_id, note_id, expected_version);
        if (!stored.ok()) return stored.status();
        CUSTDB_RETURN_IF_ERROR(
            WriteNote(store_, txn, &stored->note, nullptr).status());
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "deleting a note");
        return true;
      });
  return done.status();
}

Result<Page> Notes::List(uint64_t account_id, uint64_t customer_id,
                         const std::string& after, size_t limit) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  uint64_t after_id = 0;
  if (!after.empty()) {
    if (after.size() != 8) {
      return Status::InvalidArgument("resume_token: is damaged");
    }
    after_id = keys::GetBigEndian64(after.data());
  }
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();

  // The list entries and the records are read from one snapshot, so every
  // entry read has its record.
  rocksdb::ManagedSnapshot snapshot(store_->db());
  rocksdb::ReadOptions ro = TotalOrderRead();
  ro.snapshot = snapshot.snapshot();
  std::string prefix =
      keys::ChildPrefix(account_id, customer_id, RecordTag::kNote);
  std::string end = keys::PrefixEnd(prefix);
  rocksdb::Slice lower(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions scan = ro;
  scan.iterate_lower_bound = &lower;
  scan.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(scan, store_->family(Family::kIndexes)));
  if (after.empty()) {
    it->SeekToLast();
  } else {
    std::string from =
        keys::ChildKey(account_id, customer_id, RecordTag::kNote, after_id);
    it->SeekForPrev(from);
    if (it->Valid() && it->key() == rocksdb::Slice(from)) it->Prev();
  }

  Page page;
  page.last_position = after;
  for (; it->Valid() && page.items.size() < limit; it->Prev()) {
    auto entry = keys::ParseChildKey(it->key().ToStringView());
    if (!entry) return Status::Corruption("list: a note list key is damaged");
    std::string record;
    auto s = store_->db()->Get(
        ro, store_->family(Family::kRecords),
        keys::RecordKey(account_id, RecordTag::kNote, entry->child_id),
        &record);
    if (s.IsNotFound()) {
      return Status::Corruption("list: a note list entry names no note");
    }
    if (!s.ok()) return FromRocks(s, "reading a note");
    auto note = DecodeNote(record, entry->child_id);
    if (!note.ok()) return note.status();
    std::string position;
    keys::PutBigEndian64(&position, entry->child_id);
    page.last_position = position;
    page.items.push_back({std::move(position), std::move(record)});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading notes");
  page.done = !it->Valid();
  return page;
}

void ExpectNote(const keys::RecordKeyParts& key, std::string_view value,
                CheckContext& context) {
  fb::NoteT note;
  if (!UnpackStored<fb::Note>(key, value, context, &note)) return;
  if (note.id != key.id || note.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the record's id or account differs from its key");
    return;
  }
  if (!context.HasCustomer(note.account_id, note.customer_id)) {
    context.Issue(
        note.account_id, note.customer_id,
        "note " + std::to_string(note.id) + ": its customer does not exist");
  }
  context.ExpectIndex(keys::ChildKey(note.account_id, note.customer_id,
                                     RecordTag::kNote, note.id));
}

}  // namespace custdb
