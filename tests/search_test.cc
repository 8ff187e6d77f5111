#include "engine/customers/customer_search.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/storage/keys.h"
#include "list_fixture.h"

namespace custdb {
namespace {

using testing::CompanyDraft;
using testing::IndividualDraft;
using testing::PhoneOf;
using testing::Root;
using testing::Str;

struct Fixture : testing::ListFixture {
  uint64_t PersonWith(const std::string& first, const std::string& last,
                      const std::string& phone, const std::string& email = "") {
    fb::CustomerDraftT d;
    d.kind = fb::CustomerKind::Individual;
    d.first_name = first;
    d.last_name = last;
    d.phone = phone;
    d.email = email;
    return Add(PackRecord(d));
  }
  uint64_t Contact(uint64_t customer, const std::string& first,
                   const std::string& last, const std::string& phone = "",
                   const std::string& email = "") {
    fb::ContactDraftT d;
    d.first_name = first;
    d.last_name = last;
    d.phone = phone;
    d.email = email;
    std::string bytes = PackRecord(d);
    auto r = contacts.Add(1, customer, *Root<fb::ContactDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Contact>(*r)->id();
  }
  std::vector<std::string> Find(const std::string& query,
                                CustomerListFilter filter = {},
                                size_t page_size = 2) {
    filter.query = query;
    return Names(filter, page_size);
  }
  std::vector<std::string> Names(const CustomerListFilter& filter,
                                 size_t page_size) {
    std::vector<std::string> names;
    for (const auto& row : Rows(filter, page_size)) {
      names.push_back(Str(Root<fb::CustomerRow>(row)->display_name()));
    }
    return names;
  }
  using ListFixture::Names;
};

using Names = std::vector<std::string>;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

TEST_CASE("a search text is read as a phone, an email or name words") {
  auto q = ParseSearchQuery("(415) 867-5309");
  CHECK(q.kind == SearchQuery::Kind::kPhone);
  CHECK(q.digits == "4158675309");
  CHECK(ParseSearchQuery("+1 415 867 5309").digits == "4158675309");
  CHECK(ParseSearchQuery("5309").digits == "5309");
  q = ParseSearchQuery("  Maria.Lopez@Example ");
  CHECK(q.kind == SearchQuery::Kind::kEmail);
  CHECK(q.email == "maria.lopez@example");
  q = ParseSearchQuery("Jo  SMÍ");
  CHECK(q.kind == SearchQuery::Kind::kName);
  CHECK(q.words == std::vector<std::string>{"jo", "smi"});
  CHECK(ParseSearchQuery("plumbing 24").kind == SearchQuery::Kind::kName);
  for (const char* nothing : {"", "   ", "--", "(", "+", ".,;"}) {
    CAPTURE(nothing);
    CHECK(ParseSearchQuery(nothing).kind == SearchQuery::Kind::kNone);
    CHECK_FALSE(IsSearch(nothing));
  }
}

TEST_CASE("a typo is one edit of a word or of its beginning") {
  CHECK(FuzzyWordMatch("jonh", "john"));
  CHECK(FuzzyWordMatch("jhon", "john"));
  CHECK(FuzzyWordMatch("smtih", "smithers"));  // a beginning, one swap
  CHECK(FuzzyWordMatch("johnsn", "johnson"));
  CHECK(FuzzyWordMatch("jonhsno", "johnson") == false);  // two edits, 7
  CHECK(FuzzyWordMatch("wiliamsen", "williamson"));      // two, from 8
  CHECK_FALSE(FuzzyWordMatch("jon", "jan"));             // under 4: no typos
  CHECK_FALSE(FuzzyWordMatch("mary", "john"));
  CHECK(FuzzyWordMatch("müler", "müller"));    // code points, not bytes
  CHECK_FALSE(FuzzyWordMatch("zoë", "zoey"));  // under 4 code points
}

// The typo rule written out plainly: the fewest edits (with swaps of
// neighbours) from the query to a beginning of the word whose length is
// within k of the query's.
bool PlainTypoMatch(const std::string& q, const std::string& w) {
  size_t m = q.size();
  if (m < 4) return false;
  size_t k = m >= 8 ? 2 : 1;
  for (size_t len = m > k ? m - k : 0; len <= m + k && len <= w.size(); ++len) {
    std::string p = w.substr(0, len);
    std::vector<std::vector<size_t>> d(m + 1, std::vector<size_t>(len + 1));
    for (size_t i = 0; i <= m; ++i) d[i][0] = i;
    for (size_t j = 0; j <= len; ++j) d[0][j] = j;
    for (size_t i = 1; i <= m; ++i) {
      for (size_t j = 1; j <= len; ++j) {
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                            d[i - 1][j - 1] + (q[i - 1] == p[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && q[i - 1] == p[j - 2] && q[i - 2] == p[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    if (d[m][len] <= k) return true;
  }
  return false;
}

TEST_CASE("the typo rule and the typo scan agree with the rule written out") {
  std::mt19937 rng(11);
  auto word = [&](size_t min, size_t max) {
    std::string w = "ab";
    size_t len = min + rng() % (max - min + 1);
    while (w.size() < len) w.push_back("abc"[rng() % 3]);
    return w;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string q = word(4, 9), w = word(2, 12);
    CAPTURE(q);
    CAPTURE(w);
    REQUIRE(FuzzyWordMatch(q, w) == PlainTypoMatch(q, w));
  }

  // A store of many words of one beginning: the scan skips the words
  // that cannot be close by their beginnings, and must still find every
  // one that is.
  Fixture f;
  std::set<std::string> words;
  while (words.size() < 300) words.insert(word(3, 10));
  for (const auto& w : words) f.Person(w);
  for (int round = 0; round < 40; ++round) {
    std::string q = word(4, 8);
    CAPTURE(q);
    std::set<std::string> expected;
    for (const auto& w : words) {
      if (!StartsWith(w, q) && PlainTypoMatch(q, w)) expected.insert(w);
    }
    std::set<std::string> prefixed;
    for (const auto& w : words) {
      if (StartsWith(w, q)) prefixed.insert(w);
    }
    auto found = f.Find(q, {}, 1000);
    std::set<std::string> typos;
    for (const auto& name : found) {
      if (prefixed.count(name) == 0) typos.insert(name);
    }
    if (prefixed.size() < 10) {
      // Each close word is found by one of the three beginnings read.
      std::set<std::string> reachable;
      for (const auto& w : expected) {
        if (StartsWith(w, q.substr(0, 2)) ||
            StartsWith(w, std::string{q[0], q[2], q[1]}) ||
            StartsWith(w, std::string{q[0], q[2], q[3]})) {
          reachable.insert(w);
        }
      }
      CHECK(typos == reachable);
    } else {
      CHECK(typos.empty());
    }
  }
}

TEST_CASE("digits find a whole phone, its beginning or its last four") {
  Fixture f;
  f.PersonWith("Ann", "Lee", "415-867-5309");
  f.PersonWith("Bob", "Kay", "415-867-1200");
  f.PersonWith("Cy", "Moe", "510-555-8675");
  f.PersonWith("Ed", "Fox", "212-555-4158");
  uint64_t acme = f.Add(CompanyDraft("Acme", "650-555-0100"));
  f.Contact(acme, "Dee", "Roe", "415-867-4444");

  CHECK(f.Find("(415) 867-5309") == Names{"Ann Lee"});
  CHECK(f.Find("1 415 867 5309") == Names{"Ann Lee"});
  CHECK(f.Find("4158675309") == Names{"Ann Lee"});
  // A contact's phone finds its customer.
  CHECK(f.Find("415.867.4444") == Names{"Acme"});
  // The beginning: area code and exchange, in number order.
  CHECK(f.Find("415 867") == Names{"Bob Kay", "Acme", "Ann Lee"});
  CHECK(f.Find("(510)") == Names{"Cy Moe"});
  // Four digits: the numbers that end with them first, then those that
  // begin with them.
  CHECK(f.Find("5309") == Names{"Ann Lee"});
  CHECK(f.Find("4444") == Names{"Acme"});
  CHECK(f.Find("8675") == Names{"Cy Moe"});
  CHECK(f.Find("4158") == Names{"Ed Fox", "Bob Kay", "Acme", "Ann Lee"});
  // No US number has more digits.
  CHECK(f.Find("41586753091").empty());
  CHECK(f.Find("0000").empty());
  CHECK(f.Issues().empty());
}

// The indexes family filters seeks by a phone's or an email's whole
// value (ExactValuePrefix in engine/storage/store.cc). With the numbers
// of one area code split between two table files, a page of a search
// resumes at a number that one of the files does not hold: a scan that
// trusted the filter there would skip that file's later numbers.
TEST_CASE("values split between table files are all found") {
  Fixture f;
  auto flush = [&] {
    REQUIRE(
        f.store->db()
            ->Flush(rocksdb::FlushOptions(), f.store->family(Family::kIndexes))
            .ok());
  };
  auto phone = [](int i) {
    std::string digits = std::to_string(1000 + i);
    return "415-555-" + digits;
  };
  for (int file = 0; file < 2; ++file) {
    for (int i = file; i < 40; i += 2) {
      std::string n = std::to_string(i);
      f.PersonWith("P" + n, "Q", phone(i), "p@d" + n + ".com");
    }
    flush();
  }
  uint64_t acme = f.Add(CompanyDraft("Acme", "650-555-0100"));
  f.Contact(acme, "Dee", "Roe", phone(7));
  flush();

  // Every page of a search by the area code, two rows at a time.
  CHECK(f.Find("415 555", {}, 2).size() == 41);
  CHECK(f.Find("p@d", {}, 3).size() == 40);
  // The exact lookups, through both files and a contact's entry.
  for (int i = 0; i < 40; ++i) {
    auto key = Customers::LookupKey(Lookup::kPhone, phone(i));
    REQUIRE(key.ok());
    auto page = f.customers.Find(1, Lookup::kPhone, *key, "", 10);
    REQUIRE(page.ok());
    CHECK(page->items.size() == (i == 7 ? 2u : 1u));
    auto email = Customers::LookupKey(Lookup::kEmail,
                                      "P@D" + std::to_string(i) + ".com");
    REQUIRE(email.ok());
    page = f.customers.Find(1, Lookup::kEmail, *email, "", 10);
    REQUIRE(page.ok());
    CHECK(page->items.size() == 1);
  }
  auto absent = Customers::LookupKey(Lookup::kPhone, "415-555-9999");
  REQUIRE(absent.ok());
  auto none = f.customers.Find(1, Lookup::kPhone, *absent, "", 10);
  REQUIRE(none.ok());
  CHECK(none->items.empty());
  CHECK(f.Issues().empty());
}

TEST_CASE("an individual is found once by the phone it shares with itself") {
  Fixture f;
  // The individual's primary contact has the customer's phone and name.
  f.PersonWith("Ann", "Lee", "415-867-5309", "ann@example.com");
  CHECK(f.Find("415-867-5309") == Names{"Ann Lee"});
  CHECK(f.Find("5309") == Names{"Ann Lee"});
  CHECK(f.Find("ann@") == Names{"Ann Lee"});
  CHECK(f.Find("ann lee") == Names{"Ann Lee"});
  CHECK(f.Find("le") == Names{"Ann Lee"});
}

TEST_CASE("an @ finds email addresses by their beginning, ignoring case") {
  Fixture f;
  f.PersonWith("Ann", "Lee", "415-555-0101", "Ann.Lee@Example.com");
  f.PersonWith("Ann", "Ray", "415-555-0102", "ann@example.com.au");
  f.PersonWith("Bo", "Ng", "415-555-0103", "ann@example.com");
  uint64_t acme = f.Add(CompanyDraft("Acme", "415-555-0104"));
  f.Contact(acme, "Dee", "Roe", "", "DEE@acme.example");

  // The whole address first: it sorts before every longer one.
  CHECK(f.Find("ANN@example.com") == Names{"Bo Ng", "Ann Ray"});
  CHECK(f.Find("ann.lee@") == Names{"Ann Lee"});
  CHECK(f.Find("dee@acme") == Names{"Acme"});
  CHECK(f.Find("@example").empty());  // a beginning, not any part
  CHECK(f.Find("zed@").empty());
}

TEST_CASE("every query word must begin a word of the name") {
  Fixture f;
  f.Person("José", "Smith");
  f.Person("John", "Smithers");
  f.Person("Joanna", "Brown");
  f.Company("Smith & Sons Plumbing");
  f.Person("Mary", "O'Neil");

  CHECK(f.Find("jo smi") == Names{"José Smith", "John Smithers"});
  CHECK(f.Find("SMI JO") == Names{"José Smith", "John Smithers"});
  CHECK(f.Find("joanna") == Names{"Joanna Brown"});
  CHECK(f.Find("plumb") == Names{"Smith & Sons Plumbing"});
  CHECK(f.Find("oneil") == Names{"Mary O'Neil"});
  CHECK(f.Find("o'ne") == Names{"Mary O'Neil"});
  CHECK(f.Find("jose smith") == Names{"José Smith"});
  CHECK(f.Find("jo zed").empty());
}

TEST_CASE("exact words rank above prefixes, prefixes in word order") {
  Fixture f;
  f.Person("Johnny", "Smith");
  f.Person("John", "Adams");
  f.Person("Jo", "Young");
  f.Person("John", "Smith");
  // "john" whole first (by name), then words that begin with it.
  CHECK(f.Find("john") == Names{"John Adams", "John Smith", "Johnny Smith"});
  CHECK(f.Find("john smith") == Names{"John Smith", "Johnny Smith"});
  CHECK(f.Find("jo") ==
        Names{"Jo Young", "John Adams", "John Smith", "Johnny Smith"});
}

TEST_CASE("a contact's name finds its company, once for each name") {
  Fixture f;
  uint64_t acme = f.Company("Acme Heating");
  f.Contact(acme, "Maria", "Lopez");
  f.Contact(acme, "Dmitri", "Lopez");
  uint64_t lopez = f.Company("Lopez Roofing");
  f.Contact(lopez, "Lucia", "Lopez");

  CHECK(f.Find("maria") == Names{"Acme Heating"});
  // Lopez Roofing answers by its own name, so its contact adds nothing;
  // Acme answers for each contact name that answers ("dmitri lopez",
  // "maria lopez"), whatever the page size. Rows come by matched name.
  Names by_lopez{"Acme Heating", "Lopez Roofing", "Acme Heating"};
  CHECK(f.Find("lopez", {}, 100) == by_lopez);
  CHECK(f.Find("lopez", {}, 1) == by_lopez);
  CHECK(f.Find("heat") == Names{"Acme Heating"});
}

TEST_CASE("typos follow when prefixes find few") {
  Fixture f;
  f.Person("John", "Smith");
  f.Person("Jon", "Baker");
  f.Person("Joan", "Smith");
  f.Person("Maria", "Jonhson");
  auto found = f.Find("jonh");
  CHECK(found == Names{"Maria Jonhson", "John Smith", "Jon Baker"});
  CHECK(f.Find("jhon smith") == Names{"John Smith"});
  CHECK(f.Find("jonh smtih") == Names{"John Smith"});
  CHECK(f.Find("smiht") == Names{"Joan Smith", "John Smith"});
  // The first letter must be right.
  CHECK(f.Find("ohn smith").empty());
  CHECK(f.Find("xyzzy").empty());

  SUBCASE("no typos when prefixes find plenty") {
    for (int i = 0; i < 10; ++i) f.Person("Jonh" + std::to_string(i), "Doe");
    auto names = f.Find("jonh", {}, 3);
    CHECK(names.size() == 11);  // Maria Jonhson and the ten
    CHECK(std::find(names.begin(), names.end(), "John Smith") == names.end());
  }
}

TEST_CASE("every filter applies to a search") {
  Fixture f;
  uint64_t a = f.Person("Ann", "Lee");
  uint64_t b = f.Person("Ann", "Ray");
  uint64_t c = f.Person("Ann", "Zee");
  f.Company("Ann's Bakery");
  f.SetVip(b, true);
  f.Archive(c);
  uint64_t gold = f.Tag("gold");
  f.Carry(a, gold);

  CHECK(f.Find("ann") == Names{"Ann Lee", "Ann Ray", "Ann's Bakery"});
  CustomerListFilter all;
  all.statuses = kAllStatuses;
  CHECK(f.Find("ann", all).size() == 4);
  CustomerListFilter vip;
  vip.vip = FlagFilter::kOnly;
  CHECK(f.Find("ann", vip) == Names{"Ann Ray"});
  CustomerListFilter people;
  people.kind = fb::CustomerKind::Individual;
  CHECK(f.Find("ann", people) == Names{"Ann Lee", "Ann Ray"});
  CustomerListFilter tagged;
  tagged.tag_ids = {gold};
  CHECK(f.Find("ann", tagged) == Names{"Ann Lee"});
  CHECK(f.Find(PhoneOf(0), tagged) == Names{"Ann Lee"});
  // A search ignores the sort.
  CustomerListFilter newest;
  newest.sort = keys::RowSort::kCreated;
  CHECK(f.Find("ann", newest) == f.Find("ann"));
}

TEST_CASE("paging a search is exact while other records change") {
  Fixture f;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 30; ++i) {
    ids.push_back(f.Person("Sam" + std::string(1, 'a' + i % 26), "Jones"));
  }
  CustomerListFilter filter;
  filter.query = "sam jon";
  Names whole = f.Names(filter, 1000);
  REQUIRE(whole.size() == 30);
  CHECK(f.Names(filter, 1) == whole);
  CHECK(f.Names(filter, 7) == whole);

  // Between pages, change customers that do not move in this search.
  Names seen;
  std::string after;
  for (int pages = 0;; ++pages) {
    REQUIRE(pages < 100);
    auto page = ListCustomers(f.store.get(), 1, filter, after, 4);
    REQUIRE(page.ok());
    for (auto& item : page->items) {
      seen.push_back(Str(Root<fb::CustomerRow>(item.record)->display_name()));
    }
    f.SetVip(ids[static_cast<size_t>(pages) % ids.size()], pages % 2 == 0);
    f.Person("Other" + std::to_string(pages));
    after = page->last_position;
    if (page->done) break;
  }
  CHECK(seen == whole);
  CHECK(f.Issues().empty());
}

TEST_CASE("search entries follow renames, contacts and merges") {
  Fixture f;
  uint64_t ann = f.Person("Ann", "Lee");
  uint64_t acme = f.Company("Acme");
  uint64_t dee = f.Contact(acme, "Dee", "Roe", "650-555-0199");
  CHECK(f.Find("dee") == Names{"Acme"});
  CHECK(f.Find("0199") == Names{"Acme"});

  f.Rename(ann, "Anna");
  CHECK(f.Find("ann") == Names{"Anna Lee"});
  CHECK(f.Find("anna lee") == Names{"Anna Lee"});

  fb::ContactPatchT patch;
  patch.first_name = "Dora";
  std::string bytes = PackRecord(patch);
  REQUIRE(f.contacts.Update(1, dee, *Root<fb::ContactPatch>(bytes), 0).ok());
  CHECK(f.Find("dee").empty());
  CHECK(f.Find("dora roe") == Names{"Acme"});
  CHECK(f.Issues().empty());

  MergeOptions options;
  REQUIRE(f.merger.Merge(1, ann, acme, options).ok());
  CHECK(f.Find("dora") == Names{"Anna Lee"});
  CHECK(f.Find("acme").empty());
  CHECK(f.Find("0199") == Names{"Anna Lee"});
  CHECK(f.Issues().empty());
}

TEST_CASE("the checker reports a missing search entry") {
  Fixture f;
  uint64_t id = f.Person("Ann", "Lee");
  auto* db = f.store->db();
  auto* indexes = f.store->family(Family::kIndexes);
  SUBCASE("word") {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                       keys::SearchWordKey(1, "lee", "ann lee", id, id))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"missing search word index entry"});
  }
  SUBCASE("phone suffix") {
    std::string e164 = "+1" + std::string("415555") + "1000";
    REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                       keys::ChildIndexKey(1, keys::IndexTag::kPhoneSuffix,
                                           "1000", id, id))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"missing phone suffix index entry"});
  }
  SUBCASE("a stale row in an own word entry") {
    fb::CustomerT before = f.Record(id);
    f.SetVip(id, true);
    REQUIRE(db->Put(rocksdb::WriteOptions(), indexes,
                    keys::SearchWordKey(1, "ann", "ann lee", id, id),
                    CustomerRowOf(before))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"wrong value in search word index entry"});
  }
  SUBCASE("row by id") {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                       keys::CustomerRowByIdKey(1, id))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"missing customer row index entry"});
  }
}

TEST_CASE("hostile search texts are refused or find nothing") {
  Fixture f;
  f.Person("Ann", "Lee");
  f.Person("Bob", "Kay");
  // Nothing to search for: the list itself.
  CHECK(f.Find("").size() == 2);
  CHECK(f.Find(" .-( ").size() == 2);

  CustomerListFilter filter;
  filter.query = std::string(10000, 'a');
  CHECK(ListCustomers(f.store.get(), 1, filter, "", 5).status().message() ==
        "query: at most 256 bytes");
  filter.query = "ann \xff\xfe";
  CHECK(ListCustomers(f.store.get(), 1, filter, "", 5).status().message() ==
        "query: must be valid UTF-8");
  filter.query = std::string(256, 'a');
  CHECK(f.Names(filter, 5).empty());
  filter.query = std::string(200, '9');
  CHECK(f.Names(filter, 5).empty());
  filter.query = "a b c d e f g h i j k l";
  CHECK(f.Names(filter, 5).empty());

  filter.query = "ann";
  for (std::string token : {std::string("z"), std::string("zz"),
                            std::string("a\x01"), std::string(1, '\0')}) {
    auto page = ListCustomers(f.store.get(), 1, filter, token, 5);
    CHECK(page.status().code() == Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace custdb
