// Match names: the normalization duplicate detection compares, and the
// trigrams the fuzzy name index holds. See docs/duplicates.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custdb_generated.h"

namespace custdb {

enum class NameKind { kPerson, kCompany };

inline NameKind NameKindOf(fb::CustomerKind kind) {
  return kind == fb::CustomerKind::Company ? NameKind::kCompany
                                           : NameKind::kPerson;
}

// The words of a name as duplicate detection sees them: FoldName's words,
// then for a company a leading "the" and trailing legal suffixes ("inc",
// "llc", "& sons", ...) dropped, and for a person titles and generational
// suffixes ("mr", "jr", ...) dropped and each nickname replaced by its
// given name ("bob" -> "robert"). At least one word of a non-empty name is
// always kept. Empty for a name with no letters or digits.
std::vector<std::string> MatchWords(std::string_view name, NameKind kind);

// The match words joined by single spaces.
std::string MatchName(std::string_view name, NameKind kind);

// The trigrams of a set of words: each word padded with two spaces in
// front and one behind, then every run of three code points. Sorted,
// without repeats, so that word order does not matter.
std::vector<std::string> Trigrams(const std::vector<std::string>& words);

// |a ∩ b| / |a ∪ b| of two sorted trigram sets; 0 when both are empty.
double TrigramSimilarity(const std::vector<std::string>& a,
                         const std::vector<std::string>& b);

// The given name a word stands for: the longest name that has it as a
// nickname, followed up to three steps ("bob" -> "robert"; the first
// alphabetically among the longest), or the word itself when no longer
// name has it as a nickname. The word must be folded (FoldName).
std::string GivenName(std::string_view word);

// Whether two folded first names may name one person: equal, linked by
// the nickname list, or both linked to one name.
bool FirstNamesCompatible(std::string_view a, std::string_view b);

// What comparing names needs of a customer, computed once per customer.
struct NameProfile {
  uint64_t id = 0;
  bool archived = false;
  bool person = true;
  std::string display_name;
  std::vector<std::string> trigrams;  // of the whole match name
  // People only: first and last name, folded, and their trigrams.
  std::string first;
  std::string last;
  std::vector<std::string> first_trigrams;
  std::vector<std::string> last_trigrams;
};

// The profile of a stored customer, or of one about to be created.
NameProfile NameProfileOf(const fb::Customer& c);
NameProfile NameProfileOf(const fb::CustomerT& c);

struct NameMatch {
  double similarity = 0;  // of the whole match names
  bool agree = false;     // the names plausibly name one customer
};

// How two customers' names compare. Two people agree when both first and
// last names agree, straight or swapped (nicknames, and one typo in a
// name of six letters or more, allowed); any other pair agrees when the
// match names' trigram similarity is at least 0.6. Duplicate scoring and
// creation by phone use the same rule.
NameMatch CompareNames(const NameProfile& a, const NameProfile& b);

// Appends the fuzzy index entries of one name of a customer (its own or a
// contact's): a keys::TrigramKey for each trigram of its match words.
void AppendTrigramKeys(uint64_t account_id, std::string_view name,
                       NameKind kind, uint64_t customer_id,
                       std::vector<std::string>* out);

}  // namespace custdb
