#include "engine/portal/portal.h"

#include <doctest/doctest.h>
#include <sodium.h>

#include <atomic>
#include <set>
#include <string>
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

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::string Draft(int64_t expires_at_ms) {
  fb::PortalLinkDraftT d;
  d.expires_at_ms = expires_at_ms;
  return PackRecord(d);
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  Customers customers{store.get()};
  std::atomic<int64_t> now{NowMs()};
  Portal portal{store.get(), &customers, [this] { return now.load(); }};

  uint64_t Customer(uint64_t account, const std::string& phone) {
    auto r = customers.Create(
        account, *Root<fb::CustomerDraft>(IndividualDraft("Cy", "", phone)),
        CreateOptions());
    REQUIRE(r.ok());
    return Root<fb::Customer>(r->record)->id();
  }

  fb::PortalLinkT Issue(uint64_t account, uint64_t customer,
                        int64_t expires_at_ms = 0) {
    auto r = portal.Issue(account, customer,
                          *Root<fb::PortalLinkDraft>(Draft(expires_at_ms)));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    fb::PortalLinkT link;
    Root<fb::PortalLink>(*r)->UnPackTo(&link);
    return link;
  }

  std::vector<uint64_t> Active(uint64_t account, uint64_t customer) {
    auto page = portal.List(account, customer, "", 100);
    REQUIRE(page.ok());
    std::vector<uint64_t> ids;
    for (auto& item : page->items) {
      auto* l = Root<fb::PortalLink>(item.record);
      CHECK(l->token() == nullptr);
      CHECK(l->token_hash() == nullptr);
      ids.push_back(l->id());
    }
    return ids;
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
};

TEST_CASE("an issued token opens its customer's record") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto link = f.Issue(1, c);
  CHECK(link.id != 0);
  CHECK(link.customer_id == c);
  CHECK(link.token.size() == 43);
  CHECK(link.token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                     "opqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(link.token_hash.empty());
  CHECK(link.expires_at_ms == f.now + 30 * kDayMs);
  CHECK(!link.revoked);

  auto customer = f.portal.Resolve(1, link.token);
  REQUIRE_MESSAGE(customer.ok(), customer.status().message());
  CHECK(Root<fb::Customer>(*customer)->id() == c);
  CHECK(f.Issue(1, c).token != link.token);
  CHECK(f.Issues().empty());
}

TEST_CASE("an expiry must lie in the future and at most a year ahead") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto past = f.portal.Issue(1, c, *Root<fb::PortalLinkDraft>(Draft(f.now)));
  CHECK(past.status().IsInvalidArgument());
  CHECK(past.status().message() == "expires_at_ms: must be in the future");
  auto far = f.portal.Issue(
      1, c, *Root<fb::PortalLinkDraft>(Draft(f.now + 365 * kDayMs + 1)));
  CHECK(far.status().IsInvalidArgument());
  CHECK(far.status().message() ==
        "expires_at_ms: must be at most 365 days ahead");
  CHECK(f.Issue(1, c, f.now + 365 * kDayMs).expires_at_ms ==
        f.now + 365 * kDayMs);
  CHECK(f.Issue(1, c, f.now + 1).expires_at_ms == f.now + 1);
}

TEST_CASE("unknown, malformed, expired and revoked tokens get one answer") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto revoked = f.Issue(1, c);
  REQUIRE(f.portal.Revoke(1, revoked.id).ok());
  auto expiring = f.Issue(1, c, f.now + 1000);
  f.now += 1000;
  auto other = f.Issue(1, c);
  std::string unknown = other.token;
  unknown[10] = unknown[10] == 'A' ? 'B' : 'A';

  const std::string tokens[] = {
      unknown,
      "",
      "not a token",
      other.token + "A",
      other.token.substr(0, 42) + "=",
      std::string(43, '*'),
      std::string("\0", 1) + other.token.substr(1),
      expiring.token,
      revoked.token,
  };
  for (const auto& token : tokens) {
    auto r = f.portal.Resolve(1, token);
    CHECK(r.status().IsNotFound());
    CHECK(r.status().message() == kNoPortalLinkMessage);
  }
  CHECK(f.portal.Resolve(1, other.token).ok());
  // In another account the token is as unknown as any other.
  auto elsewhere = f.portal.Resolve(2, other.token);
  CHECK(elsewhere.status().message() == kNoPortalLinkMessage);
}

TEST_CASE("the list shows the links that still work, without tokens") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  uint64_t other = f.Customer(1, "415-555-0102");
  auto a = f.Issue(1, c);
  auto b = f.Issue(1, c);
  auto soon = f.Issue(1, c, f.now + 10);
  f.Issue(1, other);
  CHECK(f.Active(1, c) == std::vector<uint64_t>{a.id, b.id, soon.id});
  REQUIRE(f.portal.Revoke(1, b.id).ok());
  f.now += 10;
  CHECK(f.Active(1, c) == std::vector<uint64_t>{a.id});
  CHECK(f.Issues().empty());
}

TEST_CASE("revoking twice is harmless and revoking elsewhere is not found") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto link = f.Issue(1, c);
  CHECK(f.portal.Revoke(2, link.id).IsNotFound());
  CHECK(f.portal.Resolve(1, link.token).ok());
  CHECK(f.portal.Revoke(1, link.id).ok());
  CHECK(f.portal.Revoke(1, link.id).ok());
  CHECK(f.portal.Revoke(1, 987654).IsNotFound());
  CHECK(f.portal.Revoke(1, 0).IsInvalidArgument());
  CHECK(f.Issues().empty());
}

TEST_CASE("a link for another account's customer is not issued") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto r = f.portal.Issue(2, c, *Root<fb::PortalLinkDraft>(Draft(0)));
  CHECK(r.status().IsNotFound());
  CHECK(f.portal.List(2, c, "", 10).status().IsNotFound());
}

TEST_CASE("no stored byte holds a token") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  std::vector<fb::PortalLinkT> links;
  for (int i = 0; i < 5; ++i) links.push_back(f.Issue(1, c));
  REQUIRE(f.portal.Revoke(1, links[0].id).ok());
  REQUIRE(f.store->db()->Flush(rocksdb::FlushOptions()).ok());

  std::vector<std::string> needles;
  for (const auto& link : links) {
    needles.push_back(link.token);
    std::string raw(32, '\0');
    size_t size = 0;
    REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()),
                              raw.size(), link.token.data(), link.token.size(),
                              nullptr, &size, nullptr,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
    needles.push_back(raw);
  }
  size_t entries = 0;
  for (int family = 0; family < static_cast<int>(Family::kCount); ++family) {
    std::unique_ptr<rocksdb::Iterator> it(f.store->db()->NewIterator(
        rocksdb::ReadOptions(), f.store->family(static_cast<Family>(family))));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++entries;
      for (const auto& needle : needles) {
        CHECK(it->key().ToStringView().find(needle) == std::string::npos);
        CHECK(it->value().ToStringView().find(needle) == std::string::npos);
      }
    }
  }
  CHECK(entries > 15);
}

TEST_CASE("the portal key is not the store's secret") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto link = f.Issue(1, c);
  unsigned char raw[32];
  size_t size = 0;
  REQUIRE(sodium_base642bin(raw, sizeof raw, link.token.data(),
                            link.token.size(), nullptr, &size, nullptr,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  std::string with_secret(32, '\0');
  const std::string& secret = f.store->secret();
  crypto_generichash(
      reinterpret_cast<unsigned char*>(with_secret.data()), 32, raw, sizeof raw,
      reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  std::string value;
  auto s = f.store->db()->Get(rocksdb::ReadOptions(),
                              f.store->family(Family::kIndexes),
                              keys::PortalTokenKey(1, with_secret), &value);
  CHECK(s.IsNotFound());
}

TEST_CASE("the checker reports a missing token entry and a stored token") {
  Fixture f;
  uint64_t c = f.Customer(1, "415-555-0101");
  auto link = f.Issue(1, c);
  auto* db = f.store->db();
  std::string stored;
  auto key = keys::RecordKey(1, keys::RecordTag::kPortalLink, link.id);
  REQUIRE(db->Get(rocksdb::ReadOptions(), f.store->family(Family::kRecords),
                  key, &stored)
              .ok());
  fb::PortalLinkT record;
  Root<fb::PortalLink>(stored)->UnPackTo(&record);
  REQUIRE(record.token_hash.size() == 32);
  std::string hash(record.token_hash.begin(), record.token_hash.end());
  REQUIRE(db->Delete(rocksdb::WriteOptions(), f.store->family(Family::kIndexes),
                     keys::PortalTokenKey(1, hash))
              .ok());
  CHECK(f.Issues() ==
        std::vector<std::string>{"missing portal token index entry"});
  CHECK(f.portal.Resolve(1, link.token).status().IsNotFound());

  record.token = link.token;
  REQUIRE(db->Put(rocksdb::WriteOptions(), f.store->family(Family::kRecords),
                  key, PackRecord(record))
              .ok());
  std::multiset<std::string> issues;
  for (auto& i : f.Issues()) issues.insert(i);
  CHECK(issues.count("a stored portal link holds its token") == 1);
}

}  // namespace
}  // namespace custdb
