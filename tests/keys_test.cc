#include "engine/storage/keys.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/storage/resume_token.h"

namespace custdb::keys {

TEST_CASE("every key starts with the big-endian account id") {
  std::string key = CustomerKey(0x0102030405060708ULL, 9);
  REQUIRE(key.size() == 17);
  CHECK(key.substr(0, 8) == std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  CHECK(key.rfind(AccountPrefix(0x0102030405060708ULL), 0) == 0);
}

TEST_CASE("an account's keys sort before the next account's") {
  CHECK(CustomerKey(1, UINT64_MAX) < CustomerKey(2, 0));
  CHECK(IndexKey(1, IndexTag::kPhone, "\xFF\xFF", UINT64_MAX) <
        AccountPrefix(2));
}

TEST_CASE("string components sort as the strings do, NUL bytes included") {
  std::vector<std::string> values = {"",      "a",    std::string("a\0", 2),
                                     "a\x01", "ab",   std::string("a\0b", 3),
                                     "b",     "\xFF", std::string("\0", 1)};
  std::vector<std::string> keys_of;
  for (const auto& v : values)
    keys_of.push_back(IndexKey(1, IndexTag::kName, v, 7));
  std::vector<size_t> by_value(values.size()), by_key(values.size());
  for (size_t i = 0; i < values.size(); ++i) by_value[i] = by_key[i] = i;
  std::sort(by_value.begin(), by_value.end(),
            [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::sort(by_key.begin(), by_key.end(),
            [&](size_t a, size_t b) { return keys_of[a] < keys_of[b]; });
  CHECK(by_value == by_key);
}

TEST_CASE("index keys decode to what was encoded") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 500; ++i) {
    std::string value;
    size_t n = rng() % 12;
    for (size_t j = 0; j < n; ++j)
      value.push_back(static_cast<char>(rng() % 4 == 0 ? 0 : rng()));
    uint64_t account = rng(), id = rng();
    auto parsed = ParseIndexKey(IndexKey(account, IndexTag::kEmail, value, id));
    REQUIRE(parsed.has_value());
    CHECK(parsed->account_id == account);
    CHECK(parsed->tag == IndexTag::kEmail);
    CHECK(parsed->value == value);
    CHECK(parsed->customer_id == id);
  }
}

TEST_CASE("child index keys decode and sort by customer, then child") {
  std::string value("12 main st\0x", 12);
  auto entry = ParseChildIndexKey(
      ChildIndexKey(3, IndexTag::kAddress, value, 0xFF00000000000001ULL, 9));
  REQUIRE(entry.has_value());
  CHECK(entry->account_id == 3);
  CHECK(entry->tag == IndexTag::kAddress);
  CHECK(entry->value == value);
  CHECK(entry->customer_id == 0xFF00000000000001ULL);
  CHECK(entry->child_id == 9);
  CHECK(ChildIndexKey(1, IndexTag::kAddress, "+1", 5, UINT64_MAX) <
        ChildIndexKey(1, IndexTag::kAddress, "+1", 6, 0));
  CHECK(ChildIndexKey(1, IndexTag::kAddress, "+1", UINT64_MAX, 1)
            .rfind(IndexValuePrefix(1, IndexTag::kAddress, "+1"), 0) == 0);
  // A customer index key is not a child index key, nor the reverse.
  CHECK_FALSE(ParseChildIndexKey(IndexKey(1, IndexTag::kPhone, "+1", 5)));
  CHECK_FALSE(ParseIndexKey(ChildIndexKey(1, IndexTag::kPhone, "+1", 5, 6)));
}

TEST_CASE("a value's own and contact entries sort by customer, own first") {
  // Values and ids whose bytes look like the terminator and its escape.
  for (std::string value : {std::string("+1"), std::string("a\0\x01b", 4),
                            std::string("\xFF\0", 2)}) {
    for (uint64_t customer : {uint64_t{1}, uint64_t{0x0001}, uint64_t{0x0100},
                              uint64_t{0x00FF00010000FF01ULL}, UINT64_MAX}) {
      std::string own = IndexKey(1, IndexTag::kPhone, value, customer);
      std::string first =
          ChildIndexKey(1, IndexTag::kPhone, value, customer, 1);
      std::string last =
          ChildIndexKey(1, IndexTag::kPhone, value, customer, UINT64_MAX);
      CHECK(own < first);
      CHECK(first < last);
      if (customer != UINT64_MAX) {
        CHECK(last < IndexKey(1, IndexTag::kPhone, value, customer + 1));
      }
      auto parsed = ParseValueIndexKey(own);
      REQUIRE(parsed.has_value());
      CHECK(parsed->value == value);
      CHECK(parsed->customer_id == customer);
      CHECK(parsed->child_id == 0);
      parsed = ParseValueIndexKey(last);
      REQUIRE(parsed.has_value());
      CHECK(parsed->value == value);
      CHECK(parsed->customer_id == customer);
      CHECK(parsed->child_id == UINT64_MAX);
      // A cut or lengthened key is refused, and so is a child id of 0.
      CHECK_FALSE(ParseValueIndexKey(own.substr(0, own.size() - 1)));
      CHECK_FALSE(ParseValueIndexKey(last + "x"));
      CHECK_FALSE(ParseValueIndexKey(own + std::string(8, '\0')));
      CHECK(IsOwnValueIndexKey(own));
      CHECK_FALSE(IsOwnValueIndexKey(first));
      CHECK_FALSE(IsOwnValueIndexKey(last));
      // Only a customer's own phone entry is a phone index key.
      CHECK(IsPhoneIndexKey(own));
      CHECK_FALSE(IsPhoneIndexKey(first));
      CHECK_FALSE(
          IsPhoneIndexKey(IndexKey(1, IndexTag::kEmail, value, customer)));
    }
  }
}

TEST_CASE("malformed keys are refused, not misread") {
  CHECK_FALSE(ParseIndexKey("").has_value());
  CHECK_FALSE(ParseIndexKey(std::string(9, 'x')).has_value());
  std::string key = IndexKey(1, IndexTag::kPhone, "+14158675309", 3);
  CHECK_FALSE(ParseIndexKey(key.substr(0, key.size() - 1)).has_value());
  CHECK_FALSE(ParseIndexKey(key + "x").has_value());
  std::string bad_escape = AccountPrefix(1) + "P" + std::string("a\0\x02", 3);
  CHECK_FALSE(ParseIndexKey(bad_escape).has_value());
  CHECK_FALSE(ParseRecordKey("short").has_value());
}

TEST_CASE("the end of a prefix is the smallest key after all its keys") {
  CHECK(PrefixEnd("ab") == "ac");
  CHECK(PrefixEnd(std::string("a\xFF", 2)) == "b");
  CHECK(PrefixEnd(std::string("\xFF\xFF", 2)).empty());
  std::string prefix = IndexValuePrefix(1, IndexTag::kPhone, "+1415");
  CHECK(IndexKey(1, IndexTag::kPhone, "+1415", UINT64_MAX) < PrefixEnd(prefix));
}

TEST_CASE("a resume token round-trips and is bound to its list") {
  ResumePosition p{1, 42, 0x1234567890abcdefULL, "12345678"};
  std::string token = EncodeResumeToken(p);
  auto back = DecodeResumeToken(token, 1, 42, p.query_hash);
  REQUIRE(back.ok());
  CHECK(back->position == "12345678");
  CHECK(DecodeResumeToken(token, 2, 42, p.query_hash)
            .status()
            .IsInvalidArgument());
  CHECK(DecodeResumeToken(token, 1, 43, p.query_hash)
            .status()
            .IsInvalidArgument());
  CHECK(DecodeResumeToken(token, 1, 42, p.query_hash + 1)
            .status()
            .IsInvalidArgument());
  CHECK(token.find("4158675309") == std::string::npos);
}

TEST_CASE("a damaged resume token is refused") {
  std::string token = EncodeResumeToken({1, 42, 7, "12345678"});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    CHECK_FALSE(DecodeResumeToken(bad, 1, 42, 7).ok());
  }
  CHECK_FALSE(DecodeResumeToken("", 1, 42, 7).ok());
  CHECK_FALSE(DecodeResumeToken(token.substr(0, 10), 1, 42, 7).ok());
}

TEST_CASE("the exact-value prefix is a phone's or an email's whole value") {
  std::string value("a\0b", 3);  // a NUL inside the value is escaped
  std::string prefix = IndexValuePrefix(9, IndexTag::kEmail, value);
  for (std::string key : {IndexKey(9, IndexTag::kEmail, value, 5),
                          ChildIndexKey(9, IndexTag::kEmail, value, 5, 6),
                          PhoneLockKey(9, value)}) {
    auto length = ExactValuePrefixLength(key);
    REQUIRE(length.has_value());
    CHECK(*length == prefix.size());
    CHECK(key.substr(9, *length - 9) == prefix.substr(9));
  }
  // Other indexes, and a seek to the beginning of a value, have none.
  CHECK_FALSE(ExactValuePrefixLength(IndexKey(9, IndexTag::kName, value, 5)));
  CHECK_FALSE(ExactValuePrefixLength(
      IndexValueStartPrefix(9, IndexTag::kPhone, "+1415")));
  CHECK_FALSE(ExactValuePrefixLength(IndexPrefix(9, IndexTag::kPhone)));
  CHECK_FALSE(ExactValuePrefixLength(""));
}

}  // namespace custdb::keys
