// Status and Result: how the engine reports failure.
//
// Every fallible engine function returns a [[nodiscard]] Status or
// Result<T>. A Status carries a code (mapped one to one onto the C ABI's
// error codes) and a lower-case message that names the field or operation
// and never contains a customer's personal data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace custdb {

enum class Code {
  kOk = 0,
  kInvalidArgument,    // input failed validation; nothing was changed
  kNotFound,           // the record does not exist in this account
  kConflict,           // the record's version is not the one expected
  kInUse,              // the store is open in another process or handle
  kUnsupportedFormat,  // not a custdb store, or a newer format
  kCorruption,         // stored or supplied bytes are damaged
  kIo,                 // the file system failed
  kBusy,               // a lock could not be had in time; retry
  kClosed,             // the store was closed under a cursor
  kInternal,           // a bug in custdb
};

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) {
    return Status(Code::kNotFound, std::move(m));
  }
  static Status Conflict(std::string m) {
    return Status(Code::kConflict, std::move(m));
  }
  static Status InUse(std::string m) {
    return Status(Code::kInUse, std::move(m));
  }
  static Status UnsupportedFormat(std::string m) {
    return Status(Code::kUnsupportedFormat, std::move(m));
  }
  static Status Corruption(std::string m) {
    return Status(Code::kCorruption, std::move(m));
  }
  static Status Io(std::string m) { return Status(Code::kIo, std::move(m)); }
  static Status Busy(std::string m) {
    return Status(Code::kBusy, std::move(m));
  }
  static Status Closed(std::string m) {
    return Status(Code::kClosed, std::move(m));
  }
  static Status Internal(std::string m) {
    return Status(Code::kInternal, std::move(m));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsBusy() const { return code_ == Code::kBusy; }

  // The same code, with `where` put before the message: a field's path
  // in a larger input ("rows[3].").
  Status Within(std::string_view where) const {
    return Status(code_, std::string(where) + message_);
  }

 private:
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace custdb

// Returns the Status of an expression from the enclosing function when it
// is not ok.
#define CUSTDB_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::custdb::Status custdb_status_ = (expr);        \
    if (!custdb_status_.ok()) return custdb_status_; \
  } while (0)
