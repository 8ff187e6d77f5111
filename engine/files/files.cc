#include "engine/files/files.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "engine/normalize/text.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "engine/storage/write_record.h"

namespace custdb {
namespace {

constexpr uint64_t kChunkChecksumSeed = 0;

std::string NotFoundMessage(uint64_t file_id) {
  return "file " + std::to_string(file_id) + " not found in this account";
}

std::string BigEndian(uint64_t v) {
  std::string out;
  keys::PutBigEndian64(&out, v);
  return out;
}

std::string EncodeChunk(std::string_view bytes) {
  std::string value;
  value.reserve(8 + bytes.size());
  keys::PutBigEndian64(&value,
                       XXH64(bytes.data(), bytes.size(), kChunkChecksumSeed));
  value.append(bytes);
  return value;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// RFC 6838's restricted-name: a letter or digit, then letters, digits and
// a few marks.
bool IsMediaTypeName(std::string_view name) {
  if (name.empty() || name.size() > 127) return false;
  if (!IsAsciiAlnum(name[0])) return false;
  for (char c : name) {
    if (IsAsciiAlnum(c)) continue;
    if (std::string_view("!#$&-^_.+").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Result<fb::FileInfoT> DecodeFileInfo(const std::string& bytes,
                                     uint64_t file_id) {
  std::string storage;
  auto root =
      VerifyRecord<fb::FileInfo>(reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size(), "stored file", &storage);
  if (!root.ok()) {
    return Status::Corruption("file " + std::to_string(file_id) +
                              ": the stored record is damaged");
  }
  fb::FileInfoT info;
  (*root)->UnPackTo(&info);
  return info;
}

uint64_t ChunksFor(uint64_t size) {
  return size / kFileChunkBytes + (size % kFileChunkBytes != 0 ? 1 : 0);
}

// Reads a file's contents chunk by chunk, hashing as it goes, so that the
// whole file's checksum is known when its last chunk is read.
class ContentReader {
 public:
  ContentReader(Store* store, const fb::FileInfoT& info)
      : store_(store), info_(info), hash_(XXH64_createState()) {
    XXH64_reset(hash_, kChunkChecksumSeed);
  }
  ~ContentReader() { XXH64_freeState(hash_); }
  ContentReader(const ContentReader&) = delete;
  ContentReader& operator=(const ContentReader&) = delete;

  Result<Page> Next(const std::string& after) {
    uint64_t start = 0;
    if (!after.empty()) {
      if (after.size() != 8) {
        return Status::InvalidArgument("resume_token: is damaged");
      }
      start = keys::GetBigEndian64(after.data()) + 1;
    }
    Page page;
    page.last_position = after;
    if (start >= info_.chunk_count) {
      page.done = true;
      // An empty file has no last chunk to check its checksum at.
      if (info_.chunk_count == 0) CUSTDB_RETURN_IF_ERROR(VerifyWhole());
      return page;
    }
    if (hashed_ != start) {
      // A resumed read: the chunks before its position are hashed again
      // (one at a time) so that the whole file is still verified.
      XXH64_reset(hash_, kChunkChecksumSeed);
      hashed_ = 0;
      bytes_ = 0;
      while (hashed_ < start) {
        auto chunk = ReadChunk(hashed_);
        if (!chunk.ok()) return chunk.status();
        Feed(*chunk);
      }
    }
    auto chunk = ReadChunk(start);
    if (!chunk.ok()) return chunk.status();
    Feed(*chunk);
    page.done = start + 1 == info_.chunk_count;
    if (page.done) CUSTDB_RETURN_IF_ERROR(VerifyWhole());
    page.last_position = BigEndian(start);
    page.items.push_back({page.last_position, std::move(*chunk)});
    return page;
  }

 private:
  void Feed(const std::string& bytes) {
    XXH64_update(hash_, bytes.data(), bytes.size());
    bytes_ += bytes.size();
    ++hashed_;
  }

  Status VerifyWhole() const {
    if (bytes_ != info_.size || XXH64_digest(hash_) != info_.checksum) {
      return Status::Corruption("file " + std::to_string(info_.id) +
                                ": the contents do not match their checksum");
    }
    return Status::Ok();
  }

  Result<std::string> ReadChunk(uint64_t n) {
    std::string value;
    auto s = store_->db()->Get(
        rocksdb::ReadOptions(), store_->family(Family::kFiles),
        keys::FileChunkKey(info_.account_id, info_.id, n), &value);
    std::string which =
        "file " + std::to_string(info_.id) + ": chunk " + std::to_string(n);
    if (s.IsNotFound()) {
      // Deleted while it was being read, or damaged.
      std::string ignored;
      auto r = store_->db()->Get(
          rocksdb::ReadOptions(), store_->family(Family::kRecords),
          keys::RecordKey(info_.account_id, keys::RecordTag::kFile, info_.id),
          &ignored);
      if (r.IsNotFound()) return Status::NotFound(NotFoundMessage(info_.id));
      return Status::Corruption(which + " is missing");
    }
    if (!s.ok()) return FromRocks(s, "reading a file");
    if (!FileChunkIntact(value)) {
      return Status::Corruption(which + " is damaged");
    }
    return value.substr(8);
  }

  Store* store_;
  fb::FileInfoT info_;
  XXH64_state_t* hash_;
  uint64_t hashed_ = 0;  // chunks fed to the hash, from chunk 0
  uint64_t bytes_ = 0;
};

}  // namespace

Status WriteFileInfo(Store* store, rocksdb::Transaction* txn,
                     const fb::FileInfoT* before, const fb::FileInfoT* after) {
  return WriteRecordAndEntries(store, txn, keys::RecordTag::kFile, "file",
                               before, after,
                               [](const fb::FileInfoT& f) {
                                 return ChildEntryOf(f, keys::RecordTag::kFile);
                               })
      .status();
}

bool FileChunkIntact(std::string_view value) {
  if (value.size() < 8) return false;
  return keys::GetBigEndian64(value.data()) ==
         XXH64(value.data() + 8, value.size() - 8, kChunkChecksumSeed);
}

Status NormalizeFileDraft(const fb::FileDraft& draft, fb::FileInfoT* out) {
  if (draft.category() < fb::FileCategory::Msa ||
      draft.category() > fb::FileCategory::MAX) {
    return Status::InvalidArgument(
        "category: must be one of Msa, Contract, Coi, Photo, Other");
  }
  std::string name = FlatString(draft.file_name());
  CUSTDB_RETURN_IF_ERROR(CheckTextField("file_name", name, kMaxFileNameBytes));
  name = std::string(TrimSpace(name));
  if (name.empty()) {
    return Status::InvalidArgument("file_name: is required");
  }
  if (name.find('/') != std::string::npos) {
    return Status::InvalidArgument("file_name: must not contain '/'");
  }
  if (name == "." || name == "..") {
    return Status::InvalidArgument("file_name: must not be '.' or '..'");
  }

  std::string type = FlatString(draft.content_type());
  CUSTDB_RETURN_IF_ERROR(
      CheckTextField("content_type", type, kMaxContentTypeBytes));
  type = std::string(TrimSpace(type));
  if (type.empty()) {
    return Status::InvalidArgument("content_type: is required");
  }
  size_t slash = type.find('/');
  if (slash == std::string::npos ||
      !IsMediaTypeName(std::string_view(type).substr(0, slash)) ||
      !IsMediaTypeName(std::string_view(type).substr(slash + 1))) {
    return Status::InvalidArgument(
        "content_type: must be type/subtype, like application/pdf, without "
        "parameters");
  }
  // Media types compare without regard to case.
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }

  out->category = draft.category();
  out->file_name = std::move(name);
  out->content_type = std::move(type);
  return Status::Ok();
}

FileWriter::FileWriter(Store* store, Customers* customers, fb::FileInfoT info,
                       uint64_t max_bytes)
    : store_(store),
      customers_(customers),
      info_(std::move(info)),
      max_bytes_(max_bytes),
      hash_(XXH64_createState()) {
  XXH64_reset(hash_, kChunkChecksumSeed);
}

FileWriter::~FileWriter() {
  if (!committed_ && !forgotten_) {
    Status s = Abandon();
    if (!s.ok()) {
      store_->Log(LogLevel::kWarn,
                  "files: an abandoned file could not be removed now; the "
                  "next open removes it: " +
                      s.message());
    }
  }
  XXH64_freeState(hash_);
}

Status FileWriter::Write(std::string_view data) {
  if (committed_) return Status::InvalidArgument("file: is already committed");
  if (dead_) {
    return Status::InvalidArgument(
        "file: an earlier call on this writer failed; free it");
  }
  if (data.size() > max_bytes_ - info_.size) {
    dead_ = true;
    return Status::InvalidArgument("file: larger than the " +
                                   std::to_string(max_bytes_) + "-byte limit");
  }
  while (!data.empty()) {
    size_t take = std::min(data.size(), kFileChunkBytes - buffer_.size());
    buffer_.append(data.substr(0, take));
    data.remove_prefix(take);
    info_.size += take;
    if (buffer_.size() == kFileChunkBytes) {
      Status s = FlushChunk();
      if (!s.ok()) {
        dead_ = true;
        return s;
      }
    }
  }
  return Status::Ok();
}

Status FileWriter::FlushChunk() {
  // Written on its own, outside the commit: the commit's transaction
  // would otherwise hold the whole file in memory. The pending marker
  // written before the first chunk accounts for it until then.
  auto s = store_->db()->Put(
      store_->write_options(), store_->family(Family::kFiles),
      keys::FileChunkKey(info_.account_id, info_.id, chunks_written_),
      EncodeChunk(buffer_));
  if (!s.ok()) return FromRocks(s, "writing a file");
  XXH64_update(hash_, buffer_.data(), buffer_.size());
  ++chunks_written_;
  buffer_.clear();
  return Status::Ok();
}

Result<std::string> FileWriter::Commit() {
  if (committed_) return Status::InvalidArgument("file: is already committed");
  if (dead_) {
    return Status::InvalidArgument(
        "file: an earlier call on this writer failed; free it");
  }
  if (!buffer_.empty()) {
    Status s = FlushChunk();
    if (!s.ok()) {
      dead_ = true;
      return s;
    }
  }
  info_.chunk_count = chunks_written_;
  info_.checksum = XXH64_digest(hash_);
  info_.created_at_ms = NowMs();
  std::string record = PackRecord(info_);
  auto result = InTransaction<std::string>(
      store_, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        auto customer =
            customers_->LockForChild(txn, info_.account_id, info_.customer_id);
        if (!customer.ok()) return customer.status();
        CUSTDB_RETURN_IF_ERROR(WriteFileInfo(store_, txn, nullptr, &info_));
        auto s = txn->Delete(store_->family(Family::kIndexes),
                             keys::PendingFileKey(info_.account_id, info_.id));
        if (!s.ok()) return FromRocks(s, "committing a file");
        s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "committing a file");
        return record;
      });
  if (!result.ok()) {
    dead_ = true;
    return result.status();
  }
  committed_ = true;
  return result;
}

Status FileWriter::Abandon() {
  return InTransaction<bool>(
             store_,
             [&](rocksdb::Transaction* txn) -> Result<bool> {
               auto* files = store_->family(Family::kFiles);
               for (uint64_t n = 0; n < chunks_written_; ++n) {
                 auto s = txn->Delete(
                     files, keys::FileChunkKey(info_.account_id, info_.id, n));
                 if (!s.ok()) return FromRocks(s, "abandoning a file");
               }
               auto s = txn->Delete(
                   store_->family(Family::kIndexes),
                   keys::PendingFileKey(info_.account_id, info_.id));
               if (!s.ok()) return FromRocks(s, "abandoning a file");
               s = txn->Commit();
               if (!s.ok()) return FromRocks(s, "abandoning a file");
               return true;
             })
      .status();
}

Result<std::unique_ptr<FileWriter>> Files::Begin(uint64_t account_id,
                                                 uint64_t customer_id,
                                                 const fb::FileDraft& draft,
                                                 uint64_t max_bytes) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  fb::FileInfoT info;
  CUSTDB_RETURN_IF_ERROR(NormalizeFileDraft(draft, &info));
  // Checked now so that a host does not upload a file for nothing; the
  // commit checks again, under the customer's lock.
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();
  info.id = *id;
  info.account_id = account_id;
  info.customer_id = customer_id;

  auto marked = InTransaction<bool>(
      store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
        auto s = txn->Put(store_->family(Family::kIndexes),
                          keys::PendingFileKey(account_id, info.id),
                          BigEndian(customer_id));
        if (!s.ok()) return FromRocks(s, "starting a file");
        s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "starting a file");
        return true;
      });
  if (!marked.ok()) return marked.status();
  return std::unique_ptr<FileWriter>(
      new FileWriter(store_, customers_, std::move(info),
                     max_bytes == 0 ? kDefaultMaxFileBytes : max_bytes));
}

Result<std::string> Files::Get(uint64_t account_id, uint64_t file_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, file_id, "file_id"));
  std::string value;
  auto s = store_->db()->Get(
      rocksdb::ReadOptions(), store_->family(Family::kRecords),
      keys::RecordKey(account_id, keys::RecordTag::kFile, file_id), &value);
  if (s.IsNotFound()) return Status::NotFound(NotFoundMessage(file_id));
  if (!s.ok()) return FromRocks(s, "reading a file");
  auto info = DecodeFileInfo(value, file_id);
  if (!info.ok()) return info.status();
  return value;
}

Result<Page> Files::List(uint64_t account_id, uint64_t customer_id,
                         fb::FileCategory category, const std::string& after,
                         size_t limit) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();
  std::string prefix =
      keys::ChildPrefix(account_id, customer_id, keys::RecordTag::kFile);
  std::string after_key;
  if (!after.empty()) {
    if (after.size() != 8) {
      return Status::InvalidArgument("resume_token: is damaged");
    }
    after_key = keys::ChildKey(account_id, customer_id, keys::RecordTag::kFile,
                               keys::GetBigEndian64(after.data()));
  }
  auto found =
      ScanKeys(store_, nullptr, Family::kIndexes, prefix, after_key, limit);
  if (!found.ok()) return found.status();
  Page page;
  page.done = found->size() < limit;
  page.last_position = after;
  for (const auto& key : *found) {
    auto child = keys::ParseChildKey(key);
    if (!child) return Status::Corruption("a child index key is damaged");
    page.last_position = BigEndian(child->child_id);
    auto record = Get(account_id, child->child_id);
    // Deleted between the index read and this one.
    if (record.status().IsNotFound()) continue;
    if (!record.ok()) return record.status();
    auto* info = flatbuffers::GetRoot<fb::FileInfo>(record->data());
    if (category != fb::FileCategory::Unspecified &&
        info->category() != category) {
      continue;
    }
    page.items.push_back({page.last_position, std::move(*record)});
  }
  return page;
}

Status Files::Delete(uint64_t account_id, uint64_t file_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, file_id, "file_id"));
  return InTransaction<bool>(
             store_,
             [&](rocksdb::Transaction* txn) -> Result<bool> {
               auto key =
                   keys::RecordKey(account_id, keys::RecordTag::kFile, file_id);
               auto stored = ReadInTransaction(store_, txn, Family::kRecords,
                                               key, /*for_update=*/true);
               if (!stored.ok()) return stored.status();
               if (!stored->has_value()) {
                 return Status::NotFound(NotFoundMessage(file_id));
               }
               auto info = DecodeFileInfo(**stored, file_id);
               if (!info.ok()) return info.status();
               CUSTDB_RETURN_IF_ERROR(
                   WriteFileInfo(store_, txn, &*info, nullptr));
               rocksdb::Status s;
               // At most 100 chunks at the default 25 MiB limit: small
               // enough for one transaction.
               auto* files = store_->family(Family::kFiles);
               for (uint64_t n = 0; n < info->chunk_count; ++n) {
                 s = txn->Delete(files,
                                 keys::FileChunkKey(account_id, file_id, n));
                 if (!s.ok()) return FromRocks(s, "deleting a file");
               }
               s = txn->Commit();
               if (!s.ok()) return FromRocks(s, "deleting a file");
               return true;
             })
      .status();
}

Result<PageSource> Files::OpenContent(uint64_t account_id, uint64_t file_id) {
  auto record = Get(account_id, file_id);
  if (!record.ok()) return record.status();
  fb::FileInfoT info;
  flatbuffers::GetRoot<fb::FileInfo>(record->data())->UnPackTo(&info);
  auto reader = std::make_shared<ContentReader>(store_, info);
  return PageSource([reader](const std::string& after, size_t) {
    return reader->Next(after);
  });
}

Result<size_t> Files::RecoverPendingFiles() {
  // Markers live under each account; the scan jumps from one account's
  // markers to the next account, two seeks an account, rather than
  // reading the whole indexes family.
  std::vector<keys::PendingFileParts> pending;
  {
    std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(
        TotalOrderRead(), store_->family(Family::kIndexes)));
    it->SeekToFirst();
    while (it->Valid()) {
      if (it->key().size() < 8) {
        it->Next();
        continue;
      }
      uint64_t account = keys::GetBigEndian64(it->key().data());
      std::string prefix = keys::PendingFilePrefix(account);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
           it->Next()) {
        auto marker = keys::ParsePendingFileKey(it->key().ToStringView());
        if (marker) pending.push_back(*marker);
      }
      std::string next = keys::PrefixEnd(keys::AccountPrefix(account));
      if (next.empty()) break;
      it->Seek(next);
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), "looking for unfinished files");
    }
  }
  for (const auto& marker : pending) {
    auto removed = InTransaction<bool>(
        store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
          auto chunks =
              ScanKeys(store_, txn, Family::kFiles,
                       keys::FileChunkPrefix(marker.account_id, marker.file_id),
                       "", std::numeric_limits<size_t>::max());
          if (!chunks.ok()) return chunks.status();
          for (const auto& key : *chunks) {
            auto s = txn->Delete(store_->family(Family::kFiles), key);
            if (!s.ok()) return FromRocks(s, "removing an unfinished file");
          }
          auto s = txn->Delete(
              store_->family(Family::kIndexes),
              keys::PendingFileKey(marker.account_id, marker.file_id));
          if (!s.ok()) return FromRocks(s, "removing an unfinished file");
          s = txn->Commit();
          if (!s.ok()) return FromRocks(s, "removing an unfinished file");
          return true;
        });
    if (!removed.ok()) return removed.status();
  }
  if (!pending.empty()) {
    store_->Log(LogLevel::kInfo, "files: removed " +
                                     std::to_string(pending.size()) +
                                     " unfinished file(s) of an earlier run");
  }
  return pending.size();
}

void ExpectFile(const keys::RecordKeyParts& key, std::string_view value,
                CheckContext& context) {
  fb::FileInfoT f;
  if (!UnpackStored<fb::FileInfo>(key, value, context, &f)) return;
  if (f.id != key.id || f.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the record's id or account differs from its key");
    return;
  }
  if (!context.HasCustomer(f.account_id, f.customer_id)) {
    context.Issue(f.account_id, f.id, "a file of a customer that is missing");
  }
  context.ExpectIndex(keys::ChildKey(f.account_id, f.customer_id,
                                     keys::RecordTag::kFile, f.id));
  if (f.chunk_count != ChunksFor(f.size)) {
    context.Issue(f.account_id, f.id,
                  "a file's chunk count does not match its size");
  }
  for (uint64_t n = 0; n < f.chunk_count; ++n) {
    context.ExpectFileChunk(keys::FileChunkKey(f.account_id, f.id, n));
  }
}

void ExpectPendingFile(std::string_view key, std::string_view value,
                       CheckContext& context) {
  auto marker = keys::ParsePendingFileKey(key);
  uint64_t account = key.size() >= 8 ? keys::GetBigEndian64(key.data()) : 0;
  if (!marker || value.size() != 8) {
    context.Issue(account, 0, "a pending-file marker is malformed");
    return;
  }
  context.ExpectIndex(std::string(key), std::string(value));
  context.AllowFileChunks(marker->account_id, marker->file_id);
}

}  // namespace custdb
