// Email addresses.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace custdb {

// Checks the syntax of an address (a practical subset of RFC 5321/5322:
// dot-atom local part of at most 64 bytes, a domain of dot-separated
// LDH labels with at least two labels, 254 bytes in all). The address is
// kept as typed, less surrounding white space, which is returned.
// Fails with kInvalidArgument naming `field` and the rule broken.
//
// The rules: exactly one '@'. The local part is 1..64 bytes of letters,
// digits and !#$%&'*+/=?^_`{|}~- with dots that are not first, last or
// doubled; quoted local parts and comments are refused. Each domain label
// is 1..63 letters, digits and hyphens, not starting or ending with a
// hyphen; the last label has at least 2 characters and is not all digits,
// so IP addresses, bracketed or not, are refused. Addresses with any
// non-ASCII byte (internationalized, RFC 6531) are refused with their own
// message, as are spaces and control characters inside the address.
Result<std::string> ValidateEmail(std::string_view input,
                                  std::string_view field = "email");

// The key under which an address is indexed and compared: the whole
// address lower-cased (ASCII). Requires a valid address.
std::string EmailKey(std::string_view email);

// A looser key for duplicate detection: EmailKey, then in the local part
// everything from the first '+' dropped and every dot removed, and the
// domain googlemail.com read as gmail.com ("J.Doe+work@GMail.com" ->
// "jdoe@gmail.com"). Many providers ignore dots and deliver +tags, so two
// addresses with one loose key are probably one person's; it is a weaker
// signal than equal addresses. Requires a valid address.
std::string LooseEmailKey(std::string_view email);

}  // namespace custdb
