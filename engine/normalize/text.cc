#include "engine/normalize/text.h"

#include <cstdint>
#include <string>

namespace custdb {
namespace {

// Decodes the code point that starts at text[pos]. Returns its length in
// bytes, or 0 when the bytes there are not well-formed UTF-8. The ranges
// of the second byte are those of the Unicode standard's table of
// well-formed byte sequences (table 3-7): narrowing them after E0, ED, F0
// and F4 is what rules out overlong forms, surrogates and code points
// above U+10FFFF.
size_t DecodeOne(std::string_view text, size_t pos, char32_t* code_point) {
  const auto byte = [&](size_t i) {
    return static_cast<uint8_t>(text[pos + i]);
  };
  const size_t left = text.size() - pos;
  const uint8_t lead = byte(0);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }

  size_t length;
  uint8_t second_min = 0x80;
  uint8_t second_max = 0xBF;
  char32_t value;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    // 80..BF is a continuation byte with no lead; C0 and C1 can only
    // start overlong forms; F5..FF would encode beyond U+10FFFF.
    return 0;
  }
  if (left < length) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  *code_point = value;
  return length;
}

// The code points with the Unicode White_Space property.
bool IsSpace(char32_t c) {
  switch (c) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x0085:  // next line
    case 0x00A0:  // no-break space
    case 0x1680:  // ogham space mark
    case 0x2028:  // line separator
    case 0x2029:  // paragraph separator
    case 0x202F:  // narrow no-break space
    case 0x205F:  // medium mathematical space
    case 0x3000:  // ideographic space
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;  // en quad .. hair space
  }
}

// C0 controls and DEL. DEL is not C0, but it is just as invisible and
// just as likely to be left over from a bad paste.
bool IsControl(char32_t c, bool multiline) {
  if (multiline && (c == U'\t' || c == U'\n' || c == U'\r')) return false;
  return c < 0x20 || c == 0x7F;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  char32_t code_point;
  for (size_t pos = 0; pos < text.size();) {
    const size_t length = DecodeOne(text, pos, &code_point);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

Status CheckTextField(std::string_view field, std::string_view text,
                      size_t max_bytes, bool multiline) {
  // The length comes first so that a huge value is refused before it is
  // scanned.
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(std::string(field) + ": longer than " +
                                   std::to_string(max_bytes) + " bytes");
  }

  char32_t code_point;
  for (size_t pos = 0; pos < text.size();) {
    const size_t length = DecodeOne(text, pos, &code_point);
    if (length == 0) {
      return Status::InvalidArgument(std::string(field) +
                                     ": must be valid UTF-8");
    }
    if (IsControl(code_point, multiline)) {
      return Status::InvalidArgument(
          std::string(field) +
          (multiline ? ": must not contain control characters other than "
                       "tab and line breaks"
                     : ": must not contain control characters or line "
                       "breaks"));
    }
    pos += length;
  }
  return Status::Ok();
}

std::string_view TrimSpace(std::string_view text) {
  char32_t code_point;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t length = DecodeOne(text, begin, &code_point);
    if (length == 0 || !IsSpace(code_point)) break;
    begin += length;
  }

  size_t end = text.size();
  while (end > begin) {
    // Step back over at most three continuation bytes to the start of the
    // last code point; it counts only if it decodes to exactly the bytes
    // up to `end`, so invalid UTF-8 is never trimmed.
    size_t start = end - 1;
    while (start > begin && end - start < 4 &&
           (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) {
      --start;
    }
    const size_t length = DecodeOne(text, start, &code_point);
    if (length != end - start || !IsSpace(code_point)) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

}  // namespace custdb
