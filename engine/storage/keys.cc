#include "engine/storage/keys.h"

namespace custdb::keys {

void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

uint64_t GetBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

KeyBuilder& KeyBuilder::AppendU8(uint8_t v) {
  key_.push_back(static_cast<char>(v));
  return *this;
}

KeyBuilder& KeyBuilder::AppendU64(uint64_t v) {
  PutBigEndian64(&key_, v);
  return *this;
}

KeyBuilder& KeyBuilder::AppendString(std::string_view s) {
  for (char c : s) {
    key_.push_back(c);
    if (c == '\0') key_.push_back('\xFF');
  }
  key_.push_back('\0');
  key_.push_back('\x01');
  return *this;
}

std::optional<uint8_t> KeyReader::ReadU8() {
  if (rest_.empty()) return std::nullopt;
  uint8_t v = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return v;
}

std::optional<uint64_t> KeyReader::ReadU64() {
  if (rest_.size() < 8) return std::nullopt;
  uint64_t v = GetBigEndian64(rest_.data());
  rest_.remove_prefix(8);
  return v;
}

std::optional<std::string> KeyReader::ReadString() {
  std::string out;
  size_t i = 0;
  while (i < rest_.size()) {
    char c = rest_[i];
    if (c != '\0') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= rest_.size()) return std::nullopt;
    char next = rest_[i + 1];
    if (next == '\xFF') {
      out.push_back('\0');
      i += 2;
    } else if (next == '\x01') {
      rest_.remove_prefix(i + 2);
      return out;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string CustomerKey(uint64_t account_id, uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(RecordTag::kCustomer))
      .AppendU64(customer_id)
      .Take();
}

std::string CustomerPrefix(uint64_t account_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(RecordTag::kCustomer))
      .Take();
}

std::string IndexKey(uint64_t account_id, IndexTag tag, std::string_view value,
                     uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendString(value)
      .AppendU64(customer_id)
      .Take();
}

std::string IndexValuePrefix(uint64_t account_id, IndexTag tag,
                             std::string_view value) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendString(value)
      .Take();
}

std::string IndexPrefix(uint64_t account_id, IndexTag tag) {
  return KeyBuilder(account_id).AppendU8(static_cast<uint8_t>(tag)).Take();
}

std::string PhoneLockKey(uint64_t account_id, std::string_view e164) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kPhoneLock))
      .AppendString(e164)
      .Take();
}

std::string CounterKey(uint64_t account_id, CounterTag tag) {
  return KeyBuilder(account_id).AppendU8(static_cast<uint8_t>(tag)).Take();
}

std::string CounterKey(uint64_t account_id, CounterTag tag, uint64_t id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendU64(id)
      .Take();
}

std::string RecordKey(uint64_t account_id, RecordTag tag, uint64_t id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendU64(id)
      .Take();
}

std::string RecordPrefix(uint64_t account_id, RecordTag tag) {
  return KeyBuilder(account_id).AppendU8(static_cast<uint8_t>(tag)).Take();
}

std::string ChildKey(uint64_t account_id, uint64_t customer_id, RecordTag tag,
                     uint64_t child_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kChild))
      .AppendU64(customer_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendU64(child_id)
      .Take();
}

std::string ChildPrefix(uint64_t account_id, uint64_t customer_id,
                        RecordTag tag) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kChild))
      .AppendU64(customer_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .Take();
}

std::optional<ChildEntry> ParseChildKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto index = r.ReadU8();
  auto customer = r.ReadU64();
  auto tag = r.ReadU8();
  auto child = r.ReadU64();
  if (!account || !index || *index != static_cast<uint8_t>(IndexTag::kChild) ||
      !customer || !tag || !child || !r.AtEnd()) {
    return std::nullopt;
  }
  return ChildEntry{*account, *customer, static_cast<RecordTag>(*tag), *child};
}

std::string ChildIndexKey(uint64_t account_id, IndexTag tag,
                          std::string_view value, uint64_t customer_id,
                          uint64_t child_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendString(value)
      .AppendU64(customer_id)
      .AppendU64(child_id)
      .Take();
}

std::optional<ChildIndexEntry> ParseChildIndexKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  if (!account || !tag) return std::nullopt;
  auto value = r.ReadString();
  auto customer = r.ReadU64();
  auto child = r.ReadU64();
  if (!value || !customer || !child || !r.AtEnd()) return std::nullopt;
  return ChildIndexEntry{*account, static_cast<IndexTag>(*tag),
                         std::move(*value), *customer, *child};
}

std::string AccountPrefix(uint64_t account_id) {
  return KeyBuilder(account_id).Take();
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    uint8_t last = static_cast<uint8_t>(end.back());
    if (last != 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

std::optional<IndexEntry> ParseIndexKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  if (!account || !tag) return std::nullopt;
  auto value = r.ReadString();
  auto id = r.ReadU64();
  if (!value || !id || !r.AtEnd()) return std::nullopt;
  return IndexEntry{*account, static_cast<IndexTag>(*tag), std::move(*value),
                    *id};
}

std::optional<RecordKeyParts> ParseRecordKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  auto id = r.ReadU64();
  if (!account || !tag || !id || !r.AtEnd()) return std::nullopt;
  return RecordKeyParts{*account, static_cast<RecordTag>(*tag), *id};
}

std::optional<CounterKeyParts> ParseCounterKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  if (!account || !tag) return std::nullopt;
  uint64_t id = 0;
  if (!r.AtEnd()) {
    auto read = r.ReadU64();
    if (!read || !r.AtEnd()) return std::nullopt;
    id = *read;
  }
  return CounterKeyParts{*account, static_cast<CounterTag>(*tag), id};
}

const char* IndexTagName(IndexTag tag) {
  switch (tag) {
    case IndexTag::kPhone:
      return "phone";
    case IndexTag::kEmail:
      return "email";
    case IndexTag::kName:
      return "name";
    case IndexTag::kPhoneLock:
      return "phone lock";
    case IndexTag::kChild:
      return "child";
    case IndexTag::kContactPhone:
      return "contact phone";
    case IndexTag::kContactEmail:
      return "contact email";
    case IndexTag::kAddress:
      return "address";
    case IndexTag::kTagName:
      return "tag name";
    case IndexTag::kTagMember:
      return "tag member";
    case IndexTag::kTimelineRef:
      return "timeline reference";
    case IndexTag::kLink:
      return "link";
    case IndexTag::kLinkTarget:
      return "link target";
    case IndexTag::kPortalToken:
      return "portal token";
  }
  return "unknown";
}

const char* CounterTagName(CounterTag tag) {
  switch (tag) {
    case CounterTag::kTotal:
      return "total";
    case CounterTag::kActive:
      return "active";
    case CounterTag::kInactive:
      return "inactive";
    case CounterTag::kArchived:
      return "archived";
    case CounterTag::kVip:
      return "vip";
    case CounterTag::kCompanies:
      return "companies";
    case CounterTag::kCustomerNumber:
      return "customer number";
    case CounterTag::kTagCount:
      return "tag";
  }
  return "unknown";
}

}  // namespace custdb::keys
