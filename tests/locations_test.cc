#include "engine/locations/locations.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <set>
#include <vector>

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

fb::LocationDraftT Draft(const std::string& line1 = "123 Main Street",
                         const std::string& city = "San Francisco",
                         const std::string& state = "CA",
                         const std::string& zip = "94107") {
  fb::LocationDraftT d;
  d.kind = fb::LocationKind::Service;
  d.address_line1 = line1;
  d.city = city;
  d.state = state;
  d.zip = zip;
  return d;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  Locations locations{store.get(), &customers};

  uint64_t Customer(uint64_t account, const std::string& phone) {
    auto r = customers.Create(
        account, *Root<fb::CustomerDraft>(CompanyDraft("Acme", phone)),
        CreateOptions());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Customer>(r->record)->id();
  }

  Result<std::string> Add(uint64_t account, uint64_t customer,
                          const fb::LocationDraftT& draft) {
    std::string bytes = PackRecord(draft);
    return locations.Add(account, customer, *Root<fb::LocationDraft>(bytes));
  }

  uint64_t AddOk(uint64_t account, uint64_t customer,
                 const fb::LocationDraftT& draft = Draft()) {
    auto r = Add(account, customer, draft);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return Root<fb::Location>(*r)->id();
  }

  fb::LocationT Get(uint64_t account, uint64_t id) {
    auto r = locations.Get(account, id);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::LocationT l;
    Root<fb::Location>(*r)->UnPackTo(&l);
    return l;
  }

  Result<std::string> Patch(uint64_t account, uint64_t id,
                            const fb::LocationPatchT& patch,
                            uint64_t expected = 0) {
    std::string bytes = PackRecord(patch);
    return locations.Update(account, id, *Root<fb::LocationPatch>(bytes),
                            expected);
  }

  std::vector<uint64_t> List(uint64_t account, uint64_t customer,
                             size_t page_size = 100) {
    std::vector<uint64_t> ids;
    std::string after;
    for (;;) {
      auto page = locations.List(account, customer, after, page_size);
      REQUIRE_MESSAGE(page.ok(), page.status().message());
      for (auto& item : page->items) {
        ids.push_back(Root<fb::Location>(item.record)->id());
      }
      after = page->last_position;
      if (page->done) break;
    }
    return ids;
  }

  std::vector<uint64_t> AtAddress(uint64_t account, const fb::LocationT& l) {
    auto r = locations.CustomersAtAddress(account, l.address_key, 100);
    REQUIRE(r.ok());
    return *r;
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

TEST_CASE("adding a location stores it normalized with its address key") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  fb::LocationDraftT d =
      Draft(" 123 North Main Street ", " San Francisco ", " ca ", "941071234");
  d.kind = fb::LocationKind::Billing;
  d.label = " Head office ";
  d.address_line2 = "Suite 5";
  d.access_notes = "Gate code 1234.\nRing twice.";
  d.parking_notes = "Visitor spots\tat the back";
  d.service_notes = "Boiler in the basement";
  auto r = f.Add(1, customer, d);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  auto* l = Root<fb::Location>(*r);
  CHECK(l->id() > customer);
  CHECK(l->account_id() == 1);
  CHECK(l->customer_id() == customer);
  CHECK(l->kind() == fb::LocationKind::Billing);
  CHECK(Str(l->label()) == "Head office");
  CHECK(Str(l->address_line1()) == "123 North Main Street");
  CHECK(Str(l->address_line2()) == "Suite 5");
  CHECK(Str(l->city()) == "San Francisco");
  CHECK(Str(l->state()) == "CA");
  CHECK(Str(l->zip()) == "94107-1234");
  CHECK(Str(l->access_notes()) == "Gate code 1234.\nRing twice.");
  CHECK(Str(l->parking_notes()) == "Visitor spots\tat the back");
  CHECK(Str(l->address_key()) == "123 n main st # 5|san francisco|ca|94107");
  CHECK(l->version() == 1);
  CHECK(l->created_at_ms() > 0);
  CHECK(l->updated_at_ms() == l->created_at_ms());
  auto got = f.locations.Get(1, l->id());
  REQUIRE(got.ok());
  CHECK(*got == *r);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("every location kind but Unspecified is accepted") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  for (auto kind : {fb::LocationKind::Service, fb::LocationKind::Billing,
                    fb::LocationKind::Mailing, fb::LocationKind::Other}) {
    fb::LocationDraftT d = Draft();
    d.kind = kind;
    CHECK(f.Get(1, f.AddOk(1, customer, d)).kind == kind);
  }
  CHECK(f.List(1, customer).size() == 4);
}

TEST_CASE("invalid locations are refused with the field named") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  struct Row {
    std::string what;
    fb::LocationDraftT draft;
    std::string field;
  };
  std::vector<Row> rows;
  auto row = [&](std::string what, std::string field, auto change) {
    fb::LocationDraftT d = Draft();
    change(d);
    rows.push_back({std::move(what), std::move(d), std::move(field)});
  };
  row("no kind",
      "kind:", [](auto& d) { d.kind = fb::LocationKind::Unspecified; });
  row("an unknown kind",
      "kind:", [](auto& d) { d.kind = static_cast<fb::LocationKind>(9); });
  row("no line 1", "address_line1:", [](auto& d) { d.address_line1 = " "; });
  row("no city", "city:", [](auto& d) { d.city = ""; });
  row("no state", "state:", [](auto& d) { d.state = ""; });
  row("a state name", "state:", [](auto& d) { d.state = "California"; });
  row("an unknown state", "state:", [](auto& d) { d.state = "XX"; });
  row("no ZIP", "zip:", [](auto& d) { d.zip = ""; });
  row("a short ZIP", "zip:", [](auto& d) { d.zip = "9410"; });
  row("a malformed ZIP+4", "zip:", [](auto& d) { d.zip = "94107-12"; });
  row("letters in the ZIP", "zip:", [](auto& d) { d.zip = "9410A"; });
  row("a long label",
      "label:", [](auto& d) { d.label = std::string(101, 'a'); });
  row("a label over two lines", "label:", [](auto& d) { d.label = "a\nb"; });
  row("a long line 1", "address_line1:", [](auto& d) {
    d.address_line1 = std::string(201, 'a');
  });
  row("a control character in line 2",
      "address_line2:", [](auto& d) { d.address_line2 = "Apt\x01 5"; });
  row("invalid UTF-8 in the city",
      "city:", [](auto& d) { d.city = "San Jos\xC3"; });
  row("long access notes", "access_notes:", [](auto& d) {
    d.access_notes = std::string(4001, 'a');
  });
  row("a NUL in parking notes", "parking_notes:", [](auto& d) {
    d.parking_notes = std::string("a\0b", 3);
  });
  row("invalid UTF-8 in service notes",
      "service_notes:", [](auto& d) { d.service_notes = "\xFF"; });
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto got = f.Add(1, customer, r.draft);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().IsInvalidArgument());
    CHECK(got.status().message().rfind(r.field, 0) == 0);
  }
  CHECK(f.List(1, customer).empty());
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("editing a location re-indexes its address") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer);
  auto before = f.Get(1, id);
  fb::LocationPatchT patch;
  patch.address_line1 = "500 Elm Avenue";
  patch.zip = "94110";
  patch.kind = fb::LocationKind::Mailing;
  patch.service_notes = "Second floor";
  auto r = f.Patch(1, id, patch);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  auto after = f.Get(1, id);
  CHECK(after.version == 2);
  CHECK(after.kind == fb::LocationKind::Mailing);
  CHECK(after.address_key == "500 elm ave|san francisco|ca|94110");
  CHECK(after.service_notes == "Second floor");
  CHECK(after.updated_at_ms >= after.created_at_ms);
  CHECK(f.AtAddress(1, before).empty());
  CHECK(f.AtAddress(1, after) == std::vector<uint64_t>{customer});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a location patch may clear optional fields but not required ones") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  fb::LocationDraftT d = Draft();
  d.label = "Home";
  d.address_line2 = "Apt 2";
  d.access_notes = "Key under the mat";
  uint64_t id = f.AddOk(1, customer, d);
  flatbuffers::FlatBufferBuilder b;
  auto empty = b.CreateString("");
  fb::LocationPatchBuilder clear(b);
  clear.add_label(empty);
  clear.add_address_line2(empty);
  clear.add_access_notes(empty);
  b.Finish(clear.Finish());
  REQUIRE(
      f.locations
          .Update(
              1, id,
              *flatbuffers::GetRoot<fb::LocationPatch>(b.GetBufferPointer()), 0)
          .ok());
  auto l = f.Get(1, id);
  CHECK(l.label.empty());
  CHECK(l.address_line2.empty());
  CHECK(l.access_notes.empty());
  CHECK(l.address_key == "123 main st|san francisco|ca|94107");

  flatbuffers::FlatBufferBuilder b2;
  auto empty2 = b2.CreateString("");
  fb::LocationPatchBuilder clear_city(b2);
  clear_city.add_city(empty2);
  b2.Finish(clear_city.Finish());
  auto r = f.locations.Update(
      1, id, *flatbuffers::GetRoot<fb::LocationPatch>(b2.GetBufferPointer()),
      0);
  CHECK(r.status().message().rfind("city:", 0) == 0);
  fb::LocationPatchT unspecified;
  unspecified.kind = fb::LocationKind::Unspecified;
  CHECK(f.Patch(1, id, unspecified).status().message().rfind("kind:", 0) == 0);
  fb::LocationPatchT state;
  state.state = "QQ";
  CHECK(f.Patch(1, id, state).status().message().rfind("state:", 0) == 0);
  CHECK(f.Get(1, id).version == 2);
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a location patch that changes nothing writes nothing") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  auto added = f.Add(1, customer, Draft());
  REQUIRE(added.ok());
  fb::LocationPatchT patch;
  patch.state = "ca";
  patch.city = " San Francisco ";
  auto r = f.Patch(1, Root<fb::Location>(*added)->id(), patch, 1);
  REQUIRE(r.ok());
  CHECK(*r == *added);
}

TEST_CASE("a location edit or delete on a stale version changes nothing") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer);
  fb::LocationPatchT patch;
  patch.label = "Shop";
  REQUIRE(f.Patch(1, id, patch, 1).ok());
  patch.label = "Warehouse";
  CHECK(f.Patch(1, id, patch, 1).status().IsConflict());
  CHECK(f.locations.Delete(1, id, 1).IsConflict());
  CHECK(f.Get(1, id).label == "Shop");
  REQUIRE(f.locations.Delete(1, id, 2).ok());
  CHECK(f.locations.Get(1, id).status().IsNotFound());
  CHECK(f.locations.Delete(1, id, 0).IsNotFound());
  CHECK(f.List(1, customer).empty());
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("customers sharing an address are found by its key, each once") {
  Fixture f;
  uint64_t a = f.Customer(1, "415-555-0101");
  uint64_t b = f.Customer(1, "415-555-0102");
  uint64_t c = f.Customer(1, "415-555-0103");
  uint64_t other = f.Customer(2, "415-555-0101");
  // One place, written three ways; a has it twice.
  f.AddOk(1, a, Draft("123 North Main Street", "Springfield", "IL", "62701"));
  f.AddOk(1, a, Draft("123 N. Main St.", "Springfield", "IL", "62701-0001"));
  fb::LocationDraftT billing =
      Draft("123 NORTH MAIN ST", "springfield", "il", "62701");
  billing.kind = fb::LocationKind::Billing;
  uint64_t at_b = f.AddOk(1, b, billing);
  f.AddOk(1, c, Draft("124 North Main Street", "Springfield", "IL", "62701"));
  f.AddOk(2, other,
          Draft("123 North Main Street", "Springfield", "IL", "62701"));
  auto key = f.Get(1, at_b);
  CHECK(f.AtAddress(1, key) == std::vector<uint64_t>{a, b});
  CHECK(f.AtAddress(2, key) == std::vector<uint64_t>{other});
  auto limited = f.locations.CustomersAtAddress(1, key.address_key, 1);
  REQUIRE(limited.ok());
  CHECK(*limited == std::vector<uint64_t>{a});
  CHECK(f.CheckMessages().empty());
}

TEST_CASE("a customer's list holds its own locations in creation order") {
  Fixture f;
  uint64_t a = f.Customer(1, "415-555-0101");
  uint64_t b = f.Customer(1, "415-555-0102");
  std::vector<uint64_t> of_a, of_b;
  for (int i = 0; i < 5; ++i) {
    of_a.push_back(f.AddOk(1, a));
    of_b.push_back(f.AddOk(1, b));
  }
  CHECK(f.List(1, a) == of_a);
  CHECK(f.List(1, b) == of_b);
  for (size_t page : {1, 2, 3}) {
    CAPTURE(page);
    CHECK(f.List(1, a, page) == of_a);
  }
}

TEST_CASE("locations of another account cannot be seen or changed") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer);
  CHECK(f.locations.Get(2, id).status().IsNotFound());
  fb::LocationPatchT patch;
  patch.label = "Mallory's";
  CHECK(f.Patch(2, id, patch).status().IsNotFound());
  CHECK(f.locations.Delete(2, id, 0).IsNotFound());
  CHECK(f.Add(2, customer, Draft()).status().IsNotFound());
  CHECK(f.locations.List(2, customer, "", 10).status().IsNotFound());
  CHECK(f.Get(1, id).label.empty());
  CHECK(f.List(1, customer) == std::vector<uint64_t>{id});
}

TEST_CASE("an unknown customer or location is not found") {
  Fixture f;
  CHECK(f.Add(1, 999, Draft()).status().IsNotFound());
  CHECK(f.locations.List(1, 999, "", 10).status().IsNotFound());
  CHECK(f.locations.Get(1, 999).status().IsNotFound());
  CHECK(f.locations.Get(1, 0).status().IsInvalidArgument());
  CHECK(f.locations.CustomersAtAddress(0, "x", 1).status().IsInvalidArgument());
}

TEST_CASE("the checker reports location entries and orphans") {
  Fixture f;
  uint64_t customer = f.Customer(1, "415-555-0101");
  uint64_t id = f.AddOk(1, customer);
  REQUIRE(f.CheckMessages().empty());
  auto* db = f.store->db();
  auto location = f.Get(1, id);
  REQUIRE(db->Delete(rocksdb::WriteOptions(), f.store->family(Family::kIndexes),
                     keys::ChildIndexKey(1, keys::IndexTag::kAddress,
                                         location.address_key, customer, id))
              .ok());
  CHECK(f.CheckMessages() ==
        std::vector<std::string>{"missing address index entry"});

  // A location whose customer id names no customer.
  fb::LocationT orphan = location;
  orphan.id = id + 1;
  orphan.customer_id = 4242;
  REQUIRE(db->Put(rocksdb::WriteOptions(), f.store->family(Family::kRecords),
                  keys::RecordKey(1, keys::RecordTag::kLocation, orphan.id),
                  PackRecord(orphan))
              .ok());
  auto messages = f.CheckMessages();
  CHECK(std::count(messages.begin(), messages.end(),
                   "location " + std::to_string(orphan.id) +
                       " belongs to a customer that does not exist") == 1);
  for (const auto& m : messages) CHECK(m.find("main") == std::string::npos);
}

}  // namespace
}  // namespace custdb
