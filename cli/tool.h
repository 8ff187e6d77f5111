// What the commands of the custdb tool share: the handles of the C ABI
// held in RAII types, the parsed command line, errors with their exit
// codes, and the three output formats. The tool uses custdb.h alone.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/json.h"
#include "custdb.h"

namespace custdb::cli {

// Exit codes; docs/cli.md lists them.
enum Exit : int {
  kExitOk = 0,
  kExitInternal = 1,      // a bug, or a failure with no better code
  kExitUsage = 2,         // an unknown command or option, a missing argument
  kExitNotFound = 3,      // no such customer, contact, tag, ...
  kExitInvalid = 4,       // invalid input: a field breaks a rule; rows rejected
  kExitStorage = 5,       // the store cannot be opened, read or written
  kExitConflict = 6,      // a version or link conflict; nothing changed
  kExitInconsistent = 7,  // check found issues
  kExitCancelled = 8,     // a merge was not confirmed
};

// A failure on its way to main: the exit code and a message.
struct Failure {
  int exit_code;
  std::string message;
};

// The exit code of a custdb_* result code.
int ExitCodeOf(int rc);

// Throws a Failure for a failed custdb call: "what: <last error>".
void Check(int rc, std::string_view what);
[[noreturn]] void Fail(int exit_code, std::string message);

struct BufferFree {
  void operator()(custdb_buffer* b) const { custdb_buffer_free(b); }
};
using Buffer = std::unique_ptr<custdb_buffer, BufferFree>;
struct CursorFree {
  void operator()(custdb_cursor* c) const { custdb_cursor_free(c); }
};
using Cursor = std::unique_ptr<custdb_cursor, CursorFree>;
struct StoreClose {
  void operator()(custdb_store* s) const { custdb_store_close(s); }
};
using Store = std::unique_ptr<custdb_store, StoreClose>;

// A record as JSON, through custdb_record_to_json.
Json RecordJson(const char* type_name, const custdb_buffer* record);
// A draft or patch record from JSON text.
Buffer RecordFromJson(const char* type_name, const std::string& json,
                      std::string_view what);
// Every record of a cursor, as JSON.
std::vector<Json> ReadAll(custdb_cursor* cursor, const char* type_name,
                          size_t limit = SIZE_MAX);

// The command line: the command, its positional arguments and options.
struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;  // name without "--"

  bool Has(const std::string& name) const { return options.count(name) > 0; }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  std::vector<std::string> All(const std::string& name) const;
};

enum class Format { kHuman, kCsv, kJson };

// What every command works with.
struct Context {
  Args args;
  Format format = Format::kHuman;
  std::string store_path;
  uint64_t account = 1;
  bool stdout_is_terminal = false;
  bool stderr_is_terminal = false;

  // Opens the store; it must exist unless `create` is set.
  Store Open(bool create = false, bool no_sync = false) const;
};

// A positional argument as a record id (a usage error otherwise).
uint64_t IdArgument(const Context& ctx, size_t index, const char* name);
uint64_t ParseId(const std::string& text, const char* name);

// A table printed in the chosen format: aligned columns for people, CSV
// with a header line, or one JSON object per row.
class Table {
 public:
  explicit Table(std::vector<std::string> columns);
  void Add(std::vector<std::string> row);
  // Human output heads each column with its name in upper case, spaces
  // for underscores.
  void Print(Format format) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// RFC 4180 quoting of one field, when it needs it.
std::string CsvField(std::string_view value);
// Display width of UTF-8 text (code points, not bytes).
size_t DisplayWidth(std::string_view text);
// Milliseconds since the epoch as "2024-05-01T13:45:00Z"; "" for 0.
std::string IsoTime(int64_t ms);
// Whether bytes are valid UTF-8.
bool ValidUtf8(std::string_view text);
// A number with thousands separators.
std::string Grouped(uint64_t n);
// Lower case ASCII.
std::string Lower(std::string_view text);

// The commands.
int CommandImport(Context& ctx);
int CommandExport(Context& ctx);

}  // namespace custdb::cli
