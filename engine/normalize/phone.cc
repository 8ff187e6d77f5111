#include "engine/normalize/phone.h"

#include <cstddef>
#include <string>

#include "engine/normalize/text.h"

namespace custdb {
namespace {

// Longer than any phone number typed with generous formatting; refusing
// it up front bounds the work done on hostile input.
constexpr size_t kMaxInputBytes = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsFormatting(char c) {
  switch (c) {
    case ' ':
    case '-':
    case '.':
    case '/':
    case '(':
    case ')':
      return true;
    default:
      return false;
  }
}

Status Invalid(std::string_view field, std::string_view rule) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(rule));
}

// Checks one three-digit part of a ten-digit number (the area code or the
// exchange) against the numbering plan: it starts with 2..9 and is not an
// N11 service code such as 411 or 911.
Status CheckNumberingPlan(std::string_view field, std::string_view part,
                          std::string_view part_name) {
  if (part[0] == '0' || part[0] == '1') {
    return Invalid(field, std::string(part_name) + " cannot start with 0 or 1");
  }
  if (part[1] == '1' && part[2] == '1') {
    return Invalid(field, std::string(part_name) +
                              " cannot be an N11 service code (such as 911)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> NormalizePhone(std::string_view input,
                                   std::string_view field) {
  if (input.size() > kMaxInputBytes) {
    return Invalid(field, "longer than 64 bytes");
  }
  const std::string_view text = TrimSpace(input);
  if (text.empty()) return Invalid(field, "must not be empty");

  const bool has_plus = text[0] == '+';
  std::string digits;
  for (size_t i = has_plus ? 1 : 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (IsAsciiLetter(c)) {
      return Invalid(field,
                     "letters are not accepted (no vanity numbers or "
                     "extensions)");
    } else if (c == '+') {
      return Invalid(field, "'+' is allowed only at the start");
    } else if (!IsFormatting(c)) {
      return Invalid(field,
                     "only digits, spaces and the characters - . / ( ) "
                     "are accepted");
    }
  }

  // A '+' announces a country code, which must be 1. Without one, eleven
  // digits can only be a number dialled with its leading 1.
  std::string_view national = digits;
  if (has_plus && !digits.empty()) {
    if (digits[0] != '1') {
      return Invalid(field, "only US numbers (+1) are accepted");
    }
    national.remove_prefix(1);
  } else if (!has_plus && digits.size() == 11) {
    if (digits[0] != '1') {
      return Invalid(field, "an 11-digit number must start with 1");
    }
    national.remove_prefix(1);
  }
  if (national.size() != 10) {
    return Invalid(field, "a US number has 10 digits (got " +
                              std::to_string(national.size()) + ")");
  }

  CUSTDB_RETURN_IF_ERROR(
      CheckNumberingPlan(field, national.substr(0, 3), "area code"));
  CUSTDB_RETURN_IF_ERROR(
      CheckNumberingPlan(field, national.substr(3, 3), "exchange"));
  return "+1" + std::string(national);
}

std::string FormatPhone(std::string_view e164) {
  bool is_us_e164 = e164.size() == 12 && e164.substr(0, 2) == "+1";
  for (size_t i = 2; is_us_e164 && i < e164.size(); ++i) {
    is_us_e164 = IsDigit(e164[i]);
  }
  if (!is_us_e164) return std::string(e164);

  std::string display = "(";
  display.append(e164.substr(2, 3));
  display.append(") ");
  display.append(e164.substr(5, 3));
  display.push_back('-');
  display.append(e164.substr(8, 4));
  return display;
}

}  // namespace custdb
