#include "engine/contacts/contacts.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <set>
#include <thread>
#include <vector>

#include "engine/contacts/contact_record.h"
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

std::string ContactDraft(const std::string& first, const std::string& last,
                         const std::string& phone = "",
                         const std::string& email = "", bool primary = false) {
  fb::ContactDraftT d;
  d.first_name = first;
  d.last_name = last;
  d.phone = phone;
  d.email = email;
  d.primary = primary;
  return PackRecord(d);
}

// The ids of the customers a lookup finds, read a page at a time.
std::vector<uint64_t> FindIds(Customers& customers, uint64_t account, Lookup by,
                              const std::string& value,
                              size_t page_size = 100) {
  auto key = Customers::LookupKey(by, value);
  REQUIRE(key.ok());
  std::vector<uint64_t> ids;
  std::string after;
  for (;;) {
    auto page = customers.Find(account, by, *key, after, page_size);
    REQUIRE(page.ok());
    for (auto& item : page->items) {
      ids.push_back(Root<fb::Customer>(item.record)->id());
    }
    after = page->last_position;
    if (page->done) break;
  }
  return ids;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Contacts contacts{store.get(), &customers};

  uint64_t Customer(uint64_t account, const std::string& draft) {
    auto r = customers.Create(account, *Root<fb::CustomerDraft>(draft),
                              CreateOptions());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }

  uint64_t Company(uint64_t account, const std::string& phone) {
    return Customer(account, CompanyDraft("Acme", phone));
  }

  fb::CustomerT GetCustomer(uint64_t account, uint64_t id) {
    auto r = customers.Get(account, id);
    REQUIRE(r.ok());
    fb::CustomerT c;
    Root<fb::Customer>(*r)->UnPackTo(&c);
    return c;
  }

  Result<std::string> Add(uint64_t account, uint64_t customer,
                          const std::string& draft) {
    return contacts.Add(account, customer, *Root<fb::ContactDraft>(draft));
  }

  uint64_t AddOk(uint64_t account, uint64_t customer,
                 const std::string& draft) {
    auto r = Add(account, customer, draft);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Contact>(*r)->id();
  }

  fb::ContactT Get(uint64_t account, uint64_t id) {
    auto r = contacts.Get(account, id);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::ContactT c;
    Root<fb::Contact>(*r)->UnPackTo(&c);
    return c;
  }

  Result<std::string> Patch(uint64_t account, uint64_t id,
                            const fb::ContactPatchT& patch,
                            uint64_t expected = 0) {
    std::string bytes = PackRecord(patch);
    return contacts.Update(account, id, *Root<fb::ContactPatch>(bytes),
                           expected);
  }

  // The ids of a customer's contacts, read in pages of `page_size`.
  std::vector<uint64_t> List(uint64_t account, uint64_t customer,
                             size_t page_size = 100) {
    std::vector<uint64_t> ids;
    std::string after;
    for (;;) {
      auto page = contacts.List(account, customer, after, page_size);
      REQUIRE_MESSAGE(page.ok(), page.status().message());
      for (auto& item : page->items) {
        auto* c = Root<fb::Contact>(item.record);
        CHECK(c->customer_id() == customer);
        ids.push_back(c->id());
      }
      after = page->last_position;
      if (page->done) break;
    }
    return ids;
  }

  // The contacts of a customer flagged primary.
  std::vector<uint64_t> Primaries(uint64_t account, uint64_t customer) {
    std::vector<uint64_t> out;
    for (uint64_t id : List(account, customer)) {
      if (Get(account, id).primary) out.push_back(id);
    }
    return out;
  }

  std::vector<uint64_t> Find(uint64_t account, Lookup by,
                             const std::string& value, size_t page_size = 100) {
    return FindIds(customers, account, by, value, page_size);
  }

  std::vector<std::string> CheckMessages() {
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    auto* r = Root<fb::CheckReport>(*report);
    std::vector<std::string> out;
    if (r->issues() != nullptr) {
      for (const auto* issue : *r->issues()) {
        out.push_back(Str(issue->message()));
      }
    }
    return out;
  }
};

TEST_CASE("an individual starts with a primary contact made of itself") {
  Fixture f;
  uint64_t id =
      f.Customer(1, IndividualDraft(" Maria ", "Garcia", "(415) 867-5309",
                                    "Maria@Example.com"));
  auto customer = f.GetCustomer(1, id);
  REQUIRE(customer.primary_contact_id != 0);
  CHECK(customer.version == 1);
  auto contact = f.Get(1, customer.primary_contact_id);
  CHECK(contact.customer_id == id);
  CHECK(contact.account_id == 1);
  CHECK(contact.primary);
  CHECK(contact.first_name == "Maria");
  CHECK(contact.last_name == "Garcia");
  CHECK(contact.display_name == "Maria Garcia");
  CHECK(contact.phone == "+14158675309");
  CHECK(contact.phone_display == "(415) 867-5309");
  CHECK(contact.email == "Maria@Example.com");
  CHECK(contact.version == 1);
  CHECK(contact.created_at_ms == customer.created_at_ms);
  CHECK(f.List(1, id) == std::vector<uint64_t>{contact.id});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a create that finds the phone's customer adds no contact") {
  Fixture f;
  uint64_t id = f.Customer(1, IndividualDraft("Ann", "", "415-555-0101"));
  CHECK(f.Customer(1, IndividualDraft("ann", "", "415-555-0101")) == id);
  CHECK(f.List(1, id).size() == 1);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("adding a contact stores it normalized with its assigned fields") {
  Fixture f;
  uint64_t customer = f.Customer(1, IndividualDraft("Ann", "", "415-555-0101"));
  fb::ContactDraftT d;
  d.first_name = "  Bo ";
  d.last_name = "Lee";
  d.phone = "1-510-555-0199";
  d.email = " bo@Example.com ";
  d.preferred_channel = fb::PreferredChannel::Sms;
  auto r = f.contacts.Add(1, customer, *Root<fb::ContactDraft>(PackRecord(d)));
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  auto* c = Root<fb::Contact>(*r);
  CHECK(c->id() > customer);
  CHECK(c->customer_id() == customer);
  CHECK(Str(c->first_name()) == "Bo");
  CHECK(Str(c->display_name()) == "Bo Lee");
  CHECK(Str(c->phone()) == "+15105550199");
  CHECK(Str(c->phone_display()) == "(510) 555-0199");
  CHECK(Str(c->email()) == "bo@Example.com");
  CHECK(c->preferred_channel() == fb::PreferredChannel::Sms);
  CHECK_FALSE(c->primary());
  CHECK(c->version() == 1);
  CHECK(c->created_at_ms() > 0);
  CHECK(c->updated_at_ms() == c->created_at_ms());
  auto got = f.contacts.Get(1, c->id());
  REQUIRE(got.ok());
  CHECK(*got == *r);
  // A contact that is not primary leaves the customer as it was.
  CHECK(f.GetCustomer(1, customer).version == 1);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a contact needs only a first name") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  auto c = f.Get(1, f.AddOk(1, customer, ContactDraft("Dana", "")));
  CHECK(c.phone.empty());
  CHECK(c.phone_display.empty());
  CHECK(c.email.empty());
  CHECK(c.preferred_channel == fb::PreferredChannel::Unspecified);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("the first contact of a customer is primary whatever it says") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  CHECK(f.GetCustomer(1, customer).primary_contact_id == 0);
  uint64_t first =
      f.AddOk(1, customer, ContactDraft("Dana", "", "", "", false));
  CHECK(f.Get(1, first).primary);
  auto after = f.GetCustomer(1, customer);
  CHECK(after.primary_contact_id == first);
  CHECK(after.version == 2);
  uint64_t second = f.AddOk(1, customer, ContactDraft("Eli", ""));
  CHECK_FALSE(f.Get(1, second).primary);
  CHECK(f.GetCustomer(1, customer).primary_contact_id == first);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("adding a contact marked primary demotes the one before") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t first = f.AddOk(1, customer, ContactDraft("Dana", ""));
  uint64_t second =
      f.AddOk(1, customer, ContactDraft("Eli", "", "", "", /*primary=*/true));
  auto demoted = f.Get(1, first);
  CHECK_FALSE(demoted.primary);
  CHECK(demoted.version == 2);
  CHECK(f.Get(1, second).primary);
  CHECK(f.GetCustomer(1, customer).primary_contact_id == second);
  CHECK(f.Primaries(1, customer) == std::vector<uint64_t>{second});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("promoting a contact makes it the only primary") {
  Fixture f;
  uint64_t customer = f.Customer(1, IndividualDraft("Ann", "", "415-555-0101"));
  uint64_t own = f.GetCustomer(1, customer).primary_contact_id;
  uint64_t other = f.AddOk(1, customer, ContactDraft("Bo", ""));
  uint64_t version = f.GetCustomer(1, customer).version;
  auto promoted = f.contacts.Promote(1, other);
  REQUIRE(promoted.ok());
  CHECK(Root<fb::Contact>(*promoted)->primary());
  CHECK(Root<fb::Contact>(*promoted)->version() == 2);
  CHECK_FALSE(f.Get(1, own).primary);
  auto after = f.GetCustomer(1, customer);
  CHECK(after.primary_contact_id == other);
  CHECK(after.version == version + 1);
  CHECK(f.Primaries(1, customer) == std::vector<uint64_t>{other});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("promoting the primary contact changes nothing") {
  Fixture f;
  uint64_t customer = f.Customer(1, IndividualDraft("Ann", "", "415-555-0101"));
  uint64_t own = f.GetCustomer(1, customer).primary_contact_id;
  auto before = f.contacts.Get(1, own);
  auto again = f.contacts.Promote(1, own);
  REQUIRE(again.ok());
  CHECK(*again == *before);
  CHECK(f.GetCustomer(1, customer).version == 1);
}

TEST_CASE("deleting the primary contact promotes the oldest remaining one") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t a = f.AddOk(1, customer, ContactDraft("A", ""));
  uint64_t b = f.AddOk(1, customer, ContactDraft("B", ""));
  uint64_t c = f.AddOk(1, customer, ContactDraft("C", "", "", "", true));
  REQUIRE(f.GetCustomer(1, customer).primary_contact_id == c);
  // c is primary; a is older than b, so a takes over.
  REQUIRE(f.contacts.Delete(1, c, 0).ok());
  CHECK(f.GetCustomer(1, customer).primary_contact_id == a);
  CHECK(f.Get(1, a).primary);
  CHECK(f.Primaries(1, customer) == std::vector<uint64_t>{a});
  CHECK(f.contacts.Get(1, c).status().IsNotFound());
  CHECK(f.List(1, customer) == std::vector<uint64_t>{a, b});
  // Deleting a then leaves b.
  REQUIRE(f.contacts.Delete(1, a, 0).ok());
  CHECK(f.GetCustomer(1, customer).primary_contact_id == b);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("deleting a contact that is not primary leaves the primary alone") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t a = f.AddOk(1, customer, ContactDraft("A", ""));
  uint64_t b = f.AddOk(1, customer, ContactDraft("B", ""));
  uint64_t version = f.GetCustomer(1, customer).version;
  REQUIRE(f.contacts.Delete(1, b, 0).ok());
  auto after = f.GetCustomer(1, customer);
  CHECK(after.primary_contact_id == a);
  CHECK(after.version == version);
  CHECK(f.Get(1, a).version == 1);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("deleting the last contact leaves the customer without a primary") {
  Fixture f;
  uint64_t customer = f.Customer(1, IndividualDraft("Ann", "", "415-555-0101"));
  uint64_t own = f.GetCustomer(1, customer).primary_contact_id;
  REQUIRE(f.contacts.Delete(1, own, 0).ok());
  CHECK(f.GetCustomer(1, customer).primary_contact_id == 0);
  CHECK(f.List(1, customer).empty());
  CHECK(f.contacts.Delete(1, own, 0).IsNotFound());
  // The next contact added is primary again.
  uint64_t next = f.AddOk(1, customer, ContactDraft("Bo", ""));
  CHECK(f.GetCustomer(1, customer).primary_contact_id == next);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("editing a contact re-indexes its phone and email") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(
      1, customer, ContactDraft("Dana", "", "510-555-0101", "dana@old.io"));
  fb::ContactPatchT patch;
  patch.phone = "(510) 555-0199";
  patch.email = "Dana@New.io";
  patch.last_name = "Wu";
  patch.preferred_channel = fb::PreferredChannel::Email;
  auto r = f.Patch(1, id, patch);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  auto* c = Root<fb::Contact>(*r);
  CHECK(Str(c->phone()) == "+15105550199");
  CHECK(Str(c->email()) == "Dana@New.io");
  CHECK(Str(c->display_name()) == "Dana Wu");
  CHECK(c->preferred_channel() == fb::PreferredChannel::Email);
  CHECK(c->version() == 2);
  CHECK(c->updated_at_ms() >= c->created_at_ms());
  CHECK(c->primary());
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0101").empty());
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0199") ==
        std::vector<uint64_t>{customer});
  CHECK(f.Find(1, Lookup::kEmail, "dana@old.io").empty());
  CHECK(f.Find(1, Lookup::kEmail, "dana@new.io") ==
        std::vector<uint64_t>{customer});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("an empty string in a contact patch clears an optional field") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer,
                        ContactDraft("Dana", "Wu", "510-555-0101", "d@x.io"));
  flatbuffers::FlatBufferBuilder b;
  auto empty = b.CreateString("");
  fb::ContactPatchBuilder patch(b);
  patch.add_phone(empty);
  patch.add_email(empty);
  patch.add_last_name(empty);
  b.Finish(patch.Finish());
  auto r = f.contacts.Update(
      1, id, *flatbuffers::GetRoot<fb::ContactPatch>(b.GetBufferPointer()), 0);
  REQUIRE(r.ok());
  auto c = f.Get(1, id);
  CHECK(c.phone.empty());
  CHECK(c.phone_display.empty());
  CHECK(c.email.empty());
  CHECK(c.display_name == "Dana");
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0101").empty());
  CHECK(f.Find(1, Lookup::kEmail, "d@x.io").empty());
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a contact patch that changes nothing writes nothing") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  auto added = f.Add(1, customer, ContactDraft("Dana", "", "510-555-0101"));
  REQUIRE(added.ok());
  fb::ContactPatchT patch;
  patch.first_name = " Dana ";
  patch.phone = "+1 510 555 0101";
  auto r = f.Patch(1, Root<fb::Contact>(*added)->id(), patch, 1);
  REQUIRE(r.ok());
  CHECK(*r == *added);
}

TEST_CASE("a contact edit or delete on a stale version changes nothing") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer, ContactDraft("Dana", ""));
  fb::ContactPatchT patch;
  patch.first_name = "Dane";
  REQUIRE(f.Patch(1, id, patch, 1).ok());
  patch.first_name = "Dean";
  CHECK(f.Patch(1, id, patch, 1).status().IsConflict());
  CHECK(f.contacts.Delete(1, id, 1).IsConflict());
  auto c = f.Get(1, id);
  CHECK(c.first_name == "Dane");
  CHECK(c.version == 2);
  CHECK(f.contacts.Delete(1, id, 2).ok());
  CHECK(f.contacts.Get(1, id).status().IsNotFound());
}

TEST_CASE("invalid contacts are refused with the field named") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  fb::ContactDraftT bad_channel;
  bad_channel.first_name = "Dana";
  bad_channel.preferred_channel = static_cast<fb::PreferredChannel>(9);
  struct Row {
    std::string draft;
    std::string field;
  };
  std::vector<Row> rows = {
      {ContactDraft("", "Wu"), "first_name:"},
      {ContactDraft("   ", "Wu"), "first_name:"},
      {ContactDraft(std::string(101, 'a'), ""), "first_name:"},
      {ContactDraft("Dana", "W\x01u"), "last_name:"},
      {ContactDraft("Dana", "", "555-0101"), "phone:"},
      {ContactDraft("Dana", "", "+44 20 7946 0958"), "phone:"},
      {ContactDraft("Dana", "", "", "dana@"), "email:"},
      {PackRecord(bad_channel), "preferred_channel:"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.field);
    auto r = f.Add(1, customer, row.draft);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind(row.field, 0) == 0);
  }
  CHECK(f.List(1, customer).empty());
  CHECK(f.GetCustomer(1, customer).primary_contact_id == 0);

  uint64_t id = f.AddOk(1, customer, ContactDraft("Dana", ""));
  flatbuffers::FlatBufferBuilder b;
  auto empty = b.CreateString("");
  fb::ContactPatchBuilder clear_first(b);
  clear_first.add_first_name(empty);
  b.Finish(clear_first.Finish());
  auto r = f.contacts.Update(
      1, id, *flatbuffers::GetRoot<fb::ContactPatch>(b.GetBufferPointer()), 0);
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message().rfind("first_name:", 0) == 0);
  fb::ContactPatchT channel;
  channel.preferred_channel = static_cast<fb::PreferredChannel>(4);
  CHECK(f.Patch(1, id, channel)
            .status()
            .message()
            .rfind("preferred_channel:", 0) == 0);
  CHECK(f.Get(1, id).version == 1);
}

TEST_CASE("a company's named primary contact must have a first name") {
  Fixture f;
  fb::CustomerDraftT d;
  d.kind = fb::CustomerKind::Company;
  d.company_name = "Acme";
  d.phone = "415-555-0101";
  d.primary_contact = std::make_unique<fb::PrimaryContactT>();
  d.primary_contact->last_name = "Wu";
  auto r = f.customers.Create(1, *Root<fb::CustomerDraft>(PackRecord(d)),
                              CreateOptions());
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message().rfind("primary_contact.first_name:", 0) == 0);
  d.primary_contact->first_name = "Dana";
  d.primary_contact->email = "not-an-email";
  r = f.customers.Create(1, *Root<fb::CustomerDraft>(PackRecord(d)),
                         CreateOptions());
  CHECK(r.status().message().rfind("primary_contact.email:", 0) == 0);
  fb::CustomerDraftT individual;
  individual.kind = fb::CustomerKind::Individual;
  individual.first_name = "Ann";
  individual.phone = "415-555-0102";
  individual.primary_contact = std::make_unique<fb::PrimaryContactT>();
  individual.primary_contact->first_name = "Bo";
  r = f.customers.Create(1, *Root<fb::CustomerDraft>(PackRecord(individual)),
                         CreateOptions());
  CHECK(r.status().message().rfind("primary_contact:", 0) == 0);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a customer is found through the phone or email of any contact") {
  Fixture f;
  uint64_t a = f.Company(1, "415-555-0101");
  uint64_t b = f.Company(1, "415-555-0102");
  uint64_t c =
      f.Customer(1, IndividualDraft("Cy", "", "415-555-0103", "shared@x.io"));
  f.AddOk(1, a, ContactDraft("Dana", "", "510-555-0100", "Shared@X.io"));
  // Two contacts of b with the phone: b is still returned once.
  f.AddOk(1, b, ContactDraft("Eli", "", "510-555-0100"));
  f.AddOk(1, b, ContactDraft("Fay", "", "(510) 555-0100"));
  // c's own phone is found through its own index and its contact's.
  f.AddOk(1, c, ContactDraft("Gus", "", "415-555-0101"));
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0100") ==
        std::vector<uint64_t>{a, b});
  CHECK(f.Find(1, Lookup::kPhone, "415-555-0101") ==
        std::vector<uint64_t>{a, c});
  CHECK(f.Find(1, Lookup::kPhone, "415-555-0103") == std::vector<uint64_t>{c});
  CHECK(f.Find(1, Lookup::kEmail, "SHARED@x.io") ==
        std::vector<uint64_t>{a, c});
  // In pages of one, every customer comes once, in order.
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0100", 1) ==
        std::vector<uint64_t>{a, b});
  CHECK(f.Find(1, Lookup::kPhone, "415-555-0101", 1) ==
        std::vector<uint64_t>{a, c});
  // Another account sees none of it.
  CHECK(f.Find(2, Lookup::kPhone, "510-555-0100").empty());
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("finding through contacts pages by customer id") {
  Fixture f;
  std::vector<uint64_t> want;
  for (int i = 0; i < 7; ++i) {
    uint64_t customer = f.Company(1, "415-555-01" + std::to_string(10 + i));
    if (i % 3 == 0) {
      // Its own phone.
      fb::CustomerPatchT patch;
      patch.phone = "628-555-0100";
      std::string bytes = PackRecord(patch);
      REQUIRE(
          f.customers.Update(1, customer, *Root<fb::CustomerPatch>(bytes), 0)
              .ok());
    } else {
      f.AddOk(1, customer, ContactDraft("C", "", "628-555-0100"));
    }
    if (i % 2 == 0) f.AddOk(1, customer, ContactDraft("D", "", "628-555-0100"));
    want.push_back(customer);
  }
  for (size_t page : {1, 2, 3, 100}) {
    CAPTURE(page);
    CHECK(f.Find(1, Lookup::kPhone, "628-555-0100", page) == want);
  }
}

TEST_CASE("create stays idempotent on the customer's own phone only") {
  Fixture f;
  uint64_t company = f.Company(1, "415-555-0101");
  f.AddOk(1, company, ContactDraft("Dana", "", "510-555-0100"));
  CreateOptions options;
  auto r = f.customers.Create(
      1, *Root<fb::CustomerDraft>(IndividualDraft("Dana", "", "510-555-0100")),
      options);
  REQUIRE(r.ok());
  CHECK_FALSE(r->existed);
  uint64_t dana = Root<fb::Customer>(r->record)->id();
  CHECK(dana != company);
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0100") ==
        std::vector<uint64_t>{company, dana});
}

TEST_CASE("a deleted contact's phone no longer finds its customer") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer,
                        ContactDraft("Dana", "", "510-555-0100", "dana@x.io"));
  REQUIRE(f.contacts.Delete(1, id, 0).ok());
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0100").empty());
  CHECK(f.Find(1, Lookup::kEmail, "dana@x.io").empty());
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("an individual's primary contact follows the fields it shares") {
  Fixture f;
  uint64_t customer =
      f.Customer(1, IndividualDraft("Ann", "Lee", "415-555-0101", "ann@x.io"));
  uint64_t own = f.GetCustomer(1, customer).primary_contact_id;
  // The contact gets an email of its own; it no longer shares that one.
  fb::ContactPatchT mine;
  mine.email = "ann@work.io";
  REQUIRE(f.Patch(1, own, mine).ok());

  fb::CustomerPatchT patch;
  patch.first_name = "Anna";
  patch.phone = "510-555-0199";
  patch.email = "anna@x.io";
  std::string bytes = PackRecord(patch);
  REQUIRE(
      f.customers.Update(1, customer, *Root<fb::CustomerPatch>(bytes), 0).ok());
  auto c = f.Get(1, own);
  CHECK(c.first_name == "Anna");
  CHECK(c.display_name == "Anna Lee");
  CHECK(c.phone == "+15105550199");
  CHECK(c.email == "ann@work.io");
  CHECK(c.version == 3);
  CHECK(f.Find(1, Lookup::kPhone, "415-555-0101").empty());
  CHECK(f.Find(1, Lookup::kPhone, "510-555-0199") ==
        std::vector<uint64_t>{customer});

  // A contact promoted in its place is another person: left alone.
  uint64_t other = f.AddOk(1, customer, ContactDraft("Bo", "", "628-555-0100"));
  REQUIRE(f.contacts.Promote(1, other).ok());
  patch = fb::CustomerPatchT();
  patch.phone = "628-555-0101";
  bytes = PackRecord(patch);
  REQUIRE(
      f.customers.Update(1, customer, *Root<fb::CustomerPatch>(bytes), 0).ok());
  CHECK(f.Get(1, other).phone == "+16285550100");
  CHECK(f.Get(1, own).phone == "+15105550199");
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a customer's list holds its own contacts in creation order") {
  Fixture f;
  uint64_t a = f.Company(1, "415-555-0101");
  uint64_t b = f.Company(1, "415-555-0102");
  std::vector<uint64_t> of_a, of_b;
  for (int i = 0; i < 5; ++i) {
    of_a.push_back(f.AddOk(1, a, ContactDraft("A" + std::to_string(i), "")));
    of_b.push_back(f.AddOk(1, b, ContactDraft("B" + std::to_string(i), "")));
  }
  CHECK(f.List(1, a) == of_a);
  CHECK(f.List(1, b) == of_b);
  for (size_t page : {1, 2, 4}) {
    CAPTURE(page);
    CHECK(f.List(1, a, page) == of_a);
  }
  // Promoting does not reorder the list.
  REQUIRE(f.contacts.Promote(1, of_a[3]).ok());
  CHECK(f.List(1, a) == of_a);
}

TEST_CASE("a page resumes after the last position it returned") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  std::vector<uint64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(f.AddOk(1, customer, ContactDraft("C", "")));
  }
  auto first = f.contacts.List(1, customer, "", 2);
  REQUIRE(first.ok());
  CHECK_FALSE(first->done);
  REQUIRE(first->items.size() == 2);
  CHECK(first->last_position == first->items.back().position);
  // A contact deleted between two pages is skipped; one added is seen.
  REQUIRE(f.contacts.Delete(1, ids[2], 0).ok());
  uint64_t added = f.AddOk(1, customer, ContactDraft("D", ""));
  auto second = f.contacts.List(1, customer, first->last_position, 2);
  REQUIRE(second.ok());
  CHECK(second->done);
  REQUIRE(second->items.size() == 1);
  CHECK(Root<fb::Contact>(second->items[0].record)->id() == added);
  CHECK(f.contacts.List(1, customer, "short", 2).status().IsInvalidArgument());
}

TEST_CASE("contacts of another account cannot be seen or changed") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer, ContactDraft("Dana", "", "510-555-0100"));
  CHECK(f.contacts.Get(2, id).status().IsNotFound());
  fb::ContactPatchT patch;
  patch.first_name = "Mallory";
  CHECK(f.Patch(2, id, patch).status().IsNotFound());
  CHECK(f.contacts.Promote(2, id).status().IsNotFound());
  CHECK(f.contacts.Delete(2, id, 0).IsNotFound());
  CHECK(f.Add(2, customer, ContactDraft("Eve", "")).status().IsNotFound());
  CHECK(f.contacts.List(2, customer, "", 10).status().IsNotFound());
  CHECK(f.Find(2, Lookup::kPhone, "510-555-0100").empty());
  CHECK(f.Get(1, id).first_name == "Dana");
  CHECK(f.List(1, customer) == std::vector<uint64_t>{id});
}

TEST_CASE("an unknown customer or contact is not found") {
  Fixture f;
  CHECK(f.Add(1, 12345, ContactDraft("Dana", "")).status().IsNotFound());
  CHECK(f.contacts.List(1, 12345, "", 10).status().IsNotFound());
  CHECK(f.contacts.Get(1, 12345).status().IsNotFound());
  CHECK(f.contacts.Promote(1, 12345).status().IsNotFound());
  CHECK(f.contacts.Get(0, 1).status().IsInvalidArgument());
  CHECK(f.contacts.Get(1, 0).status().IsInvalidArgument());
  CHECK(f.Add(1, 0, ContactDraft("Dana", "")).status().IsInvalidArgument());
}

TEST_CASE("contacts survive a reopen of the store") {
  TempDir dir;
  uint64_t customer = 0, contact = 0;
  {
    auto store = OpenStore(dir.path(), /*sync=*/true);
    Customers customers(store.get());
    Contacts contacts(store.get(), &customers);
    auto r = customers.Create(
        1, *Root<fb::CustomerDraft>(CompanyDraft("Acme", "415-555-0101")),
        CreateOptions());
    REQUIRE(r.ok());
    customer = Root<fb::Customer>(r->record)->id();
    auto c = contacts.Add(1, customer,
                          *Root<fb::ContactDraft>(ContactDraft("Dana", "")));
    REQUIRE(c.ok());
    contact = Root<fb::Contact>(*c)->id();
  }
  auto store = OpenStore(dir.path());
  Customers customers(store.get());
  Contacts contacts(store.get(), &customers);
  auto got = contacts.Get(1, contact);
  REQUIRE(got.ok());
  CHECK(Str(Root<fb::Contact>(*got)->first_name()) == "Dana");
  auto c = customers.Get(1, customer);
  REQUIRE(c.ok());
  CHECK(Root<fb::Customer>(*c)->primary_contact_id() == contact);
}

TEST_CASE("threads adding and promoting contacts keep exactly one primary") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  constexpr int kThreads = 6;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<uint64_t> mine;
      for (int round = 0; round < 15; ++round) {
        if (mine.empty() || round % 3 != 2) {
          auto r = f.Add(1, customer,
                         ContactDraft("T" + std::to_string(t), "", "", "",
                                      round % 2 == 0));
          if (!r.ok()) {
            ++failures;
            continue;
          }
          mine.push_back(Root<fb::Contact>(*r)->id());
        } else if (round % 2 == 0) {
          if (!f.contacts.Promote(1, mine.back()).ok()) ++failures;
        } else {
          if (!f.contacts.Delete(1, mine.front(), 0).ok()) ++failures;
          mine.erase(mine.begin());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  auto primaries = f.Primaries(1, customer);
  REQUIRE(primaries.size() == 1);
  CHECK(f.GetCustomer(1, customer).primary_contact_id == primaries[0]);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("the checker finds a deleted contact index entry") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer,
                        ContactDraft("Dana", "", "510-555-0100", "dana@x.io"));
  REQUIRE(f.CheckMessages().empty());
  auto* db = f.store->db();
  auto* indexes = f.store->family(Family::kIndexes);
  REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                     keys::ChildIndexKey(1, keys::IndexTag::kPhone,
                                         "+15105550100", customer, id))
              .ok());
  CHECK(f.CheckMessages() ==
        std::vector<std::string>{"missing contact phone index entry"});
  REQUIRE(db->Delete(rocksdb::WriteOptions(), indexes,
                     keys::ChildKey(1, customer, keys::RecordTag::kContact, id))
              .ok());
  REQUIRE(db->Put(rocksdb::WriteOptions(), indexes,
                  keys::ChildIndexKey(1, keys::IndexTag::kEmail, "eve@x.io",
                                      customer, id),
                  "")
              .ok());
  std::set<std::string> messages;
  for (auto& m : f.CheckMessages()) {
    CHECK(m.find("510") == std::string::npos);
    CHECK(m.find("eve") == std::string::npos);
    messages.insert(m);
  }
  CHECK(messages == std::set<std::string>{"missing contact phone index entry",
                                          "missing child index entry",
                                          "stray contact email index entry"});
}

TEST_CASE("the checker reports a contact without a customer") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer, ContactDraft("Dana", ""));
  std::string bytes;
  auto* db = f.store->db();
  auto* records = f.store->family(Family::kRecords);
  REQUIRE(db->Get(rocksdb::ReadOptions(), records,
                  keys::RecordKey(1, keys::RecordTag::kContact, id), &bytes)
              .ok());
  // The same contact, copied into account 2 where no customer has its
  // customer id.
  fb::ContactT moved;
  Root<fb::Contact>(bytes)->UnPackTo(&moved);
  moved.account_id = 2;
  moved.id = id + 1000;
  REQUIRE(db->Put(rocksdb::WriteOptions(), records,
                  keys::RecordKey(2, keys::RecordTag::kContact, moved.id),
                  PackRecord(moved))
              .ok());
  auto messages = f.CheckMessages();
  CHECK(std::count(messages.begin(), messages.end(),
                   "contact " + std::to_string(moved.id) +
                       " belongs to a customer that does not exist") == 1);
}

TEST_CASE("the checker reports a customer whose primary contact is wrong") {
  Fixture f;
  uint64_t customer = f.Company(1, "415-555-0101");
  uint64_t a = f.AddOk(1, customer, ContactDraft("A", ""));
  uint64_t b = f.AddOk(1, customer, ContactDraft("B", ""));
  auto* db = f.store->db();
  auto* records = f.store->family(Family::kRecords);
  auto put_contact = [&](uint64_t id, bool primary) {
    std::string bytes;
    REQUIRE(db->Get(rocksdb::ReadOptions(), records,
                    keys::RecordKey(1, keys::RecordTag::kContact, id), &bytes)
                .ok());
    fb::ContactT c;
    Root<fb::Contact>(bytes)->UnPackTo(&c);
    c.primary = primary;
    REQUIRE(db->Put(rocksdb::WriteOptions(), records,
                    keys::RecordKey(1, keys::RecordTag::kContact, id),
                    PackRecord(c))
                .ok());
  };
  put_contact(b, true);
  CHECK(f.CheckMessages() ==
        std::vector<std::string>{
            "contact " + std::to_string(b) +
            " is flagged primary but the customer names primary contact " +
            std::to_string(a)});
  put_contact(a, false);
  put_contact(b, false);
  CHECK(f.CheckMessages() ==
        std::vector<std::string>{"the customer's primary contact " +
                                 std::to_string(a) +
                                 " is not flagged primary"});
  // No contacts at all, but a primary named.
  REQUIRE(f.contacts.Delete(1, b, 0).ok());
  {
    // Contact a goes with all its entries, the customer is left alone.
    std::string bytes;
    REQUIRE(db->Get(rocksdb::ReadOptions(), records,
                    keys::RecordKey(1, keys::RecordTag::kContact, a), &bytes)
                .ok());
    fb::ContactT gone;
    Root<fb::Contact>(bytes)->UnPackTo(&gone);
    std::unique_ptr<rocksdb::Transaction> txn(
        f.store->db()->BeginTransaction(rocksdb::WriteOptions()));
    REQUIRE(WriteContact(f.store.get(), txn.get(), &gone, nullptr).ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(f.CheckMessages() ==
        std::vector<std::string>{"the customer names primary contact " +
                                 std::to_string(a) + " but has no contacts"});
}

// Moves every contact entry of the phone and email indexes back under the
// tags of format version 1, but for the first `kept`, and marks the store
// version 1: a store as version 1 wrote it, or as an upgrade that
// stopped part way left it. Returns how many entries moved.
size_t DowngradeToVersion1(Store* store, size_t kept) {
  auto* db = store->db();
  auto* indexes = store->family(Family::kIndexes);
  rocksdb::WriteBatch batch;
  size_t seen = 0, moved = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), indexes));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto entry = keys::ParseValueIndexKey(it->key().ToStringView());
    if (!entry || entry->child_id == 0) continue;
    if (entry->tag != keys::IndexTag::kPhone &&
        entry->tag != keys::IndexTag::kEmail) {
      continue;
    }
    if (seen++ < kept) continue;
    auto old_tag = entry->tag == keys::IndexTag::kPhone
                       ? keys::IndexTag::kContactPhone
                       : keys::IndexTag::kContactEmail;
    REQUIRE(batch.Delete(indexes, it->key()).ok());
    REQUIRE(
        batch
            .Put(indexes,
                 keys::ChildIndexKey(entry->account_id, old_tag, entry->value,
                                     entry->customer_id, entry->child_id),
                 "")
            .ok());
    ++moved;
  }
  REQUIRE(it->status().ok());
  std::string version;
  keys::PutBigEndian64(&version, 1);
  REQUIRE(
      batch.Put(store->family(Family::kMeta), "custdb.format_version", version)
          .ok());
  REQUIRE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  return moved;
}

// The index entries of version 1's own contact tags, and the version.
std::pair<size_t, uint64_t> Version1Traces(Store* store) {
  size_t old_entries = 0;
  std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(
      rocksdb::ReadOptions(), store->family(Family::kIndexes)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto tag = static_cast<keys::IndexTag>(it->key()[8]);
    if (tag == keys::IndexTag::kContactPhone ||
        tag == keys::IndexTag::kContactEmail) {
      ++old_entries;
    }
  }
  REQUIRE(it->status().ok());
  std::string version;
  REQUIRE(store->db()
              ->Get(rocksdb::ReadOptions(), store->family(Family::kMeta),
                    "custdb.format_version", &version)
              .ok());
  REQUIRE(version.size() == 8);
  return {old_entries, keys::GetBigEndian64(version.data())};
}

TEST_CASE("a store of format version 1 is upgraded when it is opened") {
  for (size_t kept : {size_t{0}, size_t{2}}) {
    CAPTURE(kept);
    TempDir dir;
    uint64_t acme = 0, maria = 0, other = 0;
    {
      auto store = OpenStore(dir.path());
      Customers customers(store.get());
      Contacts contacts(store.get(), &customers);
      auto create = [&](uint64_t account, const std::string& draft) {
        auto r = customers.Create(account, *Root<fb::CustomerDraft>(draft),
                                  CreateOptions());
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        return Root<fb::Customer>(r->record)->id();
      };
      auto add = [&](uint64_t account, uint64_t customer,
                     const std::string& draft) {
        auto r =
            contacts.Add(account, customer, *Root<fb::ContactDraft>(draft));
        REQUIRE_MESSAGE(r.ok(), r.status().message());
      };
      acme = create(1, CompanyDraft("Acme", "415-555-0101"));
      add(1, acme, ContactDraft("Dana", "Lee", "510-555-0100", "dana@x.io"));
      add(1, acme, ContactDraft("Eve", "Ng", "", "shared@x.io"));
      maria = create(
          1, IndividualDraft("Maria", "Garcia", "510-555-0100", "shared@x.io"));
      other = create(2, CompanyDraft("Other", "415-555-0199"));
      add(2, other, ContactDraft("Dana", "Lee", "510-555-0100"));
      // Dana's phone and email, Eve's email, Maria's own contact's phone
      // and email, and Dana's phone in account 2.
      CHECK(DowngradeToVersion1(store.get(), kept) == 6 - kept);
      CHECK(Version1Traces(store.get()) ==
            std::pair<size_t, uint64_t>{6 - kept, 1});
    }
    std::vector<std::string> lines;
    StoreOptions options;
    options.log = [&](LogLevel, std::string_view m) { lines.emplace_back(m); };
    auto opened = Store::Open(dir.path(), options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    std::unique_ptr<Store> store = std::move(*opened);
    CHECK(Version1Traces(store.get()) ==
          std::pair<size_t, uint64_t>{0, kFormatVersion});
    CHECK(std::count(lines.begin(), lines.end(),
                     "upgrade: moved " + std::to_string(6 - kept) +
                         " contact phone and email entries") == 1);
    auto report = CheckStore(store.get());
    REQUIRE(report.ok());
    auto* issues = Root<fb::CheckReport>(*report)->issues();
    CHECK((issues == nullptr || issues->size() == 0));

    Customers customers(store.get());
    auto find = [&](uint64_t account, Lookup by, const std::string& value) {
      return FindIds(customers, account, by, value);
    };
    CHECK(find(1, Lookup::kPhone, "510-555-0100") ==
          std::vector<uint64_t>{acme, maria});
    CHECK(find(1, Lookup::kEmail, "shared@x.io") ==
          std::vector<uint64_t>{acme, maria});
    CHECK(find(2, Lookup::kPhone, "510-555-0100") ==
          std::vector<uint64_t>{other});
    // Opened again, it is at the version already and moves nothing.
    store.reset();
    lines.clear();
    opened = Store::Open(dir.path(), options);
    REQUIRE(opened.ok());
    CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("upgrade") != std::string::npos;
    }));
  }
}

}  // namespace
}  // namespace custdb
