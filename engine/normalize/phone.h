// US (North American Numbering Plan) phone numbers.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace custdb {

// Parses a phone number typed in any common way ("415-867-5309",
// "(415) 867 5309", "415.867.5309", "415/867-5309", "+1 415 867 5309",
// "1-415-867-5309", "4158675309") and returns it in E.164: "+14158675309".
//
// Fails with kInvalidArgument, the message naming `field` and the rule
// broken: empty; letters or other characters; a country code other than
// +1; a wrong number of digits; an area code or exchange that starts with
// 0 or 1 or is an N11 service code (911, 411).
//
// Surrounding white space is ignored. Between the digits only space, '-',
// '.', '/', '(' and ')' may appear, in any arrangement; a '+' only first.
// Letters are refused, so vanity numbers ("1-800-FLOWERS") and extensions
// ("x123", "ext. 4") must be entered some other way. After a '+' the
// first digit must be the country code 1; without one, 11 digits must
// start with 1. An input longer than 64 bytes is refused unread.
Result<std::string> NormalizePhone(std::string_view input,
                                   std::string_view field = "phone");

// Formats an E.164 US number for display: "+14158675309" ->
// "(415) 867-5309". Returns the input unchanged when it is not one
// ("+1" and 10 digits; the numbering-plan rules are not checked again).
std::string FormatPhone(std::string_view e164);

}  // namespace custdb
