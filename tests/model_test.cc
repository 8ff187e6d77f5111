// A randomized model test: random operations on two accounts, applied to
// the store and to a plain in-memory model, must agree on every read,
// count and lookup, and the consistency check must find nothing.
//
// Replay a failure with CUSTDB_SEED=<seed printed> and, for a longer run,
// CUSTDB_MODEL_STEPS=<n>.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "engine/contacts/contacts.h"
#include "engine/customers/customer_list.h"
#include "engine/customers/customers.h"
#include "engine/links/links.h"
#include "engine/match/match_name.h"
#include "engine/merge/merge.h"
#include "engine/normalize/name.h"
#include "engine/portal/portal.h"
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

struct ModelCustomer {
  uint64_t account = 0;
  uint64_t number = 0;
  fb::CustomerKind kind = fb::CustomerKind::Individual;
  std::string first, last, company, phone, email, reason;
  bool vip = false, dnc = false;
  fb::CustomerStatus status = fb::CustomerStatus::Active;
  uint64_t version = 1;
  std::set<uint64_t> tags;
  int64_t last_activity = 0;                // 0: still the creation time
  std::map<std::string, uint64_t> entries;  // external ref -> entry id
  std::set<uint64_t> notes;
  std::set<std::string> links;               // "kind/external id"
  std::map<uint64_t, std::string> portal;    // link id -> token
  size_t portal_records = 0;                 // revoked links keep their records
  std::map<uint64_t, std::string> contacts;  // contact id -> its phone
  uint64_t primary = 0;
};

struct ModelTag {
  uint64_t account = 0;
  std::string name;
};

bool SameFields(const ModelCustomer& a, const ModelCustomer& b) {
  return a.first == b.first && a.last == b.last && a.company == b.company &&
         a.phone == b.phone && a.email == b.email && a.reason == b.reason &&
         a.vip == b.vip && a.dnc == b.dnc && a.status == b.status;
}

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

class ModelRun {
 public:
  explicit ModelRun(uint64_t seed) : rng_(seed) {}

  void Step() {
    uint64_t account = 1 + Pick(2);
    switch (Pick(20)) {
      case 0:
      case 1:
      case 2:
        Create(account, false);
        break;
      case 3:
        Create(account, true);
        break;
      case 4:
      case 5:
        Update(account, /*conditional=*/false);
        break;
      case 6:
        Update(account, /*conditional=*/true);
        break;
      case 7:
        Archive(account);
        break;
      case 8:
        InvalidUpdate(account);
        break;
      case 9:
        CrossAccountRead(account);
        break;
      case 10:
        CreateTag(account);
        break;
      case 11:
        TagCustomer(account);
        break;
      case 12:
        DeleteTag(account);
        break;
      case 13:
        AppendEntry(account);
        break;
      case 14:
        AddOrDeleteNote(account);
        break;
      case 15:
        LinkOrUnlink(account);
        break;
      case 16:
        IssueOrRevokePortalLink(account);
        break;
      case 17:
        AddContact(account);
        break;
      case 18:
        PromoteOrDeleteContact(account);
        break;
      case 19:
        MergeCustomers(account);
        break;
    }
  }

  void Verify() {
    for (const auto& [id, m] : model_) {
      auto got = customers_.Get(m.account, id);
      REQUIRE(got.ok());
      auto* c = Root<fb::Customer>(*got);
      CHECK(c->number() == m.number);
      CHECK(c->kind() == m.kind);
      CHECK(Str(c->first_name()) == m.first);
      CHECK(Str(c->last_name()) == m.last);
      CHECK(Str(c->company_name()) == m.company);
      CHECK(Str(c->phone()) == m.phone);
      CHECK(Str(c->email()) == m.email);
      CHECK(c->vip() == m.vip);
      CHECK(c->do_not_contact() == m.dnc);
      CHECK(Str(c->do_not_contact_reason()) == m.reason);
      CHECK(c->status() == m.status);
      CHECK(c->version() == m.version);
      std::set<uint64_t> tags;
      if (c->tag_ids() != nullptr) {
        tags.insert(c->tag_ids()->begin(), c->tag_ids()->end());
      }
      CHECK(tags == m.tags);
      if (m.last_activity > c->created_at_ms()) {
        CHECK(c->last_activity_at_ms() == m.last_activity);
      } else {
        CHECK(c->last_activity_at_ms() == c->created_at_ms());
      }
      VerifyFeeds(m.account, id, m);
      VerifyLinks(m.account, id, m);
      CHECK(c->primary_contact_id() == m.primary);
      VerifyContacts(m.account, id, m);
    }
    for (const auto& [merged, survivor] : merged_) {
      auto got = customers_.Get(model_[survivor].account, merged);
      REQUIRE(got.ok());
      CHECK(Root<fb::Customer>(*got)->id() == survivor);
    }
    for (const auto& [tag_id, tag] : tags_model_) {
      uint64_t carriers = 0;
      for (const auto& [id, m] : model_) carriers += m.tags.count(tag_id);
      auto got = tags_.Get(tag.account, tag_id);
      REQUIRE(got.ok());
      CHECK(Root<fb::Tag>(*got)->customer_count() == carriers);
      CHECK(Str(Root<fb::Tag>(*got)->name()) == tag.name);
    }
    for (uint64_t account : {1, 2}) {
      VerifySummary(account);
      VerifyVipList(account);
      for (int p = 0; p < kPhones; ++p) VerifyPhone(account, Phone(p));
    }
    auto report = CheckStore(store_.get());
    REQUIRE(report.ok());
    auto* r = Root<fb::CheckReport>(*report);
    CHECK((r->issues() == nullptr || r->issues()->size() == 0));
    size_t children = 0;
    for (const auto& [id, m] : model_) {
      children += m.notes.size() + m.entries.size() + m.portal_records;
      children += m.contacts.size();
    }
    CHECK(r->records_checked() ==
          model_.size() + tags_model_.size() + children + merged_.size());
  }

 private:
  static constexpr int kPhones = 12;

  uint64_t Pick(uint64_t n) { return rng_() % n; }

  static std::string Phone(int i) {
    return "+1415555" + std::to_string(1000 + i);
  }

  // The same number typed one of several ways.
  std::string Typed(const std::string& e164) {
    std::string d = e164.substr(2);
    switch (Pick(4)) {
      case 0:
        return d;
      case 1:
        return "(" + d.substr(0, 3) + ") " + d.substr(3, 3) + "-" + d.substr(6);
      case 2:
        return "1-" + d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6);
      default:
        return e164;
    }
  }

  static NameProfile Profile(const ModelCustomer& m) {
    fb::CustomerT c;
    c.kind = m.kind;
    c.status = m.status;
    c.first_name = m.first;
    c.last_name = m.last;
    c.company_name = m.company;
    c.display_name = m.kind == fb::CustomerKind::Company
                         ? m.company
                         : IndividualDisplayName(m.first, m.last);
    return NameProfileOf(c);
  }

  std::string Name() {
    static const char* names[] = {"Ann", "Bo", "José", "Zoë", "Li", "Sam"};
    return names[Pick(std::size(names))];
  }

  std::string Email() {
    static const char* emails[] = {"", "a@x.io", "B@x.io", "c@Y.io"};
    return emails[Pick(std::size(emails))];
  }

  std::optional<uint64_t> PickCustomer(uint64_t account) {
    std::vector<uint64_t> ids;
    for (const auto& [id, m] : model_) {
      if (m.account == account) ids.push_back(id);
    }
    if (ids.empty()) return std::nullopt;
    return ids[Pick(ids.size())];
  }

  void Create(uint64_t account, bool allow_duplicate) {
    fb::CustomerDraftT d;
    ModelCustomer m;
    m.account = account;
    m.kind =
        Pick(3) == 0 ? fb::CustomerKind::Company : fb::CustomerKind::Individual;
    if (m.kind == fb::CustomerKind::Company) {
      m.company = Name() + " Co";
    } else {
      m.first = Name();
      m.last = Pick(2) ? Name() : "";
    }
    m.phone = Phone(static_cast<int>(Pick(kPhones)));
    m.email = Email();
    m.vip = Pick(4) == 0;
    d.kind = m.kind;
    d.first_name = m.first;
    d.last_name = m.last;
    d.company_name = m.company;
    d.phone = Typed(m.phone);
    d.email = m.email;
    d.vip = m.vip;
    std::string bytes = PackRecord(d);
    CreateOptions options;
    options.allow_duplicate_phone = allow_duplicate;
    auto r =
        customers_.Create(account, *Root<fb::CustomerDraft>(bytes), options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    auto* c = Root<fb::Customer>(r->record);

    // The first owner of the phone whose name agrees, among the first 64
    // owners, as Customers::Create compares them.
    uint64_t owner = 0;
    size_t owners = 0;
    for (const auto& [id, other] : model_) {
      if (other.account != account || other.phone != m.phone) continue;
      if (++owners > 64) break;
      if (CompareNames(Profile(m), Profile(other)).agree) {
        owner = id;
        break;
      }
    }
    if (owner != 0 && !allow_duplicate) {
      CHECK(r->existed);
      CHECK(c->id() == owner);
      return;
    }
    CHECK_FALSE(r->existed);
    m.number = ++numbers_[account];
    CHECK(c->number() == m.number);
    CHECK(model_.count(c->id()) == 0);
    // An individual starts with a primary contact made from itself.
    if (m.kind == fb::CustomerKind::Individual) {
      m.primary = c->primary_contact_id();
      CHECK(m.primary != 0);
      m.contacts[m.primary] = m.phone;
    } else {
      CHECK(c->primary_contact_id() == 0);
    }
    model_[c->id()] = m;
  }

  void Update(uint64_t account, bool conditional) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    fb::CustomerPatchT patch;
    ModelCustomer next = m;
    if (Pick(2)) {
      if (m.kind == fb::CustomerKind::Individual) {
        next.first = Name();
        patch.first_name = next.first;
      } else {
        next.company = Name() + " Inc";
        patch.company_name = next.company;
      }
    }
    if (Pick(3) == 0) {
      next.phone = Phone(static_cast<int>(Pick(kPhones)));
      patch.phone = Typed(next.phone);
    }
    if (Pick(3) == 0) {
      // The object API packs an empty string as absent (unchanged), so an
      // update here only ever sets an email; clearing has its own test.
      std::string email = Email();
      if (!email.empty()) next.email = patch.email = email;
    }
    if (Pick(3) == 0) {
      next.vip = !m.vip;
      patch.vip = next.vip;
    }
    if (Pick(4) == 0) {
      next.dnc = !m.dnc;
      patch.do_not_contact = next.dnc;
      next.reason = next.dnc ? "asked" : "";
      if (next.dnc) patch.do_not_contact_reason = next.reason;
    }
    if (Pick(4) == 0) {
      next.status = static_cast<fb::CustomerStatus>(Pick(3));
      patch.status = next.status;
    }
    uint64_t expected = 0;
    bool stale = false;
    if (conditional) {
      stale = Pick(2) == 0 && m.version > 1;
      expected = stale ? m.version - 1 : m.version;
    }
    std::string bytes = PackRecord(patch);
    auto r = customers_.Update(account, *id, *Root<fb::CustomerPatch>(bytes),
                               expected);
    if (stale) {
      CHECK(r.status().IsConflict());
      return;
    }
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    // A patch that changes nothing writes nothing.
    if (!SameFields(next, m)) next.version = m.version + 1;
    // An individual's primary contact follows its phone while it still
    // had the old one.
    if (m.kind == fb::CustomerKind::Individual && m.primary != 0 &&
        next.contacts[m.primary] == m.phone) {
      next.contacts[m.primary] = next.phone;
    }
    m = next;
  }

  void Archive(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    bool archive = Pick(2) == 0;
    auto r = customers_.SetArchived(account, *id, archive, 0);
    REQUIRE(r.ok());
    if (archive && m.status != fb::CustomerStatus::Archived) {
      m.status = fb::CustomerStatus::Archived;
      ++m.version;
    } else if (!archive && m.status == fb::CustomerStatus::Archived) {
      m.status = fb::CustomerStatus::Active;
      ++m.version;
    }
  }

  void InvalidUpdate(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    fb::CustomerPatchT patch;
    switch (Pick(4)) {
      case 0:
        patch.phone = "555-0100";
        break;
      case 1:
        patch.email = "nobody@";
        break;
      case 2:
        // Setting the flag with no reason; a customer that already has
        // the flag keeps its reason, which would make the patch valid.
        if (model_[*id].dnc) return;
        patch.do_not_contact = true;
        break;
      default:
        patch.kind = model_[*id].kind == fb::CustomerKind::Company
                         ? fb::CustomerKind::Individual
                         : fb::CustomerKind::Company;
        break;
    }
    std::string bytes = PackRecord(patch);
    auto r =
        customers_.Update(account, *id, *Root<fb::CustomerPatch>(bytes), 0);
    CHECK(r.status().IsInvalidArgument());
  }

  std::optional<uint64_t> PickTag(uint64_t account) {
    std::vector<uint64_t> ids;
    for (const auto& [id, t] : tags_model_) {
      if (t.account == account) ids.push_back(id);
    }
    if (ids.empty()) return std::nullopt;
    return ids[Pick(ids.size())];
  }

  void CreateTag(uint64_t account) {
    static const char* names[] = {"VIP", "vip", "Gold", "gold ", "Zone 3"};
    fb::TagDraftT d;
    d.name = names[Pick(std::size(names))];
    std::string bytes = PackRecord(d);
    auto r = tags_.Create(account, *Root<fb::TagDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    uint64_t id = Root<fb::Tag>(r->record)->id();
    std::string folded = d.name == "gold " ? "gold" : d.name;
    for (auto& c : folded) c = static_cast<char>(std::tolower(c));
    bool known = false;
    for (const auto& [tag_id, t] : tags_model_) {
      std::string other = t.name;
      for (auto& c : other) c = static_cast<char>(std::tolower(c));
      if (t.account == account && other == folded) {
        known = true;
        CHECK(tag_id == id);
      }
    }
    CHECK(r->existed == known);
    if (!known)
      tags_model_[id] = {account, d.name == "gold " ? "gold" : d.name};
  }

  void TagCustomer(uint64_t account) {
    auto customer = PickCustomer(account);
    auto tag = PickTag(Pick(5) == 0 ? 3 - account : account);
    if (!customer || !tag) return;
    bool carry = Pick(3) != 0;
    auto r = tags_.Assign(account, *customer, *tag, carry);
    if (tags_model_[*tag].account != account) {
      CHECK(r.status().IsNotFound());
      return;
    }
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    ModelCustomer& m = model_[*customer];
    bool changed = carry ? m.tags.insert(*tag).second : m.tags.erase(*tag) > 0;
    if (changed) ++m.version;
  }

  void DeleteTag(uint64_t account) {
    if (Pick(3) != 0) return;  // rarer than the rest
    auto tag = PickTag(account);
    if (!tag) return;
    REQUIRE(tags_.Delete(account, *tag).ok());
    for (auto& [id, m] : model_) {
      if (m.tags.erase(*tag) > 0) ++m.version;
    }
    tags_model_.erase(*tag);
  }

  void AppendEntry(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    fb::TimelineEntryDraftT d;
    d.channel = static_cast<fb::TimelineChannel>(1 + Pick(4));
    d.direction = static_cast<fb::Direction>(1 + Pick(2));
    // Times around now, some in the past, so last activity must only
    // ever move forward.
    d.occurred_at_ms = NowMs() - 100000 + static_cast<int64_t>(Pick(200000));
    d.external_ref = "msg-" + std::to_string(Pick(6));
    d.summary = "s";
    std::string bytes = PackRecord(d);
    auto r =
        timeline_.Append(account, *id, *Root<fb::TimelineEntryDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    uint64_t entry = Root<fb::TimelineEntry>(r->record)->id();
    auto known = m.entries.find(d.external_ref);
    CHECK(r->existed == (known != m.entries.end()));
    if (known != m.entries.end()) {
      CHECK(known->second == entry);
      return;
    }
    m.entries[d.external_ref] = entry;
    m.last_activity = std::max(m.last_activity, d.occurred_at_ms);
  }

  void AddOrDeleteNote(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    if (!m.notes.empty() && Pick(3) == 0) {
      uint64_t note = *m.notes.begin();
      REQUIRE(notes_.Delete(account, note, 0).ok());
      m.notes.erase(note);
      return;
    }
    fb::NoteDraftT d;
    d.author = "user-1";
    d.body = "called back";
    std::string bytes = PackRecord(d);
    auto r = notes_.Add(account, *id, *Root<fb::NoteDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    m.notes.insert(Root<fb::Note>(*r)->id());
  }

  void LinkOrUnlink(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    std::string job = std::to_string(Pick(8));
    std::string name = "job/" + job;
    uint64_t holder = 0;
    for (const auto& [other, m] : model_) {
      if (m.account == account && m.links.count(name)) holder = other;
    }
    ModelCustomer& m = model_[*id];
    if (holder == *id && Pick(2) == 0) {
      REQUIRE(links_.Remove(account, *id, "job", job).ok());
      m.links.erase(name);
      return;
    }
    fb::LinkDraftT d;
    d.kind = "job";
    d.external_id = job;
    std::string bytes = PackRecord(d);
    auto r = links_.Add(account, *id, *Root<fb::LinkDraft>(bytes));
    if (holder != 0 && holder != *id) {
      CHECK(r.status().IsConflict());
      return;
    }
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    m.links.insert(name);
  }

  void IssueOrRevokePortalLink(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    if (!m.portal.empty() && Pick(2) == 0) {
      auto [link, token] = *m.portal.begin();
      REQUIRE(portal_.Revoke(account, link).ok());
      CHECK(portal_.Resolve(account, token).status().IsNotFound());
      m.portal.erase(link);
      return;
    }
    fb::PortalLinkDraftT d;
    std::string bytes = PackRecord(d);
    auto r = portal_.Issue(account, *id, *Root<fb::PortalLinkDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    auto* link = Root<fb::PortalLink>(*r);
    m.portal[link->id()] = Str(link->token());
    ++m.portal_records;
  }

  void AddContact(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    fb::ContactDraftT d;
    d.first_name = Name();
    if (Pick(3) == 0) d.phone = Typed(Phone(static_cast<int>(Pick(kPhones))));
    d.primary = Pick(3) == 0;
    std::string bytes = PackRecord(d);
    auto r = contacts_.Add(account, *id, *Root<fb::ContactDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    auto* contact = Root<fb::Contact>(*r);
    m.contacts[contact->id()] = Str(contact->phone());
    // The first contact is primary whatever it says.
    if (d.primary || m.primary == 0) {
      m.primary = contact->id();
      ++m.version;
    }
  }

  void PromoteOrDeleteContact(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    ModelCustomer& m = model_[*id];
    if (m.contacts.empty()) return;
    auto it = m.contacts.begin();
    std::advance(it, static_cast<long>(Pick(m.contacts.size())));
    uint64_t contact = it->first;
    if (Pick(2) == 0) {
      REQUIRE(contacts_.Promote(account, contact).ok());
      if (contact != m.primary) {
        m.primary = contact;
        ++m.version;
      }
      return;
    }
    REQUIRE(contacts_.Delete(account, contact, 0).ok());
    m.contacts.erase(contact);
    if (contact == m.primary) {
      // The oldest remaining contact takes over, if there is one.
      m.primary = m.contacts.empty() ? 0 : m.contacts.begin()->first;
      ++m.version;
    }
  }

  // Merges two customers, after a preview that must count what moves.
  void MergeCustomers(uint64_t account) {
    if (Pick(2) != 0) return;  // rarer than the rest
    auto s = PickCustomer(account);
    auto d = PickCustomer(account);
    if (!s || !d) return;
    MergeOptions options;
    options.keep_duplicate_contact = Pick(2) == 0;
    if (*s == *d) {
      CHECK(
          merger_.Merge(account, *s, *d, options).status().IsInvalidArgument());
      return;
    }
    ModelCustomer& m = model_[*s];
    const ModelCustomer& dup = model_[*d];
    if (Pick(5) == 0) {
      options.expected_duplicate_version = dup.version + 1;
      CHECK(merger_.Merge(account, *s, *d, options).status().IsConflict());
      return;
    }
    options.expected_survivor_version = m.version;
    auto before_s = customers_.Get(account, *s);
    auto before_d = customers_.Get(account, *d);
    REQUIRE((before_s.ok() && before_d.ok()));
    int64_t activity =
        std::max(Root<fb::Customer>(*before_s)->last_activity_at_ms(),
                 Root<fb::Customer>(*before_d)->last_activity_at_ms());
    auto preview = merger_.Preview(account, *s, *d, options);
    REQUIRE_MESSAGE(preview.ok(), preview.status().message());
    auto* p = Root<fb::MergePreview>(*preview);
    CHECK(p->contacts() == dup.contacts.size());
    CHECK(p->notes() == dup.notes.size());
    CHECK(p->links() == dup.links.size());
    CHECK(p->portal_links() == dup.portal_records);
    auto r = merger_.Merge(account, *s, *d, options);
    REQUIRE_MESSAGE(r.ok(), r.status().message());

    ModelCustomer next = m;
    if (m.kind == dup.kind) {
      if (next.last.empty()) next.last = dup.last;
      if (next.company.empty()) next.company = dup.company;
    }
    if (next.email.empty()) next.email = dup.email;
    if (!m.dnc && dup.dnc) {
      next.dnc = true;
      next.reason = dup.reason;
    }
    next.vip = m.vip || dup.vip;
    auto rank = [](fb::CustomerStatus status) {
      return status == fb::CustomerStatus::Active     ? 0
             : status == fb::CustomerStatus::Inactive ? 1
                                                      : 2;
    };
    if (rank(dup.status) < rank(m.status)) next.status = dup.status;
    next.version = m.version + 1;
    next.tags.insert(dup.tags.begin(), dup.tags.end());
    next.last_activity = activity;
    // A reference both hold keeps the survivor's entry.
    for (const auto& [ref, entry] : dup.entries)
      next.entries.emplace(ref, entry);
    next.notes.insert(dup.notes.begin(), dup.notes.end());
    next.links.insert(dup.links.begin(), dup.links.end());
    next.portal.insert(dup.portal.begin(), dup.portal.end());
    next.portal_records += dup.portal_records;
    next.contacts.insert(dup.contacts.begin(), dup.contacts.end());
    if ((options.keep_duplicate_contact && dup.primary != 0) ||
        m.primary == 0) {
      next.primary = dup.primary;
    }
    CHECK(Root<fb::Customer>(*r)->version() == next.version);
    m = next;
    for (auto& [merged, survivor] : merged_) {
      if (survivor == *d) survivor = *s;
    }
    merged_[*d] = *s;
    model_.erase(*d);
  }

  void VerifyContacts(uint64_t account, uint64_t id, const ModelCustomer& m) {
    std::map<uint64_t, std::string> got;
    std::string after;
    for (;;) {
      auto page = contacts_.List(account, id, after, 3);
      REQUIRE(page.ok());
      for (auto& item : page->items) {
        auto* contact = Root<fb::Contact>(item.record);
        got[contact->id()] = Str(contact->phone());
        CHECK(contact->primary() == (contact->id() == m.primary));
      }
      after = page->last_position;
      if (page->done) break;
    }
    CHECK(got == m.contacts);
  }

  // The customer's links, and what its portal tokens resolve to.
  void VerifyLinks(uint64_t account, uint64_t id, const ModelCustomer& m) {
    std::set<std::string> got;
    std::string after;
    for (;;) {
      auto page = links_.List(account, id, after, 3);
      REQUIRE(page.ok());
      for (auto& item : page->items) {
        auto* link = Root<fb::Link>(item.record);
        got.insert(Str(link->kind()) + "/" + Str(link->external_id()));
      }
      after = page->last_position;
      if (page->done) break;
    }
    CHECK(got == m.links);
    for (const auto& [link, token] : m.portal) {
      auto customer = portal_.Resolve(account, token);
      REQUIRE(customer.ok());
      CHECK(Root<fb::Customer>(*customer)->id() == id);
      CHECK(portal_.Resolve(3 - account, token).status().IsNotFound());
    }
  }

  // The customer's timeline and notes, read back in pages.
  void VerifyFeeds(uint64_t account, uint64_t id, const ModelCustomer& m) {
    std::set<uint64_t> entries, notes;
    std::string after;
    for (;;) {
      auto page = timeline_.List(account, id, fb::TimelineChannel::Unspecified,
                                 after, 3);
      REQUIRE(page.ok());
      for (auto& item : page->items) {
        entries.insert(Root<fb::TimelineEntry>(item.record)->id());
      }
      after = page->last_position;
      if (page->done) break;
    }
    after.clear();
    for (;;) {
      auto page = notes_.List(account, id, after, 3);
      REQUIRE(page.ok());
      for (auto& item : page->items) {
        notes.insert(Root<fb::Note>(item.record)->id());
      }
      after = page->last_position;
      if (page->done) break;
    }
    std::set<uint64_t> want;
    for (const auto& [ref, entry] : m.entries) want.insert(entry);
    CHECK(entries == want);
    CHECK(notes == m.notes);
  }

  void CrossAccountRead(uint64_t account) {
    auto id = PickCustomer(account);
    if (!id) return;
    uint64_t other = account == 1 ? 2 : 1;
    CHECK(customers_.Get(other, *id).status().IsNotFound());
  }

  void VerifySummary(uint64_t account) {
    fb::SummaryT want;
    for (const auto& [id, m] : model_) {
      if (m.account != account) continue;
      if (m.status == fb::CustomerStatus::Archived) {
        ++want.archived;
        continue;
      }
      ++want.total;
      if (m.status == fb::CustomerStatus::Active) ++want.active;
      if (m.status == fb::CustomerStatus::Inactive) ++want.inactive;
      if (m.vip) ++want.vip;
      if (m.kind == fb::CustomerKind::Company) ++want.companies;
    }
    auto s = customers_.Summary(account);
    REQUIRE(s.ok());
    fb::SummaryT got;
    Root<fb::Summary>(*s)->UnPackTo(&got);
    CHECK(got.total == want.total);
    CHECK(got.active == want.active);
    CHECK(got.inactive == want.inactive);
    CHECK(got.archived == want.archived);
    CHECK(got.vip == want.vip);
    CHECK(got.companies == want.companies);
  }

  // The customer list of VIPs by name, in small pages: the model's VIPs
  // that are not archived, ordered by folded display name, then id.
  void VerifyVipList(uint64_t account) {
    std::vector<std::pair<std::string, uint64_t>> want;
    for (const auto& [id, m] : model_) {
      if (m.account != account || !m.vip ||
          m.status == fb::CustomerStatus::Archived) {
        continue;
      }
      std::string display =
          m.kind == fb::CustomerKind::Company
              ? m.company
              : (m.last.empty() ? m.first : m.first + " " + m.last);
      want.push_back({display, id});
    }
    std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
      std::string fa = FoldName(a.first), fb = FoldName(b.first);
      return fa != fb ? fa < fb : a.second < b.second;
    });
    CustomerListFilter filter;
    filter.vip = FlagFilter::kOnly;
    std::vector<std::pair<std::string, uint64_t>> got;
    std::string after;
    for (;;) {
      auto page = ListCustomers(store_.get(), account, filter, after, 3);
      REQUIRE(page.ok());
      for (const auto& item : page->items) {
        auto* row = Root<fb::CustomerRow>(item.record);
        got.push_back({Str(row->display_name()), row->id()});
        const ModelCustomer& m = model_[row->id()];
        CHECK(row->status() == m.status);
        CHECK(row->do_not_contact() == m.dnc);
        CHECK(row->kind() == m.kind);
      }
      after = page->last_position;
      if (page->done) break;
    }
    CHECK(got == want);
  }

  void VerifyPhone(uint64_t account, const std::string& phone) {
    std::vector<uint64_t> want;
    for (const auto& [id, m] : model_) {
      bool contact_has = false;
      for (const auto& [contact, contact_phone] : m.contacts) {
        contact_has = contact_has || contact_phone == phone;
      }
      if (m.account == account && (m.phone == phone || contact_has)) {
        want.push_back(id);
      }
    }
    std::vector<uint64_t> got;
    std::string after;
    // Small pages, so that paging is exercised as well.
    for (;;) {
      auto page = customers_.Find(account, Lookup::kPhone, phone, after, 2);
      REQUIRE(page.ok());
      for (auto& item : page->items) {
        got.push_back(Root<fb::Customer>(item.record)->id());
      }
      after = page->last_position;
      if (page->done) break;
    }
    CHECK(got == want);
  }

  std::mt19937_64 rng_;
  TempDir dir_;
  std::unique_ptr<Store> store_ = OpenStore(dir_.path());
  Customers customers_{store_.get()};
  Tags tags_{store_.get(), &customers_};
  Timeline timeline_{store_.get(), &customers_};
  Notes notes_{store_.get(), &customers_};
  Links links_{store_.get(), &customers_};
  Contacts contacts_{store_.get(), &customers_};
  Portal portal_{store_.get(), &customers_};
  Merger merger_{store_.get(), &customers_};
  std::map<uint64_t, ModelTag> tags_model_;
  std::map<uint64_t, uint64_t> merged_;  // merged id -> its last survivor
  std::map<uint64_t, ModelCustomer> model_;
  std::map<uint64_t, uint64_t> numbers_;
};

TEST_CASE("random operations agree with an in-memory model") {
  uint64_t seed = EnvOr("CUSTDB_SEED", std::random_device()());
  uint64_t steps = EnvOr("CUSTDB_MODEL_STEPS", 3000);
  std::cout << "model test: CUSTDB_SEED=" << seed << " steps=" << steps
            << std::endl;
  ModelRun run(seed);
  for (uint64_t i = 1; i <= steps; ++i) {
    run.Step();
    if (i % 500 == 0) run.Verify();
  }
  run.Verify();
}

}  // namespace
}  // namespace custdb
