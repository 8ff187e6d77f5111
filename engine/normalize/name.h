// Names of people and companies, folded for comparison and indexing.
#pragma once

#include <string>
#include <string_view>

namespace custdb {

// Folds a name for comparison: Unicode case folding, compatibility
// decomposition with accents (combining marks) stripped, punctuation
// removed (an apostrophe or period inside a word joins it: "O'Brien" ->
// "obrien"; a hyphen or other punctuation separates words), white space
// collapsed to single spaces and trimmed. Requires valid UTF-8.
// "  José  O'Brien-Smith " -> "jose obrien smith".
//
// In detail:
//  - Accents are the combining diacritics of Latin, Greek and Cyrillic,
//    Hebrew points and Arabic vowel signs. Marks that spell a word (Indic
//    and Thai vowel signs, the kana voicing marks) are kept, and the
//    result is recomposed (NFC), so Hangul and kana come back whole.
//  - Letters with no decomposition keep their shape: "Ø", "Ł" and "Æ"
//    fold to "ø", "ł" and "æ". TODO: a search for "Lodz" does not find
//    "Łódź"; a transliteration table for these letters would fix it.
//  - The apostrophe may be typed as ' ’ ‘ ` ´ or ʼ; the middle dot of
//    Catalan "l·l" joins like a period. Symbols, control characters and
//    all other punctuation separate words; invisible format characters
//    (soft hyphen, zero-width joiner) are dropped without separating.
//  - Letters, digits and every script without case (CJK, Arabic, ...)
//    pass through.
//  - Bytes that are not valid UTF-8 are dropped and the rest is folded.
//    Returns "" for an empty or all-punctuation name, and if utf8proc
//    runs out of memory.
std::string FoldName(std::string_view name);

// Folds case only: Unicode case folding and canonical composition, white
// space collapsed to single spaces and trimmed; accents and punctuation
// stay ("Café  VIP" -> "café vip"). For names that must be unique without
// regard to case, such as tags. Invalid UTF-8 bytes are dropped.
std::string FoldCase(std::string_view text);

// The display name of an individual: "First Last", or "First" alone.
// Both parts are trimmed first; an empty first name gives "Last" alone.
std::string IndividualDisplayName(std::string_view first,
                                  std::string_view last);

}  // namespace custdb
