// Checks shared by every text field: valid UTF-8, no control characters,
// a maximum length in bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace custdb {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Validates one text field of a record. `field` names it in the message
// ("first_name"). Rejects invalid UTF-8, NUL and other C0 control
// characters and DEL (tab, line feed and carriage return are allowed only
// when `multiline`), and more than `max_bytes` bytes. The message names the
// field and the rule and never quotes the value. The length is checked
// first, so a value both too long and malformed reports its length.
Status CheckTextField(std::string_view field, std::string_view text,
                      size_t max_bytes, bool multiline = false);

// Trims ASCII and Unicode white space (the White_Space property: U+00A0,
// U+2000..U+200A, U+3000 and the rest) from both ends. Bytes that are not
// valid UTF-8 are never trimmed and stop the trimming where they are.
std::string_view TrimSpace(std::string_view text);

}  // namespace custdb
