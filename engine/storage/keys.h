// Key encoding: the one place that builds and parses RocksDB keys.
//
// Every key starts with the 8-byte big-endian account id, so an account is
// one contiguous key range in every column family. Keys are memcomparable:
// integers are big-endian, strings are escaped (00 -> 00 FF) and
// terminated by 00 01, so byte order equals the order of the components.
// Nothing outside this module assembles a key by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custdb::keys {

// The first byte after the account id in the records family.
enum class RecordTag : uint8_t {
  kCustomer = 'C',
  kContact = 'K',
  kLocation = 'L',
  kNote = 'O',
  kFile = 'F',
  kTag = 'T',
  kPortalLink = 'Q',
};

// The first byte after the account id in the indexes family.
enum class IndexTag : uint8_t {
  kPhone = 'P',         // E.164 phone -> customer id
  kEmail = 'E',         // lower-cased email -> customer id
  kName = 'N',          // folded name -> customer id
  kPhoneLock = 'p',     // never written; locked to serialize creates by phone
  kChild = 'c',         // customer, record tag, child id -> (empty)
  kContactPhone = 'h',  // E.164 phone, customer, contact -> (empty)
  kContactEmail = 'e',  // lower-cased email, customer, contact -> (empty)
  kAddress = 'A',       // address key, customer, location -> (empty)
  kTagName = 'g',       // folded tag name -> tag id
  kTagMember = 'm',     // tag id, customer -> (empty)
  kTimelineRef = 'r',   // customer, host reference -> timeline key
  kLink = 'l',          // customer, kind, external id -> (empty)
  kLinkTarget = 'x',    // kind, external id -> customer id
  kPortalToken = 'z',   // keyed token hash -> portal link id
};

// The byte after the account id in the counters family.
enum class CounterTag : uint8_t {
  kTotal = 'T',
  kActive = 'A',
  kInactive = 'I',
  kArchived = 'R',
  kVip = 'V',
  kCompanies = 'C',
  kCustomerNumber = 'N',  // the last customer number handed out (a Put)
  kTagCount = 'G',        // followed by a tag id: customers carrying it
};

// Names for messages ("phone", "total"); never a key's contents.
const char* IndexTagName(IndexTag tag);
const char* CounterTagName(CounterTag tag);

// Appends components to a key.
class KeyBuilder {
 public:
  explicit KeyBuilder(uint64_t account_id) { AppendU64(account_id); }

  KeyBuilder& AppendU8(uint8_t v);
  KeyBuilder& AppendU64(uint64_t v);
  KeyBuilder& AppendString(std::string_view s);

  const std::string& key() const { return key_; }
  std::string Take() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads components back, in order. Every getter returns nullopt when the
// key is too short or malformed.
class KeyReader {
 public:
  explicit KeyReader(std::string_view key) : rest_(key) {}

  std::optional<uint8_t> ReadU8();
  std::optional<uint64_t> ReadU64();
  std::optional<std::string> ReadString();
  bool AtEnd() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// The key of one customer record.
std::string CustomerKey(uint64_t account_id, uint64_t customer_id);

// The prefix of every customer record of an account.
std::string CustomerPrefix(uint64_t account_id);

// An index entry: account, tag, value, customer id.
std::string IndexKey(uint64_t account_id, IndexTag tag, std::string_view value,
                     uint64_t customer_id);

// The prefix of all entries of one index value ("every customer with this
// phone").
std::string IndexValuePrefix(uint64_t account_id, IndexTag tag,
                             std::string_view value);

// The prefix of a whole index of an account.
std::string IndexPrefix(uint64_t account_id, IndexTag tag);

// A key that is only ever locked, never written.
std::string PhoneLockKey(uint64_t account_id, std::string_view e164);

std::string CounterKey(uint64_t account_id, CounterTag tag);

// A counter of one entity (kTagCount and a tag id).
std::string CounterKey(uint64_t account_id, CounterTag tag, uint64_t id);

// The record of a child of a customer (contact, location, note, file,
// portal link) or of an account (tag), by its own id.
std::string RecordKey(uint64_t account_id, RecordTag tag, uint64_t id);

// The prefix of every record of one kind in an account.
std::string RecordPrefix(uint64_t account_id, RecordTag tag);

// A customer's children of one kind, in id order (which is creation
// order: ids only grow).
std::string ChildKey(uint64_t account_id, uint64_t customer_id, RecordTag tag,
                     uint64_t child_id);
std::string ChildPrefix(uint64_t account_id, uint64_t customer_id,
                        RecordTag tag);

// A decoded child entry.
struct ChildEntry {
  uint64_t account_id;
  uint64_t customer_id;
  RecordTag tag;
  uint64_t child_id;
};
std::optional<ChildEntry> ParseChildKey(std::string_view key);

// An index entry that names a child of a customer (a contact's phone, a
// location's address): account, tag, value, customer id, child id. The
// entries of one value sort by customer, then child.
std::string ChildIndexKey(uint64_t account_id, IndexTag tag,
                          std::string_view value, uint64_t customer_id,
                          uint64_t child_id);

// A decoded child index entry.
struct ChildIndexEntry {
  uint64_t account_id;
  IndexTag tag;
  std::string value;
  uint64_t customer_id;
  uint64_t child_id;
};
std::optional<ChildIndexEntry> ParseChildIndexKey(std::string_view key);

// The prefix of everything an account holds in any family.
std::string AccountPrefix(uint64_t account_id);

// The smallest key greater than every key that starts with `prefix`, or
// an empty string when there is none (a prefix of all FF bytes).
std::string PrefixEnd(std::string_view prefix);

// A decoded index entry.
struct IndexEntry {
  uint64_t account_id;
  IndexTag tag;
  std::string value;
  uint64_t customer_id;
};
std::optional<IndexEntry> ParseIndexKey(std::string_view key);

// A decoded record key.
struct RecordKeyParts {
  uint64_t account_id;
  RecordTag tag;
  uint64_t id;
};
std::optional<RecordKeyParts> ParseRecordKey(std::string_view key);

// A decoded counter key; `id` is 0 for an account-wide counter.
struct CounterKeyParts {
  uint64_t account_id;
  CounterTag tag;
  uint64_t id;
};
std::optional<CounterKeyParts> ParseCounterKey(std::string_view key);

// 8-byte big-endian encoding, shared by keys and fixed-width values.
void PutBigEndian64(std::string* out, uint64_t v);
uint64_t GetBigEndian64(const char* p);

}  // namespace custdb::keys
