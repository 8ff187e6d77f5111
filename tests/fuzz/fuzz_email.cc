// Email addresses: ValidateEmail on any bytes, the keys of what it
// accepts. An accepted address validates again to itself; its key is
// ASCII lower case and validates too; the loose key of the key is the
// loose key, and the loose key is its own loose key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/normalize/email.h"

namespace {

bool HasUpperCase(std::string_view text) {
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto email = custdb::ValidateEmail(input);
  if (!email.ok()) return 0;

  auto again = custdb::ValidateEmail(*email);
  if (!again.ok() || *again != *email) __builtin_trap();

  std::string key = custdb::EmailKey(*email);
  if (key.size() != email->size() || HasUpperCase(key)) __builtin_trap();
  if (custdb::EmailKey(key) != key) __builtin_trap();
  if (!custdb::ValidateEmail(key).ok()) __builtin_trap();

  std::string loose = custdb::LooseEmailKey(*email);
  if (HasUpperCase(loose) || loose.size() > key.size()) __builtin_trap();
  if (custdb::LooseEmailKey(key) != loose) __builtin_trap();
  if (loose.find('@') == std::string::npos) __builtin_trap();
  return 0;
}
