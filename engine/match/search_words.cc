#include "engine/match/search_words.h"

#include <algorithm>

#include "engine/normalize/name.h"
#include "engine/storage/keys.h"

namespace custdb {

std::vector<std::string> FoldedWords(std::string_view folded) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    if (end > start) {
      std::string word(folded.substr(start, end - start));
      if (std::find(words.begin(), words.end(), word) == words.end()) {
        words.push_back(std::move(word));
      }
    }
    start = end + 1;
  }
  return words;
}

void AppendSearchWordKeys(uint64_t account_id, std::string_view name,
                          uint64_t customer_id, uint64_t source_id,
                          std::vector<std::string>* out) {
  std::string folded = FoldName(name);
  for (const auto& word : FoldedWords(folded)) {
    out->push_back(
        keys::SearchWordKey(account_id, word, folded, customer_id, source_id));
  }
}

void AppendPhoneSuffixKey(uint64_t account_id, std::string_view e164,
                          uint64_t customer_id, uint64_t source_id,
                          std::vector<std::string>* out) {
  if (e164.size() <= kPhoneSuffixDigits) return;
  out->push_back(keys::ChildIndexKey(
      account_id, keys::IndexTag::kPhoneSuffix,
      e164.substr(e164.size() - kPhoneSuffixDigits), customer_id, source_id));
}

}  // namespace custdb
