#include "engine/match/duplicates.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/check/check.h"
#include "engine/contacts/contacts.h"
#include "engine/customers/customers.h"
#include "engine/locations/locations.h"
#include "engine/match/match_name.h"
#include "engine/merge/merge.h"
#include "engine/normalize/email.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "test_util.h"

using namespace custdb;           // NOLINT
using namespace custdb::testing;  // NOLINT

namespace {

std::vector<std::string> Words(std::string_view name, NameKind kind) {
  return MatchWords(name, kind);
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Contacts contacts{store.get(), &customers};
  Locations locations{store.get(), &customers};
  Duplicates duplicates{store.get(), &customers};
  Merger merger{store.get(), &customers};

  uint64_t Create(const std::string& draft) {
    CreateOptions options;
    options.allow_duplicate_phone = true;
    auto r = customers.Create(1, *Root<fb::CustomerDraft>(draft), options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }
  uint64_t Person(const std::string& first, const std::string& last,
                  const std::string& phone, const std::string& email = "") {
    return Create(IndividualDraft(first, last, phone, email));
  }
  uint64_t Company(const std::string& name, const std::string& phone) {
    return Create(CompanyDraft(name, phone));
  }
  void At(uint64_t customer, const std::string& line1,
          const std::string& zip = "94107") {
    fb::LocationDraftT d;
    d.kind = fb::LocationKind::Service;
    d.address_line1 = line1;
    d.city = "San Francisco";
    d.state = "CA";
    d.zip = zip;
    std::string bytes = PackRecord(d);
    auto r = locations.Add(1, customer, *Root<fb::LocationDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }

  fb::DuplicateListT Find(uint64_t customer, size_t limit = 10) {
    DuplicateOptions options;
    options.limit = limit;
    auto r = duplicates.Find(1, customer, options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::DuplicateListT list;
    Root<fb::DuplicateList>(*r)->UnPackTo(&list);
    return list;
  }

  // The confidence of `other` among the duplicates of `customer`
  // (Unspecified: not a candidate).
  fb::Confidence TierOf(uint64_t customer, uint64_t other) {
    for (const auto& c : Find(customer, 100).candidates) {
      if (c->customer_id == other) return c->confidence;
    }
    return fb::Confidence::Unspecified;
  }

  std::vector<fb::DuplicatePairT> Report() {
    auto r = duplicates.Report(1);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    std::vector<fb::DuplicatePairT> out;
    for (const auto& item : **r) {
      fb::DuplicatePairT p;
      Root<fb::DuplicatePair>(item.record)->UnPackTo(&p);
      out.push_back(std::move(p));
    }
    return out;
  }

  std::vector<std::string> Issues() {
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    fb::CheckReportT r;
    Root<fb::CheckReport>(*report)->UnPackTo(&r);
    std::vector<std::string> out;
    for (const auto& issue : r.issues) out.push_back(issue->message);
    return out;
  }

  uint64_t Counter(const std::string& key) {
    std::string value;
    auto s = store->db()->Get(rocksdb::ReadOptions(),
                              store->family(Family::kCounters), key, &value);
    if (s.IsNotFound()) return 0;
    REQUIRE(s.ok());
    return keys::GetBigEndian64(value.data());
  }

  // How many names of a customer have a trigram (0: no entry).
  uint32_t Names(const std::string& trigram, uint64_t customer) {
    std::string value;
    auto s = store->db()->Get(rocksdb::ReadOptions(),
                              store->family(Family::kTrigrams),
                              keys::TrigramKey(1, trigram, customer), &value);
    if (s.IsNotFound()) return 0;
    REQUIRE(s.ok());
    return keys::DecodeTrigramCount(value).value_or(999);
  }

  size_t Postings(const std::string& trigram) {
    std::string prefix = keys::TrigramPrefix(1, trigram);
    std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(
        rocksdb::ReadOptions(), store->family(Family::kTrigrams)));
    size_t n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      ++n;
    }
    return n;
  }
};

bool HasSignal(const fb::DuplicateCandidateT& c, fb::MatchSignal signal) {
  for (const auto& r : c.reasons) {
    if (r->signal == signal) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("match names fold case, accents, suffixes, titles and nicknames") {
  struct Case {
    std::string name;
    NameKind kind;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"  José  García ", NameKind::kPerson, "jose garcia"},
      {"Bob Smith", NameKind::kPerson, "robert smith"},
      {"Robert Smith", NameKind::kPerson, "robert smith"},
      {"Dr. Liz Taylor Jr.", NameKind::kPerson, "elizabeth taylor"},
      {"Mr", NameKind::kPerson, "mr"},
      {"The Bayview Plumbing Co.", NameKind::kCompany, "bayview plumbing"},
      {"Bayview Plumbing & Sons, Inc.", NameKind::kCompany, "bayview plumbing"},
      {"Acme, L.L.C.", NameKind::kCompany, "acme"},
      {"The Company", NameKind::kCompany, "company"},
      {"Inc", NameKind::kCompany, "inc"},
      {"!!!", NameKind::kCompany, ""},
      {"", NameKind::kPerson, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(MatchName(c.name, c.kind) == c.want);
  }
  // Nicknames of companies are left alone.
  CHECK(MatchName("Bob's Garage", NameKind::kCompany) == "bobs garage");
}

TEST_CASE(
    "nicknames map to a given name and first names compare through "
    "them") {
  CHECK(GivenName("bob") == "robert");
  CHECK(GivenName("robert") == "robert");
  CHECK(GivenName("zyxw") == "zyxw");
  CHECK(FirstNamesCompatible("bob", "robert"));
  CHECK(FirstNamesCompatible("bob", "rob"));
  CHECK(FirstNamesCompatible("liz", "elizabeth"));
  CHECK_FALSE(FirstNamesCompatible("mary", "robert"));
  CHECK_FALSE(FirstNamesCompatible("", "robert"));
}

TEST_CASE("trigrams are padded per word and ignore word order") {
  CHECK(Trigrams({"bob"}) ==
        std::vector<std::string>{"  b", " bo", "bob", "ob "});
  CHECK(Trigrams(Words("John Smith", NameKind::kPerson)) ==
        Trigrams(Words("Smith John", NameKind::kPerson)));
  // Code points, not bytes.
  CHECK(Trigrams({"żó"}) == std::vector<std::string>{"  ż", " żó", "żó "});
  auto a = Trigrams(Words("Jennifer Smith", NameKind::kPerson));
  auto b = Trigrams(Words("Jenifer Smith", NameKind::kPerson));
  CHECK(TrigramSimilarity(a, a) == 1.0);
  CHECK(TrigramSimilarity(a, b) > 0.6);
  CHECK(TrigramSimilarity(a, {}) == 0.0);
  CHECK(TrigramSimilarity({}, {}) == 0.0);
}

TEST_CASE("loose email keys drop dots and plus tags") {
  CHECK(LooseEmailKey("J.Doe+work@GMail.com") == "jdoe@gmail.com");
  CHECK(LooseEmailKey("jdoe@googlemail.com") == "jdoe@gmail.com");
  CHECK(LooseEmailKey("+x@example.com") == "+x@example.com");
}

TEST_CASE("trigram entries and their counters follow every write") {
  Fixture f;
  uint64_t a = f.Person("Bob", "Smith", "415-555-0101");
  // The customer and its primary contact both carry the name: one entry
  // that counts two names.
  CHECK(f.Postings("rob") == 1);
  CHECK(f.Names("rob", a) == 2);
  CHECK(f.Counter(keys::TrigramCounterKey(1, "rob")) == 1);
  fb::CustomerPatchT patch;
  patch.first_name = "Alice";
  std::string bytes = PackRecord(patch);
  REQUIRE(f.customers.Update(1, a, *Root<fb::CustomerPatch>(bytes), 0).ok());
  CHECK(f.Postings("rob") == 0);
  CHECK(f.Counter(keys::TrigramCounterKey(1, "rob")) == 0);
  CHECK(f.Postings("ali") == 1);
  CHECK(f.Names("ali", a) == 2);
  // A second contact of the same first name counts in the same entry.
  fb::ContactDraftT contact;
  contact.first_name = "Alice";
  contact.last_name = "Jones";
  std::string contact_bytes = PackRecord(contact);
  auto added = f.contacts.Add(1, a, *Root<fb::ContactDraft>(contact_bytes));
  REQUIRE(added.ok());
  CHECK(f.Names("ali", a) == 3);
  CHECK(f.Names("jon", a) == 1);
  REQUIRE(f.contacts.Delete(1, Root<fb::Contact>(*added)->id(), 0).ok());
  CHECK(f.Names("ali", a) == 2);
  CHECK(f.Postings("jon") == 0);
  CHECK(f.Counter(keys::TrigramCounterKey(1, "jon")) == 0);
  f.Company("Bayview Plumbing, Inc.", "415-555-0102");
  CHECK(f.Postings("inc") == 0);
  CHECK(f.Postings("bay") == 1);
  CHECK(f.Issues().empty());

  SUBCASE("the checker finds a missing entry") {
    std::string key = keys::TrigramKey(1, "ali", a);
    REQUIRE(f.store->db()
                ->Delete(rocksdb::WriteOptions(),
                         f.store->family(Family::kTrigrams), key)
                .ok());
    auto issues = f.Issues();
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].find("missing trigram") != std::string::npos);
  }
  SUBCASE("the checker finds a wrong count of names") {
    REQUIRE(
        f.store->db()
            ->Put(rocksdb::WriteOptions(), f.store->family(Family::kTrigrams),
                  keys::TrigramKey(1, "ali", a), keys::EncodeTrigramCount(3))
            .ok());
    auto issues = f.Issues();
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].find("wrong value in trigram") != std::string::npos);
  }
  SUBCASE("the checker finds a wrong counter") {
    REQUIRE(f.store->db()
                ->Merge(rocksdb::WriteOptions(),
                        f.store->family(Family::kCounters),
                        keys::TrigramCounterKey(1, "ali"), EncodeCounter(1))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{
              "the trigram postings count is 2, a recount gives 1"});
  }
  SUBCASE("the checker finds a stray entry") {
    REQUIRE(
        f.store->db()
            ->Put(rocksdb::WriteOptions(), f.store->family(Family::kTrigrams),
                  keys::TrigramKey(1, "zzz", a), keys::EncodeTrigramCount(1))
            .ok());
    auto issues = f.Issues();
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].find("stray trigram") != std::string::npos);
  }
}

TEST_CASE("a shared phone with agreeing names is high, without them medium") {
  Fixture f;
  uint64_t bob = f.Person("Robert", "Johnson", "415-555-0101");
  uint64_t nick = f.Person("Bob", "Johnson", "(415) 555-0101");
  uint64_t family = f.Person("Mary", "Johnson", "415.555.0101");
  uint64_t swapped = f.Person("Johnson", "Robert", "415-555-0101");
  uint64_t typo = f.Person("Robert", "Jonhson", "415-555-0101");
  f.Person("Someone", "Else", "415-555-0199");

  auto list = f.Find(bob);
  REQUIRE(list.candidates.size() == 4);
  CHECK(f.TierOf(bob, nick) == fb::Confidence::High);
  CHECK(f.TierOf(bob, swapped) == fb::Confidence::High);
  CHECK(f.TierOf(bob, typo) == fb::Confidence::High);
  CHECK(f.TierOf(bob, family) == fb::Confidence::Medium);
  // Ordered by tier: the family member last.
  CHECK(list.candidates.back()->customer_id == family);
  CHECK(HasSignal(*list.candidates.front(), fb::MatchSignal::Phone));
  CHECK(HasSignal(*list.candidates.front(), fb::MatchSignal::Name));
  // A limit cuts the list.
  CHECK(f.Find(bob, 2).candidates.size() == 2);
}

TEST_CASE("similar names alone are low; emails and addresses count") {
  Fixture f;
  uint64_t a = f.Person("Jennifer", "Martinez", "415-555-0101",
                        "jen.martinez@gmail.com");
  uint64_t name_only = f.Person("Jenifer", "Martinez", "415-555-0102");
  uint64_t email =
      f.Person("Jen", "Martinez", "415-555-0103", "JEN.MARTINEZ@gmail.com");
  uint64_t loose = f.Person("Jennifer", "Martinez", "415-555-0104",
                            "jenmartinez+home@gmail.com");
  uint64_t unrelated = f.Person("Thomas", "Nguyen", "415-555-0105");
  f.At(a, "12 Oak Street");
  uint64_t same_house = f.Person("Jennifer", "Martinez", "415-555-0106");
  f.At(same_house, "12 Oak St.");
  uint64_t neighbour = f.Person("Paul", "Chen", "415-555-0107");
  f.At(neighbour, "12 Oak St");

  CHECK(f.TierOf(a, name_only) == fb::Confidence::Low);
  CHECK(f.TierOf(a, email) == fb::Confidence::High);
  CHECK(f.TierOf(a, loose) == fb::Confidence::Medium);
  CHECK(f.TierOf(a, same_house) == fb::Confidence::High);
  CHECK(f.TierOf(a, neighbour) == fb::Confidence::Low);
  CHECK(f.TierOf(a, unrelated) == fb::Confidence::Unspecified);
}

TEST_CASE("companies match without their suffixes") {
  Fixture f;
  uint64_t a = f.Company("Bayview Plumbing & Sons, Inc.", "628-555-0199");
  uint64_t b = f.Company("The Bayview Plumbing", "628-555-0199");
  uint64_t other = f.Company("Bayview Roofing", "628-555-0199");
  CHECK(f.TierOf(a, b) == fb::Confidence::High);
  CHECK(f.TierOf(a, other) == fb::Confidence::Medium);
}

TEST_CASE("archived candidates are included and marked") {
  Fixture f;
  uint64_t a = f.Person("Robert", "Johnson", "415-555-0101");
  uint64_t b = f.Person("Bob", "Johnson", "415-555-0101");
  REQUIRE(f.customers.SetArchived(1, b, true, 0).ok());
  auto list = f.Find(a);
  REQUIRE(list.candidates.size() == 1);
  CHECK(list.candidates[0]->archived);
  CHECK(list.candidates[0]->confidence == fb::Confidence::High);
}

TEST_CASE("a value shared by a crowd is not evidence") {
  Fixture f;
  uint64_t first = f.Company("Hotel Front Desk", "415-555-0100");
  for (size_t i = 0; i < kMaxSharedValue; ++i) {
    f.Company("Tenant " + std::to_string(i), "415-555-0100");
  }
  for (const auto& c : f.Find(first, 100).candidates) {
    CHECK_FALSE(HasSignal(*c, fb::MatchSignal::Phone));
  }
}

TEST_CASE("unknown customers and accounts are refused") {
  Fixture f;
  uint64_t a = f.Person("Robert", "Johnson", "415-555-0101");
  CHECK(f.duplicates.Find(1, a + 1000, {}).status().IsNotFound());
  CHECK(f.duplicates.Find(2, a, {}).status().IsNotFound());
  CHECK(f.duplicates.Find(0, a, {}).status().IsInvalidArgument());
  CHECK(f.duplicates.Report(0).status().IsInvalidArgument());
}

TEST_CASE("the account report lists each pair once, in order") {
  Fixture f;
  uint64_t a = f.Person("Robert", "Johnson", "415-555-0101");
  uint64_t b = f.Person("Bob", "Johnson", "415-555-0101");
  uint64_t c = f.Person("Mary", "Johnson", "415-555-0101");
  uint64_t d = f.Person("Ann", "Lee", "415-555-0150", "ann@example.com");
  uint64_t e = f.Person("Annie", "Lee", "415-555-0151", "ANN@example.com");
  f.Person("Unrelated", "Person", "415-555-0160");
  uint64_t g = f.Person("Xavier", "Quinnell", "415-555-0170");
  uint64_t h = f.Person("Xavier", "Quinnell", "415-555-0171");
  // Another account is not in this one's report.
  REQUIRE(f.customers
              .Create(2,
                      *Root<fb::CustomerDraft>(
                          IndividualDraft("Robert", "Johnson", "415-555-0101")),
                      CreateOptions())
              .ok());

  auto report = f.Report();
  std::map<std::pair<uint64_t, uint64_t>, fb::Confidence> got;
  for (const auto& p : report) {
    CHECK(p.customer_id < p.duplicate_id);
    CHECK(got.count({p.customer_id, p.duplicate_id}) == 0);
    got[{p.customer_id, p.duplicate_id}] = p.confidence;
  }
  CHECK(got[{a, b}] == fb::Confidence::High);
  CHECK(got[{a, c}] == fb::Confidence::Medium);
  CHECK(got[{b, c}] == fb::Confidence::Medium);
  CHECK(got[{d, e}] == fb::Confidence::High);
  CHECK(got[{g, h}] == fb::Confidence::Low);
  CHECK(got.size() == 5);
  for (size_t i = 1; i < report.size(); ++i) {
    CHECK(report[i - 1].confidence <= report[i].confidence);
  }
  // Pages resume after their last position.
  auto built = f.duplicates.Report(1);
  REQUIRE(built.ok());
  Page first = ReportPage(**built, "", 2);
  CHECK(first.items.size() == 2);
  CHECK_FALSE(first.done);
  Page rest = ReportPage(**built, first.last_position, 10);
  CHECK(rest.items.size() == 3);
  CHECK(rest.done);
  CHECK(rest.items[0].record == (**built)[2].record);
}

TEST_CASE("a merged duplicate leaves the candidates, and its id says why") {
  Fixture f;
  uint64_t a = f.Person("Robert", "Johnson", "415-555-0101");
  uint64_t b = f.Person("Bob", "Johnson", "415-555-0101");
  uint64_t c = f.Person("Mary", "Johnson", "415-555-0101");
  REQUIRE(f.merger.Merge(1, a, b, MergeOptions()).ok());
  auto list = f.Find(a);
  REQUIRE(list.candidates.size() == 1);
  CHECK(list.candidates[0]->customer_id == c);
  auto gone = f.duplicates.Find(1, b, {});
  CHECK(gone.status().IsNotFound());
  CHECK(gone.status().message() == "customer " + std::to_string(b) +
                                       " was merged into customer " +
                                       std::to_string(a));
  for (const auto& p : f.Report()) {
    CHECK(p.customer_id != b);
    CHECK(p.duplicate_id != b);
  }
  CHECK(f.Issues().empty());
}
