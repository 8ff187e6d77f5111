// US postal addresses: states, ZIP codes and the normalized address key.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace custdb {

// Checks a USPS state code and returns it upper-cased: the 50 states, DC,
// the territories (AS, GU, MP, PR, VI, UM), the freely associated states
// (FM, MH, PW) and the military codes (AA, AE, AP). Input is
// case-insensitive and may have white space around it; state names
// ("California") are refused. Fails with kInvalidArgument naming `field`.
Result<std::string> NormalizeState(std::string_view input,
                                   std::string_view field = "state");

// Checks a ZIP code: 5 digits ("94107"), ZIP+4 ("94107-1234"), or 9
// digits, which become ZIP+4 ("941071234" -> "94107-1234"). White space
// around it is ignored; nothing else is accepted. Fails with
// kInvalidArgument naming `field`.
Result<std::string> NormalizeZip(std::string_view input,
                                 std::string_view field = "zip");

// One line of an address folded for comparison: case folded, accents and
// punctuation removed, white space collapsed (FoldName's rules), then word
// by word the USPS abbreviations unified: street suffixes ("Street",
// "Str" -> "st"; "Avenue" -> "ave"; "Boulevard" -> "blvd"; ...),
// directions ("North" -> "n", "Northeast" and "North East" -> "ne"), and
// unit designators ("Apartment", "Apt", "Suite", "Ste", "Unit", "Room",
// "#") -> "#", with a repeated designator ("Apt #5") kept once.
// "123 North Main Street, Apt. #5" -> "123 n main st # 5". Requires valid
// UTF-8 (bytes that are not are dropped).
//
// Every word is mapped wherever it stands, so "Court Street" becomes
// "ct st" and "North Ave" "n ave": the key is for comparing two
// addresses, not for display. TODO: ordinals ("First" and "1st") and
// unit letters written apart ("5 B" and "5B") are not unified, so such
// pairs give different keys and miss each other as duplicates.
std::string FoldAddressLine(std::string_view line);

// The key under which a location is indexed and compared:
// "<line1 line2>|<city>|<state>|<zip5>", each part folded by
// FoldAddressLine, the two address lines joined by a space (so a unit on
// either line gives the same key), the state lower-cased and only the
// first five digits of the ZIP. Expects the state and ZIP normalized
// already.
// ("123 Main Street", "Suite 5", "San Francisco", "CA", "94107-1234") ->
// "123 main st # 5|san francisco|ca|94107".
std::string AddressKey(std::string_view line1, std::string_view line2,
                       std::string_view city, std::string_view state,
                       std::string_view zip);

}  // namespace custdb
