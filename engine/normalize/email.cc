#include "engine/normalize/email.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "engine/normalize/text.h"

namespace custdb {
namespace {

// RFC 5321 section 4.5.3.1: the longest address that fits in a path
// (256 bytes less the angle brackets), the longest local part and the
// longest DNS label.
constexpr size_t kMaxAddressBytes = 254;
constexpr size_t kMaxLocalBytes = 64;
constexpr size_t kMaxLabelBytes = 63;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The "atext" characters of RFC 5322 section 3.2.3.
bool IsAtext(char c) {
  static constexpr std::string_view kSymbols = "!#$%&'*+/=?^_`{|}~-";
  return IsAsciiLetter(c) || IsDigit(c) ||
         kSymbols.find(c) != std::string_view::npos;
}

Status Invalid(std::string_view field, std::string_view rule) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(rule));
}

Status CheckLocalPart(std::string_view field, std::string_view local) {
  if (local.empty()) return Invalid(field, "the part before '@' is empty");
  if (local.size() > kMaxLocalBytes) {
    return Invalid(field, "the part before '@' is longer than 64 bytes");
  }
  if (local.front() == '.' || local.back() == '.') {
    return Invalid(field, "the part before '@' cannot start or end with a dot");
  }
  if (local.find("..") != std::string_view::npos) {
    return Invalid(field, "the part before '@' cannot have two dots in a row");
  }
  for (const char c : local) {
    if (c != '.' && !IsAtext(c)) {
      return Invalid(field,
                     "the part before '@' may contain only letters, digits "
                     "and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ -");
    }
  }
  return Status::Ok();
}

Status CheckLabel(std::string_view field, std::string_view label) {
  if (label.empty()) {
    return Invalid(field,
                   "the domain cannot start or end with a dot or have two "
                   "dots in a row");
  }
  if (label.size() > kMaxLabelBytes) {
    return Invalid(field, "a domain label is longer than 63 bytes");
  }
  for (const char c : label) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '-') {
      return Invalid(field,
                     "the domain may contain only letters, digits, hyphens "
                     "and dots");
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return Invalid(field, "a domain label cannot start or end with a hyphen");
  }
  return Status::Ok();
}

Status CheckDomain(std::string_view field, std::string_view domain) {
  if (domain.empty()) return Invalid(field, "the domain is empty");
  if (domain.find('.') == std::string_view::npos) {
    return Invalid(field, "the domain needs at least one dot");
  }

  std::string_view rest = domain;
  std::string_view label;
  while (true) {
    const size_t dot = rest.find('.');
    label = rest.substr(0, dot);
    CUSTDB_RETURN_IF_ERROR(CheckLabel(field, label));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }

  // An all-digit last label means a bare IP address ("user@192.0.2.1"),
  // which RFC 5321 allows only as a bracketed literal, and no top-level
  // domain is a single character.
  if (std::all_of(label.begin(), label.end(), IsDigit)) {
    return Invalid(field, "the top-level domain cannot be all digits");
  }
  if (label.size() < 2) {
    return Invalid(field, "the top-level domain needs at least 2 characters");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ValidateEmail(std::string_view input,
                                  std::string_view field) {
  const std::string_view address = TrimSpace(input);
  if (address.empty()) return Invalid(field, "must not be empty");
  if (address.size() > kMaxAddressBytes) {
    return Invalid(field, "longer than 254 bytes");
  }
  for (const char c : address) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return Invalid(field, "only ASCII addresses are supported");
    }
  }
  // Checked before the parts are split so that the commonest slip,
  // a space typed inside the address, gets a message that says so.
  for (const char c : address) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return Invalid(field, "must not contain spaces or control characters");
    }
  }

  const size_t at = address.find('@');
  if (at == std::string_view::npos ||
      address.find('@', at + 1) != std::string_view::npos) {
    return Invalid(field, "must contain exactly one '@'");
  }
  CUSTDB_RETURN_IF_ERROR(CheckLocalPart(field, address.substr(0, at)));
  CUSTDB_RETURN_IF_ERROR(CheckDomain(field, address.substr(at + 1)));
  return std::string(address);
}

std::string EmailKey(std::string_view email) {
  std::string key(email);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string LooseEmailKey(std::string_view email) {
  std::string key = EmailKey(email);
  size_t at = key.rfind('@');
  if (at == std::string::npos) return key;
  std::string local = key.substr(0, at);
  std::string domain = key.substr(at + 1);
  if (size_t plus = local.find('+'); plus != std::string::npos && plus > 0) {
    local.resize(plus);
  }
  std::string loose;
  for (char c : local) {
    if (c != '.') loose += c;
  }
  if (domain == "googlemail.com") domain = "gmail.com";
  return loose + "@" + domain;
}

}  // namespace custdb
