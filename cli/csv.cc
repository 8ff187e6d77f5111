#include "cli/csv.h"

#include <utility>

namespace custdb::cli {
namespace {

constexpr size_t kBlockBytes = 64 * 1024;
constexpr size_t kMaxFields = 1000;

}  // namespace

CsvReader::CsvReader(Source source)
    : source_(std::move(source)), buffer_(kBlockBytes) {}

int CsvReader::Get() {
  if (pos_ == end_) {
    if (at_end_) return -1;
    long got = source_(buffer_.data(), buffer_.size());
    if (got <= 0) {
      at_end_ = true;
      read_failed_ = got < 0;
      return -1;
    }
    pos_ = 0;
    end_ = static_cast<size_t>(got);
  }
  unsigned char c = static_cast<unsigned char>(buffer_[pos_++]);
  ++bytes_read_;
  if (c == '\n') ++line_;
  return c;
}

void CsvReader::SkipLine() {
  for (int c = Get(); c != -1 && c != '\n'; c = Get()) {
  }
}

CsvReader::Outcome CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  error_.clear();
  // Empty lines hold no record.
  int c;
  for (;;) {
    record_line_ = line_;
    c = Get();
    if (c == -1) return read_failed_ ? Outcome::kReadError : Outcome::kEnd;
    if (c == '\n') continue;
    if (c == '\r') {
      int next = Get();
      if (next != '\n' && next != -1) Unget();
      continue;
    }
    break;
  }

  // A line break ends the record: LF, CRLF, or a CR alone.
  auto ends_record = [&](int ch) {
    if (ch == -1 || ch == '\n') return true;
    if (ch == '\r') {
      int next = Get();
      if (next != '\n' && next != -1) Unget();
      return true;
    }
    return false;
  };
  auto malformed = [&](const char* reason, bool skip) {
    error_ = reason;
    if (skip) SkipLine();
    return read_failed_ ? Outcome::kReadError : Outcome::kMalformed;
  };

  size_t bytes = 0;
  std::string field;
  for (;;) {
    if (fields->size() == kMaxFields) {
      return malformed("row: more than 1000 columns", true);
    }
    field.clear();
    bool done = false;
    if (c == '"') {
      for (;;) {
        c = Get();
        if (c == -1) {
          return malformed("row: a quoted field is not closed", false);
        }
        if (c == '"') {
          c = Get();
          if (c == '"') {
            field += '"';
            continue;
          }
          if (c == ',') break;
          if (ends_record(c)) {
            done = true;
            break;
          }
          Unget();
          return malformed("row: text after the closing quote of a field",
                           true);
        }
        if (++bytes > kMaxRecordBytes) {
          return malformed("row: longer than 1 MiB", true);
        }
        field += static_cast<char>(c);
      }
    } else {
      for (;;) {
        if (ends_record(c)) {
          done = true;
          break;
        }
        if (c == ',') break;
        if (c == '"') {
          return malformed("row: a quote inside an unquoted field", true);
        }
        if (++bytes > kMaxRecordBytes) {
          return malformed("row: longer than 1 MiB", true);
        }
        field += static_cast<char>(c);
        c = Get();
      }
    }
    fields->push_back(field);
    if (done) return Outcome::kRecord;
    c = Get();
  }
}

}  // namespace custdb::cli
