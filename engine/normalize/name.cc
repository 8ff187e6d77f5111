#include "engine/normalize/name.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/normalize/text.h"

namespace custdb {
namespace {

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};
using Utf8procBuffer = std::unique_ptr<utf8proc_uint8_t, FreeDeleter>;

const utf8proc_uint8_t* Bytes(std::string_view text) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data());
}

// Runs utf8proc_map_custom; returns false when utf8proc fails, which for
// valid UTF-8 input means it ran out of memory.
bool Map(std::string_view text, int options, utf8proc_custom_func custom,
         std::string* out) {
  utf8proc_uint8_t* raw = nullptr;
  const utf8proc_ssize_t length = utf8proc_map_custom(
      Bytes(text), static_cast<utf8proc_ssize_t>(text.size()), &raw,
      static_cast<utf8proc_option_t>(options), custom, nullptr);
  const Utf8procBuffer buffer(raw);
  if (length < 0) return false;
  out->assign(reinterpret_cast<const char*>(raw), static_cast<size_t>(length));
  return true;
}

// Keeps the well-formed code points of `text` and drops every byte that is
// not part of one.
std::string DropInvalidUtf8(std::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t code_point;
    const utf8proc_ssize_t length = utf8proc_iterate(
        Bytes(text) + pos, static_cast<utf8proc_ssize_t>(text.size() - pos),
        &code_point);
    if (length > 0) {
      valid.append(text.substr(pos, static_cast<size_t>(length)));
      pos += static_cast<size_t>(length);
    } else {
      ++pos;
    }
  }
  return valid;
}

// People type the apostrophe of "O'Brien" as any of these. They are all
// mapped to U+0027 before decomposition, because compatibility
// decomposition would otherwise turn the acute accent U+00B4 into a space
// and the modifier letters would survive as letters.
utf8proc_int32_t UnifyApostrophes(utf8proc_int32_t c, void* /*data*/) {
  switch (c) {
    case 0x0060:  // grave accent
    case 0x00B4:  // acute accent
    case 0x02B9:  // modifier letter prime
    case 0x02BB:  // modifier letter turned comma (Hawaiian okina)
    case 0x02BC:  // modifier letter apostrophe
    case 0x2018:  // left single quotation mark
    case 0x2019:  // right single quotation mark
    case 0x201B:  // single high-reversed-9 quotation mark
    case 0x2032:  // prime
      return U'\'';
    default:
      return c;
  }
}

// Punctuation that joins the parts of a word instead of separating words.
// The middle dot is the Catalan "l·l" of "Paral·lel". The apostrophes are
// checked again after decomposition because some come out of it: "ŉ"
// decomposes to "ʼn".
bool JoinsWord(utf8proc_int32_t c) {
  return c == U'.' || c == 0x00B7 || UnifyApostrophes(c, nullptr) == U'\'';
}

// The marks that are accents on a letter rather than part of its
// spelling: the combining diacritics of Latin, Greek and Cyrillic, Hebrew
// points and Arabic vowel signs. UTF8PROC_STRIPMARK is not used because it
// removes every mark, including Indic and Thai vowel signs and the kana
// voicing marks, which would fold "राम" to "रम" and "ガ" to "カ".
bool IsAccent(utf8proc_int32_t c) {
  const utf8proc_category_t category = utf8proc_category(c);
  if (category != UTF8PROC_CATEGORY_MN && category != UTF8PROC_CATEGORY_MC &&
      category != UTF8PROC_CATEGORY_ME) {
    return false;
  }
  return (c >= 0x0300 && c <= 0x036F) ||  // combining diacritical marks
         (c >= 0x0483 && c <= 0x0489) ||  // Cyrillic titlo and signs
         (c >= 0x0591 && c <= 0x05C7) ||  // Hebrew points and accents
         (c >= 0x0610 && c <= 0x061A) ||  // Arabic honorific signs
         (c >= 0x064B && c <= 0x065F) ||  // Arabic harakat
         c == 0x0670 ||                   // Arabic superscript alef
         (c >= 0x1AB0 && c <= 0x1AFF) ||  // combining marks extended
         (c >= 0x1DC0 && c <= 0x1DFF) ||  // combining marks supplement
         (c >= 0x20D0 && c <= 0x20FF) ||  // combining marks for symbols
         (c >= 0xFE20 && c <= 0xFE2F);    // combining half marks
}

enum class Role { kKeep, kJoin, kSeparate };

Role RoleOf(utf8proc_int32_t c) {
  if (JoinsWord(c) || IsAccent(c)) return Role::kJoin;
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
      return Role::kSeparate;
    case UTF8PROC_CATEGORY_CF:
      // Invisible format characters (a soft hyphen, a zero-width joiner)
      // that UTF8PROC_IGNORE left behind sit inside words.
      return Role::kJoin;
    default:
      // Letters, remaining marks, numbers, private-use and unassigned
      // code points.
      return Role::kKeep;
  }
}

// FoldName of a name in ASCII alone, without utf8proc, which takes most
// names at a fraction of the cost. For ASCII the rules come down to: a
// letter in lower case and a digit are kept; the period, the apostrophe
// and the grave accent (an apostrophe typed another way) join; every
// other character separates words.
std::string FoldAsciiName(std::string_view name) {
  std::string words;
  words.reserve(name.size());
  bool separator_pending = false;
  for (char c : name) {
    if (c == '.' || c == '\'' || c == '`') continue;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && !(c >= '0' && c <= '9')) {
      separator_pending = true;
      continue;
    }
    if (separator_pending && !words.empty()) words.push_back(' ');
    separator_pending = false;
    words.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A'))
                                         : c);
  }
  return words;
}

}  // namespace

std::string FoldName(std::string_view name) {
  if (std::all_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
      })) {
    return FoldAsciiName(name);
  }

  std::string valid;
  if (!IsValidUtf8(name)) {
    valid = DropInvalidUtf8(name);
    name = valid;
  }

  std::string decomposed;
  if (!Map(name,
           UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
               UTF8PROC_IGNORE,
           UnifyApostrophes, &decomposed)) {
    return std::string();
  }

  std::string words;
  words.reserve(decomposed.size());
  bool separator_pending = false;
  for (size_t pos = 0; pos < decomposed.size();) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t length = utf8proc_iterate(
        Bytes(decomposed) + pos,
        static_cast<utf8proc_ssize_t>(decomposed.size() - pos), &c);
    if (length <= 0) return std::string();  // utf8proc emits only UTF-8
    const std::string_view bytes =
        std::string_view(decomposed).substr(pos, static_cast<size_t>(length));
    pos += static_cast<size_t>(length);

    switch (RoleOf(c)) {
      case Role::kKeep:
        if (separator_pending && !words.empty()) words.push_back(' ');
        separator_pending = false;
        words.append(bytes);
        break;
      case Role::kJoin:
        break;
      case Role::kSeparate:
        separator_pending = true;
        break;
    }
  }

  // Decomposition split Hangul syllables into jamo and kana into base and
  // voicing mark; composing puts back what the accent stripping kept.
  std::string folded;
  if (!Map(words, UTF8PROC_COMPOSE, nullptr, &folded)) return std::string();
  return folded;
}

std::string FoldCase(std::string_view text) {
  std::string folded;
  if (!Map(DropInvalidUtf8(text),
           UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE, nullptr,
           &folded)) {
    return std::string();
  }
  std::string out;
  bool space = false;
  for (char c : folded) {
    bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (is_space) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string IndividualDisplayName(std::string_view first,
                                  std::string_view last) {
  first = TrimSpace(first);
  last = TrimSpace(last);
  if (first.empty()) return std::string(last);
  if (last.empty()) return std::string(first);
  std::string display(first);
  display.push_back(' ');
  display.append(last);
  return display;
}

}  // namespace custdb
