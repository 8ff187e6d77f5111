// The shared parts of the tool: errors, ABI handles, tables.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "cli/tool.h"

namespace custdb::cli {

int ExitCodeOf(int rc) {
  switch (rc) {
    case CUSTDB_OK:
      return kExitOk;
    case CUSTDB_EINVAL:
      return kExitInvalid;
    case CUSTDB_ENOTFOUND:
      return kExitNotFound;
    case CUSTDB_ECONFLICT:
      return kExitConflict;
    case CUSTDB_EINUSE:
    case CUSTDB_EFORMAT:
    case CUSTDB_ECORRUPT:
    case CUSTDB_EIO:
    case CUSTDB_EBUSY:
    case CUSTDB_ECLOSED:
    case CUSTDB_ENOMEM:
      return kExitStorage;
    default:
      return kExitInternal;
  }
}

void Fail(int exit_code, std::string message) {
  throw Failure{exit_code, std::move(message)};
}

void Check(int rc, std::string_view what) {
  if (rc == CUSTDB_OK) return;
  std::string message(what);
  message += ": ";
  message += custdb_last_error();
  Fail(ExitCodeOf(rc), message);
}

Json RecordJson(const char* type_name, const custdb_buffer* record) {
  custdb_buffer* json = nullptr;
  Check(custdb_record_to_json(&json, type_name, custdb_buffer_data(record),
                              custdb_buffer_size(record)),
        "reading a record");
  Buffer owned(json);
  Json value;
  std::string error;
  const char* text = reinterpret_cast<const char*>(custdb_buffer_data(json));
  if (!ParseJson(std::string_view(text, custdb_buffer_size(json)), &value,
                 &error)) {
    Fail(kExitInternal, "reading a record: " + error);
  }
  return value;
}

Buffer RecordFromJson(const char* type_name, const std::string& json,
                      std::string_view what) {
  custdb_buffer* out = nullptr;
  Check(custdb_record_from_json(&out, type_name, json.data(), json.size()),
        what);
  return Buffer(out);
}

std::vector<Json> ReadAll(custdb_cursor* cursor, const char* type_name,
                          size_t limit) {
  std::vector<Json> out;
  while (out.size() < limit) {
    custdb_buffer* record = nullptr;
    Check(custdb_cursor_next(&record, cursor), "reading a list");
    if (record == nullptr) break;
    Buffer owned(record);
    out.push_back(RecordJson(type_name, record));
  }
  return out;
}

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto range = options.equal_range(name);
  if (range.first == range.second) return fallback;
  return std::prev(range.second)->second;
}

std::vector<std::string> Args::All(const std::string& name) const {
  std::vector<std::string> out;
  auto range = options.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) {
    out.push_back(it->second);
  }
  return out;
}

Store Context::Open(bool create, bool no_sync) const {
  struct stat st;
  if (!create && stat(store_path.c_str(), &st) != 0) {
    Fail(kExitStorage,
         "store: no store at this path (create one with custdb init, or "
         "choose one with --store or CUSTDB_STORE)");
  }
  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  options.no_sync = no_sync ? 1 : 0;
  custdb_store* store = nullptr;
  Check(custdb_store_open(&store, store_path.c_str(), &options),
        "opening the store");
  return Store(store);
}

uint64_t ParseId(const std::string& text, const char* name) {
  if (text.empty() || text.size() > 20 ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    Fail(kExitUsage, std::string(name) + ": must be a positive number");
  }
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno != 0 || value == 0) {
    Fail(kExitUsage, std::string(name) + ": must be a positive number");
  }
  return value;
}

uint64_t IdArgument(const Context& ctx, size_t index, const char* name) {
  if (ctx.args.positional.size() <= index) {
    Fail(kExitUsage, std::string(name) + ": missing (see custdb help " +
                         ctx.args.command + ")");
  }
  return ParseId(ctx.args.positional[index], name);
}

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}

void Table::Add(std::vector<std::string> row) {
  row.resize(columns_.size());
  rows_.push_back(std::move(row));
}

std::string CsvField(std::string_view value) {
  bool quote =
      value.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

void Table::Print(Format format) const {
  if (format == Format::kCsv) {
    std::string out;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out += ',';
      out += columns_[i];
    }
    out += "\r\n";
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += ',';
        out += CsvField(row[i]);
      }
      out += "\r\n";
    }
    fwrite(out.data(), 1, out.size(), stdout);
    return;
  }
  if (format == Format::kJson) {
    for (const auto& row : rows_) {
      std::string out = "{";
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += ',';
        AppendJsonString(&out, columns_[i]);
        out += ':';
        AppendJsonString(&out, row[i]);
      }
      out += "}\n";
      fwrite(out.data(), 1, out.size(), stdout);
    }
    return;
  }
  std::vector<std::string> headers;
  for (const auto& c : columns_) {
    std::string h;
    for (char ch : c) h += ch == '_' ? ' ' : static_cast<char>(toupper(ch));
    headers.push_back(h);
  }
  std::vector<size_t> widths(columns_.size());
  for (size_t i = 0; i < headers.size(); ++i) {
    widths[i] = DisplayWidth(headers[i]);
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = row[i];
      for (char& ch : cell) {
        if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
      }
      bool last = i + 1 == row.size();
      out += cell;
      if (!last) out += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
    fwrite(out.data(), 1, out.size(), stdout);
  };
  print_row(headers);
  for (const auto& row : rows_) print_row(row);
}

std::string IsoTime(int64_t ms) {
  if (ms <= 0) return "";
  time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&seconds, &tm);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

bool ValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
        (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp < 0xE000)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace custdb::cli
