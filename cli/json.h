// A small JSON reader and writer for the command-line tool: the tool
// reads records through custdb_record_to_json and JSON lines files, and
// writes --format json. Numbers keep their text, so 64-bit ids survive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custdb::cli {

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number as written
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  // The member named `key` of an object; null when there is none.
  const Json* Find(std::string_view key) const;
  // A member's value as text: a string as it is, a number or a boolean
  // as written, anything else (or a missing member) as "".
  std::string Text(std::string_view key) const;
  uint64_t Uint(std::string_view key) const;
  bool Bool(std::string_view key) const;
};

// Parses one JSON text. On failure returns false and sets `error` to a
// message of the form "json: <rule> at byte N".
bool ParseJson(std::string_view text, Json* out, std::string* error);

// Appends `value` as a JSON string, quoted and escaped.
void AppendJsonString(std::string* out, std::string_view value);

// The compact JSON text of a value.
std::string ToJsonText(const Json& value);

}  // namespace custdb::cli
