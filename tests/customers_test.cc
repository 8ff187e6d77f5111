#include "engine/customers/customers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "engine/storage/keys.h"
#include "test_util.h"

namespace custdb {
namespace {

using testing::CompanyDraft;
using testing::IndividualDraft;
using testing::OpenStore;
using testing::Root;
using testing::Str;
using testing::TempDir;

const fb::CustomerDraft& Draft(const std::string& bytes) {
  return *Root<fb::CustomerDraft>(bytes);
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};

  const fb::Customer* Create(uint64_t account, const std::string& draft,
                             bool allow_duplicate = false) {
    CreateOptions options;
    options.allow_duplicate_phone = allow_duplicate;
    auto r = customers.Create(account, Draft(draft), options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    kept.push_back(std::move(r->record));
    return Root<fb::Customer>(kept.back());
  }

  Result<std::string> Patch(uint64_t account, uint64_t id,
                            const fb::CustomerPatchT& patch,
                            uint64_t expected = 0) {
    std::string bytes = PackRecord(patch);
    return customers.Update(account, id, *Root<fb::CustomerPatch>(bytes),
                            expected);
  }

  fb::SummaryT Summary(uint64_t account) {
    auto s = customers.Summary(account);
    REQUIRE(s.ok());
    fb::SummaryT out;
    Root<fb::Summary>(*s)->UnPackTo(&out);
    return out;
  }

  std::vector<uint64_t> Find(uint64_t account, Lookup by,
                             const std::string& value) {
    auto key = Customers::LookupKey(by, value);
    REQUIRE(key.ok());
    auto page = customers.Find(account, by, *key, "", 100);
    REQUIRE(page.ok());
    std::vector<uint64_t> ids;
    for (auto& item : page->items) {
      ids.push_back(Root<fb::Customer>(item.record)->id());
    }
    return ids;
  }

  size_t CheckIssues() {
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    auto* r = Root<fb::CheckReport>(*report);
    return r->issues() == nullptr ? 0 : r->issues()->size();
  }

  std::deque<std::string> kept;  // stable addresses for the roots
};

TEST_CASE("creating an individual stores it with its assigned fields") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("  José ", "García", "415.867.5309",
                                        "Jose@Example.com"));
  CHECK(c->id() != 0);
  CHECK(c->account_id() == 1);
  CHECK(c->number() == 1);
  CHECK(c->version() == 1);
  CHECK(c->kind() == fb::CustomerKind::Individual);
  CHECK(c->status() == fb::CustomerStatus::Active);
  CHECK(Str(c->first_name()) == "José");
  CHECK(Str(c->display_name()) == "José García");
  CHECK(Str(c->phone()) == "+14158675309");
  CHECK(Str(c->phone_display()) == "(415) 867-5309");
  CHECK(Str(c->email()) == "Jose@Example.com");
  CHECK(c->created_at_ms() > 0);
  CHECK(c->updated_at_ms() == c->created_at_ms());
  CHECK(c->last_activity_at_ms() == c->created_at_ms());

  auto got = f.customers.Get(1, c->id());
  REQUIRE(got.ok());
  CHECK(*got == f.kept.back());
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("creating a company keeps its named primary contact") {
  Fixture f;
  fb::CustomerDraftT d;
  d.kind = fb::CustomerKind::Company;
  d.company_name = "Bayview Plumbing";
  d.phone = "+1 628 555 0199";
  d.primary_contact = std::make_unique<fb::PrimaryContactT>();
  d.primary_contact->first_name = "Dana";
  d.primary_contact->email = "dana@bayview.example";
  d.primary_contact->last_name = " Wu ";
  auto* c = f.Create(1, PackRecord(d));
  CHECK(Str(c->display_name()) == "Bayview Plumbing");
  REQUIRE(c->primary_contact_id() != 0);
  std::string bytes;
  REQUIRE(f.store->db()
              ->Get(rocksdb::ReadOptions(), f.store->family(Family::kRecords),
                    keys::RecordKey(1, keys::RecordTag::kContact,
                                    c->primary_contact_id()),
                    &bytes)
              .ok());
  auto* contact = Root<fb::Contact>(bytes);
  CHECK(contact->customer_id() == c->id());
  CHECK(contact->primary());
  CHECK(Str(contact->display_name()) == "Dana Wu");
  CHECK(Str(contact->email()) == "dana@bayview.example");
  CHECK(Str(contact->phone()).empty());
  CHECK(contact->version() == 1);
  CHECK(f.Summary(1).companies == 1);
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("a company that names no primary contact starts with none") {
  Fixture f;
  auto* c = f.Create(1, CompanyDraft("Acme", "415-555-0101"));
  CHECK(c->primary_contact_id() == 0);
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE(
    "creating a customer with a known phone and an agreeing name returns the "
    "existing one") {
  Fixture f;
  auto* first = f.Create(1, IndividualDraft("Maria", "Garcia", "4158675309"));
  CreateOptions options;
  auto again = f.customers.Create(
      1, Draft(IndividualDraft("MARIA", "garcia", "(415) 867-5309")), options);
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(Root<fb::Customer>(again->record)->id() == first->id());
  CHECK(Str(Root<fb::Customer>(again->record)->first_name()) == "Maria");
  CHECK(f.Summary(1).total == 1);
}

TEST_CASE("a nickname or swapped names still find the phone's customer") {
  Fixture f;
  auto* first = f.Create(1, IndividualDraft("Robert", "Smith", "4158675309"));
  uint64_t id = first->id();
  for (auto [given, family] :
       {std::pair{"Bob", "Smith"}, std::pair{"Smith", "Robert"}}) {
    auto again = f.customers.Create(
        1, Draft(IndividualDraft(given, family, "415-867-5309")),
        CreateOptions());
    REQUIRE(again.ok());
    CHECK(again->existed);
    CHECK(Root<fb::Customer>(again->record)->id() == id);
  }
  CHECK(f.Summary(1).total == 1);
}

TEST_CASE(
    "creating a customer with a known phone and a different name creates a "
    "new customer sharing the phone") {
  Fixture f;
  auto* hotel_bar = f.Create(1, CompanyDraft("Harbor Grill", "415-555-0100"));
  uint64_t first = hotel_bar->id();
  auto other = f.customers.Create(
      1, Draft(CompanyDraft("Sakura Sushi", "(415) 555-0100")),
      CreateOptions());
  REQUIRE(other.ok());
  CHECK_FALSE(other->existed);
  uint64_t second = Root<fb::Customer>(other->record)->id();
  CHECK(second != first);
  CHECK(f.Find(1, Lookup::kPhone, "415-555-0100") ==
        std::vector<uint64_t>{first, second});
  // A third create with either name finds its own customer.
  auto again = f.customers.Create(
      1, Draft(CompanyDraft("Sakura Sushi LLC", "4155550100")),
      CreateOptions());
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(Root<fb::Customer>(again->record)->id() == second);
  CHECK(f.Summary(1).total == 2);
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("a caller may create a second customer with the same phone") {
  Fixture f;
  auto* a = f.Create(1, CompanyDraft("Hotel Front Desk", "415-867-5309"));
  auto* b = f.Create(1, CompanyDraft("Hotel Restaurant", "415-867-5309"), true);
  CHECK(a->id() != b->id());
  CHECK(f.Find(1, Lookup::kPhone, "415 867 5309") ==
        std::vector<uint64_t>{a->id(), b->id()});
  CHECK(f.Summary(1).total == 2);
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("a phone lookup resumed after the largest id finds nothing") {
  Fixture f;
  f.Create(1, CompanyDraft("Hotel Front Desk", "415-867-5309"));
  auto key = Customers::LookupKey(Lookup::kPhone, "415-867-5309");
  REQUIRE(key.ok());
  std::string after;
  keys::PutBigEndian64(&after, UINT64_MAX);
  auto page = f.customers.Find(1, Lookup::kPhone, *key, after, 100);
  REQUIRE(page.ok());
  CHECK(page->items.empty());
  CHECK(page->done);
}

TEST_CASE("many threads creating the same phone end with one customer") {
  Fixture f;
  constexpr int kThreads = 8;
  std::vector<uint64_t> ids(kThreads);
  std::vector<int> created(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = f.customers.Create(
          1,
          Draft(IndividualDraft(t % 2 ? "Robert" : "Bob", "Lee", "4158675309")),
          CreateOptions());
      if (!r.ok()) return;
      ids[t] = Root<fb::Customer>(r->record)->id();
      created[t] = r->existed ? 0 : 1;
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> distinct(ids.begin(), ids.end());
  CHECK(distinct.size() == 1);
  CHECK(*distinct.begin() != 0);
  int sum = 0;
  for (int c : created) sum += c;
  CHECK(sum == 1);
  CHECK(f.Summary(1).total == 1);
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("creates racing with phone changes keep every index exact") {
  Fixture f;
  constexpr int kThreads = 6;
  std::vector<uint64_t> movers;
  for (int i = 0; i < kThreads; ++i) {
    movers.push_back(
        f.Create(
             1, IndividualDraft("M", "", "510-555-01" + std::to_string(10 + i)))
            ->id());
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::map<int, std::set<uint64_t>> created_by_phone;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 40; ++round) {
        std::string phone = "415-555-01" + std::to_string(10 + round % 5);
        if (t % 2 == 0) {
          auto r = f.customers.Create(1, Draft(IndividualDraft("C", "", phone)),
                                      CreateOptions());
          if (!r.ok()) {
            ++failures;
          } else if (!r->existed) {
            std::lock_guard<std::mutex> lock(mu);
            created_by_phone[round % 5].insert(
                flatbuffers::GetRoot<fb::Customer>(r->record.data())->id());
          }
        } else {
          fb::CustomerPatchT patch;
          patch.phone = phone;
          patch.vip = round % 2 == 0;
          if (!f.Patch(1, movers[t], patch).ok()) ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(f.CheckIssues() == 0);
  // The movers' name differs from the creators', so a create never
  // returns a mover; once a creator has made a customer with a phone,
  // every later create finds it, so each phone has at most one created
  // customer, and it still holds the phone.
  for (const auto& [i, ids] : created_by_phone) {
    CHECK(ids.size() <= 1);
    auto owners =
        f.Find(1, Lookup::kPhone, "415-555-01" + std::to_string(10 + i));
    for (uint64_t id : ids) {
      CHECK(std::find(owners.begin(), owners.end(), id) != owners.end());
    }
  }
}

TEST_CASE("customer numbers increase per account and are never reused") {
  Fixture f;
  CHECK(f.Create(1, IndividualDraft("A", "", "415-555-0101"))->number() == 1);
  CHECK(f.Create(2, IndividualDraft("B", "", "415-555-0101"))->number() == 1);
  CHECK(f.Create(1, IndividualDraft("C", "", "415-555-0102"))->number() == 2);
  // A create that returns the existing customer uses no number.
  f.Create(1, IndividualDraft("A", "", "415-555-0101"));
  CHECK(f.Create(1, IndividualDraft("D", "", "415-555-0103"))->number() == 3);
}

TEST_CASE("another account's customers cannot be seen or changed") {
  Fixture f;
  auto* c = f.Create(
      1, IndividualDraft("Ann", "Lee", "415-555-0101", "ann@example.com"));
  CHECK(f.customers.Get(2, c->id()).status().IsNotFound());
  fb::CustomerPatchT patch;
  patch.first_name = "Mallory";
  CHECK(f.Patch(2, c->id(), patch).status().IsNotFound());
  CHECK(f.customers.SetArchived(2, c->id(), true, 0).status().IsNotFound());
  CHECK(f.Find(2, Lookup::kPhone, "415-555-0101").empty());
  CHECK(f.Find(2, Lookup::kEmail, "ann@example.com").empty());
  CHECK(f.Summary(2).total == 0);
  CHECK(Str(Root<fb::Customer>(*f.customers.Get(1, c->id()))->first_name()) ==
        "Ann");
}

TEST_CASE("an email is found whatever its case") {
  Fixture f;
  auto* c = f.Create(
      1, IndividualDraft("Ann", "", "415-555-0101", "Ann.Lee@Example.COM"));
  CHECK(f.Find(1, Lookup::kEmail, "ann.lee@example.com") ==
        std::vector<uint64_t>{c->id()});
  CHECK(f.Find(1, Lookup::kEmail, "ANN.LEE@EXAMPLE.COM") ==
        std::vector<uint64_t>{c->id()});
}

TEST_CASE("changing the phone and email re-indexes them") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "", "415-555-0101", "a@x.io"));
  fb::CustomerPatchT patch;
  patch.phone = "(510) 555-0199";
  patch.email = "b@y.io";
  auto r = f.Patch(1, c->id(), patch);
  REQUIRE(r.ok());
  auto* u = Root<fb::Customer>(*r);
  CHECK(Str(u->phone()) == "+15105550199");
  CHECK(u->version() == 2);
  CHECK(f.Find(1, Lookup::kPhone, "415-555-0101").empty());
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0199") ==
        std::vector<uint64_t>{c->id()});
  CHECK(f.Find(1, Lookup::kEmail, "a@x.io").empty());
  CHECK(f.Find(1, Lookup::kEmail, "B@Y.IO") == std::vector<uint64_t>{c->id()});
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("an empty string in a patch clears an optional field") {
  Fixture f;
  auto* c =
      f.Create(1, IndividualDraft("Ann", "Lee", "415-555-0101", "a@x.io"));
  flatbuffers::FlatBufferBuilder b;
  auto empty = b.CreateString("");
  fb::CustomerPatchBuilder patch(b);
  patch.add_email(empty);
  patch.add_last_name(empty);
  b.Finish(patch.Finish());
  auto r = f.customers.Update(
      1, c->id(),
      *flatbuffers::GetRoot<fb::CustomerPatch>(b.GetBufferPointer()), 0);
  REQUIRE(r.ok());
  auto* u = Root<fb::Customer>(*r);
  CHECK(Str(u->email()).empty());
  CHECK(Str(u->display_name()) == "Ann");
  CHECK(f.Find(1, Lookup::kEmail, "a@x.io").empty());
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("an update made on a stale version is refused and changes nothing") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "", "415-555-0101"));
  fb::CustomerPatchT patch;
  patch.first_name = "Anna";
  REQUIRE(f.Patch(1, c->id(), patch, 1).ok());
  patch.first_name = "Hannah";
  auto stale = f.Patch(1, c->id(), patch, 1);
  CHECK(stale.status().IsConflict());
  auto stored = f.customers.Get(1, c->id());
  REQUIRE(stored.ok());
  auto now = Root<fb::Customer>(*stored);
  CHECK(Str(now->first_name()) == "Anna");
  CHECK(now->version() == 2);
  CHECK(f.Patch(1, c->id(), patch, 2).ok());
}

TEST_CASE("a patch that changes nothing writes nothing") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "Lee", "415-555-0101"));
  fb::CustomerPatchT patch;
  patch.first_name = " Ann ";
  patch.phone = "(415) 555-0101";
  auto r = f.Patch(1, c->id(), patch, 1);
  REQUIRE(r.ok());
  CHECK(*r == f.kept.back());
  CHECK(Root<fb::Customer>(*r)->version() == 1);
}

TEST_CASE("unarchiving checks the expected version too") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "Lee", "415-555-0101"));
  CHECK(f.customers.SetArchived(1, c->id(), false, 7).status().IsConflict());
  auto same = f.customers.SetArchived(1, c->id(), false, 1);
  REQUIRE(same.ok());
  CHECK(Root<fb::Customer>(*same)->version() == 1);
}

TEST_CASE("the type of a customer never changes") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "", "415-555-0101"));
  fb::CustomerPatchT patch;
  patch.kind = fb::CustomerKind::Company;
  patch.company_name = "Ann Inc";
  auto r = f.Patch(1, c->id(), patch);
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message().rfind("kind:", 0) == 0);
  fb::CustomerPatchT same;
  same.kind = fb::CustomerKind::Individual;
  same.first_name = "Anna";
  CHECK(f.Patch(1, c->id(), same).ok());
}

TEST_CASE("do-not-contact needs a reason and clearing it drops the reason") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "", "415-555-0101"));
  fb::CustomerPatchT patch;
  patch.do_not_contact = true;
  auto missing = f.Patch(1, c->id(), patch);
  CHECK(missing.status().message().rfind("do_not_contact_reason:", 0) == 0);
  patch.do_not_contact_reason = "moved away";
  auto set = f.Patch(1, c->id(), patch);
  REQUIRE(set.ok());
  CHECK(Root<fb::Customer>(*set)->do_not_contact());
  CHECK(Str(Root<fb::Customer>(*set)->do_not_contact_reason()) == "moved away");
  fb::CustomerPatchT clear;
  clear.do_not_contact = false;
  auto cleared = f.Patch(1, c->id(), clear);
  REQUIRE(cleared.ok());
  CHECK_FALSE(Root<fb::Customer>(*cleared)->do_not_contact());
  CHECK(Str(Root<fb::Customer>(*cleared)->do_not_contact_reason()).empty());
}

TEST_CASE("archiving moves a customer out of the counts and back") {
  Fixture f;
  auto* c = f.Create(1, CompanyDraft("Acme", "415-555-0101"));
  fb::CustomerPatchT vip;
  vip.vip = true;
  REQUIRE(f.Patch(1, c->id(), vip).ok());
  auto s = f.Summary(1);
  CHECK((s.total == 1 && s.active == 1 && s.vip == 1 && s.companies == 1));
  auto archived = f.customers.SetArchived(1, c->id(), true, 0);
  REQUIRE(archived.ok());
  CHECK(Root<fb::Customer>(*archived)->status() ==
        fb::CustomerStatus::Archived);
  s = f.Summary(1);
  CHECK((s.total == 0 && s.active == 0 && s.vip == 0 && s.companies == 0 &&
         s.archived == 1));
  REQUIRE(f.customers.SetArchived(1, c->id(), false, 0).ok());
  s = f.Summary(1);
  CHECK((s.total == 1 && s.active == 1 && s.archived == 0));
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("invalid input is refused with the field named and changes nothing") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "", "415-555-0101"));
  struct Row {
    std::string draft;
    std::string field;
  };
  std::vector<Row> rows = {
      {IndividualDraft("", "Lee", "415-555-0102"), "first_name:"},
      {IndividualDraft("Ann", "", ""), "phone:"},
      {IndividualDraft("Ann", "", "415-555-01"), "phone:"},
      {IndividualDraft("Ann", "", "+44 20 7946 0958"), "phone:"},
      {IndividualDraft("Ann", "", "415-555-0102", "not-an-email"), "email:"},
      {IndividualDraft("Ann\xC3", "", "415-555-0102"), "first_name:"},
      {IndividualDraft(std::string(101, 'a'), "", "415-555-0102"),
       "first_name:"},
      {IndividualDraft("Ann", std::string("L\0e", 3), "415-555-0102"),
       "last_name:"},
      {CompanyDraft("", "415-555-0102"), "company_name:"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.field);
    auto r = f.customers.Create(1, Draft(row.draft), CreateOptions());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind(row.field, 0) == 0);
  }
  fb::CustomerPatchT patch;
  patch.email = "bad@";
  CHECK(f.Patch(1, c->id(), patch).status().IsInvalidArgument());
  auto stored = f.customers.Get(1, c->id());
  REQUIRE(stored.ok());
  auto now = Root<fb::Customer>(*stored);
  CHECK(now->version() == 1);
  CHECK(f.Summary(1).total == 1);
  CHECK(f.CheckIssues() == 0);
}

TEST_CASE("the checker reports an index entry or a count that went wrong") {
  Fixture f;
  auto* c = f.Create(1, IndividualDraft("Ann", "Lee", "415-555-0101"));
  CHECK(f.CheckIssues() == 0);
  auto* db = f.store->db();
  auto* indexes = f.store->family(Family::kIndexes);
  auto* counters = f.store->family(Family::kCounters);
  REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                     keys::IndexKey(1, keys::IndexTag::kPhone, "+14155550101",
                                    c->id()))
              .ok());
  CHECK(f.CheckIssues() == 1);
  REQUIRE(db->Put(rocksdb::WriteOptions(), indexes,
                  keys::IndexKey(1, keys::IndexTag::kEmail, "x@y.io", 999), "")
              .ok());
  CHECK(f.CheckIssues() == 2);
  std::string three;
  keys::PutBigEndian64(&three, 3);
  REQUIRE(db->Put(rocksdb::WriteOptions(), counters,
                  keys::CounterKey(1, keys::CounterTag::kTotal), three)
              .ok());
  auto report = CheckStore(f.store.get());
  REQUIRE(report.ok());
  auto* r = Root<fb::CheckReport>(*report);
  REQUIRE(r->issues()->size() == 3);
  std::set<std::string> messages;
  for (const auto* issue : *r->issues()) {
    messages.insert(Str(issue->message()));
    CHECK(Str(issue->message()).find("415") == std::string::npos);
  }
  CHECK(messages.count("missing phone index entry") == 1);
  CHECK(messages.count("stray email index entry") == 1);
  CHECK(messages.count("the total count is 3, a recount gives 1") == 1);
}

TEST_CASE("customers are still there after the store is reopened") {
  TempDir dir;
  uint64_t id = 0;
  {
    auto store = OpenStore(dir.path(), /*sync=*/true);
    Customers customers(store.get());
    auto r = customers.Create(
        7, Draft(IndividualDraft("Ann", "Lee", "415-555-0101", "a@b.io")),
        CreateOptions());
    REQUIRE(r.ok());
    id = Root<fb::Customer>(r->record)->id();
  }
  auto store = OpenStore(dir.path());
  Customers customers(store.get());
  auto got = customers.Get(7, id);
  REQUIRE(got.ok());
  CHECK(Str(Root<fb::Customer>(*got)->display_name()) == "Ann Lee");
  auto r = customers.Create(7, Draft(IndividualDraft("Bo", "", "415-555-0102")),
                            CreateOptions());
  REQUIRE(r.ok());
  CHECK(Root<fb::Customer>(r->record)->number() == 2);
  CHECK(Root<fb::Customer>(r->record)->id() > id);
}

}  // namespace
}  // namespace custdb
