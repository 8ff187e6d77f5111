#include "engine/customers/customer_search.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "engine/match/search_words.h"
#include "engine/normalize/email.h"
#include "engine/normalize/name.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"

namespace custdb {
namespace {

using keys::IndexTag;

// The entries one page call examines at most, as in the list: a page that
// skipped them all comes back empty and not done.
constexpr size_t kMaxEntriesExamined = 1024;

// Fuzzy matches follow when the exact and prefix classes found fewer.
constexpr size_t kFewMatches = 10;

// How many far words typo search may pass in place of one entry of the
// bound above: judging a word by its letters costs a fraction of judging
// an entry and its row.
constexpr size_t kFarWordsPerEntry = 8;

// Typo search passes the entries of a word that is not close by Next up
// to this many times, then seeks past the rest.
constexpr int kNextsBeforeSeek = 4;

// How far a word is from a query word, as typo search judges it.
struct Distance {
  // Within k edits (insertions, deletions, substitutions, swaps of
  // neighbours) of a beginning of the word whose length is within k of the
  // query's.
  bool close;
  // When the word is far and so is every word that begins with its first
  // `far_prefix` code points: that count; otherwise 0.
  size_t far_prefix;
};

// The distance of a word from a query word (FuzzyWordMatch's rule); a
// query word under 4 code points is far from everything, with no prefix.
Distance JudgeTypo(std::string_view query, std::string_view word);

// The classes of a search, as the first byte of a position. Ascending is
// the order of the results: a phone's whole number before its last four
// before its beginning; a name's exact words before word prefixes before
// typos.
enum Class : char {
  kPhoneWhole = 'a',
  kPhoneLastFour = 'b',
  kPhoneStart = 'c',
  kEmailStart = 'd',
  kNameExact = 'e',
  kNamePrefix = 'f',
  // Typos, one class per beginning of the words read (FuzzyRanges): 'g',
  // then 'h' and 'i'.
  kNameFuzzy = 'g',
};

constexpr size_t kMaxFuzzyRanges = 3;

bool IsFuzzy(char cls) {
  return cls >= kNameFuzzy && cls < kNameFuzzy + char{kMaxFuzzyRanges};
}

// One index range a class reads. A value index (kPhone, kEmail) holds a
// customer's own entry, which ends with the customer, beside its
// contacts' (customer, then contact); the position of an own entry
// appends source 0, so that every position has a source and positions
// keep the key order.
struct Source {
  IndexTag tag;
  std::string prefix;  // the whole range's key prefix
  bool value_index;
};

struct Step {
  Class cls;
  std::vector<Source> sources;
};

// A position: class, matches found so far in the classes before the
// fuzzy ones (saturating at 255), then the entry's position in its range.
constexpr size_t kPositionHeader = 2;
constexpr size_t kKeyHeader = 9;  // account id, index tag

// What a page call shares.
struct Search {
  Store* store;
  rocksdb::ReadOptions ro;
  uint64_t account_id;
  const CustomerListFilter& filter;
  std::vector<uint64_t> tags;
  SearchQuery query;
  std::string driver;  // the query word whose entries are read
  std::vector<std::string> fuzzy_ranges;  // FuzzyRanges(driver)
};

// One range of one index, read in key order from a position on.
class Stream {
 public:
  Stream(const Search& search, const Source& source)
      : source_(source), end_(keys::PrefixEnd(source.prefix)) {
    rocksdb::ReadOptions ro = search.ro;
    upper_ = rocksdb::Slice(end_);
    ro.iterate_upper_bound = &upper_;
    it_.reset(search.store->db()->NewIterator(
        ro, search.store->family(Family::kIndexes)));
  }

  // Positions at the first entry after `after` (empty: the first).
  Status SeekAfter(const std::string& after) {
    std::string target = source_.prefix.substr(0, kKeyHeader);
    if (after.empty()) {
      target = source_.prefix;
    } else {
      // A value index's own entry lacks the source its position appends:
      // the seek goes to the customer's first entry, the loop below past
      // those not after the position.
      target += source_.value_index && after.size() >= 8
                    ? after.substr(0, after.size() - 8)
                    : after;
      if (target < source_.prefix) target = source_.prefix;
    }
    it_->Seek(target);
    CUSTDB_RETURN_IF_ERROR(Load());
    while (valid_ && !after.empty() && position() <= after) {
      CUSTDB_RETURN_IF_ERROR(Next());
    }
    return Status::Ok();
  }

  // Positions at the first entry at or after `key`.
  Status SeekKey(const std::string& key) {
    it_->Seek(key);
    return Load();
  }

  Status Next() {
    it_->Next();
    return Load();
  }

  bool valid() const { return valid_; }
  // The entry's position, made when first asked for: entries that typo
  // search passes over never need one.
  const std::string& position() const {
    if (!position_ready_) {
      rocksdb::Slice key = it_->key();
      position_.assign(key.data() + kKeyHeader, key.size() - kKeyHeader);
      // A customer's own entry sorts before its contacts' and takes source
      // 0, below every contact id, so that positions keep the key order.
      if (source_.value_index && keys::IsOwnValueIndexKey(key.ToStringView())) {
        position_.append(8, '\0');
      }
      position_ready_ = true;
    }
    return position_;
  }
  rocksdb::Slice key() const { return it_->key(); }
  rocksdb::Slice value() const { return it_->value(); }

 private:
  Status Load() {
    valid_ = it_->Valid();
    if (!valid_) {
      if (!it_->status().ok()) {
        return FromRocks(it_->status(), "searching the customer list");
      }
      return Status::Ok();
    }
    position_ready_ = false;
    rocksdb::Slice key = it_->key();
    if (key.size() < kKeyHeader + (source_.value_index ? 8 : 0)) {
      return Status::Corruption("customer search: an index key is damaged");
    }
    return Status::Ok();
  }

  const Source& source_;
  std::string end_;
  rocksdb::Slice upper_;
  std::unique_ptr<rocksdb::Iterator> it_;
  bool valid_ = false;
  mutable bool position_ready_ = false;
  mutable std::string position_;
};

// The code points of a folded word, into `out`.
void DecodeCodePoints(std::string_view s, std::u32string* out) {
  out->clear();
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > s.size()) n = s.size() - i;
    char32_t cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (size_t k = 1; k < n; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out->push_back(cp);
    i += n;
  }
}

std::u32string CodePoints(std::string_view s) {
  std::u32string out;
  DecodeCodePoints(s, &out);
  return out;
}

// The bytes of the first `n` code points of a UTF-8 word.
std::string FirstCodePoints(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t seen = 0; i < s.size() && seen < n; ++seen) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
      ++i;
    }
  }
  return std::string(s.substr(0, i));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// How well a name's words answer the query's: 0 every query word is a
// word of the name, 1 every query word begins one, 2 every one begins one
// or is a typo of one, 3 not at all.
int MatchLevel(const std::vector<std::string>& words,
               const std::vector<std::string>& query) {
  int level = 0;
  for (const auto& q : query) {
    int best = 3;
    for (const auto& w : words) {
      if (w == q) {
        best = 0;
        break;
      }
      if (StartsWith(w, q)) {
        best = std::min(best, 1);
      } else if (best > 2 && FuzzyWordMatch(q, w)) {
        best = 2;
      }
    }
    level = std::max(level, best);
    if (level == 3) break;
  }
  return level;
}

int ClassLevel(Class cls) {
  switch (cls) {
    case kNameExact:
      return 0;
    case kNamePrefix:
      return 1;
    default:
      return 2;
  }
}

// The beginnings of the words typo search reads for a query word, each
// once, in the order of their classes. A word one edit from the query
// either keeps the query's first two letters (an edit at the third letter
// or later), or, when the second letter is the one swapped or typed in
// excess, begins with the first, third and second ("jhon" for "john") or
// with the first, third and fourth ("jxohn"). A slip of the first letter,
// or a second letter replaced or left out, is not found.
std::vector<std::string> FuzzyRanges(const std::string& driver) {
  std::u32string cps = CodePoints(driver);
  std::vector<std::string> ranges;
  if (cps.size() < 4) return ranges;
  auto utf8 = [](std::u32string_view points) {
    std::string out;
    for (char32_t cp : points) {
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    }
    return out;
  };
  for (std::u32string range :
       {std::u32string{cps[0], cps[1]}, std::u32string{cps[0], cps[2], cps[1]},
        std::u32string{cps[0], cps[2], cps[3]}}) {
    std::string bytes = utf8(range);
    // A range inside an earlier one adds nothing.
    bool covered = false;
    for (const auto& r : ranges) covered = covered || StartsWith(bytes, r);
    if (!covered) ranges.push_back(std::move(bytes));
  }
  return ranges;
}

// Whether a name's entry at `entry_word` is where the name is shown in
// its class: the smallest of the name's words that the class reads it by.
bool FirstWordOfName(const Search& search, Class cls,
                     const std::vector<std::string>& words,
                     const std::string& entry_word) {
  std::optional<std::string> first;
  auto consider = [&](const std::string& w) {
    if (!first || w < *first) first = w;
  };
  if (cls == kNameExact) return true;  // one entry per name has the word
  if (cls == kNamePrefix) {
    for (const auto& w : words) {
      if (StartsWith(w, search.driver)) consider(w);
    }
    return first && *first == entry_word;
  }
  size_t index = static_cast<size_t>(cls - kNameFuzzy);
  for (const auto& w : words) {
    if (!FuzzyWordMatch(search.driver, w)) continue;
    for (size_t r = 0; r < index; ++r) {
      if (StartsWith(w, search.fuzzy_ranges[r])) return false;
    }
    if (StartsWith(w, search.fuzzy_ranges[index])) consider(w);
  }
  return first && *first == entry_word;
}

// Whether a customer's own name is shown at `level` or before: it answers
// that well, and a fuzzy answer is among the words fuzzy search reads.
bool ShownByOwnName(const Search& search, const std::vector<std::string>& own,
                    int level) {
  int own_level = MatchLevel(own, search.query.words);
  if (own_level > level) return false;
  if (own_level < 2) return true;
  for (const auto& w : own) {
    if (!FuzzyWordMatch(search.driver, w)) continue;
    for (const auto& range : search.fuzzy_ranges) {
      if (StartsWith(w, range)) return true;
    }
  }
  return false;
}

std::vector<Step> StepsOf(uint64_t account_id, const SearchQuery& q,
                          const std::string& driver) {
  std::vector<Step> steps;
  switch (q.kind) {
    case SearchQuery::Kind::kNone:
      break;
    case SearchQuery::Kind::kPhone: {
      std::string e164 = "+1" + q.digits;
      auto both = [&](bool exact) {
        auto prefix = [&](IndexTag tag) {
          return exact ? keys::IndexValuePrefix(account_id, tag, e164)
                       : keys::IndexValueStartPrefix(account_id, tag, e164);
        };
        return std::vector<Source>{
            {IndexTag::kPhone, prefix(IndexTag::kPhone), true}};
      };
      if (q.digits.size() == 10) {
        steps.push_back({kPhoneWhole, both(true)});
        break;
      }
      if (q.digits.size() > 10) break;  // no US number is that long
      if (q.digits.size() == kPhoneSuffixDigits) {
        steps.push_back({kPhoneLastFour,
                         {{IndexTag::kPhoneSuffix,
                           keys::IndexValuePrefix(
                               account_id, IndexTag::kPhoneSuffix, q.digits),
                           false}}});
      }
      steps.push_back({kPhoneStart, both(false)});
      break;
    }
    case SearchQuery::Kind::kEmail:
      steps.push_back(
          {kEmailStart,
           {{IndexTag::kEmail,
             keys::IndexValueStartPrefix(account_id, IndexTag::kEmail, q.email),
             true}}});
      break;
    case SearchQuery::Kind::kName: {
      auto words = [&](Class cls, const std::string& begin, bool exact) {
        return Step{
            cls,
            {{IndexTag::kSearchWord,
              keys::SearchWordPrefix(account_id, begin, exact), false}}};
      };
      steps.push_back(words(kNameExact, driver, true));
      steps.push_back(words(kNamePrefix, driver, false));
      std::vector<std::string> ranges = FuzzyRanges(driver);
      for (size_t r = 0; r < ranges.size(); ++r) {
        steps.push_back(
            words(static_cast<Class>(kNameFuzzy + static_cast<char>(r)),
                  ranges[r], false));
      }
      break;
    }
  }
  return steps;
}

// The customer an entry names, and the part of its position shared by the
// entries of one value of one customer (all but the source).
struct EntryParts {
  uint64_t customer_id = 0;
  std::string group;
  std::optional<keys::SearchWordEntry> word;  // entries of kSearchWord
  std::string value;                          // entries of the others
  rocksdb::Slice row;  // the customer's row, when the entry holds it
};

Result<EntryParts> PartsOf(const Source& source, const Stream& stream) {
  EntryParts parts;
  const std::string& position = stream.position();
  parts.group = position.substr(0, position.size() - 8);
  std::string_view key = stream.key().ToStringView();
  parts.row = stream.value();
  if (source.tag == IndexTag::kSearchWord) {
    parts.word = keys::ParseSearchWordKey(key);
    if (!parts.word) {
      return Status::Corruption("customer search: a word entry is damaged");
    }
    parts.customer_id = parts.word->customer_id;
  } else if (source.value_index) {
    auto entry = keys::ParseValueIndexKey(key);
    if (!entry) {
      return Status::Corruption("customer search: an index entry is damaged");
    }
    parts.customer_id = entry->customer_id;
    parts.value = std::move(entry->value);
  } else {
    auto entry = keys::ParseChildIndexKey(key);
    if (!entry) {
      return Status::Corruption("customer search: an index entry is damaged");
    }
    parts.customer_id = entry->customer_id;
    parts.value = std::move(entry->value);
  }
  return parts;
}

// What the page loop knows between entries.
struct Progress {
  Page page;
  size_t examined = 0;  // in units of 1 / kFarWordsPerEntry entry
  uint8_t matches = 0;  // found in the classes before the fuzzy ones
  std::string last_group;
};

std::string PositionOf(Class cls, uint8_t matches, const std::string& pos) {
  std::string out;
  out.push_back(cls);
  out.push_back(static_cast<char>(matches));
  out += pos;
  return out;
}

// Judges one entry: whether its customer is shown here, and its row.
using Verdict = std::optional<std::string>;
const Verdict kSkip;

Result<Verdict> Judge(const Search& search, Class cls, const EntryParts& parts,
                      Progress* progress) {
  std::vector<std::string> words;
  if (parts.word) {
    words = FoldedWords(parts.word->folded_name);
    int level = MatchLevel(words, search.query.words);
    if (level != ClassLevel(cls)) return kSkip;
    if (!FirstWordOfName(search, cls, words, parts.word->word)) {
      return kSkip;
    }
  } else if (cls == kPhoneStart && search.query.digits.size() == 4 &&
             parts.value.size() >= 4 &&
             parts.value.substr(parts.value.size() - 4) ==
                 search.query.digits) {
    return kSkip;  // shown with the last four
  }
  if (parts.group == progress->last_group) return kSkip;

  std::string value = parts.row.ToString();
  if (value.empty()) {
    auto s = search.store->db()->Get(
        search.ro, search.store->family(Family::kIndexes),
        keys::CustomerRowByIdKey(search.account_id, parts.customer_id), &value);
    if (s.IsNotFound()) return kSkip;  // the checker reports it
    if (!s.ok()) return FromRocks(s, "searching the customer list");
  }
  std::string storage;
  const fb::CustomerRow* row = nullptr;
  auto keep = RowPasses(search.store, search.ro, search.account_id,
                        search.filter, search.tags, value, &storage, &row);
  if (!keep.ok()) return keep.status();
  if (!*keep) return kSkip;

  // A contact's name is shown for its customer only when the customer's
  // own name is not shown in this class or an earlier one.
  if (parts.word && parts.word->source_id != parts.customer_id) {
    std::string own = FoldName(FlatString(row->display_name()));
    if (own != parts.word->folded_name &&
        ShownByOwnName(search, FoldedWords(own), ClassLevel(cls))) {
      return kSkip;
    }
  }
  return Verdict(std::move(value));
}

// Moves a stream past every entry whose key begins with `prefix`: most
// such runs are short, and Next passes them faster than a Seek would.
Status SkipPrefix(Stream* stream, const std::string& prefix) {
  int steps = 0;
  do {
    CUSTDB_RETURN_IF_ERROR(stream->Next());
  } while (stream->valid() && stream->key().starts_with(prefix) &&
           ++steps < kNextsBeforeSeek);
  if (stream->valid() && stream->key().starts_with(prefix)) {
    return stream->SeekKey(keys::PrefixEnd(prefix));
  }
  return Status::Ok();
}

// Reads one step's entries after `after` (a position within the step).
Status RunStep(const Search& search, const Step& step, const std::string& after,
               size_t limit, Progress* progress) {
  std::vector<std::unique_ptr<Stream>> streams;
  for (const auto& source : step.sources) {
    streams.push_back(std::make_unique<Stream>(search, source));
    CUSTDB_RETURN_IF_ERROR(streams.back()->SeekAfter(after));
  }
  bool fuzzy = IsFuzzy(step.cls);
  std::string checked_word;  // fuzzy: the last word found close enough
  while (true) {
    size_t next = streams.size();
    for (size_t i = 0; i < streams.size(); ++i) {
      if (!streams[i]->valid()) continue;
      if (next == streams.size() ||
          streams[i]->position() < streams[next]->position()) {
        next = i;
      }
    }
    if (next == streams.size()) return Status::Ok();
    if (progress->page.items.size() >= limit ||
        progress->examined >= kMaxEntriesExamined * kFarWordsPerEntry) {
      progress->page.done = false;
      return Status::Ok();
    }
    Stream& stream = *streams[next];
    const Source& source = step.sources[next];
    progress->examined += kFarWordsPerEntry;
    progress->page.last_position =
        PositionOf(step.cls, progress->matches, stream.position());
    if (fuzzy) {
      // Judged by its word first: most words visited are not close.
      auto word = keys::SearchWordOf(stream.key().ToStringView());
      if (!word) {
        return Status::Corruption("customer search: a word entry is damaged");
      }
      if (*word != checked_word) {
        Distance distance = JudgeTypo(search.driver, *word);
        if (!distance.close) {
          // Past this word, or every word that begins as it does when no
          // such word can be close.
          std::string far = keys::SearchWordPrefix(
              search.account_id,
              distance.far_prefix > 0
                  ? FirstCodePoints(*word, distance.far_prefix)
                  : *word,
              /*exact=*/distance.far_prefix == 0);
          CUSTDB_RETURN_IF_ERROR(SkipPrefix(&stream, far));
          // A word judged far costs a fraction of an entry judged whole.
          progress->examined -= kFarWordsPerEntry - 1;
          continue;
        }
        checked_word = std::move(*word);
      }
    }
    auto parts = PartsOf(source, stream);
    if (!parts.ok()) return parts.status();

    auto row = Judge(search, step.cls, *parts, progress);
    if (!row.ok()) return row.status();
    if (row->has_value()) {
      progress->last_group = parts->group;
      if (!fuzzy && progress->matches < 255) ++progress->matches;
      progress->page.last_position =
          PositionOf(step.cls, progress->matches, stream.position());
      progress->page.items.push_back(
          {progress->page.last_position, std::move(**row)});
    }
    CUSTDB_RETURN_IF_ERROR(stream.Next());
  }
}

// The table is filled a column (a code point of `w`) at a time, so that
// a column whose every cell is past k (with the one before at k or past,
// for swaps) shows that no longer word can come back within k.
Distance MeasureTypo(const std::u32string& q, const std::u32string& w, size_t k,
                     std::vector<size_t>& d) {
  size_t m = q.size();
  size_t rows = m + 1;
  d.assign(rows * (w.size() + 1), 0);
  auto at = [&](size_t i, size_t j) -> size_t& { return d[j * rows + i]; };
  for (size_t i = 0; i <= m; ++i) at(i, 0) = i;
  size_t best = m <= k ? m : k + 1;  // the empty beginning
  size_t previous_min = 0;
  for (size_t j = 1; j <= w.size(); ++j) {
    at(0, j) = j;
    size_t column_min = j;
    for (size_t i = 1; i <= m; ++i) {
      size_t cost = q[i - 1] == w[j - 1] ? 0 : 1;
      size_t v = std::min(
          {at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && q[i - 1] == w[j - 2] && q[i - 2] == w[j - 1]) {
        v = std::min(v, at(i - 2, j - 2) + 1);
      }
      at(i, j) = v;
      column_min = std::min(column_min, v);
    }
    if (j + k >= m && j <= m + k) best = std::min(best, at(m, j));
    if (best <= k) return {true, 0};
    if (j >= m + k) {
      // Every word that begins with these code points has these columns.
      return {false, w.size() > j ? j : 0};
    }
    if (column_min > k && previous_min >= k) return {false, j};
    previous_min = column_min;
  }
  return {best <= k, 0};
}

Distance JudgeTypo(std::string_view query, std::string_view word) {
  // Typo search calls this for every word it visits, with one query word
  // call after call: the decodings and the table are kept, in one
  // thread-local object.
  struct Scratch {
    std::string query;
    std::u32string q;
    std::u32string w;
    std::vector<size_t> table;
  };
  thread_local Scratch scratch;
  if (query != scratch.query || scratch.q.empty()) {
    scratch.query.assign(query);
    DecodeCodePoints(query, &scratch.q);
  }
  if (scratch.q.size() < 4) return {false, 0};
  DecodeCodePoints(word, &scratch.w);
  return MeasureTypo(scratch.q, scratch.w, scratch.q.size() >= 8 ? 2 : 1,
                     scratch.table);
}

}  // namespace

SearchQuery ParseSearchQuery(std::string_view text) {
  SearchQuery q;
  if (text.find('@') != std::string_view::npos) {
    size_t begin = text.find_first_not_of(' ');
    size_t end = text.find_last_not_of(' ');
    q.kind = SearchQuery::Kind::kEmail;
    q.email = EmailKey(text.substr(begin, end - begin + 1));
    return q;
  }
  bool phone = true;
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (std::string_view(" ()-.+").find(c) == std::string_view::npos) {
      phone = false;
      break;
    }
  }
  if (phone && !digits.empty()) {
    if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
    q.kind = SearchQuery::Kind::kPhone;
    q.digits = std::move(digits);
    return q;
  }
  std::vector<std::string> words = FoldedWords(FoldName(text));
  if (words.empty()) return q;
  if (words.size() > kMaxSearchWords) words.resize(kMaxSearchWords);
  q.kind = SearchQuery::Kind::kName;
  q.words = std::move(words);
  return q;
}

bool IsSearch(std::string_view text) {
  return ParseSearchQuery(text).kind != SearchQuery::Kind::kNone;
}

bool FuzzyWordMatch(std::string_view query, std::string_view word) {
  return JudgeTypo(query, word).close;
}

Result<Page> SearchCustomers(Store* store, uint64_t account_id,
                             const CustomerListFilter& filter,
                             const std::string& after, size_t limit) {
  SnapshotRead snapshot(store);
  Search search{store,
                snapshot.ro(),
                account_id,
                filter,
                CanonicalTags(filter.tag_ids),
                ParseSearchQuery(filter.query),
                "",
                {}};
  // The longest word drives: it has the fewest entries, as a rule.
  for (const auto& w : search.query.words) {
    if (CodePoints(w).size() > CodePoints(search.driver).size()) {
      search.driver = w;
    }
  }
  search.fuzzy_ranges = FuzzyRanges(search.driver);
  std::vector<Step> steps = StepsOf(account_id, search.query, search.driver);

  size_t first = 0;
  Progress progress;
  progress.page.last_position = after;
  if (!after.empty()) {
    while (first < steps.size() && steps[first].cls != after[0]) ++first;
    if (after.size() < kPositionHeader || first == steps.size()) {
      return Status::InvalidArgument("resume_token: is damaged");
    }
    progress.matches = static_cast<uint8_t>(after[1]);
    progress.last_group = after.substr(kPositionHeader);
    if (progress.last_group.size() >= 8) {
      progress.last_group.resize(progress.last_group.size() - 8);
    }
  }
  for (size_t i = first; i < steps.size(); ++i) {
    const Step& step = steps[i];
    bool resuming = i == first && !after.empty();
    bool fuzzy = IsFuzzy(step.cls);
    if (fuzzy && !resuming && progress.matches >= kFewMatches) break;
    if (!resuming) progress.last_group.clear();
    progress.page.done = true;
    CUSTDB_RETURN_IF_ERROR(
        RunStep(search, step, resuming ? after.substr(kPositionHeader) : "",
                limit, &progress));
    if (!progress.page.done) return std::move(progress.page);
  }
  progress.page.done = true;
  return std::move(progress.page);
}

}  // namespace custdb
