#include "engine/tags/tags.h"

#include <doctest/doctest.h>

#include <atomic>
#include <deque>
#include <set>
#include <thread>

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
  Tags tags{store.get(), &customers};
  std::deque<std::string> kept;

  uint64_t Customer(uint64_t account, const std::string& phone) {
    std::string draft = IndividualDraft("Ann", "", phone);
    auto r = customers.Create(account, *Root<fb::CustomerDraft>(draft),
                              CreateOptions());
    REQUIRE(r.ok());
    return Root<fb::Customer>(r->record)->id();
  }

  Result<TagCreateResult> Create(uint64_t account, const std::string& name) {
    fb::TagDraftT d;
    d.name = name;
    std::string bytes = PackRecord(d);
    return tags.Create(account, *Root<fb::TagDraft>(bytes));
  }

  uint64_t Tag(uint64_t account, const std::string& name) {
    auto r = Create(account, name);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Tag>(r->record)->id();
  }

  uint64_t Count(uint64_t account, uint64_t tag) {
    auto r = tags.Get(account, tag);
    REQUIRE(r.ok());
    return Root<fb::Tag>(*r)->customer_count();
  }

  std::vector<uint64_t> TagsOf(uint64_t account, uint64_t customer) {
    auto r = customers.Get(account, customer);
    REQUIRE(r.ok());
    auto* ids = Root<fb::Customer>(*r)->tag_ids();
    return ids == nullptr ? std::vector<uint64_t>()
                          : std::vector<uint64_t>(ids->begin(), ids->end());
  }

  std::vector<std::string> Names(uint64_t account) {
    std::vector<std::string> names;
    std::string after;
    for (;;) {
      auto page = tags.List(account, after, 2);
      REQUIRE(page.ok());
      for (auto& item : page->items) {
        names.push_back(Str(Root<fb::Tag>(item.record)->name()));
      }
      after = page->last_position;
      if (page->done) return names;
    }
  }

  size_t Issues() {
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    auto* issues = Root<fb::CheckReport>(*report)->issues();
    return issues == nullptr ? 0 : issues->size();
  }
};

TEST_CASE("a tag name is unique in its account without regard to case") {
  Fixture f;
  uint64_t vip = f.Tag(1, "VIP");
  auto again = f.Create(1, "  vip ");
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(Root<fb::Tag>(again->record)->id() == vip);
  CHECK(Str(Root<fb::Tag>(again->record)->name()) == "VIP");
  CHECK(f.Tag(2, "vip") != vip);
  CHECK(f.Issues() == 0);
}

TEST_CASE("a tag needs a name of at most 50 bytes of text") {
  Fixture f;
  for (const std::string& bad : {std::string(""), std::string("   "),
                                 std::string(51, 'x'), std::string("\xFF")}) {
    auto r = f.Create(1, bad);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind("name:", 0) == 0);
  }
  CHECK(f.Names(1).empty());
}

TEST_CASE("tags are listed in name order with their customer counts") {
  Fixture f;
  uint64_t b = f.Tag(1, "Commercial");
  f.Tag(1, "annual plan");
  f.Tag(1, "Zone 3");
  uint64_t c = f.Customer(1, "415-555-0101");
  REQUIRE(f.tags.Assign(1, c, b, true).ok());
  CHECK(f.Names(1) ==
        std::vector<std::string>{"annual plan", "Commercial", "Zone 3"});
  CHECK(f.Count(1, b) == 1);
}

TEST_CASE("tagging a customer puts the tag in its record once") {
  Fixture f;
  uint64_t t1 = f.Tag(1, "b"), t2 = f.Tag(1, "a");
  uint64_t c = f.Customer(1, "415-555-0101");
  REQUIRE(f.tags.Assign(1, c, t2, true).ok());
  REQUIRE(f.tags.Assign(1, c, t1, true).ok());
  auto again = f.tags.Assign(1, c, t1, true);
  REQUIRE(again.ok());
  CHECK(Root<fb::Customer>(*again)->version() == 3);
  CHECK(f.TagsOf(1, c) ==
        std::vector<uint64_t>{std::min(t1, t2), std::max(t1, t2)});
  CHECK(f.Count(1, t1) == 1);
  REQUIRE(f.tags.Assign(1, c, t1, false).ok());
  CHECK(f.TagsOf(1, c) == std::vector<uint64_t>{t2});
  CHECK(f.Count(1, t1) == 0);
  CHECK(f.Issues() == 0);
}

TEST_CASE("another account's tag or customer cannot be tagged") {
  Fixture f;
  uint64_t mine = f.Tag(1, "mine");
  uint64_t theirs = f.Tag(2, "theirs");
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t other = f.Customer(2, "415-555-0102");
  CHECK(f.tags.Assign(1, c, theirs, true).status().IsNotFound());
  CHECK(f.tags.Assign(1, other, mine, true).status().IsNotFound());
  CHECK(f.tags.Get(1, theirs).status().IsNotFound());
  CHECK(f.TagsOf(1, c).empty());
}

TEST_CASE("renaming a tag keeps its customers and refuses a taken name") {
  Fixture f;
  uint64_t t = f.Tag(1, "Gold");
  f.Tag(1, "Silver");
  uint64_t c = f.Customer(1, "415-555-0101");
  REQUIRE(f.tags.Assign(1, c, t, true).ok());
  fb::TagDraftT d;
  d.name = "SILVER";
  std::string bytes = PackRecord(d);
  CHECK(
      f.tags.Rename(1, t, *Root<fb::TagDraft>(bytes), 0).status().IsConflict());
  d.name = "Platinum";
  bytes = PackRecord(d);
  CHECK(
      f.tags.Rename(1, t, *Root<fb::TagDraft>(bytes), 9).status().IsConflict());
  auto renamed = f.tags.Rename(1, t, *Root<fb::TagDraft>(bytes), 1);
  REQUIRE(renamed.ok());
  CHECK(Str(Root<fb::Tag>(*renamed)->name()) == "Platinum");
  CHECK(Root<fb::Tag>(*renamed)->customer_count() == 1);
  CHECK(f.Create(1, "gold")->existed == false);
  CHECK(f.Issues() == 0);
}

TEST_CASE("deleting a tag takes it off every customer") {
  Fixture f;
  uint64_t t = f.Tag(1, "Seasonal");
  uint64_t keep = f.Tag(1, "Keep");
  std::vector<uint64_t> carriers;
  for (int i = 0; i < 5; ++i) {
    uint64_t c = f.Customer(1, "415-555-010" + std::to_string(i));
    REQUIRE(f.tags.Assign(1, c, t, true).ok());
    REQUIRE(f.tags.Assign(1, c, keep, true).ok());
    carriers.push_back(c);
  }
  REQUIRE(f.tags.Delete(1, t).ok());
  CHECK(f.tags.Get(1, t).status().IsNotFound());
  for (uint64_t c : carriers)
    CHECK(f.TagsOf(1, c) == std::vector<uint64_t>{keep});
  CHECK(f.Count(1, keep) == 5);
  CHECK(f.Names(1) == std::vector<std::string>{"Keep"});
  CHECK(f.tags.Delete(1, t).IsNotFound());
  CHECK(f.Issues() == 0);
}

TEST_CASE("the checker finds a damaged tag membership or count") {
  Fixture f;
  uint64_t t = f.Tag(1, "x");
  uint64_t c = f.Customer(1, "415-555-0101");
  REQUIRE(f.tags.Assign(1, c, t, true).ok());
  REQUIRE(f.store->db()
              ->Delete(rocksdb::WriteOptions(),
                       f.store->family(Family::kIndexes),
                       keys::TagMemberKey(1, t, c))
              .ok());
  CHECK(f.Issues() == 1);
  std::string two;
  keys::PutBigEndian64(&two, 2);
  REQUIRE(f.store->db()
              ->Put(rocksdb::WriteOptions(), f.store->family(Family::kCounters),
                    keys::CounterKey(1, keys::CounterTag::kTagCount, t), two)
              .ok());
  CHECK(f.Issues() == 2);
}

}  // namespace
}  // namespace custdb

namespace custdb {
namespace {

TEST_CASE("hosts creating one tag name at once end with one tag") {
  Fixture f;
  uint64_t first = f.Tag(1, "Seasonal");
  std::vector<std::thread> threads;
  std::vector<uint64_t> ids(6);
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      fb::TagDraftT d;
      d.name = t % 2 ? "WINTER" : "winter";
      std::string draft = PackRecord(d);
      fb::TagDraftT r;
      r.name = "Seasonal " + std::to_string(t);
      std::string rename = PackRecord(r);
      for (int round = 0; round < 10; ++round) {
        auto created = f.tags.Create(1, *Root<fb::TagDraft>(draft));
        if (!created.ok()) ++failures;
        if (created.ok()) ids[t] = Root<fb::Tag>(created->record)->id();
        // Renames of another tag race with the creates.
        if (!f.tags.Rename(1, first, *Root<fb::TagDraft>(rename), 0).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(std::set<uint64_t>(ids.begin(), ids.end()).size() == 1);
  CHECK(f.Names(1).size() == 2);
  CHECK(f.Issues() == 0);
}

}  // namespace
}  // namespace custdb
