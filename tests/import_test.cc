#include "engine/customers/import.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/links/links.h"
#include "engine/locations/locations.h"
#include "list_fixture.h"

namespace custdb {
namespace {

using testing::Root;
using testing::Str;

std::unique_ptr<fb::CustomerDraftT> Person(const std::string& first,
                                           const std::string& last,
                                           const std::string& phone) {
  auto d = std::make_unique<fb::CustomerDraftT>();
  d->kind = fb::CustomerKind::Individual;
  d->first_name = first;
  d->last_name = last;
  d->phone = phone;
  return d;
}

std::unique_ptr<fb::ImportRowT> Row(const std::string& first,
                                    const std::string& last,
                                    const std::string& phone) {
  auto row = std::make_unique<fb::ImportRowT>();
  row->customer = Person(first, last, phone);
  return row;
}

std::unique_ptr<fb::LinkDraftT> Link(const std::string& external_id) {
  auto link = std::make_unique<fb::LinkDraftT>();
  link->kind = "import";
  link->external_id = external_id;
  return link;
}

struct Fixture : testing::ListFixture {
  Locations locations{store.get(), &customers};
  Links links{store.get(), &customers};
  ImportServices services{store.get(), &customers, &contacts, &locations,
                          &timeline,   &links,     &tags};

  Result<fb::ImportResultT> TryImport(const fb::ImportBatchT& batch,
                                      CreateOptions options = {}) {
    std::string bytes = PackRecord(batch);
    auto out =
        ImportCustomers(services, 1, *Root<fb::ImportBatch>(bytes), options);
    if (!out.ok()) return out.status();
    fb::ImportResultT result;
    Root<fb::ImportResult>(*out)->UnPackTo(&result);
    return result;
  }
  fb::ImportResultT Import(const fb::ImportBatchT& batch,
                           CreateOptions options = {}) {
    auto result = TryImport(batch, options);
    REQUIRE_MESSAGE(result.ok(), result.status().message());
    REQUIRE(result->rows.size() == batch.rows.size());
    return std::move(*result);
  }
  size_t Found(const std::string& phone) {
    auto key = Customers::LookupKey(Lookup::kPhone, phone);
    REQUIRE(key.ok());
    auto page = customers.Find(1, Lookup::kPhone, *key, "", 10);
    REQUIRE(page.ok());
    return page->items.size();
  }
  uint64_t Total() {
    auto summary = customers.Summary(1);
    REQUIRE(summary.ok());
    return Root<fb::Summary>(*summary)->total();
  }
};

using Outcome = fb::ImportOutcome;

TEST_CASE("an import writes every row with what it comes with") {
  Fixture f;
  uint64_t vip = f.Tag("VIP");
  fb::ImportBatchT batch;
  for (int i = 0; i < 30; ++i) {
    auto row = Row("Ann" + std::string(1, static_cast<char>('a' + i % 26)),
                   "Lee" + std::to_string(i), testing::PhoneOf(i));
    row->link = Link("src-" + std::to_string(i));
    auto contact = std::make_unique<fb::ContactDraftT>();
    contact->first_name = "Dee";
    contact->phone = testing::PhoneOf(100 + i);
    row->contacts.push_back(std::move(contact));
    auto location = std::make_unique<fb::LocationDraftT>();
    location->kind = fb::LocationKind::Service;
    location->address_line1 = std::to_string(10 + i) + " Main St";
    location->city = "Springfield";
    location->state = "IL";
    location->zip = "62701";
    row->locations.push_back(std::move(location));
    auto entry = std::make_unique<fb::TimelineEntryDraftT>();
    entry->channel = fb::TimelineChannel::Sms;
    entry->direction = fb::Direction::Inbound;
    entry->occurred_at_ms = 4102444800000;  // 2100: moves last activity
    row->timeline.push_back(std::move(entry));
    if (i % 3 == 0) row->tag_ids = {vip};
    batch.rows.push_back(std::move(row));
  }
  auto result = f.Import(batch);
  for (size_t i = 0; i < result.rows.size(); ++i) {
    const auto& r = *result.rows[i];
    CHECK(r.outcome == Outcome::Created);
    CHECK(r.error.empty());
    fb::CustomerT c = f.Record(r.customer_id);
    CHECK(c.last_name == "Lee" + std::to_string(i));
    CHECK(c.number == i + 1);
    CHECK(c.last_activity_at_ms == 4102444800000);
    CHECK(c.primary_contact_id != 0);
    CHECK((c.tag_ids == std::vector<uint64_t>{vip}) == (i % 3 == 0));
    auto linked = f.links.Find(1, "import", "src-" + std::to_string(i));
    REQUIRE(linked.ok());
    CHECK(Root<fb::Link>(*linked)->customer_id() == r.customer_id);
  }
  CHECK(f.Total() == 30);
  CHECK(f.Found(testing::PhoneOf(105)) == 1);  // a contact's phone
  auto tag = f.tags.Get(1, vip);
  REQUIRE(tag.ok());
  CHECK(Root<fb::Tag>(*tag)->customer_count() == 10);
  CHECK(f.Issues().empty());
}

TEST_CASE("an invalid row is rejected whole, naming the row and the field") {
  Fixture f;
  fb::ImportBatchT batch;
  batch.rows.push_back(Row("Ann", "Lee", testing::PhoneOf(1)));
  batch.rows.push_back(Row("Bob", "Kay", "not a phone"));
  auto bad_contact = Row("Cy", "Moe", testing::PhoneOf(3));
  auto contact = std::make_unique<fb::ContactDraftT>();
  contact->first_name = "Dee";
  contact->email = "not an email";
  bad_contact->contacts.push_back(std::make_unique<fb::ContactDraftT>());
  bad_contact->contacts.back()->first_name = "Eve";
  bad_contact->contacts.push_back(std::move(contact));
  bad_contact->link = Link("cy");
  batch.rows.push_back(std::move(bad_contact));
  auto unknown_tag = Row("Ed", "Fox", testing::PhoneOf(4));
  unknown_tag->tag_ids = {999999};
  batch.rows.push_back(std::move(unknown_tag));
  batch.rows.push_back(std::make_unique<fb::ImportRowT>());  // no customer
  batch.rows.push_back(Row("Flo", "Gee", testing::PhoneOf(6)));

  auto result = f.Import(batch);
  CHECK(result.rows[0]->outcome == Outcome::Created);
  CHECK(result.rows[1]->outcome == Outcome::Rejected);
  CHECK(result.rows[1]->error.rfind("rows[1].customer.phone: ", 0) == 0);
  CHECK(result.rows[2]->outcome == Outcome::Rejected);
  CHECK(result.rows[2]->error.rfind("rows[2].contacts[1].email: ", 0) == 0);
  CHECK(result.rows[2]->customer_id == 0);
  CHECK(result.rows[3]->outcome == Outcome::Rejected);
  CHECK(result.rows[3]->error.rfind("rows[3].tag_ids: ", 0) == 0);
  CHECK(result.rows[4]->outcome == Outcome::Rejected);
  CHECK(result.rows[4]->error == "rows[4].customer: is required");
  CHECK(result.rows[5]->outcome == Outcome::Created);

  // Nothing of a rejected row was written: its customer, first contact,
  // the contact before the bad one, its link and its counts.
  CHECK(f.Found(testing::PhoneOf(3)) == 0);
  CHECK(f.Found(testing::PhoneOf(4)) == 0);
  CHECK(f.links.Find(1, "import", "cy").status().IsNotFound());
  CHECK(f.Total() == 2);
  CHECK(f.Record(result.rows[5]->customer_id).number == 2);
  CHECK(f.Issues().empty());
}

TEST_CASE("a phone's owner with an agreeing name makes a row existing") {
  Fixture f;
  uint64_t ann = f.Add(testing::IndividualDraft("Ann", "Lee", "415-867-5309"));
  fb::ImportBatchT batch;
  batch.rows.push_back(Row("ann", "LEE", "(415) 867-5309"));
  batch.rows.push_back(Row("Bob", "Kay", "510-555-0100"));
  batch.rows.push_back(Row("Robert", "Kay", "510-555-0100"));  // nickname
  batch.rows.push_back(Row("Zed", "Ash", "510-555-0100"));     // another name
  auto result = f.Import(batch);
  CHECK(result.rows[0]->outcome == Outcome::Existing);
  CHECK(result.rows[0]->customer_id == ann);
  CHECK(result.rows[1]->outcome == Outcome::Created);
  // A later row sees the customers the earlier ones created.
  CHECK(result.rows[2]->outcome == Outcome::Existing);
  CHECK(result.rows[2]->customer_id == result.rows[1]->customer_id);
  CHECK(result.rows[3]->outcome == Outcome::Created);
  CHECK(f.Found("510-555-0100") == 2);

  // Asked to, every row makes a customer.
  auto again = f.Import(batch, CreateOptions{/*allow_duplicate_phone=*/true});
  for (const auto& r : again.rows) CHECK(r->outcome == Outcome::Created);
  CHECK(f.Total() == 7);
  CHECK(f.Issues().empty());
}

TEST_CASE("a row whose link is held already is linked, not created") {
  Fixture f;
  fb::ImportBatchT first;
  first.rows.push_back(Row("Ann", "Lee", testing::PhoneOf(1)));
  first.rows.back()->link = Link("a");
  auto created = f.Import(first);
  REQUIRE(created.rows[0]->outcome == Outcome::Created);

  fb::ImportBatchT batch;
  batch.rows.push_back(Row("Ann", "Leeson", testing::PhoneOf(2)));
  batch.rows.back()->link = Link("a");
  batch.rows.push_back(Row("Bob", "Kay", testing::PhoneOf(3)));
  batch.rows.back()->link = Link("b");
  batch.rows.push_back(Row("Cy", "Moe", testing::PhoneOf(4)));
  batch.rows.back()->link = Link("b");
  auto bad_kind = Row("Ed", "Fox", testing::PhoneOf(5));
  bad_kind->link = Link("e");
  bad_kind->link->kind = "";
  batch.rows.push_back(std::move(bad_kind));
  auto result = f.Import(batch);
  CHECK(result.rows[0]->outcome == Outcome::Linked);
  CHECK(result.rows[0]->customer_id == created.rows[0]->customer_id);
  CHECK(result.rows[1]->outcome == Outcome::Created);
  CHECK(result.rows[2]->outcome == Outcome::Linked);
  CHECK(result.rows[2]->customer_id == result.rows[1]->customer_id);
  CHECK(result.rows[3]->outcome == Outcome::Rejected);
  CHECK(result.rows[3]->error.rfind("rows[3].link.kind: ", 0) == 0);
  CHECK(f.Found(testing::PhoneOf(2)) == 0);
  CHECK(f.Found(testing::PhoneOf(4)) == 0);
  CHECK(f.Total() == 2);
  CHECK(f.Issues().empty());
}

TEST_CASE("a batch is bounded, and an empty one writes nothing") {
  Fixture f;
  fb::ImportBatchT empty;
  CHECK(f.Import(empty).rows.empty());
  fb::ImportBatchT huge;
  for (size_t i = 0; i <= kMaxImportRows; ++i) {
    huge.rows.push_back(std::make_unique<fb::ImportRowT>());
  }
  auto result = f.TryImport(huge);
  CHECK(result.status().IsInvalidArgument());
  CHECK(result.status().message().rfind("batch.rows: ", 0) == 0);
  std::string bytes = PackRecord(empty);
  CHECK(ImportCustomers(f.services, 0, *Root<fb::ImportBatch>(bytes), {})
            .status()
            .IsInvalidArgument());
  CHECK(f.Total() == 0);
}

}  // namespace
}  // namespace custdb
