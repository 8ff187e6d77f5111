// Names: FoldName, FoldCase and the match names and trigrams of both
// kinds on any bytes. Every fold is valid UTF-8, trimmed, without double
// spaces, and folding it again changes nothing; match words are non-empty
// words without spaces; Trigrams is sorted, without repeats, and each
// trigram is three code points.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/match/match_name.h"
#include "engine/normalize/name.h"
#include "engine/normalize/text.h"

namespace {

// Valid UTF-8, no space at either end and no two spaces in a row.
void CheckFolded(const std::string& folded) {
  if (!custdb::IsValidUtf8(folded)) __builtin_trap();
  if (!folded.empty() && (folded.front() == ' ' || folded.back() == ' ')) {
    __builtin_trap();
  }
  if (folded.find("  ") != std::string::npos) __builtin_trap();
}

size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

void CheckMatch(std::string_view name, custdb::NameKind kind) {
  std::vector<std::string> words = custdb::MatchWords(name, kind);
  for (const std::string& word : words) {
    if (word.empty() || word.find(' ') != std::string::npos) __builtin_trap();
    if (!custdb::IsValidUtf8(word)) __builtin_trap();
  }

  std::string joined;
  for (const std::string& word : words) {
    if (!joined.empty()) joined += ' ';
    joined += word;
  }
  if (custdb::MatchName(name, kind) != joined) __builtin_trap();

  std::vector<std::string> trigrams = custdb::Trigrams(words);
  if (!std::is_sorted(trigrams.begin(), trigrams.end())) __builtin_trap();
  if (std::adjacent_find(trigrams.begin(), trigrams.end()) != trigrams.end()) {
    __builtin_trap();
  }
  for (const std::string& trigram : trigrams) {
    if (!custdb::IsValidUtf8(trigram) || CodePoints(trigram) != 3) {
      __builtin_trap();
    }
  }
  if (words.empty() != trigrams.empty()) __builtin_trap();

  double self = custdb::TrigramSimilarity(trigrams, trigrams);
  if (!trigrams.empty() && self != 1.0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string folded = custdb::FoldName(input);
  CheckFolded(folded);
  if (custdb::FoldName(folded) != folded) __builtin_trap();

  std::string cased = custdb::FoldCase(input);
  CheckFolded(cased);
  if (custdb::FoldCase(cased) != cased) __builtin_trap();

  CheckMatch(input, custdb::NameKind::kPerson);
  CheckMatch(input, custdb::NameKind::kCompany);
  return 0;
}
