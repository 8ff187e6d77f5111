#include "engine/timeline/timeline.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "test_util.h"

namespace custdb {
namespace {

using testing::IndividualDraft;
using testing::OpenStore;
using testing::Root;
using testing::Str;
using testing::TempDir;

constexpr int64_t kDay = 24 * 60 * 60 * 1000;
// A fixed day in 2024, far enough in the past to precede every customer's
// creation time.
constexpr int64_t kBase = 1717200000000;

fb::TimelineEntryDraftT Entry(
    int64_t occurred_at_ms,
    fb::TimelineChannel channel = fb::TimelineChannel::Sms,
    const std::string& ref = "") {
  fb::TimelineEntryDraftT d;
  d.channel = channel;
  d.direction = fb::Direction::Inbound;
  d.occurred_at_ms = occurred_at_ms;
  d.summary = "Asked about the\nnext visit";
  d.external_ref = ref;
  return d;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Timeline timeline{store.get(), &customers};

  uint64_t Customer(uint64_t account, const std::string& phone) {
    auto r = customers.Create(
        account, *Root<fb::CustomerDraft>(IndividualDraft("Ana", "", phone)),
        CreateOptions());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }

  fb::CustomerT Read(uint64_t account, uint64_t id) {
    auto r = customers.Get(account, id);
    REQUIRE(r.ok());
    fb::CustomerT c;
    Root<fb::Customer>(*r)->UnPackTo(&c);
    return c;
  }

  Result<AppendResult> Try(uint64_t account, uint64_t customer,
                           const fb::TimelineEntryDraftT& draft) {
    std::string bytes = PackRecord(draft);
    return timeline.Append(account, customer,
                           *Root<fb::TimelineEntryDraft>(bytes));
  }

  fb::TimelineEntryT Append(uint64_t account, uint64_t customer,
                            const fb::TimelineEntryDraftT& draft) {
    auto r = Try(account, customer, draft);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::TimelineEntryT e;
    Root<fb::TimelineEntry>(r->record)->UnPackTo(&e);
    return e;
  }

  // One page of ids, and the position to resume from.
  std::vector<uint64_t> Page(uint64_t account, uint64_t customer,
                             fb::TimelineChannel channel, std::string* after,
                             size_t limit, bool* done = nullptr) {
    auto page = timeline.List(account, customer, channel, *after, limit);
    REQUIRE_MESSAGE(page.ok(), page.status().message());
    std::vector<uint64_t> ids;
    for (auto& item : page->items) {
      ids.push_back(Root<fb::TimelineEntry>(item.record)->id());
    }
    *after = page->last_position;
    if (done != nullptr) *done = page->done;
    return ids;
  }

  std::vector<uint64_t> All(
      uint64_t account, uint64_t customer,
      fb::TimelineChannel channel = fb::TimelineChannel::Unspecified) {
    std::string after;
    return Page(account, customer, channel, &after, 1000);
  }

  void PutContact(uint64_t account, uint64_t contact_id, uint64_t customer) {
    fb::ContactT contact;
    contact.id = contact_id;
    contact.account_id = account;
    contact.customer_id = customer;
    contact.first_name = "Lee";
    auto s = store->db()->Put(
        rocksdb::WriteOptions(), store->family(Family::kRecords),
        keys::RecordKey(account, keys::RecordTag::kContact, contact_id),
        PackRecord(contact));
    REQUIRE(s.ok());
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

bool Mentions(const std::vector<std::string>& messages,
              const std::string& text) {
  for (const auto& m : messages) {
    if (m.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("timeline keys sort newest first and read back") {
  std::string older = keys::TimelineKey(1, 5, kBase, 100);
  std::string newer = keys::TimelineKey(1, 5, kBase + 1, 7);
  std::string same_time_later_id = keys::TimelineKey(1, 5, kBase, 101);
  CHECK(newer < same_time_later_id);
  CHECK(same_time_later_id < older);
  CHECK(older.rfind(keys::TimelinePrefix(1, 5), 0) == 0);

  auto parts =
      keys::ParseTimelineKey(keys::TimelineChannelKey(1, 5, 3, kBase, 100));
  REQUIRE(parts);
  CHECK(parts->tag == keys::TimelineTag::kChannel);
  CHECK(parts->customer_id == 5);
  CHECK(parts->channel == 3);
  CHECK(parts->occurred_at_ms == kBase);
  CHECK(parts->entry_id == 100);
  CHECK(keys::ParseTimelineKey(older)->channel == 0);
  CHECK_FALSE(keys::ParseTimelineKey(older.substr(0, older.size() - 1)));

  auto position =
      keys::ParseTimelinePosition(keys::TimelinePosition(kBase, 100));
  REQUIRE(position);
  CHECK(position->occurred_at_ms == kBase);
  CHECK(position->entry_id == 100);
  CHECK(older.substr(older.size() - 16) == keys::TimelinePosition(kBase, 100));
}

TEST_CASE("appending an entry stores it with its assigned fields") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto draft = Entry(kBase, fb::TimelineChannel::Call, "call-1");
  draft.direction = fb::Direction::Outbound;
  auto e = f.Append(1, c, draft);
  CHECK(e.id != 0);
  CHECK(e.account_id == 1);
  CHECK(e.customer_id == c);
  CHECK(e.channel == fb::TimelineChannel::Call);
  CHECK(e.direction == fb::Direction::Outbound);
  CHECK(e.occurred_at_ms == kBase);
  CHECK(e.summary == "Asked about the\nnext visit");
  CHECK(e.external_ref == "call-1");
  CHECK(e.created_at_ms > 0);
  CHECK(f.All(1, c) == std::vector<uint64_t>{e.id});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("the timeline lists entries newest first, then the higher id") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t middle = f.Append(1, c, Entry(kBase + 2 * kDay)).id;
  uint64_t oldest = f.Append(1, c, Entry(kBase)).id;
  uint64_t newest = f.Append(1, c, Entry(kBase + 5 * kDay)).id;
  uint64_t tie = f.Append(1, c, Entry(kBase + 2 * kDay)).id;
  CHECK(f.All(1, c) == std::vector<uint64_t>{newest, tie, middle, oldest});
}

TEST_CASE("a channel filter lists only that channel's entries") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t sms1 = f.Append(1, c, Entry(kBase, fb::TimelineChannel::Sms)).id;
  uint64_t mail =
      f.Append(1, c, Entry(kBase + 1, fb::TimelineChannel::Email)).id;
  uint64_t sms2 = f.Append(1, c, Entry(kBase + 2, fb::TimelineChannel::Sms)).id;
  uint64_t ai =
      f.Append(1, c, Entry(kBase + 3, fb::TimelineChannel::AiSession)).id;
  CHECK(f.All(1, c, fb::TimelineChannel::Sms) ==
        std::vector<uint64_t>{sms2, sms1});
  CHECK(f.All(1, c, fb::TimelineChannel::Email) == std::vector<uint64_t>{mail});
  CHECK(f.All(1, c, fb::TimelineChannel::AiSession) ==
        std::vector<uint64_t>{ai});
  CHECK(f.All(1, c, fb::TimelineChannel::Call).empty());
  CHECK(f.All(1, c).size() == 4);
}

TEST_CASE("paging skips and repeats nothing while new entries arrive") {
  for (auto channel :
       {fb::TimelineChannel::Unspecified, fb::TimelineChannel::Email}) {
    CAPTURE(static_cast<int>(channel));
    Fixture f;
    uint64_t c = f.Customer(1, "415-555-0101");
    // Every time has an SMS and an email, so that a filtered list steps
    // over entries of another channel without losing its place.
    auto append = [&](int64_t at) {
      f.Append(1, c, Entry(at, fb::TimelineChannel::Sms));
      return f.Append(1, c, Entry(at, fb::TimelineChannel::Email)).id;
    };
    for (int i = 9; i >= 0; --i) append(kBase + i * kDay);

    std::string after;
    bool done = false;
    std::vector<uint64_t> seen = f.Page(1, c, channel, &after, 3, &done);
    REQUIRE(seen.size() == 3);
    // Newer than the position, and at the newest time with a higher id:
    // both sort before the last entry read, so this paging does not
    // reach them.
    uint64_t newer = append(kBase + 20 * kDay);
    uint64_t tie = append(kBase + 9 * kDay);
    // Older: behind the position, reached in its place.
    uint64_t older = append(kBase - kDay);
    while (!done) {
      auto page = f.Page(1, c, channel, &after, 3, &done);
      seen.insert(seen.end(), page.begin(), page.end());
    }

    // Exactly the first page, then everything the list now holds after
    // the first page's last entry, in order.
    std::vector<uint64_t> now = f.All(1, c, channel);
    auto last = std::find(now.begin(), now.end(), seen[2]);
    REQUIRE(last != now.end());
    std::vector<uint64_t> expected(seen.begin(), seen.begin() + 3);
    expected.insert(expected.end(), last + 1, now.end());
    CHECK(seen == expected);
    CHECK(std::set<uint64_t>(seen.begin(), seen.end()).size() == seen.size());
    CHECK(std::count(seen.begin(), seen.end(), newer) == 0);
    CHECK(std::count(seen.begin(), seen.end(), tie) == 0);
    CHECK(std::count(seen.begin(), seen.end(), older) == 1);
    size_t unreached = channel == fb::TimelineChannel::Email ? 2 : 4;
    CHECK(seen.size() == now.size() - unreached);
  }
}

TEST_CASE("an external_ref already used returns the existing entry") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto first = f.Try(1, c, Entry(kBase, fb::TimelineChannel::Sms, "msg-1"));
  REQUIRE(first.ok());
  CHECK_FALSE(first->existed);
  int64_t activity = f.Read(1, c).last_activity_at_ms;
  auto again =
      f.Try(1, c, Entry(activity + kDay, fb::TimelineChannel::Email, "msg-1"));
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(again->record == first->record);
  CHECK(f.All(1, c).size() == 1);
  // The repeat's later time did not count as activity either.
  CHECK(f.Read(1, c).last_activity_at_ms == activity);

  // A reference is the host's id per customer: another customer may have
  // the same one.
  uint64_t other = f.Customer(1, "415-555-0102");
  auto theirs =
      f.Try(1, other, Entry(kBase, fb::TimelineChannel::Sms, "msg-1"));
  REQUIRE(theirs.ok());
  CHECK_FALSE(theirs->existed);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("many threads appending one external_ref end with one entry") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  constexpr int kThreads = 8;
  std::vector<uint64_t> ids(kThreads);
  std::vector<int> added(kThreads, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = f.Try(1, c, Entry(kBase + t, fb::TimelineChannel::Call, "c-7"));
      if (!r.ok()) return;
      ids[t] = Root<fb::TimelineEntry>(r->record)->id();
      added[t] = r->existed ? 0 : 1;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(std::set<uint64_t>(ids.begin(), ids.end()).size() == 1);
  int sum = 0;
  for (int a : added) {
    CHECK(a >= 0);
    sum += a;
  }
  CHECK(sum == 1);
  CHECK(f.All(1, c) == std::vector<uint64_t>{ids[0]});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("an entry moves last activity forward only, keeping the version") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  fb::CustomerT created = f.Read(1, c);
  int64_t later = created.last_activity_at_ms + kDay;

  f.Append(1, c, Entry(later));
  fb::CustomerT after = f.Read(1, c);
  CHECK(after.last_activity_at_ms == later);
  CHECK(after.version == created.version);
  CHECK(after.updated_at_ms == created.updated_at_ms);

  // An entry from the past is listed but does not move it back.
  f.Append(1, c, Entry(kBase));
  CHECK(f.Read(1, c).last_activity_at_ms == later);
  CHECK(f.Read(1, c).version == created.version);
  CHECK(f.All(1, c).size() == 2);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("an entry needs a known channel, a direction and a time") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto refused = [&](fb::TimelineEntryDraftT d, const std::string& field) {
    auto r = f.Try(1, c, d);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind(field + ":", 0) == 0);
  };
  auto d = Entry(kBase);
  d.channel = fb::TimelineChannel::Unspecified;
  refused(d, "channel");
  d.channel = static_cast<fb::TimelineChannel>(9);
  refused(d, "channel");
  d = Entry(kBase);
  d.direction = fb::Direction::Unspecified;
  refused(d, "direction");
  d.direction = static_cast<fb::Direction>(3);
  refused(d, "direction");
  refused(Entry(0), "occurred_at_ms");
  refused(Entry(-5), "occurred_at_ms");
  d = Entry(kBase);
  d.summary = std::string(kMaxTimelineSummaryBytes + 1, 'x');
  refused(d, "summary");
  d = Entry(kBase);
  d.summary = "bad \xC3";
  refused(d, "summary");
  d = Entry(kBase, fb::TimelineChannel::Sms, "two\nlines");
  refused(d, "external_ref");
  d = Entry(kBase, fb::TimelineChannel::Sms,
            std::string(kMaxExternalRefBytes + 1, 'r'));
  refused(d, "external_ref");
  CHECK(f.All(1, c).empty());

  d = Entry(kBase);
  d.summary = std::string(kMaxTimelineSummaryBytes, 'x');
  CHECK(f.Try(1, c, d).ok());
}

TEST_CASE("a contact of another customer is not found") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t other = f.Customer(1, "415-555-0102");
  f.PutContact(1, 9001, c);
  f.PutContact(1, 9002, other);
  f.PutContact(2, 9003, c);  // same id space, another account

  auto d = Entry(kBase);
  d.contact_id = 9001;
  CHECK(f.Append(1, c, d).contact_id == 9001);
  for (uint64_t contact : {9002u, 9003u, 9999u}) {
    d.contact_id = contact;
    auto r = f.Try(1, c, d);
    CHECK(r.status().IsNotFound());
    CHECK(r.status().message().rfind("contact_id:", 0) == 0);
  }
  CHECK(f.All(1, c).size() == 1);
}

TEST_CASE("another account's customer has no timeline here") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  f.Append(1, c, Entry(kBase));
  CHECK(f.Try(2, c, Entry(kBase)).status().IsNotFound());
  CHECK(f.timeline.List(2, c, fb::TimelineChannel::Unspecified, "", 10)
            .status()
            .IsNotFound());
  CHECK(f.Try(1, c + 1000, Entry(kBase)).status().IsNotFound());
  CHECK(f.Try(0, c, Entry(kBase)).status().IsInvalidArgument());
  CHECK(f.timeline.List(1, c, static_cast<fb::TimelineChannel>(5), "", 10)
            .status()
            .IsInvalidArgument());
  CHECK(f.timeline.List(1, c, fb::TimelineChannel::Sms, "short", 10)
            .status()
            .IsInvalidArgument());
}

TEST_CASE("the checker finds a damaged timeline") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  fb::CustomerT before = f.Read(1, c);
  auto e = f.Append(1, c,
                    Entry(before.last_activity_at_ms + kDay,
                          fb::TimelineChannel::Email, "mail-1"));
  f.Append(1, c, Entry(kBase));
  REQUIRE(f.CheckMessages().empty());
  auto* timeline = f.store->family(Family::kTimeline);
  auto* indexes = f.store->family(Family::kIndexes);
  std::string key = keys::TimelineKey(1, c, e.occurred_at_ms, e.id);
  std::string channel_key = keys::TimelineChannelKey(
      1, c, static_cast<uint8_t>(e.channel), e.occurred_at_ms, e.id);
  std::string ref_key = keys::TimelineRefKey(1, c, "mail-1");
  rocksdb::WriteOptions wo;

  SUBCASE("a damaged record") {
    REQUIRE(f.store->db()->Put(wo, timeline, key, "not a record").ok());
    CHECK(Mentions(f.CheckMessages(), "the record is damaged"));
  }
  SUBCASE("a missing channel entry") {
    REQUIRE(f.store->db()->Delete(wo, timeline, channel_key).ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{"missing timeline channel entry"});
  }
  SUBCASE("a stray channel entry") {
    REQUIRE(f.store->db()
                ->Put(wo, timeline,
                      keys::TimelineChannelKey(1, c, 1, kBase, e.id), "")
                .ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{"stray timeline channel entry"});
  }
  SUBCASE("a missing or wrong reference") {
    REQUIRE(f.store->db()->Delete(wo, indexes, ref_key).ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{"missing timeline reference index entry"});
    REQUIRE(f.store->db()->Put(wo, indexes, ref_key, "elsewhere").ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{"wrong value in timeline reference index "
                                   "entry"});
  }
  SUBCASE("a last activity behind the newest entry") {
    auto txn = f.store->BeginTransaction();
    auto locked = f.customers.LockForChild(txn.get(), 1, c);
    REQUIRE(locked.ok());
    fb::CustomerT behind = *locked;
    behind.last_activity_at_ms = e.occurred_at_ms - 1;
    REQUIRE(
        f.customers.WriteInTransaction(txn.get(), *locked, behind, false).ok());
    REQUIRE(txn->Commit().ok());
    CHECK(f.CheckMessages() ==
          std::vector<std::string>{
              "the last activity is older than the newest timeline entry"});
  }
  SUBCASE("an entry of a customer that does not exist") {
    fb::TimelineEntryT orphan = e;
    orphan.customer_id = c + 1000;
    orphan.external_ref.clear();
    REQUIRE(f.store->db()
                ->Put(wo, timeline,
                      keys::TimelineKey(1, orphan.customer_id,
                                        orphan.occurred_at_ms, orphan.id),
                      PackRecord(orphan))
                .ok());
    auto messages = f.CheckMessages();
    CHECK(Mentions(messages, "its customer does not exist"));
    CHECK(Mentions(messages, "missing timeline channel entry"));
  }
  SUBCASE("a record that disagrees with its key") {
    fb::TimelineEntryT moved = e;
    moved.occurred_at_ms += 1;
    REQUIRE(f.store->db()->Put(wo, timeline, key, PackRecord(moved)).ok());
    CHECK(Mentions(f.CheckMessages(), "differs from its key"));
  }
}

}  // namespace
}  // namespace custdb
