// Search in the customer list: one text box over phones, emails and names,
// with every filter of the list, paged the same way (see docs/search.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customer_list.h"
#include "engine/storage/store.h"

namespace custdb {

// What a search text asks for.
struct SearchQuery {
  enum class Kind { kNone, kPhone, kEmail, kName };
  Kind kind = Kind::kNone;
  std::string digits;              // kPhone: the national number's digits
  std::string email;               // kEmail: the lower-cased prefix
  std::vector<std::string> words;  // kName: the folded words, each once
};

// Reads a search text:
//  - only digits and phone punctuation (space ( ) - . +), with at least
//    one digit: a phone, its whole number (10 digits, or 11 with a leading
//    1), its beginning, or (4 digits) its last four;
//  - text with an '@': an email prefix, case-insensitive;
//  - other text: name words (FoldName), each the beginning of a word;
//  - nothing to search for (empty, spaces, only punctuation): kNone.
SearchQuery ParseSearchQuery(std::string_view text);

// Whether a filter's text searches (ParseSearchQuery is not kNone).
bool IsSearch(std::string_view text);

// The most words a name search uses; later words are ignored.
inline constexpr size_t kMaxSearchWords = 8;

// Whether two folded words are one typo apart, as fuzzy search counts:
// `query` has at least 4 code points and is within 1 edit (2 from 8 code
// points on) of `word` or of a beginning of `word`; an edit is an
// insertion, deletion, substitution or swap of neighbours.
bool FuzzyWordMatch(std::string_view query, std::string_view word);

// The rows of the customers a search finds, after `after`, at most
// `limit`: the filter's own conditions apply, its sort does not; rows
// come in match order (docs/search.md). Bounded work per call, like
// ListCustomers.
Result<Page> SearchCustomers(Store* store, uint64_t account_id,
                             const CustomerListFilter& filter,
                             const std::string& after, size_t limit);

}  // namespace custdb
