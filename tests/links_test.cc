#include "engine/links/links.h"

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
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

std::string Draft(const std::string& kind, const std::string& external_id) {
  fb::LinkDraftT d;
  d.kind = kind;
  d.external_id = external_id;
  return PackRecord(d);
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Links links{store.get(), &customers};

  uint64_t Customer(uint64_t account, const std::string& phone) {
    auto r = customers.Create(
        account, *Root<fb::CustomerDraft>(IndividualDraft("Bo", "", phone)),
        CreateOptions());
    REQUIRE(r.ok());
    return Root<fb::Customer>(r->record)->id();
  }

  Result<std::string> Add(uint64_t account, uint64_t customer,
                          const std::string& kind, const std::string& id) {
    return links.Add(account, customer, *Root<fb::LinkDraft>(Draft(kind, id)));
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
};

TEST_CASE("link keys parse back, NUL bytes included") {
  std::string external(std::string("a\0b", 3));
  auto parts = keys::ParseLinkKey(keys::LinkKey(3, 9, "job", external));
  REQUIRE(parts);
  CHECK(parts->account_id == 3);
  CHECK(parts->customer_id == 9);
  CHECK(parts->kind == "job");
  CHECK(parts->external_id == external);
  CHECK(keys::LinkKey(3, 9, "job", "z") < keys::LinkKey(3, 9, "jobs", "a"));
  CHECK(!keys::ParseLinkKey(keys::LinkTargetKey(3, "job", "a")));
}

TEST_CASE("a linked host record finds the customer that holds it") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto link = f.Add(1, c, "Job", "J-1001");
  REQUIRE_MESSAGE(link.ok(), link.status().message());
  auto* l = Root<fb::Link>(*link);
  CHECK(l->account_id() == 1);
  CHECK(l->customer_id() == c);
  CHECK(Str(l->kind()) == "job");
  CHECK(Str(l->external_id()) == "J-1001");
  CHECK(l->created_at_ms() > 0);

  auto found = f.links.Find(1, "JOB", "J-1001");
  REQUIRE(found.ok());
  CHECK(*found == *link);
  CHECK(f.links.Find(1, "job", "j-1001").status().IsNotFound());
  CHECK(f.Issues().empty());
}

TEST_CASE("linking a record to its customer again returns the stored link") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto first = f.Add(1, c, "invoice", "INV-7");
  REQUIRE(first.ok());
  auto again = f.Add(1, c, "Invoice", "INV-7");
  REQUIRE(again.ok());
  CHECK(*again == *first);
  auto page = f.links.List(1, c, "", 10);
  REQUIRE(page.ok());
  CHECK(page->items.size() == 1);
}

TEST_CASE("linking a record another customer holds is a conflict") {
  Fixture f;
  uint64_t a = f.Customer(1, "415-555-0101");
  uint64_t b = f.Customer(1, "415-555-0102");
  REQUIRE(f.Add(1, a, "job", "J-1").ok());
  auto taken = f.Add(1, b, "job", "J-1");
  CHECK(taken.status().IsConflict());
  CHECK(taken.status().message() ==
        "link: already linked to customer " + std::to_string(a));
  CHECK(Root<fb::Link>(*f.links.Find(1, "job", "J-1"))->customer_id() == a);
  CHECK(f.Issues().empty());
}

TEST_CASE("removing a link frees the record for another customer") {
  Fixture f;
  uint64_t a = f.Customer(1, "415-555-0101");
  uint64_t b = f.Customer(1, "415-555-0102");
  REQUIRE(f.Add(1, a, "job", "J-1").ok());
  CHECK(f.links.Remove(1, b, "job", "J-1").IsNotFound());
  CHECK(f.links.Remove(1, a, "job", "J-2").IsNotFound());
  CHECK(f.links.Remove(1, a, "JOB", "J-1").ok());
  CHECK(f.links.Find(1, "job", "J-1").status().IsNotFound());
  CHECK(f.links.Remove(1, a, "job", "J-1").IsNotFound());
  REQUIRE(f.Add(1, b, "job", "J-1").ok());
  CHECK(Root<fb::Link>(*f.links.Find(1, "job", "J-1"))->customer_id() == b);
  CHECK(f.Issues().empty());
}

TEST_CASE("a customer's links list by kind, then external id, in pages") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  for (auto [kind, id] : std::vector<std::pair<std::string, std::string>>{
           {"quote", "Q1"}, {"job", "J2"}, {"invoice", "I1"}, {"job", "J1"}}) {
    REQUIRE(f.Add(1, c, kind, id).ok());
  }
  std::vector<std::string> seen;
  std::string after;
  for (;;) {
    auto page = f.links.List(1, c, after, 3);
    REQUIRE(page.ok());
    for (auto& item : page->items) {
      auto* l = Root<fb::Link>(item.record);
      seen.push_back(Str(l->kind()) + ":" + Str(l->external_id()));
    }
    after = page->last_position;
    if (page->done) break;
  }
  CHECK(seen ==
        std::vector<std::string>{"invoice:I1", "job:J1", "job:J2", "quote:Q1"});
}

TEST_CASE("invalid kinds and external ids are refused with the field named") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  const std::pair<std::string, std::string> kind_cases[] = {
      {"", "x"},
      {std::string(33, 'k'), "x"},
      {"job!", "x"},
      {"j\xC3\xB6"
       "b",
       "x"},
      {"work order", "x"},
  };
  for (const auto& [kind, id] : kind_cases) {
    auto r = f.Add(1, c, kind, id);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind("kind:", 0) == 0);
  }
  const std::string id_cases[] = {"", std::string(129, 'x'), "a\tb", "\xFF"};
  for (const auto& id : id_cases) {
    auto r = f.Add(1, c, "job", id);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind("external_id:", 0) == 0);
  }
  CHECK(f.Add(1, c, std::string(32, 'k'), std::string(128, 'x')).ok());
  CHECK(f.links.Find(1, "bad kind", "x").status().IsInvalidArgument());
  CHECK(f.links.Remove(1, c, "job", "").IsInvalidArgument());
}

TEST_CASE("another account's links and customers are out of reach") {
  Fixture f;
  uint64_t a = f.Customer(1, "415-555-0101");
  uint64_t other = f.Customer(2, "415-555-0101");
  REQUIRE(f.Add(1, a, "job", "J-1").ok());
  CHECK(f.links.Find(2, "job", "J-1").status().IsNotFound());
  CHECK(f.Add(2, a, "job", "J-9").status().IsNotFound());
  CHECK(f.links.List(2, a, "", 10).status().IsNotFound());
  CHECK(f.links.Remove(2, a, "job", "J-1").IsNotFound());
  // The same host record id is another record in another account.
  REQUIRE(f.Add(2, other, "job", "J-1").ok());
  CHECK(Root<fb::Link>(*f.links.Find(1, "job", "J-1"))->customer_id() == a);
  CHECK(f.Issues().empty());
}

TEST_CASE("customers racing to link one record end with one holder") {
  Fixture f;
  constexpr int kThreads = 8;
  std::vector<uint64_t> customers;
  for (int i = 0; i < kThreads; ++i) {
    customers.push_back(f.Customer(1, "415-555-01" + std::to_string(10 + i)));
  }
  std::atomic<int> linked{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = f.Add(1, customers[t], "job", "J-race");
      if (r.ok()) ++linked;
      if (r.status().IsConflict()) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(linked == 1);
  CHECK(conflicts == kThreads - 1);
  CHECK(f.Issues().empty());
}

TEST_CASE("the checker reports a missing target and a damaged link entry") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  REQUIRE(f.Add(1, c, "job", "J-1").ok());
  REQUIRE(f.Add(1, c, "job", "J-2").ok());
  auto* db = f.store->db();
  auto* indexes = f.store->family(Family::kIndexes);
  REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                     keys::LinkTargetKey(1, "job", "J-1"))
              .ok());
  CHECK(f.Issues() ==
        std::vector<std::string>{"missing link target index entry"});
  REQUIRE(db->Put(rocksdb::WriteOptions(), indexes,
                  keys::LinkKey(1, c, "job", "J-2"), "not a link")
              .ok());
  std::multiset<std::string> issues;
  for (auto& i : f.Issues()) issues.insert(i);
  CHECK(issues.count("a link entry is damaged or differs from its key") == 1);
  CHECK(issues.count("stray link index entry") == 1);
  CHECK(issues.count("stray link target index entry") == 1);
}

}  // namespace
}  // namespace custdb
