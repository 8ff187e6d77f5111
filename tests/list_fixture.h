// A store with the modules the customer list reads, and helpers that make
// customers and read the list whole, in small pages.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/check/check.h"
#include "engine/contacts/contacts.h"
#include "engine/customers/customer_list.h"
#include "engine/customers/customers.h"
#include "engine/merge/merge.h"
#include "engine/schema/records.h"
#include "engine/tags/tags.h"
#include "engine/timeline/timeline.h"
#include "test_util.h"

namespace custdb::testing {

// A distinct valid phone for the n-th customer of a test.
inline std::string PhoneOf(int n) {
  return "415-555-" + std::to_string(1000 + n);
}

struct ListFixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Tags tags{store.get(), &customers};
  Timeline timeline{store.get(), &customers};
  Merger merger{store.get(), &customers};
  Contacts contacts{store.get(), &customers};
  int next_phone = 0;

  uint64_t Add(const std::string& draft) {
    auto r = customers.Create(1, *Root<fb::CustomerDraft>(draft),
                              CreateOptions{/*allow_duplicate_phone=*/true});
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }
  uint64_t Person(const std::string& first, const std::string& last = "") {
    return Add(IndividualDraft(first, last, PhoneOf(next_phone++)));
  }
  uint64_t Company(const std::string& name) {
    return Add(CompanyDraft(name, PhoneOf(next_phone++)));
  }

  void Patch(uint64_t id, const fb::CustomerPatchT& patch) {
    std::string bytes = PackRecord(patch);
    auto r = customers.Update(1, id, *Root<fb::CustomerPatch>(bytes), 0);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }
  void Rename(uint64_t id, const std::string& first) {
    fb::CustomerPatchT patch;
    patch.first_name = first;
    Patch(id, patch);
  }
  void SetVip(uint64_t id, bool vip) {
    fb::CustomerPatchT patch;
    patch.vip = vip;
    Patch(id, patch);
  }
  void Archive(uint64_t id) {
    REQUIRE(customers.SetArchived(1, id, true, 0).ok());
  }
  void Activity(uint64_t id, int64_t at_ms) {
    fb::TimelineEntryDraftT d;
    d.channel = fb::TimelineChannel::Sms;
    d.direction = fb::Direction::Inbound;
    d.occurred_at_ms = at_ms;
    std::string bytes = PackRecord(d);
    auto r = timeline.Append(1, id, *Root<fb::TimelineEntryDraft>(bytes));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }
  uint64_t Tag(const std::string& name) {
    fb::TagDraftT d;
    d.name = name;
    std::string bytes = PackRecord(d);
    auto r = tags.Create(1, *Root<fb::TagDraft>(bytes));
    REQUIRE(r.ok());
    return Root<fb::Tag>(r->record)->id();
  }
  void Carry(uint64_t customer, uint64_t tag, bool carry = true) {
    REQUIRE(tags.Assign(1, customer, tag, carry).ok());
  }

  // Every row of the list, read in pages of `page_size`.
  std::vector<std::string> Rows(const CustomerListFilter& filter,
                                size_t page_size = 2) {
    std::vector<std::string> rows;
    std::string after;
    for (int pages = 0;; ++pages) {
      REQUIRE(pages < 100000);  // a list that never ends
      auto page = ListCustomers(store.get(), 1, filter, after, page_size);
      REQUIRE_MESSAGE(page.ok(), page.status().message());
      for (auto& item : page->items) rows.push_back(item.record);
      after = page->last_position;
      if (page->done) return rows;
    }
  }
  std::vector<uint64_t> Ids(const CustomerListFilter& filter = {}) {
    std::vector<uint64_t> ids;
    for (const auto& row : Rows(filter)) {
      ids.push_back(Root<fb::CustomerRow>(row)->id());
    }
    return ids;
  }
  std::vector<std::string> Names(const CustomerListFilter& filter = {}) {
    std::vector<std::string> names;
    for (const auto& row : Rows(filter)) {
      names.push_back(Str(Root<fb::CustomerRow>(row)->display_name()));
    }
    return names;
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

  fb::CustomerT Record(uint64_t id) {
    auto r = customers.Get(1, id);
    REQUIRE(r.ok());
    fb::CustomerT c;
    Root<fb::Customer>(*r)->UnPackTo(&c);
    return c;
  }
};

}  // namespace custdb::testing
