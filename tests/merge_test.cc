#include "engine/merge/merge.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/contacts/contacts.h"
#include "engine/files/files.h"
#include "engine/links/links.h"
#include "engine/locations/locations.h"
#include "engine/portal/portal.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "engine/tags/tags.h"
#include "engine/timeline/notes.h"
#include "engine/timeline/timeline.h"
#include "test_util.h"

namespace custdb {
namespace {

using testing::OpenStore;
using testing::Root;
using testing::Str;
using testing::TempDir;

// Every key and value of every family: what "nothing changed" compares.
using Dump = std::vector<std::map<std::string, std::string>>;

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Contacts contacts{store.get(), &customers};
  Locations locations{store.get(), &customers};
  Timeline timeline{store.get(), &customers};
  Notes notes{store.get(), &customers};
  Files files{store.get(), &customers};
  Tags tags{store.get(), &customers};
  Links links{store.get(), &customers};
  Portal portal{store.get(), &customers};
  Merger merger{store.get(), &customers};

  uint64_t Create(uint64_t account, const fb::CustomerDraftT& draft) {
    std::string bytes = PackRecord(draft);
    CreateOptions options;
    options.allow_duplicate_phone = true;
    auto r =
        customers.Create(account, *Root<fb::CustomerDraft>(bytes), options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }

  uint64_t Individual(uint64_t account, const std::string& first,
                      const std::string& last, const std::string& phone,
                      const std::string& email = "") {
    fb::CustomerDraftT d;
    d.kind = fb::CustomerKind::Individual;
    d.first_name = first;
    d.last_name = last;
    d.phone = phone;
    d.email = email;
    return Create(account, d);
  }

  uint64_t Company(uint64_t account, const std::string& name,
                   const std::string& phone) {
    fb::CustomerDraftT d;
    d.kind = fb::CustomerKind::Company;
    d.company_name = name;
    d.phone = phone;
    return Create(account, d);
  }

  fb::CustomerT Get(uint64_t account, uint64_t id) {
    auto r = customers.Get(account, id);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::CustomerT c;
    Root<fb::Customer>(*r)->UnPackTo(&c);
    return c;
  }

  void Patch(uint64_t account, uint64_t id, const fb::CustomerPatchT& patch) {
    std::string bytes = PackRecord(patch);
    auto r = customers.Update(account, id, *Root<fb::CustomerPatch>(bytes), 0);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }

  uint64_t AddContact(uint64_t account, uint64_t customer,
                      const std::string& first, const std::string& phone = "") {
    fb::ContactDraftT d;
    d.first_name = first;
    d.phone = phone;
    std::string bytes = PackRecord(d);
    auto r = contacts.Add(account, customer, *Root<fb::ContactDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Contact>(*r)->id();
  }

  fb::ContactT Contact(uint64_t account, uint64_t id) {
    auto r = contacts.Get(account, id);
    REQUIRE(r.ok());
    fb::ContactT c;
    Root<fb::Contact>(*r)->UnPackTo(&c);
    return c;
  }

  uint64_t AddLocation(uint64_t account, uint64_t customer) {
    fb::LocationDraftT d;
    d.kind = fb::LocationKind::Service;
    d.address_line1 = "1 Main St";
    d.city = "Springfield";
    d.state = "IL";
    d.zip = "62701";
    std::string bytes = PackRecord(d);
    auto r = locations.Add(account, customer, *Root<fb::LocationDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Location>(*r)->id();
  }

  Result<AppendResult> Append(uint64_t account, uint64_t customer, int64_t at,
                              const std::string& ref) {
    fb::TimelineEntryDraftT d;
    d.channel = fb::TimelineChannel::Sms;
    d.direction = fb::Direction::Inbound;
    d.occurred_at_ms = at;
    d.summary = "on my way";
    d.external_ref = ref;
    std::string bytes = PackRecord(d);
    return timeline.Append(account, customer,
                           *Root<fb::TimelineEntryDraft>(bytes));
  }

  uint64_t Entry(uint64_t account, uint64_t customer, int64_t at,
                 const std::string& ref = "") {
    auto r = Append(account, customer, at, ref);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::TimelineEntry>(r->record)->id();
  }

  uint64_t AddNote(uint64_t account, uint64_t customer) {
    fb::NoteDraftT d;
    d.author = "user-1";
    d.body = "gate code 1234";
    std::string bytes = PackRecord(d);
    auto r = notes.Add(account, customer, *Root<fb::NoteDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Note>(*r)->id();
  }

  uint64_t AddFile(uint64_t account, uint64_t customer,
                   const std::string& contents) {
    fb::FileDraftT d;
    d.category = fb::FileCategory::Photo;
    d.file_name = "site.jpg";
    d.content_type = "image/jpeg";
    std::string bytes = PackRecord(d);
    auto writer =
        files.Begin(account, customer, *Root<fb::FileDraft>(bytes), 0);
    REQUIRE_MESSAGE(writer.ok(), writer.status().message());
    REQUIRE((*writer)->Write(contents).ok());
    auto info = (*writer)->Commit();
    REQUIRE_MESSAGE(info.ok(), info.status().message());
    return Root<fb::FileInfo>(*info)->id();
  }

  void Link(uint64_t account, uint64_t customer, const std::string& job) {
    fb::LinkDraftT d;
    d.kind = "job";
    d.external_id = job;
    std::string bytes = PackRecord(d);
    auto r = links.Add(account, customer, *Root<fb::LinkDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }

  std::string IssuePortal(uint64_t account, uint64_t customer) {
    fb::PortalLinkDraftT d;
    std::string bytes = PackRecord(d);
    auto r = portal.Issue(account, customer, *Root<fb::PortalLinkDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Str(Root<fb::PortalLink>(*r)->token());
  }

  uint64_t Tag(uint64_t account, const std::string& name) {
    fb::TagDraftT d;
    d.name = name;
    std::string bytes = PackRecord(d);
    auto r = tags.Create(account, *Root<fb::TagDraft>(bytes));
    REQUIRE(r.ok());
    return Root<fb::Tag>(r->record)->id();
  }

  uint64_t TagCount(uint64_t account, uint64_t tag) {
    auto r = tags.Get(account, tag);
    REQUIRE(r.ok());
    return Root<fb::Tag>(*r)->customer_count();
  }

  Result<std::string> Merge(uint64_t account, uint64_t survivor,
                            uint64_t duplicate, MergeOptions options = {}) {
    return merger.Merge(account, survivor, duplicate, options);
  }

  fb::CustomerT MustMerge(uint64_t account, uint64_t survivor,
                          uint64_t duplicate, MergeOptions options = {}) {
    auto r = Merge(account, survivor, duplicate, options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::CustomerT c;
    Root<fb::Customer>(*r)->UnPackTo(&c);
    return c;
  }

  // The records of one list of a customer, read to its end.
  template <typename List>
  std::vector<std::string> ReadAll(List list) {
    std::vector<std::string> out;
    std::string after;
    for (;;) {
      Result<Page> page = list(after);
      REQUIRE_MESSAGE(page.ok(), page.status().message());
      for (auto& item : page->items) out.push_back(item.record);
      after = page->last_position;
      if (page->done) return out;
    }
  }

  std::set<uint64_t> ContactIds(uint64_t account, uint64_t customer) {
    std::set<uint64_t> ids;
    for (const auto& r : ReadAll([&](const std::string& after) {
           return contacts.List(account, customer, after, 7);
         })) {
      ids.insert(Root<fb::Contact>(r)->id());
    }
    return ids;
  }

  std::vector<uint64_t> TimelineIds(uint64_t account, uint64_t customer) {
    std::vector<uint64_t> ids;
    for (const auto& r : ReadAll([&](const std::string& after) {
           return timeline.List(account, customer,
                                fb::TimelineChannel::Unspecified, after, 7);
         })) {
      ids.push_back(Root<fb::TimelineEntry>(r)->id());
    }
    return ids;
  }

  fb::SummaryT Summary(uint64_t account) {
    auto s = customers.Summary(account);
    REQUIRE(s.ok());
    fb::SummaryT out;
    Root<fb::Summary>(*s)->UnPackTo(&out);
    return out;
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

  Dump DumpAll() {
    Dump out(static_cast<size_t>(Family::kCount));
    for (size_t f = 0; f < out.size(); ++f) {
      std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(
          rocksdb::ReadOptions(), store->family(static_cast<Family>(f))));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        out[f][it->key().ToString()] = it->value().ToString();
      }
      REQUIRE(it->status().ok());
    }
    return out;
  }
};

TEST_CASE("a merge moves every kind of record of the duplicate") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Ann", "", "415-555-0102");
  uint64_t contact = f.AddContact(1, d, "Bo", "415-555-0199");
  uint64_t d_primary = f.Get(1, d).primary_contact_id;
  uint64_t location = f.AddLocation(1, d);
  uint64_t entry = f.Entry(1, d, 1700000000000, "sms-1");
  uint64_t note = f.AddNote(1, d);
  uint64_t file = f.AddFile(1, d, std::string(300000, 'x'));
  f.Link(1, d, "j-1");
  std::string token = f.IssuePortal(1, d);

  fb::CustomerT merged = f.MustMerge(1, s, d);
  CHECK(merged.id == s);
  CHECK(f.ContactIds(1, s) ==
        std::set<uint64_t>{f.Get(1, s).primary_contact_id, contact, d_primary});
  CHECK(f.Contact(1, contact).customer_id == s);
  CHECK(f.Contact(1, contact).version == 2);

  auto l = f.locations.Get(1, location);
  REQUIRE(l.ok());
  CHECK(Root<fb::Location>(*l)->customer_id() == s);
  CHECK(Root<fb::Location>(*l)->version() == 2);
  CHECK(f.TimelineIds(1, s) == std::vector<uint64_t>{entry});
  auto n = f.notes.Get(1, note);
  REQUIRE(n.ok());
  CHECK(Root<fb::Note>(*n)->customer_id() == s);
  CHECK(Root<fb::Note>(*n)->version() == 2);
  auto fi = f.files.Get(1, file);
  REQUIRE(fi.ok());
  CHECK(Root<fb::FileInfo>(*fi)->customer_id() == s);
  auto content = f.files.OpenContent(1, file);
  REQUIRE(content.ok());
  std::string read;
  std::string after;
  for (;;) {
    auto page = (*content)(after, 1);
    REQUIRE_MESSAGE(page.ok(), page.status().message());
    for (auto& item : page->items) read += item.record;
    after = page->last_position;
    if (page->done) break;
  }
  CHECK(read == std::string(300000, 'x'));
  auto link = f.links.Find(1, "job", "j-1");
  REQUIRE(link.ok());
  CHECK(Root<fb::Link>(*link)->customer_id() == s);
  auto opened = f.portal.Resolve(1, token);
  REQUIRE(opened.ok());
  CHECK(Root<fb::Customer>(*opened)->id() == s);
  auto portal_links = f.ReadAll(
      [&](const std::string& a) { return f.portal.List(1, s, a, 10); });
  CHECK(portal_links.size() == 1);

  // Appending the moved reference to the survivor finds the moved entry.
  auto again = f.Append(1, s, 1700000000000, "sms-1");
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(f.Issues().empty());
}

TEST_CASE("the duplicate's id resolves to the survivor, and nothing else") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Ann", "Lee", "415-555-0102");
  f.MustMerge(1, s, d);
  CHECK(f.Get(1, d).id == s);
  CHECK(f.customers.GetOwn(1, d).status().IsNotFound());
  std::string merged_into = "customer " + std::to_string(d) +
                            " was merged into customer " + std::to_string(s);
  auto list = f.contacts.List(1, d, "", 10);
  CHECK(list.status().IsNotFound());
  CHECK(list.status().message() == merged_into);
  fb::NoteDraftT draft;
  draft.author = "u";
  draft.body = "b";
  std::string bytes = PackRecord(draft);
  auto added = f.notes.Add(1, d, *Root<fb::NoteDraft>(bytes));
  CHECK(added.status().IsNotFound());
  CHECK(added.status().message() == merged_into);
  CHECK(f.Append(1, d, 1700000000000, "").status().message() == merged_into);
  CHECK(f.links.Remove(1, d, "job", "x").message() == merged_into);
  // Another account does not see the redirect.
  CHECK(f.customers.Get(2, d).status().IsNotFound());
  CHECK(f.Issues().empty());
}

TEST_CASE("a chain of merges resolves to the last survivor") {
  Fixture f;
  uint64_t a = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t b = f.Individual(1, "Ann", "Lee", "415-555-0102");
  uint64_t c = f.Individual(1, "Ann", "Lee", "415-555-0103");
  f.MustMerge(1, b, a);
  f.MustMerge(1, c, b);
  CHECK(f.Get(1, a).id == c);
  CHECK(f.Get(1, b).id == c);
  auto merged = f.Merge(1, c, a);
  CHECK(merged.status().IsNotFound());
  CHECK(merged.status().message() == "customer " + std::to_string(a) +
                                         " was merged into customer " +
                                         std::to_string(c));
  CHECK(f.Issues().empty());
}

TEST_CASE("the survivor's primary contact stays primary by default") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  uint64_t kept = f.Get(1, s).primary_contact_id;
  uint64_t theirs = f.Get(1, d).primary_contact_id;
  fb::CustomerT merged = f.MustMerge(1, s, d);
  CHECK(merged.primary_contact_id == kept);
  CHECK(f.Contact(1, kept).primary);
  CHECK_FALSE(f.Contact(1, theirs).primary);
  CHECK(f.Contact(1, theirs).customer_id == s);
  CHECK(f.Issues().empty());
}

TEST_CASE("keep_duplicate_contact makes the duplicate's primary primary") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  uint64_t kept = f.Get(1, s).primary_contact_id;
  uint64_t theirs = f.Get(1, d).primary_contact_id;
  MergeOptions options;
  options.keep_duplicate_contact = true;
  fb::CustomerT merged = f.MustMerge(1, s, d, options);
  CHECK(merged.primary_contact_id == theirs);
  CHECK(f.Contact(1, theirs).primary);
  CHECK_FALSE(f.Contact(1, kept).primary);
  CHECK(f.Contact(1, kept).version == 2);
  CHECK(f.Issues().empty());
}

TEST_CASE("with one side without contacts the other's primary is primary") {
  Fixture f;
  uint64_t s = f.Company(1, "Acme", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  uint64_t theirs = f.Get(1, d).primary_contact_id;
  CHECK(f.MustMerge(1, s, d).primary_contact_id == theirs);
  CHECK(f.Contact(1, theirs).primary);

  uint64_t s2 = f.Individual(1, "Cy", "Lee", "415-555-0103");
  uint64_t d2 = f.Company(1, "Acme", "415-555-0104");
  uint64_t kept = f.Get(1, s2).primary_contact_id;
  MergeOptions options;
  options.keep_duplicate_contact = true;
  CHECK(f.MustMerge(1, s2, d2, options).primary_contact_id == kept);
  CHECK(f.Issues().empty());
}

TEST_CASE("the survivor's empty fields are filled from the duplicate") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "", "415-555-0101");
  uint64_t d = f.Individual(1, "Ann", "Lee", "415-555-0102", "ann@x.io");
  fb::CustomerPatchT notes;
  notes.internal_notes = "dog in the yard";
  f.Patch(1, d, notes);
  fb::CustomerT merged = f.MustMerge(1, s, d);
  CHECK(merged.last_name == "Lee");
  CHECK(merged.display_name == "Ann Lee");
  CHECK(merged.email == "ann@x.io");
  CHECK(merged.phone == "+14155550101");
  CHECK(merged.internal_notes == "dog in the yard");
  // The email now finds the survivor.
  auto found = f.customers.Find(1, Lookup::kEmail, "ann@x.io", "", 10);
  REQUIRE(found.ok());
  REQUIRE(found->items.size() == 1);
  CHECK(Root<fb::Customer>(found->items[0].record)->id() == s);
  CHECK(f.Issues().empty());
}

TEST_CASE("filled fields never overwrite the survivor's") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101", "a@x.io");
  uint64_t d = f.Individual(1, "Bo", "Kim", "415-555-0102", "b@x.io");
  uint64_t version = f.Get(1, s).version;
  fb::CustomerT merged = f.MustMerge(1, s, d);
  // A merge always raises the survivor's version, once.
  CHECK(merged.version == version + 1);
  CHECK(merged.first_name == "Ann");
  CHECK(merged.last_name == "Lee");
  CHECK(merged.email == "a@x.io");
}

TEST_CASE("a company fills its company name only from a company") {
  fb::CustomerT s;
  s.kind = fb::CustomerKind::Company;
  s.company_name = "Acme";
  s.phone = "+14155550101";
  fb::CustomerT d;
  d.kind = fb::CustomerKind::Individual;
  d.first_name = "Bo";
  d.last_name = "Kim";
  d.phone = "+14155550102";
  auto merged = MergedCustomer(s, d);
  REQUIRE_MESSAGE(merged.ok(), merged.status().message());
  CHECK(merged->last_name.empty());
  CHECK(merged->company_name == "Acme");
}

TEST_CASE("both internal notes are kept when they fit, else the survivor's") {
  fb::CustomerT s;
  s.kind = fb::CustomerKind::Individual;
  s.first_name = "Ann";
  s.phone = "+14155550101";
  s.internal_notes = "mine";
  fb::CustomerT d = s;
  d.internal_notes = "theirs";
  auto merged = MergedCustomer(s, d);
  REQUIRE(merged.ok());
  CHECK(merged->internal_notes == "mine\n\ntheirs");

  d.internal_notes = "mine";
  CHECK(MergedCustomer(s, d)->internal_notes == "mine");

  d.internal_notes = std::string(10000 - 4 - 2, 'y');
  CHECK(MergedCustomer(s, d)->internal_notes == "mine\n\n" + d.internal_notes);
  d.internal_notes += "y";
  CHECK(MergedCustomer(s, d)->internal_notes == "mine");
}

TEST_CASE("do-not-contact and vip: the stricter side wins") {
  fb::CustomerT s;
  s.kind = fb::CustomerKind::Individual;
  s.first_name = "Ann";
  s.phone = "+14155550101";
  fb::CustomerT d = s;
  d.do_not_contact = true;
  d.do_not_contact_reason = "asked by phone";
  d.vip = true;
  auto merged = MergedCustomer(s, d);
  REQUIRE(merged.ok());
  CHECK(merged->do_not_contact);
  CHECK(merged->do_not_contact_reason == "asked by phone");
  CHECK(merged->vip);

  s.do_not_contact = true;
  s.do_not_contact_reason = "legal";
  merged = MergedCustomer(s, d);
  CHECK(merged->do_not_contact_reason == "legal");

  // Neither side loses a flag it has.
  merged = MergedCustomer(d, fb::CustomerT(s));
  CHECK(merged->vip);
  CHECK(merged->do_not_contact);
}

TEST_CASE("status is the more active one; times are the earlier and later") {
  fb::CustomerT s;
  s.kind = fb::CustomerKind::Individual;
  s.first_name = "Ann";
  s.phone = "+14155550101";
  s.status = fb::CustomerStatus::Archived;
  s.created_at_ms = 2000;
  s.last_activity_at_ms = 2500;
  fb::CustomerT d = s;
  d.status = fb::CustomerStatus::Inactive;
  d.created_at_ms = 1000;
  d.last_activity_at_ms = 3000;
  auto merged = MergedCustomer(s, d);
  REQUIRE(merged.ok());
  CHECK(merged->status == fb::CustomerStatus::Inactive);
  CHECK(merged->created_at_ms == 1000);
  CHECK(merged->last_activity_at_ms == 3000);
  d.status = fb::CustomerStatus::Active;
  CHECK(MergedCustomer(s, d)->status == fb::CustomerStatus::Active);
  s.status = fb::CustomerStatus::Active;
  d.status = fb::CustomerStatus::Archived;
  CHECK(MergedCustomer(s, d)->status == fb::CustomerStatus::Active);
}

TEST_CASE("a tag both carry is counted once") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  uint64_t both = f.Tag(1, "Gold");
  uint64_t theirs = f.Tag(1, "Zone 3");
  REQUIRE(f.tags.Assign(1, s, both, true).ok());
  REQUIRE(f.tags.Assign(1, d, both, true).ok());
  REQUIRE(f.tags.Assign(1, d, theirs, true).ok());
  CHECK(f.TagCount(1, both) == 2);
  auto preview = f.merger.Preview(1, s, d, {});
  REQUIRE(preview.ok());
  CHECK(Root<fb::MergePreview>(*preview)->tags() == 1);
  fb::CustomerT merged = f.MustMerge(1, s, d);
  CHECK(merged.tag_ids == std::vector<uint64_t>{both, theirs});
  CHECK(f.TagCount(1, both) == 1);
  CHECK(f.TagCount(1, theirs) == 1);
  // A tag deleted afterwards comes off the survivor.
  REQUIRE(f.tags.Delete(1, theirs).ok());
  CHECK(f.Get(1, s).tag_ids == std::vector<uint64_t>{both});
  CHECK(f.Issues().empty());
}

TEST_CASE("the timelines join in time order; a shared reference is kept once") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  // Later than both creations, so that the last entry is the last
  // activity.
  int64_t t = NowMs() + 60000;
  uint64_t s1 = f.Entry(1, s, t + 10, "msg-1");
  uint64_t d1 = f.Entry(1, d, t + 20, "msg-2");
  uint64_t s2 = f.Entry(1, s, t + 30);
  uint64_t d2 = f.Entry(1, d, t + 40);
  uint64_t dropped = f.Entry(1, d, t + 50, "msg-1");
  auto preview = f.merger.Preview(1, s, d, {});
  REQUIRE(preview.ok());
  CHECK(Root<fb::MergePreview>(*preview)->timeline_entries() == 2);
  fb::CustomerT merged = f.MustMerge(1, s, d);
  CHECK(f.TimelineIds(1, s) == std::vector<uint64_t>{d2, s2, d1, s1});
  CHECK(merged.last_activity_at_ms == t + 50);
  auto again = f.Append(1, s, t + 50, "msg-1");
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(Root<fb::TimelineEntry>(again->record)->id() == s1);
  CHECK(dropped != s1);
  CHECK(f.Issues().empty());
}

TEST_CASE("the summary counts the survivor once, with its merged flags") {
  Fixture f;
  uint64_t s = f.Company(1, "Acme", "415-555-0101");
  uint64_t d = f.Company(1, "Acme Inc", "415-555-0102");
  fb::CustomerPatchT vip;
  vip.vip = true;
  f.Patch(1, d, vip);
  REQUIRE(f.customers.SetArchived(1, s, true, 0).ok());
  fb::SummaryT before = f.Summary(1);
  CHECK(before.total == 1);
  CHECK(before.archived == 1);
  f.MustMerge(1, s, d);
  fb::SummaryT after = f.Summary(1);
  CHECK(after.total == 1);
  CHECK(after.active == 1);
  CHECK(after.archived == 0);
  CHECK(after.vip == 1);
  CHECK(after.companies == 1);
  CHECK(f.Issues().empty());
}

TEST_CASE("a refused merge changes nothing") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  uint64_t other = f.Individual(2, "Cy", "Lee", "415-555-0103");
  uint64_t gone = f.Individual(1, "Di", "Lee", "415-555-0104");
  f.AddNote(1, d);
  f.MustMerge(1, s, gone);
  Dump before = f.DumpAll();

  auto same = f.Merge(1, s, s);
  CHECK(same.status().IsInvalidArgument());
  CHECK(same.status().message() ==
        "duplicate_id: must differ from survivor_id");
  CHECK(f.Merge(1, 0, d).status().IsInvalidArgument());
  CHECK(f.Merge(1, s, 0).status().IsInvalidArgument());
  CHECK(f.Merge(0, s, d).status().IsInvalidArgument());
  CHECK(f.Merge(1, s, other).status().IsNotFound());
  CHECK(f.Merge(1, other, d).status().IsNotFound());
  CHECK(f.Merge(2, s, d).status().IsNotFound());
  CHECK(f.Merge(1, s, 999999).status().IsNotFound());
  CHECK(f.Merge(1, s, gone).status().IsNotFound());
  CHECK(f.Merge(1, gone, d).status().IsNotFound());
  MergeOptions stale;
  stale.expected_survivor_version = f.Get(1, s).version + 1;
  CHECK(f.Merge(1, s, d, stale).status().IsConflict());
  stale = {};
  stale.expected_duplicate_version = f.Get(1, d).version + 1;
  CHECK(f.Merge(1, s, d, stale).status().IsConflict());
  CHECK(f.merger.Preview(1, s, d, stale).status().IsConflict());
  CHECK(f.DumpAll() == before);

  MergeOptions current;
  current.expected_survivor_version = f.Get(1, s).version;
  current.expected_duplicate_version = f.Get(1, d).version;
  CHECK(f.Merge(1, s, d, current).ok());
}

TEST_CASE("a merge that fails part way leaves everything as it was") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "", "415-555-0102", "bo@x.io");
  f.AddContact(1, d, "Cy");
  f.AddLocation(1, d);
  f.Entry(1, d, 1700000000000, "sms-1");
  uint64_t note = f.AddNote(1, d);
  f.Link(1, d, "j-1");
  // The note is moved after the contacts, locations and timeline: damage
  // it so that the merge fails there, with much already written.
  REQUIRE(f.store->db()
              ->Put(rocksdb::WriteOptions(), f.store->family(Family::kRecords),
                    keys::RecordKey(1, keys::RecordTag::kNote, note), "junk")
              .ok());
  Dump before = f.DumpAll();
  auto r = f.Merge(1, s, d);
  CHECK(r.status().code() == Code::kCorruption);
  CHECK(f.DumpAll() == before);
  CHECK(f.Get(1, d).id == d);
}

TEST_CASE("a preview writes nothing and agrees with the merge") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "", "415-555-0101");
  uint64_t d = f.Individual(1, "Ann", "Lee", "415-555-0102", "a@x.io");
  f.AddContact(1, d, "Bo");
  f.AddLocation(1, d);
  f.Entry(1, d, 1700000000000, "sms-1");
  f.Entry(1, d, 1700000000001);
  f.AddNote(1, d);
  f.AddFile(1, d, "pdf");
  f.Link(1, d, "j-1");
  f.Link(1, d, "j-2");
  f.IssuePortal(1, d);
  REQUIRE(f.tags.Assign(1, d, f.Tag(1, "Gold"), true).ok());
  MergeOptions options;
  options.keep_duplicate_contact = true;
  Dump before = f.DumpAll();
  auto preview = f.merger.Preview(1, s, d, options);
  REQUIRE_MESSAGE(preview.ok(), preview.status().message());
  CHECK(f.DumpAll() == before);
  auto* p = Root<fb::MergePreview>(*preview);
  CHECK(p->survivor()->id() == s);
  CHECK(p->duplicate()->id() == d);
  CHECK(p->contacts() == 2);
  CHECK(p->locations() == 1);
  CHECK(p->timeline_entries() == 2);
  CHECK(p->notes() == 1);
  CHECK(p->files() == 1);
  CHECK(p->tags() == 1);
  CHECK(p->links() == 2);
  CHECK(p->portal_links() == 1);
  fb::CustomerT previewed;
  p->merged()->UnPackTo(&previewed);
  fb::CustomerT merged = f.MustMerge(1, s, d, options);
  previewed.updated_at_ms = merged.updated_at_ms;
  CHECK(previewed == merged);
  CHECK(merged.version == p->survivor()->version() + 1);
  CHECK(f.Issues().empty());
}

TEST_CASE("a customer with thousands of timeline entries merges") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  constexpr int kEntries = 3000;
  for (int i = 0; i < kEntries; ++i) {
    f.Entry(1, d, 1700000000000 + i, "sms-" + std::to_string(i));
  }
  f.Entry(1, s, 1600000000000);
  f.MustMerge(1, s, d);
  auto ids = f.TimelineIds(1, s);
  CHECK(ids.size() == kEntries + 1);
  CHECK(f.Issues().empty());
}

TEST_CASE("two merges of one pair, each way at once, end with one merge") {
  for (int round = 0; round < 10; ++round) {
    Fixture f;
    uint64_t a = f.Individual(1, "Ann", "Lee", "415-555-0101");
    uint64_t b = f.Individual(1, "Bo", "Lee", "415-555-0102");
    f.AddNote(1, a);
    f.AddNote(1, b);
    Result<std::string> one = Status::Internal("not run");
    Result<std::string> two = Status::Internal("not run");
    std::thread first([&] { one = f.merger.Merge(1, a, b, {}); });
    std::thread second([&] { two = f.merger.Merge(1, b, a, {}); });
    first.join();
    second.join();
    CHECK(one.ok() != two.ok());
    CHECK((one.ok() || one.status().IsNotFound()));
    CHECK((two.ok() || two.status().IsNotFound()));
    CHECK(f.Get(1, a).id == f.Get(1, b).id);
    CHECK(f.Summary(1).total == 1);
    CHECK(f.Issues().empty());
  }
}

TEST_CASE(
    "a contact updated while its customer is merged lands on the survivor") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  uint64_t contact = f.AddContact(1, d, "Cy");
  std::thread updates([&] {
    for (int i = 0; i < 200; ++i) {
      fb::ContactPatchT patch;
      patch.first_name = i % 2 == 0 ? "Cy" : "Cyrus";
      std::string bytes = PackRecord(patch);
      auto r = f.contacts.Update(1, contact, *Root<fb::ContactPatch>(bytes), 0);
      CHECK_MESSAGE(r.ok(), r.status().message());
    }
  });
  f.MustMerge(1, s, d);
  updates.join();
  CHECK(f.Contact(1, contact).customer_id == s);
  CHECK(f.Issues().empty());
}

TEST_CASE("the checker knows redirects, and reports broken ones") {
  Fixture f;
  uint64_t s = f.Individual(1, "Ann", "Lee", "415-555-0101");
  uint64_t d = f.Individual(1, "Bo", "Lee", "415-555-0102");
  f.MustMerge(1, s, d);
  CHECK(f.Issues().empty());
  auto* records = f.store->family(Family::kRecords);
  std::string nowhere;
  keys::PutBigEndian64(&nowhere, 424242);
  REQUIRE(f.store->db()
              ->Put(rocksdb::WriteOptions(), records, keys::MergedKey(1, 77),
                    nowhere)
              .ok());
  std::string to_s;
  keys::PutBigEndian64(&to_s, s);
  REQUIRE(
      f.store->db()
          ->Put(rocksdb::WriteOptions(), records, keys::MergedKey(1, s), to_s)
          .ok());
  // A redirect under the id of a customer that is still stored.
  uint64_t c = f.Individual(1, "Cy", "Lee", "415-555-0103");
  REQUIRE(
      f.store->db()
          ->Put(rocksdb::WriteOptions(), records, keys::MergedKey(1, c), to_s)
          .ok());
  auto issues = f.Issues();
  auto has = [&](const std::string& text) {
    for (const auto& issue : issues) {
      if (issue.find(text) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(has("which does not exist"));
  CHECK(has("names no other customer"));
  CHECK(has("record is still stored"));
}

}  // namespace
}  // namespace custdb
