#include "engine/timeline/notes.h"

#include <doctest/doctest.h>

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

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Notes notes{store.get(), &customers};

  uint64_t Customer(uint64_t account, const std::string& phone) {
    auto r = customers.Create(
        account, *Root<fb::CustomerDraft>(IndividualDraft("Ana", "", phone)),
        CreateOptions());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }

  Result<std::string> TryAdd(uint64_t account, uint64_t customer,
                             const std::string& author,
                             const std::string& body) {
    fb::NoteDraftT d;
    d.author = author;
    d.body = body;
    std::string bytes = PackRecord(d);
    return notes.Add(account, customer, *Root<fb::NoteDraft>(bytes));
  }

  fb::NoteT Add(uint64_t account, uint64_t customer, const std::string& body) {
    auto r = TryAdd(account, customer, "user-17", body);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Unpack(*r);
  }

  Result<std::string> Edit(uint64_t account, uint64_t id,
                           const std::string& body, uint64_t expected = 0) {
    fb::NotePatchT p;
    p.body = body;
    std::string bytes = PackRecord(p);
    return notes.Update(account, id, *Root<fb::NotePatch>(bytes), expected);
  }

  static fb::NoteT Unpack(const std::string& bytes) {
    fb::NoteT n;
    Root<fb::Note>(bytes)->UnPackTo(&n);
    return n;
  }

  std::vector<uint64_t> Page(uint64_t account, uint64_t customer,
                             std::string* after, size_t limit,
                             bool* done = nullptr) {
    auto page = notes.List(account, customer, *after, limit);
    REQUIRE_MESSAGE(page.ok(), page.status().message());
    std::vector<uint64_t> ids;
    for (auto& item : page->items)
      ids.push_back(Root<fb::Note>(item.record)->id());
    *after = page->last_position;
    if (done != nullptr) *done = page->done;
    return ids;
  }

  std::vector<uint64_t> All(uint64_t account, uint64_t customer) {
    std::string after;
    return Page(account, customer, &after, 1000);
  }

  std::vector<std::string> CheckMessages() {
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    std::vector<std::string> out;
    auto* issues = Root<fb::CheckReport>(*report)->issues();
    if (issues != nullptr) {
      for (const auto* issue : *issues) out.push_back(Str(issue->message()));
    }
    return out;
  }
};

TEST_CASE("adding a note stores it as version 1 of its customer") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto n = f.Add(1, c, "Gate code 4411.\nDog is friendly.");
  CHECK(n.id != 0);
  CHECK(n.account_id == 1);
  CHECK(n.customer_id == c);
  CHECK(n.author == "user-17");
  CHECK(n.body == "Gate code 4411.\nDog is friendly.");
  CHECK(n.version == 1);
  CHECK(n.created_at_ms > 0);
  CHECK(n.updated_at_ms == n.created_at_ms);
  auto got = f.notes.Get(1, n.id);
  REQUIRE(got.ok());
  CHECK(Fixture::Unpack(*got).body == n.body);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a customer's notes list newest first, page by page") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t other = f.Customer(1, "415-555-0102");
  std::vector<uint64_t> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(f.Add(1, c, "n" + std::to_string(i)).id);
  f.Add(1, other, "not theirs");
  std::vector<uint64_t> newest_first(ids.rbegin(), ids.rend());
  CHECK(f.All(1, c) == newest_first);

  std::string after;
  bool done = false;
  std::vector<uint64_t> seen = f.Page(1, c, &after, 3, &done);
  CHECK_FALSE(done);
  // A note added meanwhile is newer than the position: not reached.
  uint64_t added = f.Add(1, c, "later").id;
  while (!done) {
    auto page = f.Page(1, c, &after, 3, &done);
    seen.insert(seen.end(), page.begin(), page.end());
  }
  CHECK(seen == newest_first);
  CHECK(f.All(1, c).front() == added);
}

TEST_CASE("editing a note's body bumps its version and update time") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto n = f.Add(1, c, "first");
  auto edited = f.Edit(1, n.id, "second", 1);
  REQUIRE(edited.ok());
  auto e = Fixture::Unpack(*edited);
  CHECK(e.body == "second");
  CHECK(e.version == 2);
  CHECK(e.updated_at_ms >= n.updated_at_ms);
  CHECK(e.created_at_ms == n.created_at_ms);
  CHECK(e.author == n.author);

  // The same body again changes nothing, and neither does an empty patch.
  auto same = f.Edit(1, n.id, "second", 2);
  REQUIRE(same.ok());
  CHECK(Fixture::Unpack(*same).version == 2);
  std::string empty_patch = PackRecord(fb::NotePatchT());
  auto untouched =
      f.notes.Update(1, n.id, *Root<fb::NotePatch>(empty_patch), 2);
  REQUIRE(untouched.ok());
  CHECK(Fixture::Unpack(*untouched).version == 2);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a stale version is refused for an edit and a delete") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto n = f.Add(1, c, "first");
  REQUIRE(f.Edit(1, n.id, "second").ok());
  auto stale = f.Edit(1, n.id, "third", 1);
  CHECK(stale.status().IsConflict());
  CHECK(f.notes.Delete(1, n.id, 1).IsConflict());
  auto got = f.notes.Get(1, n.id);
  REQUIRE(got.ok());
  CHECK(Fixture::Unpack(*got).body == "second");
}

TEST_CASE("deleting a note removes it from its customer's feed") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t keep = f.Add(1, c, "keep").id;
  uint64_t gone = f.Add(1, c, "gone").id;
  CHECK(f.notes.Delete(1, gone, 1).ok());
  CHECK(f.notes.Get(1, gone).status().IsNotFound());
  CHECK(f.All(1, c) == std::vector<uint64_t>{keep});
  CHECK(f.notes.Delete(1, gone, 0).IsNotFound());
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a note needs an author and a body within their limits") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto refused = [&](const std::string& author, const std::string& body,
                     const std::string& field) {
    auto r = f.TryAdd(1, c, author, body);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind(field + ":", 0) == 0);
  };
  refused("", "body", "author");
  refused("u\n1", "body", "author");
  refused(std::string(kMaxNoteAuthorBytes + 1, 'u'), "body", "author");
  refused("u1", "", "body");
  refused("u1", " \n\t ", "body");
  refused("u1", std::string(kMaxNoteBodyBytes + 1, 'b'), "body");
  refused("u1", "bad \xFF", "body");
  CHECK(f.TryAdd(1, c, "u1", std::string(kMaxNoteBodyBytes, 'b')).ok());
  auto n = f.Add(1, c, "ok");
  CHECK(f.Edit(1, n.id, "  ").status().IsInvalidArgument());
  CHECK(f.All(1, c).size() == 2);
}

TEST_CASE("another account's customer and notes are not found") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto n = f.Add(1, c, "mine");
  CHECK(f.TryAdd(2, c, "u", "b").status().IsNotFound());
  CHECK(f.TryAdd(1, c + 1000, "u", "b").status().IsNotFound());
  CHECK(f.notes.Get(2, n.id).status().IsNotFound());
  CHECK(f.Edit(2, n.id, "theirs").status().IsNotFound());
  CHECK(f.notes.Delete(2, n.id, 0).IsNotFound());
  CHECK(f.notes.List(2, c, "", 10).status().IsNotFound());
  CHECK(f.notes.List(1, c, "bad", 10).status().IsInvalidArgument());
  CHECK(f.notes.Get(1, n.id).ok());
}

TEST_CASE("the checker finds a damaged note") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto n = f.Add(1, c, "text");
  REQUIRE(f.CheckMessages().empty());
  rocksdb::WriteOptions wo;
  auto* records = f.store->family(Family::kRecords);
  auto* indexes = f.store->family(Family::kIndexes);
  std::string child = keys::ChildKey(1, c, keys::RecordTag::kNote, n.id);

  SUBCASE("a missing list entry") {
    REQUIRE(f.store->db()->Delete(wo, indexes, child).ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{"missing child index entry"});
  }
  SUBCASE("a list entry without its note") {
    REQUIRE(f.store->db()
                ->Delete(wo, records,
                         keys::RecordKey(1, keys::RecordTag::kNote, n.id))
                .ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{"stray child index entry"});
  }
  SUBCASE("a damaged record") {
    REQUIRE(f.store->db()
                ->Put(wo, records,
                      keys::RecordKey(1, keys::RecordTag::kNote, n.id), "xx")
                .ok());
    auto messages = f.CheckMessages();
    CHECK(messages.size() == 2);  // the record, and its now stray entry
    CHECK(messages.front() == "the record is damaged");
  }
  SUBCASE("a note of a customer that does not exist") {
    fb::NoteT orphan = n;
    orphan.id = n.id + 1000;
    orphan.customer_id = c + 1000;
    REQUIRE(f.store->db()
                ->Put(wo, records,
                      keys::RecordKey(1, keys::RecordTag::kNote, orphan.id),
                      PackRecord(orphan))
                .ok());
    auto messages = f.CheckMessages();
    CHECK(messages.size() == 2);
    CHECK(messages.front().find("its customer does not exist") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace custdb
