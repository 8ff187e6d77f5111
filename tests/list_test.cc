#include "engine/customers/customer_list.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/customers/customers.h"
#include "engine/merge/merge.h"
#include "engine/storage/keys.h"
#include "engine/tags/tags.h"
#include "engine/timeline/timeline.h"
#include "list_fixture.h"
#include "test_util.h"

namespace custdb {
namespace {

using keys::RowSort;
using testing::CompanyDraft;
using testing::IndividualDraft;
using testing::OpenStore;
using testing::Root;
using testing::Str;
using testing::TempDir;

using Fixture = testing::ListFixture;
using testing::PhoneOf;

CustomerListFilter Sorted(RowSort sort) {
  CustomerListFilter f;
  f.sort = sort;
  return f;
}

TEST_CASE("the list is sorted by name ignoring case and accents") {
  Fixture f;
  f.Person("zoe");
  f.Person("Émile", "Zola");
  f.Company("acme Corp");
  f.Person("Bob", "Ávila");
  f.Person("bob", "avery");
  CHECK(f.Names() == std::vector<std::string>{"acme Corp", "bob avery",
                                              "Bob Ávila", "Émile Zola",
                                              "zoe"});
  CHECK(f.Issues().empty());
}

TEST_CASE("the list sorts by last activity and by creation, newest first") {
  Fixture f;
  uint64_t a = f.Person("Ann");
  uint64_t b = f.Person("Bea");
  uint64_t c = f.Person("Cid");
  // Creation times may share a millisecond; the customer id breaks ties.
  auto created = f.Ids(Sorted(RowSort::kCreated));
  std::vector<uint64_t> want{a, b, c};
  std::sort(want.begin(), want.end(), [&](uint64_t x, uint64_t y) {
    auto rx = f.Record(x), ry = f.Record(y);
    if (rx.created_at_ms != ry.created_at_ms) {
      return rx.created_at_ms > ry.created_at_ms;
    }
    return x < y;
  });
  CHECK(created == want);

  int64_t later = f.Record(c).created_at_ms + 100000;
  f.Activity(a, later + 2);
  f.Activity(c, later + 1);
  auto active = f.Ids(Sorted(RowSort::kLastActivity));
  REQUIRE(active.size() == 3);
  CHECK(active[0] == a);
  CHECK(active[1] == c);
  CHECK(active[2] == b);
  CHECK(f.Issues().empty());
}

TEST_CASE("archived customers are hidden unless the status filter asks") {
  Fixture f;
  uint64_t a = f.Person("Ann");
  uint64_t b = f.Person("Bea");
  uint64_t c = f.Person("Cid");
  f.Archive(b);
  fb::CustomerPatchT inactive;
  inactive.status = fb::CustomerStatus::Inactive;
  f.Patch(c, inactive);
  CHECK(f.Ids() == std::vector<uint64_t>{a, c});

  CustomerListFilter archived;
  archived.statuses = StatusBit(fb::CustomerStatus::Archived);
  CHECK(f.Ids(archived) == std::vector<uint64_t>{b});
  CustomerListFilter all;
  all.statuses = kAllStatuses;
  CHECK(f.Ids(all) == std::vector<uint64_t>{a, b, c});
  CustomerListFilter only_inactive;
  only_inactive.statuses = StatusBit(fb::CustomerStatus::Inactive);
  CHECK(f.Ids(only_inactive) == std::vector<uint64_t>{c});

  REQUIRE(f.customers.SetArchived(1, b, false, 0).ok());
  CHECK(f.Ids() == std::vector<uint64_t>{a, b, c});
}

TEST_CASE("each filter narrows the list, alone and combined") {
  Fixture f;
  uint64_t ann = f.Person("Ann");
  uint64_t acme = f.Company("Acme");
  uint64_t bea = f.Person("Bea");
  uint64_t zed = f.Company("Zed Co");
  f.SetVip(ann, true);
  f.SetVip(zed, true);
  fb::CustomerPatchT dnc;
  dnc.do_not_contact = true;
  dnc.do_not_contact_reason = "asked";
  f.Patch(zed, dnc);
  f.Patch(bea, dnc);

  CustomerListFilter companies;
  companies.kind = fb::CustomerKind::Company;
  CHECK(f.Ids(companies) == std::vector<uint64_t>{acme, zed});
  CustomerListFilter people;
  people.kind = fb::CustomerKind::Individual;
  CHECK(f.Ids(people) == std::vector<uint64_t>{ann, bea});

  CustomerListFilter vip;
  vip.vip = FlagFilter::kOnly;
  CHECK(f.Ids(vip) == std::vector<uint64_t>{ann, zed});
  vip.vip = FlagFilter::kExclude;
  CHECK(f.Ids(vip) == std::vector<uint64_t>{acme, bea});

  CustomerListFilter reachable;
  reachable.do_not_contact = FlagFilter::kExclude;
  CHECK(f.Ids(reachable) == std::vector<uint64_t>{acme, ann});
  reachable.do_not_contact = FlagFilter::kOnly;
  CHECK(f.Ids(reachable) == std::vector<uint64_t>{bea, zed});

  CustomerListFilter combined;
  combined.kind = fb::CustomerKind::Company;
  combined.vip = FlagFilter::kOnly;
  combined.do_not_contact = FlagFilter::kOnly;
  CHECK(f.Ids(combined) == std::vector<uint64_t>{zed});
  combined.do_not_contact = FlagFilter::kExclude;
  CHECK(f.Ids(combined).empty());

  f.Archive(zed);
  combined.do_not_contact = FlagFilter::kOnly;
  CHECK(f.Ids(combined).empty());
  combined.statuses = kAllStatuses;
  CHECK(f.Ids(combined) == std::vector<uint64_t>{zed});
}

TEST_CASE("a tag filter keeps the customers that carry every tag") {
  Fixture f;
  uint64_t ann = f.Person("Ann");
  uint64_t bea = f.Person("Bea");
  uint64_t cid = f.Person("Cid");
  uint64_t red = f.Tag("red");
  uint64_t blue = f.Tag("blue");
  uint64_t unused = f.Tag("unused");
  f.Carry(ann, red);
  f.Carry(ann, blue);
  f.Carry(bea, red);
  f.Carry(cid, blue);

  CustomerListFilter filter;
  filter.tag_ids = {red};
  CHECK(f.Ids(filter) == std::vector<uint64_t>{ann, bea});
  filter.tag_ids = {red, blue};
  CHECK(f.Ids(filter) == std::vector<uint64_t>{ann});
  filter.tag_ids = {blue, red, blue};
  CHECK(f.Ids(filter) == std::vector<uint64_t>{ann});
  filter.tag_ids = {unused};
  CHECK(f.Ids(filter).empty());
  filter.tag_ids = {987654};
  CHECK(f.Ids(filter).empty());

  f.Carry(ann, blue, false);
  filter.tag_ids = {red, blue};
  CHECK(f.Ids(filter).empty());
  filter.tag_ids = {blue};
  filter.kind = fb::CustomerKind::Individual;
  CHECK(f.Ids(filter) == std::vector<uint64_t>{cid});
  CHECK(f.Issues().empty());
}

TEST_CASE("a row holds the fields of its record") {
  Fixture f;
  uint64_t id = f.Company("Acme Plumbing");
  f.SetVip(id, true);
  fb::CustomerPatchT dnc;
  dnc.do_not_contact = true;
  dnc.do_not_contact_reason = "asked";
  dnc.status = fb::CustomerStatus::Inactive;
  f.Patch(id, dnc);
  f.Activity(id, f.Record(id).created_at_ms + 5000);

  for (RowSort sort :
       {RowSort::kName, RowSort::kLastActivity, RowSort::kCreated}) {
    auto rows = f.Rows(Sorted(sort));
    REQUIRE(rows.size() == 1);
    auto* row = Root<fb::CustomerRow>(rows[0]);
    fb::CustomerT c = f.Record(id);
    CHECK(row->id() == c.id);
    CHECK(row->number() == c.number);
    CHECK(Str(row->display_name()) == c.display_name);
    CHECK(row->kind() == c.kind);
    CHECK(Str(row->phone_display()) == c.phone_display);
    CHECK(row->status() == c.status);
    CHECK(row->last_activity_at_ms() == c.last_activity_at_ms);
    CHECK(row->vip() == c.vip);
    CHECK(row->do_not_contact() == c.do_not_contact);
  }
  CHECK(f.Issues().empty());
}

TEST_CASE("every write of a customer keeps its rows, merge included") {
  Fixture f;
  uint64_t ann = f.Person("Ann", "Lee");
  uint64_t dup = f.Person("Anne", "Lee");
  uint64_t red = f.Tag("red");
  CHECK(f.Issues().empty());
  f.Rename(ann, "Annie");
  CHECK(f.Issues().empty());
  f.Carry(dup, red);
  CHECK(f.Issues().empty());
  f.Activity(dup, f.Record(dup).created_at_ms + 60000);
  CHECK(f.Issues().empty());
  f.Archive(ann);
  REQUIRE(f.customers.SetArchived(1, ann, false, 0).ok());
  CHECK(f.Issues().empty());

  auto merged = f.merger.Merge(1, ann, dup, MergeOptions());
  REQUIRE_MESSAGE(merged.ok(), merged.status().message());
  CHECK(f.Issues().empty());
  CustomerListFilter all;
  all.statuses = kAllStatuses;
  CHECK(f.Ids(all) == std::vector<uint64_t>{ann});
  // The survivor took the duplicate's tag and its later activity.
  all.tag_ids = {red};
  CHECK(f.Ids(all) == std::vector<uint64_t>{ann});
  auto rows = f.Rows(Sorted(RowSort::kLastActivity));
  REQUIRE(rows.size() == 1);
  CHECK(Root<fb::CustomerRow>(rows[0])->last_activity_at_ms() ==
        f.Record(ann).last_activity_at_ms);
  CHECK(f.Record(ann).last_activity_at_ms > f.Record(ann).created_at_ms);
}

// Reads a list page by page as a client with a resume token does, calling
// `between` after each page.
template <typename Between>
std::vector<uint64_t> PageThrough(Fixture& f, const CustomerListFilter& filter,
                                  size_t page_size, Between between) {
  std::vector<uint64_t> seen;
  std::string after;
  for (int page_number = 0;; ++page_number) {
    REQUIRE(page_number < 100000);  // a list that never ends
    auto page = ListCustomers(f.store.get(), 1, filter, after, page_size);
    REQUIRE(page.ok());
    for (auto& item : page->items) {
      seen.push_back(Root<fb::CustomerRow>(item.record)->id());
    }
    after = page->last_position;
    if (page->done) return seen;
    between(page_number);
  }
}

TEST_CASE("paging by name skips and repeats no row while others change") {
  Fixture f;
  std::map<char, uint64_t> by_letter;
  for (char c = 'b'; c <= 'y'; ++c) by_letter[c] = f.Person(std::string(1, c));
  // Changed between pages in ways that do not move them: still expected
  // exactly once.
  std::set<uint64_t> stable;
  for (auto& [letter, id] : by_letter) stable.insert(id);
  std::set<uint64_t> archived{by_letter['c'], by_letter['r']};
  for (uint64_t id : archived) stable.erase(id);
  uint64_t renamed_ahead = by_letter['p'];   // renamed within the unseen part
  uint64_t renamed_behind = by_letter['d'];  // renamed within the seen part
  stable.erase(renamed_ahead);
  stable.erase(renamed_behind);

  auto seen = PageThrough(f, {}, 3, [&](int page) {
    switch (page) {
      case 0:            // seen so far: b c d
        f.Person("a");   // before the token: not reached
        f.Person("zz");  // after it: reached
        f.SetVip(by_letter['x'], true);
        f.Archive(by_letter['c']);  // already shown
        break;
      case 1:                       // e f g
        f.Archive(by_letter['r']);  // not yet shown: never shown
        f.Activity(by_letter['h'], f.Record(by_letter['h']).created_at_ms + 9);
        f.Rename(renamed_ahead, "ppp");
        break;
      case 2:  // h i j
        f.Rename(renamed_behind, "bb");
        f.Activity(by_letter['k'], f.Record(by_letter['k']).created_at_ms + 9);
        break;
      default:
        f.SetVip(by_letter['y'], page % 2 == 0);
        break;
    }
  });
  std::map<uint64_t, int> times;
  for (uint64_t id : seen) ++times[id];
  for (uint64_t id : stable) CHECK_MESSAGE(times[id] == 1, "customer " << id);
  for (auto& [id, n] : times) CHECK(n == 1);
  CHECK(times.count(by_letter['r']) == 0);
  CHECK(times[renamed_ahead] == 1);
  CHECK(f.Issues().empty());
}

TEST_CASE(
    "paging by last activity skips and repeats no row while others "
    "change") {
  Fixture f;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(f.Person("P" + std::to_string(i)));
  int64_t base = f.Record(ids.back()).created_at_ms + 1000;
  // Activity times spread out: ids[i] is the i-th newest.
  for (int i = 0; i < 12; ++i) f.Activity(ids[i], base + 1000 * (12 - i));
  std::set<uint64_t> stable(ids.begin(), ids.end());
  std::vector<uint64_t> moved;

  auto seen = PageThrough(f, Sorted(RowSort::kLastActivity), 4, [&](int page) {
    // New activity moves a customer to the front, behind the token.
    uint64_t mover = ids[8 + page];
    if (8 + page < 12) {
      stable.erase(mover);
      moved.push_back(mover);
      f.Activity(mover, base + 100000 + page);
    }
    // A new customer's activity is its creation, older than every entry
    // above: it joins the unseen end and is reached once.
    f.Person("new" + std::to_string(page));
    f.SetVip(ids[5], page % 2 == 0);
  });
  std::map<uint64_t, int> times;
  for (uint64_t id : seen) ++times[id];
  for (uint64_t id : stable) CHECK(times[id] == 1);
  for (auto& [id, n] : times) CHECK(n == 1);
  CHECK(f.Issues().empty());
}

// The list a filter of tags (and VIP) should give, from the records.
std::vector<uint64_t> Expected(Fixture& f, const std::vector<uint64_t>& ids,
                               RowSort sort, const std::set<uint64_t>& tags,
                               bool vip_only) {
  size_t order = sort == RowSort::kName           ? 0
                 : sort == RowSort::kLastActivity ? 1
                                                  : 2;
  std::vector<std::pair<std::string, uint64_t>> rows;
  for (uint64_t id : ids) {
    fb::CustomerT c = f.Record(id);
    if (c.status == fb::CustomerStatus::Archived) continue;
    if (vip_only && !c.vip) continue;
    std::set<uint64_t> carried(c.tag_ids.begin(), c.tag_ids.end());
    if (!std::includes(carried.begin(), carried.end(), tags.begin(),
                       tags.end())) {
      continue;
    }
    rows.push_back({RowEntriesOf(c)[order].key, id});
  }
  std::sort(rows.begin(), rows.end());
  std::vector<uint64_t> out;
  for (auto& [key, id] : rows) out.push_back(id);
  return out;
}

TEST_CASE("reading the rows and reading a short tag's members agree") {
  Fixture f;
  uint64_t wide = f.Tag("wide");      // 40 of 80 customers
  uint64_t narrow = f.Tag("narrow");  // 5 of them
  std::vector<uint64_t> ids;
  for (int i = 0; i < 80; ++i) {
    uint64_t id = f.Person("P" + std::to_string((i * 37) % 80));
    ids.push_back(id);
    if (i % 2 == 0) f.Carry(id, wide);
    if (i % 16 == 0) f.Carry(id, narrow);
    if (i % 3 == 0) f.SetVip(id, true);
    if (i % 5 == 0) f.Activity(id, f.Record(id).created_at_ms + 1000 * i);
  }
  f.Archive(ids[32]);  // carries both tags

  // A page of 1 reads the wide tag's rows one by one and the narrow
  // tag's members; a page of 100 reads the members of both.
  for (RowSort sort :
       {RowSort::kName, RowSort::kLastActivity, RowSort::kCreated}) {
    for (const std::set<uint64_t>& tags :
         {std::set<uint64_t>{wide}, std::set<uint64_t>{narrow},
          std::set<uint64_t>{wide, narrow}}) {
      for (bool vip_only : {false, true}) {
        CustomerListFilter filter = Sorted(sort);
        filter.tag_ids.assign(tags.begin(), tags.end());
        if (vip_only) filter.vip = FlagFilter::kOnly;
        auto want = Expected(f, ids, sort, tags, vip_only);
        for (size_t page_size : {1, 3, 100}) {
          std::vector<uint64_t> got;
          for (const auto& row : f.Rows(filter, page_size)) {
            got.push_back(Root<fb::CustomerRow>(row)->id());
          }
          CHECK_MESSAGE(got == want, "page size " << page_size);
        }
      }
    }
  }
}

TEST_CASE(
    "paging a short tag's members skips and repeats none while others "
    "change") {
  Fixture f;
  uint64_t tag = f.Tag("t");
  std::vector<uint64_t> members;
  // 6 to 8 members of some 60 customers: short enough that pages of 2
  // read the members, not the rows.
  for (int i = 0; i < 60; ++i) {
    uint64_t id = f.Person(std::string(1, static_cast<char>('b' + i % 25)) +
                           std::to_string(i));
    if (i % 10 == 0) {
      f.Carry(id, tag);
      members.push_back(id);
    }
  }
  std::set<uint64_t> stable(members.begin(), members.end());
  CustomerListFilter filter;
  filter.tag_ids = {tag};
  auto seen = PageThrough(f, filter, 2, [&](int page) {
    f.Person("new" + std::to_string(page));
    f.SetVip(members[(page * 7) % members.size()], page % 2 == 0);
    f.Activity(members[(page * 3) % members.size()],
               f.Record(members[0]).created_at_ms + 10 + page);
    if (page == 1) {
      // A new member ahead of the token is reached, one behind it not.
      uint64_t ahead = f.Person("zzz");
      f.Carry(ahead, tag);
      uint64_t behind = f.Person("a");
      f.Carry(behind, tag);
    }
  });
  std::map<uint64_t, int> times;
  for (uint64_t id : seen) ++times[id];
  for (uint64_t id : stable) CHECK(times[id] == 1);
  for (auto& [id, n] : times) CHECK(n == 1);
  CHECK(seen.size() == stable.size() + 1);
  CHECK(f.Issues().empty());
}

TEST_CASE("a page of a filter that skips many rows stops early, not done") {
  Fixture f;
  for (int i = 0; i < 1100; ++i) f.Person("P" + std::to_string(i));
  uint64_t vip = f.Person("zzz");
  f.SetVip(vip, true);
  CustomerListFilter filter;
  filter.vip = FlagFilter::kOnly;
  auto first = ListCustomers(f.store.get(), 1, filter, "", 10);
  REQUIRE(first.ok());
  CHECK(first->items.empty());
  CHECK_FALSE(first->done);
  CHECK_FALSE(first->last_position.empty());
  auto second =
      ListCustomers(f.store.get(), 1, filter, first->last_position, 10);
  REQUIRE(second.ok());
  REQUIRE(second->items.size() == 1);
  CHECK(Root<fb::CustomerRow>(second->items[0].record)->id() == vip);
  CHECK(second->done);
}

TEST_CASE("the list refuses bad filters and damaged positions") {
  Fixture f;
  f.Person("Ann");
  auto fails = [&](const CustomerListFilter& filter, const std::string& after,
                   const std::string& field) {
    auto r = ListCustomers(f.store.get(), 1, filter, after, 5);
    REQUIRE(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind(field + ":", 0) == 0);
  };
  CustomerListFilter bad;
  bad.statuses = 8;
  fails(bad, "", "statuses");
  bad = {};
  bad.vip = static_cast<FlagFilter>(3);
  fails(bad, "", "vip");
  bad = {};
  bad.tag_ids.assign(17, 5);
  fails(bad, "", "tag_ids");
  fails({}, "xyz", "resume_token");
  fails(Sorted(RowSort::kCreated), "x", "resume_token");
  CHECK(
      ListCustomers(f.store.get(), 0, {}, "", 5).status().IsInvalidArgument());
}

TEST_CASE("the checker reports a missing, stray, damaged or stale row") {
  Fixture f;
  uint64_t id = f.Person("Ann", "Lee");
  fb::CustomerT old = f.Record(id);
  f.SetVip(id, true);
  REQUIRE(f.Issues().empty());
  auto* db = f.store->db();
  auto* indexes = f.store->family(Family::kIndexes);
  fb::CustomerT now = f.Record(id);
  auto entries = RowEntriesOf(now);
  // Three orders and the row by id, then the search entries: the words
  // "ann" and "lee" and the end of the phone.
  REQUIRE(entries.size() == 7);

  SUBCASE("missing") {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes, entries[1].key).ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"missing customer row index entry"});
  }
  SUBCASE("stray") {
    fb::CustomerT other = now;
    other.id = 999;
    REQUIRE(db->Put(rocksdb::WriteOptions(), indexes,
                    RowEntriesOf(other)[0].key, CustomerRowOf(other))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"stray customer row index entry"});
  }
  SUBCASE("damaged") {
    REQUIRE(
        db->Put(rocksdb::WriteOptions(), indexes, entries[0].key, "junk").ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"wrong value in customer row index entry"});
    auto page = ListCustomers(f.store.get(), 1, {}, "", 5);
    CHECK(page.status().code() == Code::kCorruption);
  }
  SUBCASE("stale") {
    REQUIRE(db->Put(rocksdb::WriteOptions(), indexes, entries[2].key,
                    CustomerRowOf(old))
                .ok());
    CHECK(f.Issues() ==
          std::vector<std::string>{"wrong value in customer row index entry"});
  }
}

}  // namespace
}  // namespace custdb
