// A streaming reader of CSV as RFC 4180 describes it: fields separated by
// commas, records by CRLF or LF, a field in double quotes may hold commas,
// line breaks and doubled quotes. It reads through a callback, a block at
// a time, so that memory stays flat however long the file is.
//
// A malformed record (a quote inside an unquoted field, text after a
// closing quote, a quoted field still open at the end of the input, a
// record longer than the limit) is reported with the line it starts on
// and a reason, and reading goes on with the next line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace custdb::cli {

class CsvReader {
 public:
  // Fills `buffer` with up to `capacity` bytes; returns how many, 0 at the
  // end of the input and -1 on a read error.
  using Source = std::function<long(char* buffer, size_t capacity)>;

  // The longest record accepted, in bytes.
  static constexpr size_t kMaxRecordBytes = 1 << 20;

  explicit CsvReader(Source source);

  enum class Outcome { kRecord, kMalformed, kEnd, kReadError };

  // Reads the next record into `fields`. kRecord: `fields` holds it.
  // kMalformed: `error()` says why and the record is skipped. kEnd: no
  // more records (an empty line is no record). In every case `line()` is
  // the line the record started on, counted from 1.
  Outcome Next(std::vector<std::string>* fields);

  uint64_t line() const { return record_line_; }
  const std::string& error() const { return error_; }
  // The bytes consumed so far (for a progress display).
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  // The next byte, or -1 at the end of the input (or on a read error,
  // which `read_failed_` records).
  int Get();
  void Unget() {
    --pos_;
    --bytes_read_;
  }
  // Skips to just past the next line break outside quotes.
  void SkipLine();

  Source source_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool at_end_ = false;
  bool read_failed_ = false;
  uint64_t line_ = 1;
  uint64_t record_line_ = 1;
  uint64_t bytes_read_ = 0;
  std::string error_;
};

}  // namespace custdb::cli
