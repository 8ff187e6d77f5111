#include "engine/files/files.h"

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/storage/keys.h"
#include "test_util.h"

namespace custdb {
namespace {

using testing::IndividualDraft;
using testing::OpenStore;
using testing::Root;
using testing::Str;
using testing::TempDir;

std::string Draft(fb::FileCategory category, const std::string& name,
                  const std::string& type = "application/pdf") {
  fb::FileDraftT d;
  d.category = category;
  d.file_name = name;
  d.content_type = type;
  return PackRecord(d);
}

// Bytes that differ from chunk to chunk and from offset to offset.
std::string Contents(size_t size) {
  std::string out(size, '\0');
  uint32_t x = 2463534242u;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Files files{store.get(), &customers};

  uint64_t Customer(uint64_t account, const std::string& phone) {
    auto r = customers.Create(
        account, *Root<fb::CustomerDraft>(IndividualDraft("Ann", "Lee", phone)),
        CreateOptions());
    REQUIRE(r.ok());
    return Root<fb::Customer>(r->record)->id();
  }

  Result<std::unique_ptr<FileWriter>> Begin(uint64_t account, uint64_t customer,
                                            const std::string& draft,
                                            uint64_t max_bytes = 0) {
    return files.Begin(account, customer, *Root<fb::FileDraft>(draft),
                       max_bytes);
  }

  // Writes `contents` in pieces of 1 to 4099 bytes and commits.
  fb::FileInfoT Attach(uint64_t account, uint64_t customer,
                       const std::string& contents,
                       fb::FileCategory category = fb::FileCategory::Contract,
                       const std::string& name = "contract.pdf") {
    auto writer = Begin(account, customer, Draft(category, name));
    REQUIRE_MESSAGE(writer.ok(), writer.status().message());
    size_t at = 0, piece = 1;
    while (at < contents.size()) {
      size_t n = std::min(piece, contents.size() - at);
      REQUIRE((*writer)->Write(std::string_view(contents).substr(at, n)).ok());
      at += n;
      piece = piece * 7 % 4099 + 1;
    }
    auto record = (*writer)->Commit();
    REQUIRE_MESSAGE(record.ok(), record.status().message());
    fb::FileInfoT info;
    Root<fb::FileInfo>(*record)->UnPackTo(&info);
    return info;
  }

  // Reads a file's contents chunk by chunk, from `after` on.
  Result<std::string> Read(uint64_t account, uint64_t file_id,
                           std::string after = "") {
    auto source = files.OpenContent(account, file_id);
    if (!source.ok()) return source.status();
    std::string out;
    for (;;) {
      auto page = (*source)(after, 64);
      if (!page.ok()) return page.status();
      for (auto& item : page->items) out += item.record;
      after = page->last_position;
      if (page->done) return out;
    }
  }

  std::vector<uint64_t> List(uint64_t account, uint64_t customer,
                             fb::FileCategory category) {
    auto page = files.List(account, customer, category, "", 100);
    REQUIRE(page.ok());
    std::vector<uint64_t> ids;
    for (auto& item : page->items) {
      ids.push_back(Root<fb::FileInfo>(item.record)->id());
    }
    return ids;
  }

  size_t Count(Family family) {
    std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(
        rocksdb::ReadOptions(), store->family(family)));
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }

  std::vector<std::string> Issues() {
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    std::vector<std::string> out;
    auto* issues = Root<fb::CheckReport>(*report)->issues();
    if (issues == nullptr) return out;
    for (const auto* issue : *issues) out.push_back(Str(issue->message()));
    return out;
  }

  void PutChunk(uint64_t account, uint64_t file, uint64_t n,
                const std::string& value) {
    REQUIRE(store->db()
                ->Put(rocksdb::WriteOptions(), store->family(Family::kFiles),
                      keys::FileChunkKey(account, file, n), value)
                .ok());
  }

  std::string GetChunk(uint64_t account, uint64_t file, uint64_t n) {
    std::string value;
    REQUIRE(store->db()
                ->Get(rocksdb::ReadOptions(), store->family(Family::kFiles),
                      keys::FileChunkKey(account, file, n), &value)
                .ok());
    return value;
  }
};

// A chunk value with a correct checksum of other bytes.
std::string IntactChunk(const std::string& bytes) {
  std::string value;
  keys::PutBigEndian64(&value, XXH64(bytes.data(), bytes.size(), 0));
  return value + bytes;
}

TEST_CASE("a file's chunk keys parse back and sort by chunk number") {
  auto key = keys::FileChunkKey(7, 42, 3);
  auto parts = keys::ParseFileChunkKey(key);
  REQUIRE(parts);
  CHECK(parts->account_id == 7);
  CHECK(parts->file_id == 42);
  CHECK(parts->chunk == 3);
  CHECK(keys::FileChunkKey(7, 42, 255) < keys::FileChunkKey(7, 42, 256));
  CHECK(keys::FileChunkKey(7, 42, UINT64_MAX) <
        keys::PrefixEnd(keys::FileChunkPrefix(7, 42)));
  CHECK(key.rfind(keys::FileChunkPrefix(7, 42), 0) == 0);
  auto marker = keys::ParsePendingFileKey(keys::PendingFileKey(7, 42));
  REQUIRE(marker);
  CHECK(marker->file_id == 42);
  CHECK(!keys::ParsePendingFileKey(keys::FileChunkKey(7, 42, 0)));
}

TEST_CASE("a file written in many small writes reads back byte-identical") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  std::string contents = Contents((1u << 20) + 17);
  auto info = f.Attach(1, c, contents);
  CHECK(info.id != 0);
  CHECK(info.account_id == 1);
  CHECK(info.customer_id == c);
  CHECK(info.size == contents.size());
  CHECK(info.chunk_count == 5);
  CHECK(info.checksum == XXH64(contents.data(), contents.size(), 0));
  CHECK(info.created_at_ms > 0);
  CHECK(info.file_name == "contract.pdf");
  CHECK(f.Count(Family::kFiles) == 5);

  auto read = f.Read(1, info.id);
  REQUIRE_MESSAGE(read.ok(), read.status().message());
  CHECK(*read == contents);
  auto got = f.files.Get(1, info.id);
  REQUIRE(got.ok());
  CHECK(Root<fb::FileInfo>(*got)->size() == contents.size());
  CHECK(f.Issues().empty());
}

TEST_CASE("an empty file has no chunks and reads back empty") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto info = f.Attach(1, c, "");
  CHECK(info.size == 0);
  CHECK(info.chunk_count == 0);
  auto read = f.Read(1, info.id);
  REQUIRE(read.ok());
  CHECK(read->empty());
  CHECK(f.Issues().empty());
}

TEST_CASE("the content type is lower-cased and the file name trimmed") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto writer = f.Begin(
      1, c, Draft(fb::FileCategory::Photo, "  roof.JPG ", "Image/JPEG"));
  REQUIRE(writer.ok());
  auto record = (*writer)->Commit();
  REQUIRE(record.ok());
  CHECK(Str(Root<fb::FileInfo>(*record)->file_name()) == "roof.JPG");
  CHECK(Str(Root<fb::FileInfo>(*record)->content_type()) == "image/jpeg");
}

TEST_CASE("a write that crosses the size limit fails and the file vanishes") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  {
    auto writer =
        f.Begin(1, c, Draft(fb::FileCategory::Coi, "coi.pdf"), 300u << 10);
    REQUIRE(writer.ok());
    std::string piece = Contents(200u << 10);
    CHECK((*writer)->Write(piece).ok());
    Status crossed = (*writer)->Write(piece);
    CHECK(crossed.IsInvalidArgument());
    CHECK(crossed.message() == "file: larger than the 307200-byte limit");
    CHECK((*writer)->Write("x").IsInvalidArgument());
    CHECK(!(*writer)->Commit().ok());
  }
  CHECK(f.Count(Family::kFiles) == 0);
  CHECK(f.List(1, c, fb::FileCategory::Unspecified).empty());
  CHECK(f.Issues().empty());
}

TEST_CASE("the default size limit is 25 MiB") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto writer = f.Begin(1, c, Draft(fb::FileCategory::Other, "big.bin"));
  REQUIRE(writer.ok());
  Status s = (*writer)->Write(std::string((25u << 20) + 1, 'a'));
  CHECK(s.message() == "file: larger than the 26214400-byte limit");
}

TEST_CASE("a writer dropped before its commit leaves nothing behind") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  // The customer's own entries (its phone, its names, its primary
  // contact's).
  const size_t customer_entries = f.Count(Family::kIndexes);
  {
    auto writer = f.Begin(1, c, Draft(fb::FileCategory::Msa, "msa.pdf"));
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Write(Contents(600u << 10)).ok());
    CHECK(f.Count(Family::kFiles) == 2);
    // Chunks being written are accounted for by their marker.
    CHECK(f.Issues().empty());
    CHECK(f.List(1, c, fb::FileCategory::Unspecified).empty());
  }
  CHECK(f.Count(Family::kFiles) == 0);
  CHECK(f.Count(Family::kIndexes) == customer_entries);  // no marker
  CHECK(f.Issues().empty());
}

TEST_CASE("chunks a crash left behind are removed at the next open") {
  Fixture f;
  uint64_t c = f.Customer(3, "415-555-0101");
  uint64_t kept = f.Attach(3, c, Contents(1000)).id;
  // What a process that died while writing file 999999 leaves.
  std::string customer_id;
  keys::PutBigEndian64(&customer_id, c);
  REQUIRE(f.store->db()
              ->Put(rocksdb::WriteOptions(), f.store->family(Family::kIndexes),
                    keys::PendingFileKey(3, 999999), customer_id)
              .ok());
  f.PutChunk(3, 999999, 0, IntactChunk("a"));
  f.PutChunk(3, 999999, 1, IntactChunk("b"));
  CHECK(f.Issues().empty());

  auto removed = f.files.RecoverPendingFiles();
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  CHECK(f.Count(Family::kFiles) == 1);
  CHECK(f.Issues().empty());
  CHECK(f.Read(3, kept).ok());
}

TEST_CASE("chunks with neither a record nor a marker are reported") {
  Fixture f;
  f.Customer(1, "415-555-0101");
  f.PutChunk(1, 4242, 0, IntactChunk("orphan"));
  CHECK(f.Issues() == std::vector<std::string>{"a stray file chunk"});
}

TEST_CASE("a damaged chunk is found by the read and by the checker") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  std::string contents = Contents(600u << 10);
  auto info = f.Attach(1, c, contents);
  std::string value = f.GetChunk(1, info.id, 1);
  value[100] ^= 0x01;
  f.PutChunk(1, info.id, 1, value);

  auto read = f.Read(1, info.id);
  CHECK(read.status().code() == Code::kCorruption);
  CHECK(read.status().message() ==
        "file " + std::to_string(info.id) + ": chunk 1 is damaged");
  CHECK(f.Issues() == std::vector<std::string>{"a file chunk is damaged"});
}

TEST_CASE("chunks that are each intact but wrong fail the file's checksum") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto info = f.Attach(1, c, Contents(600u << 10));
  std::string chunk = f.GetChunk(1, info.id, 0).substr(8);
  chunk[0] ^= 0x01;
  f.PutChunk(1, info.id, 0, IntactChunk(chunk));

  auto source = f.files.OpenContent(1, info.id);
  REQUIRE(source.ok());
  auto first = (*source)("", 64);
  REQUIRE(first.ok());  // a chunk alone looks sound
  auto second = (*source)(first->last_position, 64);
  REQUIRE(second.ok());
  auto last = (*source)(second->last_position, 64);
  CHECK(last.status().code() == Code::kCorruption);
  CHECK(last.status().message() ==
        "file " + std::to_string(info.id) +
            ": the contents do not match their checksum");
}

TEST_CASE("a resumed read still verifies the whole file") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  std::string contents = Contents(800u << 10);
  auto info = f.Attach(1, c, contents);
  std::string after;
  keys::PutBigEndian64(&after, 1);  // chunks 0 and 1 were read before
  auto rest = f.Read(1, info.id, after);
  REQUIRE_MESSAGE(rest.ok(), rest.status().message());
  CHECK(*rest == contents.substr(2 * kFileChunkBytes));

  std::string chunk = f.GetChunk(1, info.id, 0).substr(8);
  chunk[5] ^= 0x40;
  f.PutChunk(1, info.id, 0, IntactChunk(chunk));
  CHECK(f.Read(1, info.id, after).status().code() == Code::kCorruption);
}

TEST_CASE("listing a customer's files filters by category") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t other = f.Customer(1, "415-555-0102");
  auto msa = f.Attach(1, c, "m", fb::FileCategory::Msa, "msa.pdf");
  auto p1 = f.Attach(1, c, "p", fb::FileCategory::Photo, "a.jpg");
  auto p2 = f.Attach(1, c, "q", fb::FileCategory::Photo, "b.jpg");
  f.Attach(1, other, "o", fb::FileCategory::Photo, "c.jpg");
  CHECK(f.List(1, c, fb::FileCategory::Unspecified) ==
        std::vector<uint64_t>{msa.id, p1.id, p2.id});
  CHECK(f.List(1, c, fb::FileCategory::Photo) ==
        std::vector<uint64_t>{p1.id, p2.id});
  CHECK(f.List(1, c, fb::FileCategory::Coi).empty());

  auto first = f.files.List(1, c, fb::FileCategory::Unspecified, "", 2);
  REQUIRE(first.ok());
  CHECK(first->items.size() == 2);
  CHECK(!first->done);
  auto rest = f.files.List(1, c, fb::FileCategory::Unspecified,
                           first->last_position, 2);
  REQUIRE(rest.ok());
  REQUIRE(rest->items.size() == 1);
  CHECK(Root<fb::FileInfo>(rest->items[0].record)->id() == p2.id);
}

TEST_CASE("another account's or customer's file is not found") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t elsewhere = f.Customer(2, "415-555-0101");
  auto info = f.Attach(1, c, "secret");
  CHECK(f.files.Get(2, info.id).status().IsNotFound());
  CHECK(f.files.OpenContent(2, info.id).status().IsNotFound());
  CHECK(f.files.Delete(2, info.id).IsNotFound());
  CHECK(f.files.List(2, c, fb::FileCategory::Unspecified, "", 10)
            .status()
            .IsNotFound());
  CHECK(f.List(2, elsewhere, fb::FileCategory::Unspecified).empty());
  CHECK(f.Begin(2, c, Draft(fb::FileCategory::Msa, "x.pdf"))
            .status()
            .IsNotFound());
  CHECK(f.files.Get(1, info.id).ok());
}

TEST_CASE("deleting a file removes its record, entry and chunks") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto info = f.Attach(1, c, Contents(700u << 10));
  auto keep = f.Attach(1, c, "kept");
  REQUIRE(f.files.Delete(1, info.id).ok());
  CHECK(f.files.Get(1, info.id).status().IsNotFound());
  CHECK(f.files.OpenContent(1, info.id).status().IsNotFound());
  CHECK(f.files.Delete(1, info.id).IsNotFound());
  CHECK(f.List(1, c, fb::FileCategory::Unspecified) ==
        std::vector<uint64_t>{keep.id});
  CHECK(f.Count(Family::kFiles) == 1);
  CHECK(f.Issues().empty());
}

TEST_CASE("invalid drafts are refused with the field named") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  const size_t customer_entries = f.Count(Family::kIndexes);
  struct Case {
    std::string draft;
    std::string field;
  };
  std::string nul_name = std::string("a\0b.pdf", 7);
  const Case cases[] = {
      {Draft(fb::FileCategory::Unspecified, "a.pdf"), "category:"},
      {Draft(static_cast<fb::FileCategory>(9), "a.pdf"), "category:"},
      {Draft(fb::FileCategory::Msa, ""), "file_name:"},
      {Draft(fb::FileCategory::Msa, "   "), "file_name:"},
      {Draft(fb::FileCategory::Msa, "dir/a.pdf"), "file_name:"},
      {Draft(fb::FileCategory::Msa, ".."), "file_name:"},
      {Draft(fb::FileCategory::Msa, nul_name), "file_name:"},
      {Draft(fb::FileCategory::Msa, std::string(256, 'n')), "file_name:"},
      {Draft(fb::FileCategory::Msa, "\xC3(.pdf"), "file_name:"},
      {Draft(fb::FileCategory::Msa, "a.pdf", ""), "content_type:"},
      {Draft(fb::FileCategory::Msa, "a.pdf", "pdf"), "content_type:"},
      {Draft(fb::FileCategory::Msa, "a.pdf", "/pdf"), "content_type:"},
      {Draft(fb::FileCategory::Msa, "a.pdf", "text/plain; charset=utf-8"),
       "content_type:"},
      {Draft(fb::FileCategory::Msa, "a.pdf", "a/" + std::string(126, 'b')),
       "content_type:"},
  };
  for (const auto& test : cases) {
    auto writer = f.Begin(1, c, test.draft);
    REQUIRE(!writer.ok());
    CHECK(writer.status().IsInvalidArgument());
    CHECK(writer.status().message().rfind(test.field, 0) == 0);
  }
  CHECK(f.Count(Family::kIndexes) == customer_entries);  // no marker
  CHECK(f.Begin(0, c, Draft(fb::FileCategory::Msa, "a.pdf"))
            .status()
            .IsInvalidArgument());
}

TEST_CASE("the checker reports a missing chunk and a missing child entry") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto info = f.Attach(1, c, Contents(300u << 10));
  REQUIRE(f.store->db()
              ->Delete(rocksdb::WriteOptions(), f.store->family(Family::kFiles),
                       keys::FileChunkKey(1, info.id, 1))
              .ok());
  CHECK(f.Issues() == std::vector<std::string>{"a file chunk is missing"});
  REQUIRE(f.store->db()
              ->Delete(rocksdb::WriteOptions(),
                       f.store->family(Family::kIndexes),
                       keys::ChildKey(1, c, keys::RecordTag::kFile, info.id))
              .ok());
  std::multiset<std::string> issues;
  for (auto& i : f.Issues()) issues.insert(i);
  CHECK(issues.count("missing child index entry") == 1);
  CHECK(f.Read(1, info.id).status().code() == Code::kCorruption);
}

TEST_CASE("the checker reports a file whose customer is missing") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto info = f.Attach(1, c, "x");
  fb::FileInfoT orphan = info;
  orphan.id = info.id + 1000;
  orphan.customer_id = 123456;
  auto* db = f.store->db();
  REQUIRE(db->Put(rocksdb::WriteOptions(), f.store->family(Family::kRecords),
                  keys::RecordKey(1, keys::RecordTag::kFile, orphan.id),
                  PackRecord(orphan))
              .ok());
  REQUIRE(db->Put(rocksdb::WriteOptions(), f.store->family(Family::kIndexes),
                  keys::ChildKey(1, 123456, keys::RecordTag::kFile, orphan.id),
                  "")
              .ok());
  f.PutChunk(1, orphan.id, 0, f.GetChunk(1, info.id, 0));
  CHECK(f.Issues() ==
        std::vector<std::string>{"a file of a customer that is missing"});
}

}  // namespace
}  // namespace custdb
