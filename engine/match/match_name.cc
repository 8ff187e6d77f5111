#include "engine/match/match_name.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/normalize/name.h"
#include "engine/storage/keys.h"

namespace custdb {

// The nickname list (data/nicknames/names.csv), compiled into the library.
extern const char* const kNicknamesCsv;

namespace {

// The nickname list, read once. Its rows run both ways ("bob" has the
// nickname "robert" as well as the reverse), so for comparing first names
// a row only says that two names may name one person; for choosing a
// given name, the long forms a name is a nickname of are kept apart.
class Nicknames {
 public:
  static const Nicknames& Get() {
    static const Nicknames* const instance = new Nicknames();
    return *instance;
  }

  // The names a name is linked to; null when it is in no row.
  const std::set<std::string>* Linked(std::string_view word) const {
    auto it = links_.find(std::string(word));
    return it == links_.end() ? nullptr : &it->second;
  }

  // The names that have this one as a nickname; null when none has.
  const std::set<std::string>* GivenNamesOf(std::string_view word) const {
    auto it = given_.find(std::string(word));
    return it == given_.end() ? nullptr : &it->second;
  }

 private:
  Nicknames() {
    std::string_view text(kNicknamesCsv);
    bool header = true;
    while (!text.empty()) {
      size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view()
                                           : text.substr(end + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (header || line.empty()) {
        header = false;
        continue;
      }
      size_t first = line.find(',');
      size_t second = line.find(',', first + 1);
      if (first == std::string_view::npos || second == std::string_view::npos)
        continue;
      std::string a(line.substr(0, first));
      std::string b(line.substr(second + 1));
      if (a == b) continue;
      links_[a].insert(b);
      links_[b].insert(a);
      given_[b].insert(a);
    }
  }

  std::unordered_map<std::string, std::set<std::string>> links_;
  std::unordered_map<std::string, std::set<std::string>> given_;
};

const std::unordered_set<std::string_view>& CompanySuffixes() {
  static const auto* const words = new std::unordered_set<std::string_view>{
      "inc",     "incorporated", "llc",     "co", "corp", "corporation",
      "company", "ltd",          "limited", "lp", "llp",  "pllc",
      "pc",      "plc",          "sons",    "son"};
  return *words;
}

const std::unordered_set<std::string_view>& PersonAffixes() {
  static const auto* const words = new std::unordered_set<std::string_view>{
      "mr", "mrs", "ms", "miss", "dr", "jr", "sr", "ii", "iii", "iv"};
  return *words;
}

std::vector<std::string> SplitWords(const std::string& folded) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    if (end > start) words.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// The length of the UTF-8 sequence a lead byte starts.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace

std::string GivenName(std::string_view word) {
  const Nicknames& list = Nicknames::Get();
  std::string name(word);
  // Up the list to the longest form ("liz" -> "lizzie" -> ...), a few
  // steps at most.
  for (int step = 0; step < 3; ++step) {
    const auto* givens = list.GivenNamesOf(name);
    if (givens == nullptr) break;
    const std::string* best = nullptr;
    for (const auto& given : *givens) {
      if (given.size() > name.size() &&
          (best == nullptr || given.size() > best->size())) {
        best = &given;
      }
    }
    if (best == nullptr) break;
    name = *best;
  }
  return name;
}

bool FirstNamesCompatible(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (a.empty() || b.empty()) return false;
  const Nicknames& list = Nicknames::Get();
  const auto* la = list.Linked(a);
  const auto* lb = list.Linked(b);
  if (la == nullptr || lb == nullptr) return false;
  if (la->count(std::string(b)) != 0) return true;
  for (const auto& name : *la) {
    if (lb->count(name) != 0) return true;
  }
  return false;
}

std::vector<std::string> MatchWords(std::string_view name, NameKind kind) {
  std::vector<std::string> words = SplitWords(FoldName(name));
  if (kind == NameKind::kCompany) {
    if (words.size() > 1 && words.front() == "the") words.erase(words.begin());
    while (words.size() > 1 && (CompanySuffixes().count(words.back()) != 0 ||
                                words.back() == "and")) {
      words.pop_back();
    }
    return words;
  }
  std::vector<std::string> kept;
  for (auto& w : words) {
    if (PersonAffixes().count(w) == 0) kept.push_back(std::move(w));
  }
  if (kept.empty() && !words.empty()) kept.push_back(std::move(words.front()));
  for (auto& w : kept) w = GivenName(w);
  return kept;
}

std::string MatchName(std::string_view name, NameKind kind) {
  std::string out;
  for (const auto& w : MatchWords(name, kind)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::vector<std::string> Trigrams(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (const auto& word : words) {
    std::string padded = "  " + word + " ";
    // Byte offsets of each code point of the padded word.
    std::vector<size_t> starts;
    for (size_t i = 0; i < padded.size();
         i += SequenceLength(static_cast<unsigned char>(padded[i]))) {
      starts.push_back(i);
    }
    starts.push_back(padded.size());
    for (size_t i = 0; i + 3 < starts.size(); ++i) {
      out.push_back(padded.substr(starts[i], starts[i + 3] - starts[i]));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double TrigramSimilarity(const std::vector<std::string>& a,
                         const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t shared = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++shared;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(shared) /
         static_cast<double>(a.size() + b.size() - shared);
}

void AppendTrigramKeys(uint64_t account_id, std::string_view name,
                       NameKind kind, uint64_t customer_id,
                       std::vector<std::string>* out) {
  for (const auto& trigram : Trigrams(MatchWords(name, kind))) {
    out->push_back(keys::TrigramKey(account_id, trigram, customer_id));
  }
}

namespace {

NameProfile ProfileOfFields(uint64_t id, fb::CustomerKind kind,
                            fb::CustomerStatus status, std::string display_name,
                            std::string_view first, std::string_view last) {
  NameProfile p;
  p.id = id;
  p.archived = status == fb::CustomerStatus::Archived;
  p.person = kind != fb::CustomerKind::Company;
  p.display_name = std::move(display_name);
  NameKind name_kind = NameKindOf(kind);
  p.trigrams = Trigrams(MatchWords(p.display_name, name_kind));
  if (p.person) {
    p.first = FoldName(first);
    p.last = FoldName(last);
    p.first_trigrams = Trigrams(MatchWords(p.first, name_kind));
    p.last_trigrams = Trigrams(MatchWords(p.last, name_kind));
  }
  return p;
}

// Damerau-Levenshtein distance (adjacent transpositions), capped: returns
// at most `cap + 1`.
size_t EditDistance(std::string_view a, std::string_view b, size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return std::min(d[a.size()][b.size()], cap + 1);
}

// How well two parts of a person's name (first names, or last names)
// agree, 0..1. First names also agree through the nickname list, and a
// single typo in a name of six letters or more still agrees; a typo in a
// shorter first name does not ("mary" and "mark" are two people).
double PartAgreement(std::string_view a, const std::vector<std::string>& at,
                     std::string_view b, const std::vector<std::string>& bt,
                     bool first_names) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  if (first_names && FirstNamesCompatible(a, b)) return 1;
  double sim = TrigramSimilarity(at, bt);
  size_t shorter = std::min(a.size(), b.size());
  if (shorter >= (first_names ? 6u : 4u) && EditDistance(a, b, 1) <= 1) {
    sim = std::max(sim, 0.8);
  }
  return sim;
}

}  // namespace

NameMatch CompareNames(const NameProfile& a, const NameProfile& b) {
  NameMatch m;
  m.similarity = TrigramSimilarity(a.trigrams, b.trigrams);
  if (a.person && b.person && !a.first.empty() && !b.first.empty() &&
      !a.last.empty() && !b.last.empty()) {
    // Both first and last must agree, the straight way or swapped.
    double straight = std::min(
        PartAgreement(a.first, a.first_trigrams, b.first, b.first_trigrams,
                      true),
        PartAgreement(a.last, a.last_trigrams, b.last, b.last_trigrams, false));
    double swapped = std::min(
        PartAgreement(a.first, a.first_trigrams, b.last, b.last_trigrams, true),
        PartAgreement(a.last, a.last_trigrams, b.first, b.first_trigrams,
                      false));
    double best = std::max(straight, swapped);
    m.agree = best >= 0.5;
    m.similarity = std::max(m.similarity, best);
  } else {
    m.agree = m.similarity >= 0.6;
  }
  return m;
}

NameProfile NameProfileOf(const fb::Customer& c) {
  auto str = [](const flatbuffers::String* s) {
    return s == nullptr ? std::string() : s->str();
  };
  return ProfileOfFields(c.id(), c.kind(), c.status(), str(c.display_name()),
                         str(c.first_name()), str(c.last_name()));
}

NameProfile NameProfileOf(const fb::CustomerT& c) {
  return ProfileOfFields(c.id, c.kind, c.status, c.display_name, c.first_name,
                         c.last_name);
}

}  // namespace custdb
