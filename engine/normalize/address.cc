#include "engine/normalize/address.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/normalize/name.h"
#include "engine/normalize/text.h"

namespace custdb {
namespace {

Status Invalid(std::string_view field, std::string_view rule) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(rule));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsDigit);
}

// USPS two-letter codes, sorted for binary search.
constexpr std::string_view kStates[] = {
    "AA", "AE", "AK", "AL", "AP", "AR", "AS", "AZ", "CA", "CO", "CT",
    "DC", "DE", "FL", "FM", "GA", "GU", "HI", "IA", "ID", "IL", "IN",
    "KS", "KY", "LA", "MA", "MD", "ME", "MH", "MI", "MN", "MO", "MP",
    "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH",
    "OK", "OR", "PA", "PR", "PW", "RI", "SC", "SD", "TN", "TX", "UM",
    "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY",
};

// The unit designator every spelling of one is folded to.
constexpr std::string_view kUnit = "#";

struct Abbreviation {
  std::string_view word;
  std::string_view abbreviation;
};

// Words of an address line and the one form each is folded to: the USPS
// standard suffix abbreviations (Publication 28, appendix C) most often
// typed, the directions, and the unit designators. A word that is already
// its abbreviation needs no row.
constexpr Abbreviation kAbbreviations[] = {
    // Street suffixes.
    {"alley", "aly"},
    {"avenue", "ave"},
    {"av", "ave"},
    {"avn", "ave"},
    {"boulevard", "blvd"},
    {"boul", "blvd"},
    {"causeway", "cswy"},
    {"center", "ctr"},
    {"centre", "ctr"},
    {"circle", "cir"},
    {"circ", "cir"},
    {"court", "ct"},
    {"cove", "cv"},
    {"creek", "crk"},
    {"crescent", "cres"},
    {"crossing", "xing"},
    {"drive", "dr"},
    {"drv", "dr"},
    {"expressway", "expy"},
    {"freeway", "fwy"},
    {"heights", "hts"},
    {"highway", "hwy"},
    {"hiway", "hwy"},
    {"junction", "jct"},
    {"lane", "ln"},
    {"mount", "mt"},
    {"mountain", "mtn"},
    {"parkway", "pkwy"},
    {"pky", "pkwy"},
    {"place", "pl"},
    {"plaza", "plz"},
    {"point", "pt"},
    {"road", "rd"},
    {"route", "rte"},
    {"saint", "st"},
    {"square", "sq"},
    {"street", "st"},
    {"str", "st"},
    {"strt", "st"},
    {"terrace", "ter"},
    {"terr", "ter"},
    {"trail", "trl"},
    {"turnpike", "tpke"},
    // Directions.
    {"north", "n"},
    {"south", "s"},
    {"east", "e"},
    {"west", "w"},
    {"northeast", "ne"},
    {"northwest", "nw"},
    {"southeast", "se"},
    {"southwest", "sw"},
    // Unit designators: all one, since "Apt 5", "Unit 5" and "#5" at one
    // street address are the same door.
    {"apartment", kUnit},
    {"apt", kUnit},
    {"suite", kUnit},
    {"ste", kUnit},
    {"unit", kUnit},
    {"room", kUnit},
    {"rm", kUnit},
    // Other secondary designators keep their own meaning.
    {"building", "bldg"},
    {"department", "dept"},
    {"floor", "fl"},
};

std::string_view Abbreviate(std::string_view word) {
  for (const auto& row : kAbbreviations) {
    if (row.word == word) return row.abbreviation;
  }
  return word;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) words.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

}  // namespace

Result<std::string> NormalizeState(std::string_view input,
                                   std::string_view field) {
  std::string_view trimmed = TrimSpace(input);
  if (trimmed.empty()) return Invalid(field, "is required");
  if (trimmed.size() != 2) {
    return Invalid(field, "must be a two-letter USPS code such as CA");
  }
  std::string code(trimmed);
  for (char& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (!std::binary_search(std::begin(kStates), std::end(kStates), code)) {
    return Invalid(field, "is not a USPS state or territory code");
  }
  return code;
}

Result<std::string> NormalizeZip(std::string_view input,
                                 std::string_view field) {
  std::string_view zip = TrimSpace(input);
  if (zip.empty()) return Invalid(field, "is required");
  if (zip.size() == 5 && AllDigits(zip)) return std::string(zip);
  if (zip.size() == 9 && AllDigits(zip)) {
    return std::string(zip.substr(0, 5)) + "-" + std::string(zip.substr(5));
  }
  if (zip.size() == 10 && zip[5] == '-' && AllDigits(zip.substr(0, 5)) &&
      AllDigits(zip.substr(6))) {
    return std::string(zip);
  }
  return Invalid(field, "must be 5 digits or ZIP+4 (12345 or 12345-6789)");
}

std::string FoldAddressLine(std::string_view line) {
  // FoldName treats '#' as a separator and drops it, so the line is folded
  // piece by piece between the '#' signs, which are kept as units.
  std::string folded;
  size_t pos = 0;
  for (;;) {
    size_t hash = line.find('#', pos);
    std::string_view piece =
        line.substr(pos, hash == std::string_view::npos ? std::string_view::npos
                                                        : hash - pos);
    folded += FoldName(piece);
    if (hash == std::string_view::npos) break;
    folded += " # ";
    pos = hash + 1;
  }

  std::vector<std::string> words;
  for (const auto& raw : SplitWords(folded)) {
    std::string word(Abbreviate(raw));
    if (word == kUnit && !words.empty() && words.back() == kUnit) continue;
    // "North East" is "NE": a north or south followed by an east or west
    // joins it.
    if ((word == "e" || word == "w") && !words.empty() &&
        (words.back() == "n" || words.back() == "s")) {
      words.back() += word;
      continue;
    }
    words.push_back(std::move(word));
  }
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

std::string AddressKey(std::string_view line1, std::string_view line2,
                       std::string_view city, std::string_view state,
                       std::string_view zip) {
  // Folded as one line, so that "Apt" ending line 1 and "#5" starting
  // line 2 still read as one unit.
  std::string street =
      FoldAddressLine(std::string(line1) + " " + std::string(line2));
  std::string state_key(TrimSpace(state));
  for (char& c : state_key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view zip5 = TrimSpace(zip).substr(0, 5);
  return street + "|" + FoldAddressLine(city) + "|" + state_key + "|" +
         std::string(zip5);
}

}  // namespace custdb
