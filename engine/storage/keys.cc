#include "engine/storage/keys.h"

#include <xxhash.h>

namespace custdb::keys {

void PutBigEndian64(std::string* out, uint64_t v) {
  // One append, not eight: keys are built by the million in a load.
  char bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  out->append(bytes, sizeof bytes);
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

KeyBuilder& KeyBuilder::AppendStringPrefix(std::string_view s) {
  AppendString(s);
  key_.resize(key_.size() - 2);
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

std::string MergedKey(uint64_t account_id, uint64_t customer_id) {
  return RecordKey(account_id, RecordTag::kMerged, customer_id);
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

std::string TagNameKey(uint64_t account_id, std::string_view folded_name) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kTagName))
      .AppendString(folded_name)
      .Take();
}

std::string TagNamePrefix(uint64_t account_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kTagName))
      .Take();
}

std::string TagMemberKey(uint64_t account_id, uint64_t tag_id,
                         uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kTagMember))
      .AppendU64(tag_id)
      .AppendU64(customer_id)
      .Take();
}

std::string TagMemberPrefix(uint64_t account_id, uint64_t tag_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kTagMember))
      .AppendU64(tag_id)
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

namespace {

// A time as a key component: inverted, so that later sorts first. Only
// times after the epoch are stored, which keeps the order exact.
uint64_t InvertTime(int64_t ms) { return ~static_cast<uint64_t>(ms); }
int64_t RestoreTime(uint64_t inverted) {
  return static_cast<int64_t>(~inverted);
}

}  // namespace

std::string TimelineKey(uint64_t account_id, uint64_t customer_id,
                        int64_t occurred_at_ms, uint64_t entry_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(TimelineTag::kEntry))
      .AppendU64(customer_id)
      .AppendU64(InvertTime(occurred_at_ms))
      .AppendU64(~entry_id)
      .Take();
}

std::string TimelinePrefix(uint64_t account_id, uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(TimelineTag::kEntry))
      .AppendU64(customer_id)
      .Take();
}

std::string TimelineChannelKey(uint64_t account_id, uint64_t customer_id,
                               uint8_t channel, int64_t occurred_at_ms,
                               uint64_t entry_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(TimelineTag::kChannel))
      .AppendU64(customer_id)
      .AppendU8(channel)
      .AppendU64(InvertTime(occurred_at_ms))
      .AppendU64(~entry_id)
      .Take();
}

std::string TimelineChannelPrefix(uint64_t account_id, uint64_t customer_id,
                                  uint8_t channel) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(TimelineTag::kChannel))
      .AppendU64(customer_id)
      .AppendU8(channel)
      .Take();
}

std::optional<TimelineKeyParts> ParseTimelineKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  auto customer = r.ReadU64();
  if (!account || !tag || !customer) return std::nullopt;
  std::optional<uint8_t> channel = 0;
  if (*tag == static_cast<uint8_t>(TimelineTag::kChannel)) {
    channel = r.ReadU8();
  } else if (*tag != static_cast<uint8_t>(TimelineTag::kEntry)) {
    return std::nullopt;
  }
  auto time = r.ReadU64();
  auto id = r.ReadU64();
  if (!channel || !time || !id || !r.AtEnd()) return std::nullopt;
  return TimelineKeyParts{*account,           static_cast<TimelineTag>(*tag),
                          *customer,          *channel,
                          RestoreTime(*time), ~*id};
}

std::string TimelinePosition(int64_t occurred_at_ms, uint64_t entry_id) {
  std::string out;
  PutBigEndian64(&out, InvertTime(occurred_at_ms));
  PutBigEndian64(&out, ~entry_id);
  return out;
}

std::optional<TimelinePositionParts> ParseTimelinePosition(
    std::string_view position) {
  if (position.size() != 16) return std::nullopt;
  return TimelinePositionParts{RestoreTime(GetBigEndian64(position.data())),
                               ~GetBigEndian64(position.data() + 8)};
}

std::string CustomerRowByNameKey(uint64_t account_id,
                                 std::string_view folded_name,
                                 uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kCustomerRow))
      .AppendU8(static_cast<uint8_t>(RowSort::kName))
      .AppendString(folded_name)
      .AppendU64(customer_id)
      .Take();
}

std::string CustomerRowByTimeKey(uint64_t account_id, RowSort sort,
                                 int64_t time_ms, uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kCustomerRow))
      .AppendU8(static_cast<uint8_t>(sort))
      .AppendU64(InvertTime(time_ms))
      .AppendU64(customer_id)
      .Take();
}

std::string CustomerRowPrefix(uint64_t account_id, RowSort sort) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kCustomerRow))
      .AppendU8(static_cast<uint8_t>(sort))
      .Take();
}

bool IsCustomerRowPosition(std::string_view position, RowSort sort) {
  KeyReader r(position);
  if (sort == RowSort::kName) {
    if (!r.ReadString()) return false;
  } else if (sort == RowSort::kLastActivity || sort == RowSort::kCreated) {
    if (!r.ReadU64()) return false;
  } else {
    return false;
  }
  return r.ReadU64().has_value() && r.AtEnd();
}

std::optional<std::string> CustomerRowPosition(std::string_view key,
                                               RowSort sort) {
  constexpr size_t kPrefixSize = 10;  // account, kCustomerRow, sort
  if (key.size() < kPrefixSize ||
      static_cast<uint8_t>(key[8]) !=
          static_cast<uint8_t>(IndexTag::kCustomerRow) ||
      static_cast<uint8_t>(key[9]) != static_cast<uint8_t>(sort)) {
    return std::nullopt;
  }
  std::string_view position = key.substr(kPrefixSize);
  if (!IsCustomerRowPosition(position, sort)) return std::nullopt;
  return std::string(position);
}

std::string CustomerRowByIdKey(uint64_t account_id, uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kCustomerRow))
      .AppendU8(static_cast<uint8_t>(RowSort::kId))
      .AppendU64(customer_id)
      .Take();
}

std::string SearchWordKey(uint64_t account_id, std::string_view word,
                          std::string_view folded_name, uint64_t customer_id,
                          uint64_t source_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kSearchWord))
      .AppendString(word)
      .AppendString(folded_name)
      .AppendU64(customer_id)
      .AppendU64(source_id)
      .Take();
}

std::string SearchWordPrefix(uint64_t account_id, std::string_view word_prefix,
                             bool exact) {
  KeyBuilder b(account_id);
  b.AppendU8(static_cast<uint8_t>(IndexTag::kSearchWord));
  if (exact) {
    b.AppendString(word_prefix);
  } else {
    b.AppendStringPrefix(word_prefix);
  }
  return b.Take();
}

std::optional<SearchWordEntry> ParseSearchWordKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  if (!account || tag != static_cast<uint8_t>(IndexTag::kSearchWord)) {
    return std::nullopt;
  }
  auto word = r.ReadString();
  auto name = r.ReadString();
  auto customer = r.ReadU64();
  auto source = r.ReadU64();
  if (!word || !name || !customer || !source || !r.AtEnd()) {
    return std::nullopt;
  }
  return SearchWordEntry{std::move(*word), std::move(*name), *customer,
                         *source};
}

std::optional<std::string> SearchWordOf(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  if (!account || tag != static_cast<uint8_t>(IndexTag::kSearchWord)) {
    return std::nullopt;
  }
  return r.ReadString();
}

std::string IndexValueStartPrefix(uint64_t account_id, IndexTag tag,
                                  std::string_view value_prefix) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(tag))
      .AppendStringPrefix(value_prefix)
      .Take();
}

std::string TimelineRefKey(uint64_t account_id, uint64_t customer_id,
                           std::string_view external_ref) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kTimelineRef))
      .AppendU64(customer_id)
      .AppendString(external_ref)
      .Take();
}

std::string FileChunkKey(uint64_t account_id, uint64_t file_id,
                         uint64_t chunk) {
  return KeyBuilder(account_id).AppendU64(file_id).AppendU64(chunk).Take();
}

std::string FileChunkPrefix(uint64_t account_id, uint64_t file_id) {
  return KeyBuilder(account_id).AppendU64(file_id).Take();
}

std::optional<FileChunkParts> ParseFileChunkKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto file = r.ReadU64();
  auto chunk = r.ReadU64();
  if (!account || !file || !chunk || !r.AtEnd()) return std::nullopt;
  return FileChunkParts{*account, *file, *chunk};
}

std::string PendingFileKey(uint64_t account_id, uint64_t file_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kPendingFile))
      .AppendU64(file_id)
      .Take();
}

std::string PendingFilePrefix(uint64_t account_id) {
  return IndexPrefix(account_id, IndexTag::kPendingFile);
}

std::optional<PendingFileParts> ParsePendingFileKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  auto file = r.ReadU64();
  if (!account || !tag ||
      *tag != static_cast<uint8_t>(IndexTag::kPendingFile) || !file ||
      !r.AtEnd()) {
    return std::nullopt;
  }
  return PendingFileParts{*account, *file};
}

std::string LinkKey(uint64_t account_id, uint64_t customer_id,
                    std::string_view kind, std::string_view external_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kLink))
      .AppendU64(customer_id)
      .AppendString(kind)
      .AppendString(external_id)
      .Take();
}

std::string LinkPrefix(uint64_t account_id, uint64_t customer_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kLink))
      .AppendU64(customer_id)
      .Take();
}

std::optional<LinkKeyParts> ParseLinkKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  auto customer = r.ReadU64();
  auto kind = r.ReadString();
  auto external_id = r.ReadString();
  if (!account || !tag || *tag != static_cast<uint8_t>(IndexTag::kLink) ||
      !customer || !kind || !external_id || !r.AtEnd()) {
    return std::nullopt;
  }
  return LinkKeyParts{*account, *customer, std::move(*kind),
                      std::move(*external_id)};
}

std::string LinkTargetKey(uint64_t account_id, std::string_view kind,
                          std::string_view external_id) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kLinkTarget))
      .AppendString(kind)
      .AppendString(external_id)
      .Take();
}

std::string PortalTokenKey(uint64_t account_id, std::string_view token_hash) {
  return KeyBuilder(account_id)
      .AppendU8(static_cast<uint8_t>(IndexTag::kPortalToken))
      .AppendString(token_hash)
      .Take();
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
  auto entry = ParseValueIndexKey(key);
  if (!entry || entry->child_id == 0) return std::nullopt;
  return entry;
}

std::optional<ChildIndexEntry> ParseValueIndexKey(std::string_view key) {
  KeyReader r(key);
  auto account = r.ReadU64();
  auto tag = r.ReadU8();
  if (!account || !tag) return std::nullopt;
  auto value = r.ReadString();
  auto customer = r.ReadU64();
  if (!value || !customer) return std::nullopt;
  uint64_t child = 0;
  if (!r.AtEnd()) {
    auto id = r.ReadU64();
    if (!id || *id == 0 || !r.AtEnd()) return std::nullopt;
    child = *id;
  }
  return ChildIndexEntry{*account, static_cast<IndexTag>(*tag),
                         std::move(*value), *customer, child};
}

std::string AccountPrefix(uint64_t account_id) {
  return KeyBuilder(account_id).Take();
}

std::optional<size_t> ExactValuePrefixLength(std::string_view key) {
  constexpr size_t kValueStart = 9;  // the account id and the tag
  if (key.size() < kValueStart + 2) return std::nullopt;
  switch (static_cast<IndexTag>(key[8])) {
    case IndexTag::kPhone:
    case IndexTag::kEmail:
    case IndexTag::kContactPhone:
    case IndexTag::kContactEmail:
    case IndexTag::kPhoneLock:
      break;
    default:
      return std::nullopt;
  }
  // An escaped 00 is followed by FF, so the first 00 01 ends the value.
  for (size_t i = kValueStart; i + 1 < key.size(); ++i) {
    if (key[i] != '\0') continue;
    if (key[i + 1] == '\x01') return i + 2;
    ++i;  // the FF of an escaped 00
  }
  return std::nullopt;
}

bool IsOwnValueIndexKey(std::string_view key) {
  auto value_end = ExactValuePrefixLength(key);
  return value_end && key.size() == *value_end + 8;
}

bool IsPhoneIndexKey(std::string_view key) {
  return key.size() > 8 && static_cast<IndexTag>(key[8]) == IndexTag::kPhone &&
         IsOwnValueIndexKey(key);
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
  auto entry = ParseValueIndexKey(key);
  if (!entry || entry->child_id != 0) return std::nullopt;
  return IndexEntry{entry->account_id, entry->tag, std::move(entry->value),
                    entry->customer_id};
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

std::string TrigramKey(uint64_t account_id, std::string_view trigram,
                       uint64_t customer_id) {
  return IndexKey(account_id, IndexTag::kTrigram, trigram, customer_id);
}

std::string EncodeTrigramCount(uint32_t names) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((names >> shift) & 0xFF));
  }
  return out;
}

std::optional<uint32_t> DecodeTrigramCount(std::string_view value) {
  if (value.size() != 4) return std::nullopt;
  uint32_t n = 0;
  for (char c : value) n = (n << 8) | static_cast<uint8_t>(c);
  return n;
}

std::string TrigramPrefix(uint64_t account_id, std::string_view trigram) {
  return IndexValuePrefix(account_id, IndexTag::kTrigram, trigram);
}

std::string TrigramCounterKey(uint64_t account_id, std::string_view trigram) {
  return CounterKey(account_id, CounterTag::kTrigramPostings,
                    XXH64(trigram.data(), trigram.size(), 0));
}

std::optional<std::string> TrigramCounterOf(std::string_view index_key) {
  if (index_key.size() <= 8 || static_cast<uint8_t>(index_key[8]) !=
                                   static_cast<uint8_t>(IndexTag::kTrigram)) {
    return std::nullopt;
  }
  auto entry = ParseIndexKey(index_key);
  if (!entry) return std::nullopt;
  return TrigramCounterKey(entry->account_id, entry->value);
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
    case IndexTag::kTrigram:
      return "trigram";
    case IndexTag::kLooseEmail:
      return "loose email";
    case IndexTag::kPendingFile:
      return "pending file";
    case IndexTag::kCustomerRow:
      return "customer row";
    case IndexTag::kSearchWord:
      return "search word";
    case IndexTag::kPhoneSuffix:
      return "phone suffix";
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
    case CounterTag::kTrigramPostings:
      return "trigram postings";
  }
  return "unknown";
}

}  // namespace custdb::keys
