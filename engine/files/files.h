// Files attached to a customer: a FileInfo record and its contents, kept
// in chunks in the files family.
//
// A file is written through a FileWriter, which never holds more than one
// chunk in memory: chunks are stored as they fill, under a "pending file"
// marker, and the record with its child index entry is committed in one
// transaction that also removes the marker, so a file is visible only
// whole. A writer dropped before its commit deletes what it wrote; what a
// crash leaves behind is deleted by RecoverPendingFiles when the store is
// next opened. docs/files.md explains the layout and the reasons.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

inline constexpr size_t kFileChunkBytes = 256u << 10;
inline constexpr uint64_t kDefaultMaxFileBytes = 25u << 20;
inline constexpr size_t kMaxFileNameBytes = 255;
inline constexpr size_t kMaxContentTypeBytes = 127;

// Validates a draft into the fields of a FileInfo (category, file_name
// trimmed, content_type lower-cased).
Status NormalizeFileDraft(const fb::FileDraft& draft, fb::FileInfoT* out);

// Writes the FileInfo `after` (null: deletes the record) in place of
// `before` (null: a new file) inside `txn`, with its entry in its
// customer's list. The chunks, keyed by the file's id alone, are not
// touched.
Status WriteFileInfo(Store* store, rocksdb::Transaction* txn,
                     const fb::FileInfoT* before, const fb::FileInfoT* after);

// Writes one file. Belongs to one thread at a time. Destroying a writer
// that was not committed abandons the file: its chunks and its marker are
// deleted, and nothing of it was ever visible.
class FileWriter {
 public:
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Appends bytes; stores each chunk as it fills. Crossing the size limit
  // is kInvalidArgument, and so is every later call: the writer is dead
  // and only its destruction (which cleans up) remains.
  Status Write(std::string_view data);

  // Stores the last chunk and commits the FileInfo record, returning it.
  Result<std::string> Commit();

  // For a writer that outlives its store: the destructor then touches
  // nothing, and the marker left behind is cleaned up at the next open.
  void Forget() { forgotten_ = true; }

  uint64_t file_id() const { return info_.id; }

 private:
  friend class Files;
  FileWriter(Store* store, Customers* customers, fb::FileInfoT info,
             uint64_t max_bytes);

  Status FlushChunk();
  Status Abandon();

  Store* store_;
  Customers* customers_;
  fb::FileInfoT info_;
  uint64_t max_bytes_;
  std::string buffer_;  // the chunk being filled
  uint64_t chunks_written_ = 0;
  XXH64_state_t* hash_;
  bool committed_ = false;
  bool dead_ = false;
  bool forgotten_ = false;
};

class Files {
 public:
  Files(Store* store, Customers* customers)
      : store_(store), customers_(customers) {}

  // Starts a file of a customer of the account. `max_bytes` 0 is the
  // default limit (25 MiB).
  Result<std::unique_ptr<FileWriter>> Begin(uint64_t account_id,
                                            uint64_t customer_id,
                                            const fb::FileDraft& draft,
                                            uint64_t max_bytes);

  // The FileInfo record, or kNotFound when the id is not a file of this
  // account.
  Result<std::string> Get(uint64_t account_id, uint64_t file_id);

  // A customer's files in id (creation) order, of one category or, with
  // Unspecified, of all; a position is the file id, 8 bytes big-endian.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    fb::FileCategory category, const std::string& after,
                    size_t limit);

  // Removes the record, its child entry and its chunks in one transaction.
  Status Delete(uint64_t account_id, uint64_t file_id);

  // A page source over the contents of a file: each item is one chunk's
  // bytes, its position the chunk number (8 bytes big-endian). Every
  // chunk's checksum is verified, and the whole file's when its last
  // chunk is read (a resumed read hashes the chunks before its position
  // first); a mismatch is kCorruption. kNotFound when there is no such
  // file.
  Result<PageSource> OpenContent(uint64_t account_id, uint64_t file_id);

  // Deletes the chunks and markers of every file whose writer did not
  // commit before the store was last closed (a crash, a writer never
  // freed). Call once after opening, before any writer starts. Returns
  // how many files were cleaned up.
  Result<size_t> RecoverPendingFiles();

 private:
  Store* store_;
  Customers* customers_;
};

// Declares to the checker what a stored FileInfo implies: its child
// entry and its chunks.
void ExpectFile(const keys::RecordKeyParts& key, std::string_view value,
                CheckContext& context);

// Declares a pending-file marker, and permits any chunks of its file: they
// are being written.
void ExpectPendingFile(std::string_view key, std::string_view value,
                       CheckContext& context);

// Whether a stored chunk value carries the checksum of its bytes.
bool FileChunkIntact(std::string_view value);

}  // namespace custdb
