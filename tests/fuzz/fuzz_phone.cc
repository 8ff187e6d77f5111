// Phone numbers: NormalizePhone on any bytes, FormatPhone on what it
// accepts. A normalized number is E.164 ("+1" and 10 digits), normalizing
// it again gives it back, and so does normalizing its display form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/normalize/phone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto phone = custdb::NormalizePhone(input);
  if (!phone.ok()) return 0;

  const std::string& e164 = *phone;
  if (e164.size() != 12 || e164[0] != '+' || e164[1] != '1') {
    __builtin_trap();
  }
  for (size_t i = 2; i < e164.size(); ++i) {
    if (e164[i] < '0' || e164[i] > '9') __builtin_trap();
  }

  auto again = custdb::NormalizePhone(e164);
  if (!again.ok() || *again != e164) __builtin_trap();

  std::string display = custdb::FormatPhone(e164);
  auto from_display = custdb::NormalizePhone(display);
  if (!from_display.ok() || *from_display != e164) __builtin_trap();
  return 0;
}
