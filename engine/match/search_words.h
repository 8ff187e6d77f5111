// The entries text search reads (see docs/search.md): a customer's name
// words and the last four digits of its phones, its own and its
// contacts'.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace custdb {

// The words of a folded name (FoldName), each once, in their order.
std::vector<std::string> FoldedWords(std::string_view folded);

// Appends a keys::SearchWordKey for each word of `name` (FoldName'd), of
// a customer's own name (source_id == customer_id) or a contact's.
void AppendSearchWordKeys(uint64_t account_id, std::string_view name,
                          uint64_t customer_id, uint64_t source_id,
                          std::vector<std::string>* out);

// Appends the phone-suffix entry of an E.164 phone (nothing for "").
void AppendPhoneSuffixKey(uint64_t account_id, std::string_view e164,
                          uint64_t customer_id, uint64_t source_id,
                          std::vector<std::string>* out);

// How many digits the phone-suffix index keys by.
inline constexpr size_t kPhoneSuffixDigits = 4;

}  // namespace custdb
