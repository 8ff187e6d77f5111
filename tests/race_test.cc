// A race of mixed operations: several threads create, update, archive,
// merge, tag, annotate and append to the customers of two accounts at
// once, on a small set of phones, so that most operations meet another
// one on the same record. An operation may fail only in the ways a race
// allows (a customer merged away, a stale version, a lock not had in
// time); afterwards nothing may be half done and nothing acknowledged may
// be lost.
//
// The seed chooses the operations, not their interleaving. Replay the
// choices with CUSTDB_SEED=<seed printed>; CUSTDB_RACE_OPS=<n> sets the
// operations per thread.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "engine/contacts/contacts.h"
#include "engine/customers/customer_list.h"
#include "engine/customers/customers.h"
#include "engine/match/duplicates.h"
#include "engine/merge/merge.h"
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

constexpr int kThreads = 4;
constexpr int kPhones = 6;
constexpr uint64_t kAccounts[] = {1, 2};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

std::string Phone(int i) { return "+1415555" + std::to_string(2000 + i); }

// What the threads were told succeeded, for the checks after the race.
struct Acknowledged {
  struct Customer {
    uint64_t account = 0;
    fb::CustomerKind kind = fb::CustomerKind::Individual;
  };
  struct Entry {
    uint64_t account = 0;
    uint64_t customer = 0;
    uint64_t id = 0;
    std::string ref;  // empty: none
    bool shared_ref = false;
  };
  struct Child {
    uint64_t account = 0;
    uint64_t customer = 0;  // the customer it was added to
  };

  std::mutex mu;
  std::map<uint64_t, Customer> customers;          // every id a create returned
  std::map<uint64_t, uint64_t> merged;             // duplicate -> survivor
  std::map<uint64_t, std::vector<uint64_t>> live;  // account -> ids
  std::map<uint64_t, std::vector<uint64_t>> tags;  // account -> tag ids
  std::vector<Entry> entries;
  std::map<uint64_t, Child> notes;     // not deleted
  std::map<uint64_t, Child> contacts;  // not deleted
  std::set<uint64_t> deleted_notes, deleted_contacts;

  // The end of a merged id's chain of redirects.
  uint64_t Resolve(uint64_t id) const {
    for (auto it = merged.find(id); it != merged.end(); it = merged.find(id)) {
      id = it->second;
    }
    return id;
  }
};

// The outcomes of one kind of operation.
struct Outcomes {
  uint64_t ok = 0, not_found = 0, conflict = 0, busy = 0;
};

class RaceRun {
 public:
  explicit RaceRun(uint64_t seed) : seed_(seed) {}

  void Run(uint64_t ops_per_thread);

  void PrintOutcomes() {
    std::lock_guard<std::mutex> lock(outcomes_mu_);
    for (const auto& [what, o] : outcomes_) {
      std::cout << "  " << what << ": ok " << o.ok << ", not found "
                << o.not_found << ", conflict " << o.conflict << ", busy "
                << o.busy << "\n";
    }
    std::cout << std::flush;
  }

  uint64_t Count(const std::string& what) {
    std::lock_guard<std::mutex> lock(outcomes_mu_);
    return outcomes_[what].ok;
  }

  const std::vector<std::string>& errors() const { return errors_; }

  void Verify();

 private:
  class Worker;

  // Counts a status under `what`; true when it is ok. A status outside
  // the race's outcomes is kept as an error.
  bool Note(const std::string& what, const Status& s) {
    std::lock_guard<std::mutex> lock(outcomes_mu_);
    Outcomes& o = outcomes_[what];
    if (s.ok()) {
      ++o.ok;
      return true;
    }
    if (s.IsNotFound()) {
      ++o.not_found;
    } else if (s.IsConflict()) {
      ++o.conflict;
    } else if (s.IsBusy()) {
      ++o.busy;
    } else {
      errors_.push_back(what + ": code " +
                        std::to_string(static_cast<int>(s.code())) + ": " +
                        s.message());
    }
    return false;
  }

  void VerifyAccount(uint64_t account);

  uint64_t seed_;
  TempDir dir_;
  std::unique_ptr<Store> store_ = OpenStore(dir_.path());
  Customers customers_{store_.get()};
  Contacts contacts_{store_.get(), &customers_};
  Tags tags_{store_.get(), &customers_};
  Timeline timeline_{store_.get(), &customers_};
  Notes notes_{store_.get(), &customers_};
  Merger merger_{store_.get(), &customers_};
  Duplicates duplicates_{store_.get(), &customers_};
  Acknowledged ack_;
  std::mutex outcomes_mu_;
  std::map<std::string, Outcomes> outcomes_;
  std::vector<std::string> errors_;
};

class RaceRun::Worker {
 public:
  Worker(RaceRun* run, uint64_t seed) : run_(run), rng_(seed) {}

  void Step() {
    // Most of the work lands on account 1, so that the threads meet.
    uint64_t account = Pick(5) == 0 ? 2 : 1;
    switch (Pick(25)) {
      case 0:
      case 1:
      case 2:
        Create(account);
        break;
      case 3:
      case 4:
        Update(account, /*conditional=*/false);
        break;
      case 5:
        Update(account, /*conditional=*/true);
        break;
      case 6:
        Archive(account);
        break;
      case 7:
      case 8:
        Merge(account);
        break;
      case 9:
      case 10:
      case 11:
        Append(account);
        break;
      case 12:
        AddContact(account);
        break;
      case 13:
        DeleteOrPromoteContact(account);
        break;
      case 14:
        CreateTag(account);
        break;
      case 15:
      case 16:
        AssignTag(account);
        break;
      case 17:
      case 18:
        AddNote(account);
        break;
      case 19:
        DeleteNote();
        break;
      case 20:
        Read(account);
        break;
      case 21:
        FindByPhone(account);
        break;
      case 22:
        FindDuplicates(account);
        break;
      case 23:
        Search(account);
        break;
      default:
        Preview(account);
        break;
    }
  }

 private:
  uint64_t Pick(uint64_t n) { return rng_() % n; }

  // The same number typed one of several ways.
  std::string Typed(const std::string& e164) {
    std::string d = e164.substr(2);
    switch (Pick(3)) {
      case 0:
        return d;
      case 1:
        return "(" + d.substr(0, 3) + ") " + d.substr(3, 3) + "-" + d.substr(6);
      default:
        return e164;
    }
  }

  std::string Name() {
    static const char* names[] = {"Ann", "Bo", "José", "Zoë", "Li", "Sam"};
    return names[Pick(std::size(names))];
  }

  // A customer of the account as this thread last heard: mostly one not
  // merged, sometimes any id ever created (merged ones included).
  std::optional<uint64_t> PickCustomer(uint64_t account) {
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    auto& live = run_->ack_.live[account];
    if (!live.empty() && Pick(8) != 0) return live[Pick(live.size())];
    std::vector<uint64_t> all;
    for (const auto& [id, c] : run_->ack_.customers) {
      if (c.account == account) all.push_back(id);
    }
    if (all.empty()) return std::nullopt;
    return all[Pick(all.size())];
  }

  std::optional<fb::CustomerKind> KindOf(uint64_t id) {
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    auto it = run_->ack_.customers.find(id);
    if (it == run_->ack_.customers.end()) return std::nullopt;
    return it->second.kind;
  }

  void Create(uint64_t account) {
    fb::CustomerDraftT d;
    d.kind =
        Pick(3) == 0 ? fb::CustomerKind::Company : fb::CustomerKind::Individual;
    if (d.kind == fb::CustomerKind::Company) {
      d.company_name = Name() + " Plumbing";
    } else {
      d.first_name = Name();
      if (Pick(2)) d.last_name = Name();
    }
    d.phone = Typed(Phone(static_cast<int>(Pick(kPhones))));
    d.vip = Pick(4) == 0;
    std::string bytes = PackRecord(d);
    CreateOptions options;
    options.allow_duplicate_phone = Pick(3) == 0;
    auto r = run_->customers_.Create(account, *Root<fb::CustomerDraft>(bytes),
                                     options);
    if (!run_->Note("create", r.status())) return;
    auto* c = Root<fb::Customer>(r->record);
    if (r->existed) return;
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.customers[c->id()] = {account, d.kind};
    run_->ack_.live[account].push_back(c->id());
    if (c->primary_contact_id() != 0) {
      run_->ack_.contacts[c->primary_contact_id()] = {account, c->id()};
    }
  }

  void Update(uint64_t account, bool conditional) {
    auto id = PickCustomer(account);
    if (!id) return;
    auto kind = KindOf(*id);
    fb::CustomerPatchT patch;
    if (Pick(2)) {
      if (kind == fb::CustomerKind::Company) {
        patch.company_name = Name() + " HVAC";
      } else {
        patch.first_name = Name();
      }
    }
    if (Pick(3) == 0)
      patch.phone = Typed(Phone(static_cast<int>(Pick(kPhones))));
    if (Pick(3) == 0) patch.vip = Pick(2) == 0;
    if (Pick(4) == 0) {
      patch.do_not_contact = Pick(2) == 0;
      if (*patch.do_not_contact) patch.do_not_contact_reason = "asked";
    }
    if (Pick(4) == 0) patch.status = static_cast<fb::CustomerStatus>(Pick(3));
    uint64_t expected = 0;
    if (conditional) {
      // A version read a moment ago: another thread may have moved it.
      auto now = run_->customers_.GetOwn(account, *id);
      if (!run_->Note("read for update", now.status())) return;
      expected = Root<fb::Customer>(*now)->version();
    }
    std::string bytes = PackRecord(patch);
    auto r = run_->customers_.Update(account, *id,
                                     *Root<fb::CustomerPatch>(bytes), expected);
    run_->Note(conditional ? "conditional update" : "update", r.status());
  }

  void Archive(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    auto r = run_->customers_.SetArchived(account, *id, Pick(2) == 0, 0);
    run_->Note("archive", r.status());
  }

  MergeOptions PickMergeOptions(uint64_t account, uint64_t survivor) {
    MergeOptions options;
    options.keep_duplicate_contact = Pick(2) == 0;
    if (Pick(4) == 0) {
      auto now = run_->customers_.GetOwn(account, survivor);
      if (now.ok()) {
        options.expected_survivor_version = Root<fb::Customer>(*now)->version();
      }
    }
    return options;
  }

  void Merge(uint64_t account) {
    auto s = PickCustomer(account);
    auto d = PickCustomer(account);
    if (!s || !d || *s == *d) return;
    auto r =
        run_->merger_.Merge(account, *s, *d, PickMergeOptions(account, *s));
    if (!run_->Note("merge", r.status())) return;
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.merged[*d] = *s;
    auto& live = run_->ack_.live[account];
    live.erase(std::remove(live.begin(), live.end(), *d), live.end());
  }

  void Preview(uint64_t account) {
    auto s = PickCustomer(account);
    auto d = PickCustomer(account);
    if (!s || !d || *s == *d) return;
    auto r =
        run_->merger_.Preview(account, *s, *d, PickMergeOptions(account, *s));
    run_->Note("merge preview", r.status());
  }

  void Append(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    fb::TimelineEntryDraftT d;
    d.channel = static_cast<fb::TimelineChannel>(1 + Pick(4));
    d.direction = static_cast<fb::Direction>(1 + Pick(2));
    d.occurred_at_ms = NowMs() - static_cast<int64_t>(Pick(100000));
    d.summary = "left a message";
    // Most references are the message's own; a few are shared, as when
    // the host records one call on two customers that are one person.
    bool shared = false;
    switch (Pick(5)) {
      case 0:
        break;  // no reference
      case 1:
        shared = true;
        d.external_ref = "call-" + std::to_string(Pick(4));
        break;
      default:
        d.external_ref = "sms-" + std::to_string(rng_());
        break;
    }
    std::string bytes = PackRecord(d);
    auto r = run_->timeline_.Append(account, *id,
                                    *Root<fb::TimelineEntryDraft>(bytes));
    if (!run_->Note("timeline append", r.status())) return;
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.entries.push_back({account, *id,
                                  Root<fb::TimelineEntry>(r->record)->id(),
                                  d.external_ref, shared});
  }

  void AddContact(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    fb::ContactDraftT d;
    d.first_name = Name();
    if (Pick(2)) d.phone = Typed(Phone(static_cast<int>(Pick(kPhones))));
    d.primary = Pick(3) == 0;
    std::string bytes = PackRecord(d);
    auto r = run_->contacts_.Add(account, *id, *Root<fb::ContactDraft>(bytes));
    if (!run_->Note("contact add", r.status())) return;
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.contacts[Root<fb::Contact>(*r)->id()] = {account, *id};
  }

  void DeleteOrPromoteContact(uint64_t account) {
    uint64_t contact = 0;
    {
      std::lock_guard<std::mutex> lock(run_->ack_.mu);
      std::vector<uint64_t> ids;
      for (const auto& [id, c] : run_->ack_.contacts) {
        if (c.account == account) ids.push_back(id);
      }
      if (ids.empty()) return;
      contact = ids[Pick(ids.size())];
    }
    if (Pick(2) == 0) {
      run_->Note("contact promote",
                 run_->contacts_.Promote(account, contact).status());
      return;
    }
    // Another thread may delete it first: then this one finds nothing.
    if (!run_->Note("contact delete",
                    run_->contacts_.Delete(account, contact, 0))) {
      return;
    }
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.contacts.erase(contact);
    run_->ack_.deleted_contacts.insert(contact);
  }

  void CreateTag(uint64_t account) {
    static const char* names[] = {"Gold", "gold", "Zone 3", "Weekly"};
    fb::TagDraftT d;
    d.name = names[Pick(std::size(names))];
    std::string bytes = PackRecord(d);
    auto r = run_->tags_.Create(account, *Root<fb::TagDraft>(bytes));
    if (!run_->Note("tag create", r.status())) return;
    if (r->existed) return;
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.tags[account].push_back(Root<fb::Tag>(r->record)->id());
  }

  void AssignTag(uint64_t account) {
    auto id = PickCustomer(account);
    uint64_t tag = 0;
    {
      std::lock_guard<std::mutex> lock(run_->ack_.mu);
      auto& tags = run_->ack_.tags[account];
      if (tags.empty()) return;
      tag = tags[Pick(tags.size())];
    }
    if (!id) return;
    auto r = run_->tags_.Assign(account, *id, tag, Pick(3) != 0);
    run_->Note("tag assign", r.status());
  }

  void AddNote(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    fb::NoteDraftT d;
    d.author = "user-" + std::to_string(Pick(3));
    d.body = "gate code changed";
    std::string bytes = PackRecord(d);
    auto r = run_->notes_.Add(account, *id, *Root<fb::NoteDraft>(bytes));
    if (!run_->Note("note add", r.status())) return;
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.notes[Root<fb::Note>(*r)->id()] = {account, *id};
  }

  void DeleteNote() {
    uint64_t note = 0, account = 0;
    {
      std::lock_guard<std::mutex> lock(run_->ack_.mu);
      auto& notes = run_->ack_.notes;
      if (notes.empty()) return;
      auto it = notes.begin();
      std::advance(it, static_cast<long>(Pick(notes.size())));
      note = it->first;
      account = it->second.account;
    }
    if (!run_->Note("note delete", run_->notes_.Delete(account, note, 0))) {
      return;
    }
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    run_->ack_.notes.erase(note);
    run_->ack_.deleted_notes.insert(note);
  }

  // A merged id of the account, when there is one.
  std::optional<uint64_t> PickMerged(uint64_t account) {
    std::lock_guard<std::mutex> lock(run_->ack_.mu);
    std::vector<uint64_t> ids;
    for (const auto& [id, survivor] : run_->ack_.merged) {
      if (run_->ack_.customers[id].account == account) ids.push_back(id);
    }
    if (ids.empty()) return std::nullopt;
    return ids[Pick(ids.size())];
  }

  // Any id ever created reads as a customer: itself, or its survivor
  // (which another merge may be moving on at that moment).
  void Read(uint64_t account) {
    auto id = Pick(2) == 0 ? PickMerged(account) : PickCustomer(account);
    if (!id) return;
    auto r = run_->customers_.Get(account, *id);
    if (r.ok()) {
      run_->Note("read", r.status());
      return;
    }
    // Not even a redirect: that is an error, whatever its code.
    std::lock_guard<std::mutex> lock(run_->outcomes_mu_);
    run_->errors_.push_back("read of customer " + std::to_string(*id) + ": " +
                            r.status().message());
  }

  void FindByPhone(uint64_t account) {
    auto page = run_->customers_.Find(
        account, Lookup::kPhone, Phone(static_cast<int>(Pick(kPhones))), "", 5);
    run_->Note("find by phone", page.status());
  }

  void FindDuplicates(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    auto r = run_->duplicates_.Find(account, *id, DuplicateOptions());
    run_->Note("find duplicates", r.status());
  }

  // Two pages of a search by a name's beginning, a typo of one, or a
  // phone's last four, while the others write.
  void Search(uint64_t account) {
    CustomerListFilter filter;
    switch (Pick(3)) {
      case 0:
        filter.query = Name().substr(0, 2);
        break;
      case 1:
        filter.query = "plumbnig";
        break;
      default:
        filter.query = Phone(static_cast<int>(Pick(kPhones))).substr(8);
        break;
    }
    std::string after;
    for (int page = 0; page < 2; ++page) {
      auto r = ListCustomers(run_->store_.get(), account, filter, after, 3);
      if (!run_->Note("search", r.status()) || r->done) return;
      after = r->last_position;
    }
  }

  RaceRun* run_;
  std::mt19937_64 rng_;
};

void RaceRun::Run(uint64_t ops_per_thread) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, ops_per_thread] {
      Worker worker(this, seed_ * 1000003 + static_cast<uint64_t>(t));
      for (uint64_t i = 0; i < ops_per_thread; ++i) worker.Step();
    });
  }
  for (auto& t : threads) t.join();
}

// Reads every item of a paged list.
template <typename List>
std::vector<std::string> ReadAll(List list) {
  std::vector<std::string> out;
  std::string after;
  for (;;) {
    auto page = list(after);
    REQUIRE_MESSAGE(page.ok(), page.status().message());
    for (auto& item : page->items) out.push_back(std::move(item.record));
    after = page->last_position;
    if (page->done) return out;
  }
}

void RaceRun::Verify() {
  auto report = CheckStore(store_.get());
  REQUIRE(report.ok());
  auto* issues = Root<fb::CheckReport>(*report)->issues();
  if (issues != nullptr) {
    for (const auto* issue : *issues) {
      FAIL_CHECK("check: account " << issue->account_id() << ", id "
                                   << issue->customer_id() << ": "
                                   << Str(issue->message()));
    }
  }

  // Every merged id reads as the end of its chain, and is no record of
  // its own any more.
  for (const auto& [duplicate, survivor] : ack_.merged) {
    uint64_t account = ack_.customers[duplicate].account;
    auto got = customers_.Get(account, duplicate);
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(Root<fb::Customer>(*got)->id() == ack_.Resolve(duplicate));
    CHECK(customers_.GetOwn(account, duplicate).status().IsNotFound());
  }
  for (uint64_t account : kAccounts) VerifyAccount(account);

  // Every acknowledged entry is on the survivor of the customer it was
  // appended to: itself, or (a shared reference) the entry the survivor
  // already had for that reference.
  std::map<uint64_t, std::map<uint64_t, std::string>> timelines;
  for (const auto& e : ack_.entries) {
    uint64_t survivor = ack_.Resolve(e.customer);
    if (timelines.count(survivor) != 0) continue;
    auto& entries = timelines[survivor];
    std::set<std::string> refs;
    for (const auto& bytes : ReadAll([&](const std::string& after) {
           return timeline_.List(e.account, survivor,
                                 fb::TimelineChannel::Unspecified, after, 50);
         })) {
      auto* entry = Root<fb::TimelineEntry>(bytes);
      CHECK(entry->customer_id() == survivor);
      std::string ref = Str(entry->external_ref());
      if (!ref.empty()) CHECK_MESSAGE(refs.insert(ref).second, ref);
      entries[entry->id()] = ref;
    }
  }
  std::set<uint64_t> acknowledged_ids;
  for (const auto& e : ack_.entries) {
    acknowledged_ids.insert(e.id);
    const auto& entries = timelines[ack_.Resolve(e.customer)];
    if (!e.shared_ref) {
      CHECK_MESSAGE(entries.count(e.id) == 1, "entry " << e.id);
      continue;
    }
    bool held = false;
    for (const auto& [id, ref] : entries) held = held || ref == e.ref;
    CHECK_MESSAGE(held, "reference " << e.ref << " of entry " << e.id);
  }
  // Nor is any entry there that no append acknowledged.
  for (const auto& [survivor, entries] : timelines) {
    for (const auto& [id, ref] : entries) {
      CHECK_MESSAGE(acknowledged_ids.count(id) == 1, "entry " << id);
    }
  }

  // Notes and contacts follow their customer to its survivor; deleted
  // ones are gone.
  for (const auto& [id, note] : ack_.notes) {
    auto got = notes_.Get(note.account, id);
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(Root<fb::Note>(*got)->customer_id() == ack_.Resolve(note.customer));
  }
  for (uint64_t id : ack_.deleted_notes) {
    CHECK(notes_.Get(1, id).status().IsNotFound());
    CHECK(notes_.Get(2, id).status().IsNotFound());
  }
  for (const auto& [id, contact] : ack_.contacts) {
    auto got = contacts_.Get(contact.account, id);
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(Root<fb::Contact>(*got)->customer_id() ==
          ack_.Resolve(contact.customer));
  }
  for (uint64_t id : ack_.deleted_contacts) {
    CHECK(contacts_.Get(1, id).status().IsNotFound());
    CHECK(contacts_.Get(2, id).status().IsNotFound());
  }
}

// The summary counts and tag counts against a recount of the customers
// the threads made and did not merge away, and the phone index against
// their phones and their contacts' phones.
void RaceRun::VerifyAccount(uint64_t account) {
  fb::SummaryT want;
  std::map<uint64_t, uint64_t> tag_carriers;
  std::map<std::string, std::set<uint64_t>> by_phone;
  std::set<uint64_t> notes, contacts;
  for (uint64_t id : ack_.live[account]) {
    auto got = customers_.GetOwn(account, id);
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    auto* c = Root<fb::Customer>(*got);
    if (c->tag_ids() != nullptr) {
      for (uint64_t tag : *c->tag_ids()) ++tag_carriers[tag];
    }
    by_phone[Str(c->phone())].insert(id);
    for (const auto& bytes : ReadAll([&](const std::string& after) {
           return contacts_.List(account, id, after, 50);
         })) {
      auto* contact = Root<fb::Contact>(bytes);
      contacts.insert(contact->id());
      if (!Str(contact->phone()).empty()) {
        by_phone[Str(contact->phone())].insert(id);
      }
    }
    for (const auto& bytes : ReadAll([&](const std::string& after) {
           return notes_.List(account, id, after, 50);
         })) {
      notes.insert(Root<fb::Note>(bytes)->id());
    }
    if (c->status() == fb::CustomerStatus::Archived) {
      ++want.archived;
      continue;
    }
    ++want.total;
    if (c->status() == fb::CustomerStatus::Active) ++want.active;
    if (c->status() == fb::CustomerStatus::Inactive) ++want.inactive;
    if (c->vip()) ++want.vip;
    if (c->kind() == fb::CustomerKind::Company) ++want.companies;
  }
  auto summary = customers_.Summary(account);
  REQUIRE(summary.ok());
  fb::SummaryT got;
  Root<fb::Summary>(*summary)->UnPackTo(&got);
  CHECK(got.total == want.total);
  CHECK(got.active == want.active);
  CHECK(got.inactive == want.inactive);
  CHECK(got.archived == want.archived);
  CHECK(got.vip == want.vip);
  CHECK(got.companies == want.companies);

  for (uint64_t tag : ack_.tags[account]) {
    auto stored = tags_.Get(account, tag);
    REQUIRE(stored.ok());
    CHECK(Root<fb::Tag>(*stored)->customer_count() == tag_carriers[tag]);
  }

  for (int p = 0; p < kPhones; ++p) {
    std::set<uint64_t> found;
    for (const auto& bytes : ReadAll([&](const std::string& after) {
           return customers_.Find(account, Lookup::kPhone, Phone(p), after, 7);
         })) {
      found.insert(Root<fb::Customer>(bytes)->id());
    }
    CHECK(found == by_phone[Phone(p)]);
  }

  // The live customers hold exactly the notes and contacts acknowledged
  // and not deleted.
  std::set<uint64_t> want_notes, want_contacts;
  for (const auto& [id, note] : ack_.notes) {
    if (note.account == account) want_notes.insert(id);
  }
  for (const auto& [id, contact] : ack_.contacts) {
    if (contact.account == account) want_contacts.insert(id);
  }
  CHECK(notes == want_notes);
  CHECK(contacts == want_contacts);
}

TEST_CASE(
    "mixed operations racing on shared customers lose and leave nothing") {
  uint64_t seed = EnvOr("CUSTDB_SEED", std::random_device()());
  uint64_t ops = EnvOr("CUSTDB_RACE_OPS", 1500);
  std::cout << "race test: CUSTDB_SEED=" << seed << " threads=" << kThreads
            << " ops per thread=" << ops << std::endl;
  INFO("replay the operations with CUSTDB_SEED=" << seed);
  RaceRun run(seed);
  run.Run(ops);
  run.PrintOutcomes();
  for (const auto& error : run.errors()) FAIL_CHECK(error);
  // The race did reach what it is for.
  CHECK(run.Count("merge") > 0);
  CHECK(run.Count("timeline append") > 0);
  run.Verify();
}

TEST_CASE("a merged id reads as a customer while its survivor merges on") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  Customers customers(store.get());
  Merger merger(store.get(), &customers);
  constexpr int kChain = 60;
  std::vector<uint64_t> ids;
  for (int i = 0; i < kChain; ++i) {
    CreateOptions options;
    options.allow_duplicate_phone = true;
    auto r = customers.Create(1,
                              *Root<fb::CustomerDraft>(testing::IndividualDraft(
                                  "Ann", std::to_string(i), "415-555-0100")),
                              options);
    REQUIRE(r.ok());
    ids.push_back(Root<fb::Customer>(r->record)->id());
  }
  // ids[0] merges into ids[1], which merges into ids[2], and so on, while
  // readers keep reading ids[0].
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        auto got = customers.Get(1, ids[0]);
        ++reads;
        if (!got.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(got.status().message());
        }
      }
    });
  }
  for (int i = 1; i < kChain; ++i) {
    auto r = merger.Merge(1, ids[i], ids[i - 1], MergeOptions());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }
  done = true;
  for (auto& t : readers) t.join();
  std::cout << "merge chain test: " << reads << " reads of the merged id"
            << std::endl;
  for (const auto& e : errors) FAIL_CHECK(e);
  auto last = customers.Get(1, ids[0]);
  REQUIRE(last.ok());
  CHECK(Root<fb::Customer>(*last)->id() == ids.back());
}

TEST_CASE(
    "notes deleted while their customer is merged do not fail the merge") {
  for (int round = 0; round < 20; ++round) {
    TempDir dir;
    auto store = OpenStore(dir.path());
    Customers customers(store.get());
    Notes notes(store.get(), &customers);
    Merger merger(store.get(), &customers);
    uint64_t ids[2];
    for (int i = 0; i < 2; ++i) {
      auto r =
          customers.Create(1,
                           *Root<fb::CustomerDraft>(testing::IndividualDraft(
                               "Bo", "Lee", "415-555-010" + std::to_string(i))),
                           CreateOptions());
      REQUIRE(r.ok());
      ids[i] = Root<fb::Customer>(r->record)->id();
    }
    fb::NoteDraftT d;
    d.author = "user-1";
    d.body = "ring twice";
    std::string draft = PackRecord(d);
    std::vector<uint64_t> added;
    for (int n = 0; n < 40; ++n) {
      auto r = notes.Add(1, ids[1], *Root<fb::NoteDraft>(draft));
      REQUIRE(r.ok());
      added.push_back(Root<fb::Note>(*r)->id());
    }
    std::vector<bool> deleted(added.size());
    std::thread deleter([&] {
      // Newest first, so that the merge meets the deletes as it goes.
      for (size_t n = added.size(); n-- > 0;) {
        deleted[n] = notes.Delete(1, added[n], 0).ok();
      }
    });
    auto merged = merger.Merge(1, ids[0], ids[1], MergeOptions());
    deleter.join();
    REQUIRE_MESSAGE(merged.ok(), merged.status().message());
    for (size_t n = 0; n < added.size(); ++n) {
      auto got = notes.Get(1, added[n]);
      if (deleted[n]) {
        CHECK(got.status().IsNotFound());
      } else {
        REQUIRE(got.ok());
        CHECK(Root<fb::Note>(*got)->customer_id() == ids[0]);
      }
    }
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    auto* issues = Root<fb::CheckReport>(*report)->issues();
    CHECK((issues == nullptr || issues->size() == 0));
  }
}

}  // namespace
}  // namespace custdb
