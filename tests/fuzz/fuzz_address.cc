// Addresses: FoldAddressLine and AddressKey on any bytes, split into the
// parts of an address at NUL bytes. A folded line is valid UTF-8, trimmed,
// without double spaces and without '|', and folding it again changes
// nothing; the key of a normalized state and ZIP has exactly four parts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/normalize/address.h"
#include "engine/normalize/text.h"

namespace {

void CheckFoldedLine(const std::string& folded) {
  if (!custdb::IsValidUtf8(folded)) __builtin_trap();
  if (!folded.empty() && (folded.front() == ' ' || folded.back() == ' ')) {
    __builtin_trap();
  }
  if (folded.find("  ") != std::string::npos) __builtin_trap();
  if (folded.find('|') != std::string::npos) __builtin_trap();
  if (custdb::FoldAddressLine(folded) != folded) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckFoldedLine(custdb::FoldAddressLine(input));

  // line1, line2, city, state, zip; missing parts are empty.
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 4) {
    size_t end = input.find('\0', start);
    if (end == std::string_view::npos) break;
    parts.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(input.substr(std::min(start, input.size())));
  parts.resize(5);
  for (size_t i = 0; i < 3; ++i) {
    CheckFoldedLine(custdb::FoldAddressLine(parts[i]));
  }

  // AddressKey expects a normalized state and ZIP, as a location has.
  auto state = custdb::NormalizeState(parts[3]);
  auto zip = custdb::NormalizeZip(parts[4]);
  std::string key =
      custdb::AddressKey(parts[0], parts[1], parts[2], state.ok() ? *state : "",
                         zip.ok() ? *zip : "");
  if (std::count(key.begin(), key.end(), '|') != 3) __builtin_trap();
  return 0;
}
