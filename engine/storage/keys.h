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
  // A customer merged into another: its old id -> the survivor's id (8
  // bytes big-endian), so that the old id still resolves.
  kMerged = 'M',
};

// The first byte after the account id in the indexes family.
enum class IndexTag : uint8_t {
  // A customer's own phone (account, tag, value, customer) and, right
  // after it, its contacts' with the same value (..., customer, contact):
  // one seek reads both, in customer order. The same for kEmail.
  kPhone = 'P',      // E.164 phone, customer[, contact] -> (empty)
  kEmail = 'E',      // lower-cased email, customer[, contact] -> (empty)
  kName = 'N',       // folded name -> customer id
  kPhoneLock = 'p',  // never written; locked to serialize creates by phone
  kChild = 'c',      // customer, record tag, child id -> (empty)
  // Format version 1 only: contacts' phones and emails, under tags of
  // their own; version 2 keeps them under kPhone and kEmail.
  kContactPhone = 'h',  // E.164 phone, customer, contact -> (empty)
  kContactEmail = 'e',  // lower-cased email, customer, contact -> (empty)
  kAddress = 'A',       // address key, customer, location -> (empty)
  kTagName = 'g',       // folded tag name -> tag id
  kTagMember = 'm',     // tag id, customer -> (empty)
  kTimelineRef = 'r',   // customer, host reference -> timeline key
  kLink = 'l',          // customer, kind, external id -> Link record
  kLinkTarget = 'x',    // kind, external id -> customer id
  kPortalToken = 'z',   // keyed token hash -> portal link id
  kPendingFile = 'f',   // file id -> customer id, while its chunks are written
  kTrigram = 'w',       // trigram, customer -> how many of its names have it
  kLooseEmail = 'v',    // loose email key, customer, source -> (empty)
  kCustomerRow = 'L',   // sort, sort value, customer -> CustomerRow
  kSearchWord = 'k',    // word, folded name, customer, source -> (empty)
  kPhoneSuffix = 'q',   // last four digits, customer, source -> (empty)
};

// The orders of the customer list, as the byte after kCustomerRow. Never
// renumbered: they are stored.
enum class RowSort : uint8_t {
  kName = 'n',          // folded display name, then customer id
  kLastActivity = 'a',  // ~last_activity_at_ms, then customer id
  kCreated = 't',       // ~created_at_ms, then customer id
  kId = 'i',            // customer id alone: a row read by id (search)
};

// The byte after the account id in the counters family.
enum class CounterTag : uint8_t {
  kTotal = 'T',
  kActive = 'A',
  kInactive = 'I',
  kArchived = 'R',
  kVip = 'V',
  kCompanies = 'C',
  kCustomerNumber = 'N',   // the last customer number handed out (a Put)
  kTagCount = 'G',         // followed by a tag id: customers carrying it
  kTrigramPostings = 'W',  // followed by a trigram's hash: its index entries
};

// The byte after the account id in the timeline family. Times and entry
// ids are stored inverted (bitwise NOT of the 8-byte big-endian value), so
// that ascending key order is newest first.
enum class TimelineTag : uint8_t {
  kEntry = 'E',    // customer, ~occurred_at, ~entry id -> TimelineEntry
  kChannel = 'H',  // customer, channel, ~occurred_at, ~entry id -> (empty)
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
  // A string's escaped bytes without its terminator: the prefix of every
  // key whose string component starts with `s`.
  KeyBuilder& AppendStringPrefix(std::string_view s);

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

// The redirect left by a customer merged into another (records family):
// account, kMerged, the merged customer's id -> the survivor's id.
std::string MergedKey(uint64_t account_id, uint64_t customer_id);

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

// The tag library: a folded tag name -> the tag's id, and a tag's
// customers, in customer id order.
std::string TagNameKey(uint64_t account_id, std::string_view folded_name);
std::string TagNamePrefix(uint64_t account_id);
std::string TagMemberKey(uint64_t account_id, uint64_t tag_id,
                         uint64_t customer_id);
std::string TagMemberPrefix(uint64_t account_id, uint64_t tag_id);

// A decoded child entry.
struct ChildEntry {
  uint64_t account_id;
  uint64_t customer_id;
  RecordTag tag;
  uint64_t child_id;
};
std::optional<ChildEntry> ParseChildKey(std::string_view key);

// A timeline entry: account, 'E', customer, ~occurred_at, ~entry id. The
// value is the TimelineEntry record. A customer's timeline is the key
// range of TimelinePrefix, newest first (then the higher id first).
std::string TimelineKey(uint64_t account_id, uint64_t customer_id,
                        int64_t occurred_at_ms, uint64_t entry_id);
std::string TimelinePrefix(uint64_t account_id, uint64_t customer_id);

// The same entry in its channel's list: account, 'H', customer, channel,
// ~occurred_at, ~entry id, with an empty value.
std::string TimelineChannelKey(uint64_t account_id, uint64_t customer_id,
                               uint8_t channel, int64_t occurred_at_ms,
                               uint64_t entry_id);
std::string TimelineChannelPrefix(uint64_t account_id, uint64_t customer_id,
                                  uint8_t channel);

// A decoded timeline key of either kind; `channel` is 0 for kEntry.
struct TimelineKeyParts {
  uint64_t account_id;
  TimelineTag tag;
  uint64_t customer_id;
  uint8_t channel;
  int64_t occurred_at_ms;
  uint64_t entry_id;
};
std::optional<TimelineKeyParts> ParseTimelineKey(std::string_view key);

// An entry's position in a timeline list: the 16 bytes both of its keys
// end with (~occurred_at, ~entry id), which order the list.
struct TimelinePositionParts {
  int64_t occurred_at_ms;
  uint64_t entry_id;
};
std::string TimelinePosition(int64_t occurred_at_ms, uint64_t entry_id);
std::optional<TimelinePositionParts> ParseTimelinePosition(
    std::string_view position);

// The external-reference index of the timeline (indexes family):
// account, 'r', customer, S(reference) -> the entry's TimelineKey.
std::string TimelineRefKey(uint64_t account_id, uint64_t customer_id,
                           std::string_view external_ref);

// ---- Files ----
// A chunk of a file's contents, in the files family: account, file id,
// chunk number (from 0). A file's chunks are one contiguous range.
std::string FileChunkKey(uint64_t account_id, uint64_t file_id, uint64_t chunk);
std::string FileChunkPrefix(uint64_t account_id, uint64_t file_id);

struct FileChunkParts {
  uint64_t account_id;
  uint64_t file_id;
  uint64_t chunk;
};
std::optional<FileChunkParts> ParseFileChunkKey(std::string_view key);

// The marker of a file whose chunks are being written and whose record is
// not yet committed (indexes family).
std::string PendingFileKey(uint64_t account_id, uint64_t file_id);
std::string PendingFilePrefix(uint64_t account_id);

struct PendingFileParts {
  uint64_t account_id;
  uint64_t file_id;
};
std::optional<PendingFileParts> ParsePendingFileKey(std::string_view key);

// ---- Links to the host's records ----
// A customer's link (indexes family): account, kLink, customer, kind,
// external id. A customer's links sort by kind, then external id.
std::string LinkKey(uint64_t account_id, uint64_t customer_id,
                    std::string_view kind, std::string_view external_id);
std::string LinkPrefix(uint64_t account_id, uint64_t customer_id);

struct LinkKeyParts {
  uint64_t account_id;
  uint64_t customer_id;
  std::string kind;
  std::string external_id;
};
std::optional<LinkKeyParts> ParseLinkKey(std::string_view key);

// Which customer holds a host record: account, kLinkTarget, kind,
// external id.
std::string LinkTargetKey(uint64_t account_id, std::string_view kind,
                          std::string_view external_id);

// ---- Customer portal ----
// A portal token's keyed hash -> the portal link's id (indexes family).
std::string PortalTokenKey(uint64_t account_id, std::string_view token_hash);

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
// nullopt for a key without a child id, or with child id 0 (no id is 0).
std::optional<ChildIndexEntry> ParseChildIndexKey(std::string_view key);

// An entry of an index that holds customers' own values and their
// children's side by side (kPhone, kEmail; see IndexTag): either form,
// with child_id 0 for a customer's own entry (no id is 0).
std::optional<ChildIndexEntry> ParseValueIndexKey(std::string_view key);

// ---- The fuzzy name index ----
// A trigram of a customer's names (see engine/match): account, kTrigram,
// trigram, customer, in the trigrams family. The value counts the names
// that have the trigram (the customer's own, its contacts'), 4 bytes
// big-endian; the entry goes when the count reaches 0. A trigram's
// entries sort by customer.
std::string TrigramKey(uint64_t account_id, std::string_view trigram,
                       uint64_t customer_id);
std::string TrigramPrefix(uint64_t account_id, std::string_view trigram);

// The value of a trigram entry, and back (nullopt when malformed).
std::string EncodeTrigramCount(uint32_t names);
std::optional<uint32_t> DecodeTrigramCount(std::string_view value);

// The counter of a trigram's entries: account, kTrigramPostings,
// xxh64(trigram). Two trigrams that share a hash share a counter, which
// only makes a list look longer than it is.
std::string TrigramCounterKey(uint64_t account_id, std::string_view trigram);

// The counter of the trigram an entry is of, or nullopt for every entry
// that is not a trigram's.
std::optional<std::string> TrigramCounterOf(std::string_view index_key);

// ---- The customer list ----
// A customer's row in one order of the list (indexes family): account,
// kCustomerRow, sort, the sort value, customer id; the value is the
// packed CustomerRow. The sort value is S(folded display name) for
// kName, ~time (8 bytes) for the two newest-first orders; the customer
// id breaks ties. A customer has one entry in each order.
std::string CustomerRowByNameKey(uint64_t account_id,
                                 std::string_view folded_name,
                                 uint64_t customer_id);
std::string CustomerRowByTimeKey(uint64_t account_id, RowSort sort,
                                 int64_t time_ms, uint64_t customer_id);
std::string CustomerRowPrefix(uint64_t account_id, RowSort sort);

// A row's position in its list: the key after its prefix (the sort value
// and the customer id), which orders the list. A key of another kind,
// or a position that is not one of `sort`'s, gives nullopt.
std::optional<std::string> CustomerRowPosition(std::string_view key,
                                               RowSort sort);
bool IsCustomerRowPosition(std::string_view position, RowSort sort);

// A customer's row by id alone (RowSort::kId), which search reads for each
// customer it finds.
std::string CustomerRowByIdKey(uint64_t account_id, uint64_t customer_id);

// ---- Search ----
// A word of one of a customer's names (its display name, each contact's
// first and last name), folded: account, kSearchWord, S(word), S(folded
// name), customer, source (the customer's own id, or the contact's). A
// name's words are each indexed once. A word's entries sort by the name
// that has it, so a page of a word prefix is in name order.
std::string SearchWordKey(uint64_t account_id, std::string_view word,
                          std::string_view folded_name, uint64_t customer_id,
                          uint64_t source_id);

// The prefix of the entries of every word that starts with `word_prefix`
// (exact: of the entries of that word alone).
std::string SearchWordPrefix(uint64_t account_id, std::string_view word_prefix,
                             bool exact);

struct SearchWordEntry {
  std::string word;
  std::string folded_name;
  uint64_t customer_id;
  uint64_t source_id;
};
std::optional<SearchWordEntry> ParseSearchWordKey(std::string_view key);
// The word of a search-word key alone (nullopt when malformed).
std::optional<std::string> SearchWordOf(std::string_view key);

// The prefix of the entries of an index (kPhone, kEmail) whose value
// starts with `value_prefix`.
std::string IndexValueStartPrefix(uint64_t account_id, IndexTag tag,
                                  std::string_view value_prefix);

// The prefix of everything an account holds in any family.
std::string AccountPrefix(uint64_t account_id);

// The length of the exact-value prefix of an indexes-family key: the
// account, the tag and the whole value of a phone or email entry
// (kPhone, kEmail, and version 1's kContactPhone and kContactEmail) or of
// a phone's lock,
// through the value's terminator. nullopt for every other key, and for a
// key whose value is not terminated (a seek to the start of a value).
// The indexes family filters seeks by this prefix (engine/storage/store.cc).
std::optional<size_t> ExactValuePrefixLength(std::string_view key);

// Whether a key of a value index (kPhone, kEmail) is a customer's own
// entry, which ends with the customer id, not a contact's, which has the
// contact id after it. Reads the key's length alone, parsing nothing.
bool IsOwnValueIndexKey(std::string_view key);

// Whether an indexes-family key is a customer's own entry in the phone
// index (kPhone), not a contact's.
bool IsPhoneIndexKey(std::string_view key);

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
