// The CSV reader of the custdb tool on any bytes, fed in blocks of
// varying size: it always ends, every record stays under the limit, line
// numbers never go back, and a record written out again with RFC 4180
// quoting reads back as the same fields whatever the block sizes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "cli/csv.h"

namespace {

using custdb::cli::CsvReader;

// A source over `text` that hands out blocks of the sizes `sizes` cycles
// through (1 to 256 bytes).
CsvReader::Source BlockSource(const std::string& text, std::string sizes,
                              size_t* pos) {
  if (sizes.empty()) sizes = "\x40";
  return [&text, sizes, pos, turn = size_t{0}](char* buffer,
                                               size_t capacity) mutable {
    size_t want = static_cast<unsigned char>(sizes[turn++ % sizes.size()]);
    want = want % 256 + 1;
    if (want > capacity) want = capacity;
    size_t n = std::min(want, text.size() - *pos);
    std::memcpy(buffer, text.data() + *pos, n);
    *pos += n;
    return static_cast<long>(n);
  };
}

std::string Quote(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : fields[i]) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out + "\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first bytes choose the block sizes; the rest is the file.
  size_t split = size == 0 ? 0 : std::min<size_t>(data[0] % 8, size - 1) + 1;
  std::string sizes(reinterpret_cast<const char*>(data) + (size ? 1 : 0),
                    split > 0 ? split - 1 : 0);
  std::string text(reinterpret_cast<const char*>(data) + split, size - split);

  size_t pos = 0;
  CsvReader reader(BlockSource(text, sizes, &pos));
  std::vector<std::string> fields;
  uint64_t last_line = 0;
  std::string rewritten;
  std::vector<std::vector<std::string>> records;
  for (size_t calls = 0;; ++calls) {
    if (calls > text.size() + 1) __builtin_trap();  // it must progress
    auto outcome = reader.Next(&fields);
    if (reader.line() < last_line) __builtin_trap();
    last_line = reader.line();
    if (outcome == CsvReader::Outcome::kEnd) break;
    if (outcome == CsvReader::Outcome::kReadError) __builtin_trap();
    if (outcome == CsvReader::Outcome::kMalformed) {
      if (reader.error().empty()) __builtin_trap();
      continue;
    }
    size_t bytes = 0;
    for (const auto& f : fields) bytes += f.size();
    if (fields.empty() || bytes > CsvReader::kMaxRecordBytes) __builtin_trap();
    records.push_back(fields);
    rewritten += Quote(fields);
  }
  if (reader.bytes_read() != text.size()) __builtin_trap();

  // Quoted again, every record reads back whole, in blocks of other sizes.
  size_t again_pos = 0;
  CsvReader again(BlockSource(rewritten, "\x07\x31", &again_pos));
  for (const auto& expected : records) {
    if (again.Next(&fields) != CsvReader::Outcome::kRecord) __builtin_trap();
    if (fields != expected) __builtin_trap();
  }
  if (again.Next(&fields) != CsvReader::Outcome::kEnd) __builtin_trap();
  return 0;
}
