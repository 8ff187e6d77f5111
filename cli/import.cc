// custdb import and custdb export: customers from and to CSV or JSON
// lines, a row at a time, so that memory stays flat as files grow.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <flatbuffers/flatbuffers.h>

#include "cli/csv.h"
#include "cli/tool.h"
#include "custdb_generated.h"

namespace custdb::cli {
namespace {

// The fields a row may carry, in the order of the export's columns.
const std::vector<std::string> kImportFields = {
    "first_name", "last_name", "company_name",  "kind",
    "phone",      "email",     "source",        "status",
    "vip",        "tags",      "address_line1", "address_line2",
    "city",       "state",     "zip",           "access_notes"};

const std::vector<std::string> kAddressFields = {
    "address_line1", "address_line2", "city", "state", "zip", "access_notes"};

// The link kind that keeps a row's id of the source system.
constexpr char kImportLinkKind[] = "import";

// One row of the input, whatever its format.
class Row {
 public:
  virtual ~Row() = default;
  // The value of a field through the mapping; "" when absent.
  virtual std::string Field(const std::string& field) const = 0;
  // The value of a column (or JSON member) by its own name.
  virtual std::string Column(const std::string& column) const = 0;
  // The arrays of child drafts of a JSON line; null otherwise.
  virtual const Json* Children(const char*) const { return nullptr; }
};

class CsvRow : public Row {
 public:
  CsvRow(const std::vector<std::string>* values,
         const std::map<std::string, size_t>* field_columns,
         const std::map<std::string, size_t>* columns)
      : values_(values), field_columns_(field_columns), columns_(columns) {}
  std::string Field(const std::string& field) const override {
    auto it = field_columns_->find(field);
    return it == field_columns_->end() ? "" : (*values_)[it->second];
  }
  std::string Column(const std::string& column) const override {
    auto it = columns_->find(column);
    return it == columns_->end() ? "" : (*values_)[it->second];
  }

 private:
  const std::vector<std::string>* values_;
  const std::map<std::string, size_t>* field_columns_;
  const std::map<std::string, size_t>* columns_;
};

class JsonRow : public Row {
 public:
  JsonRow(const Json* object, const std::map<std::string, std::string>* names)
      : object_(object), names_(names) {}
  std::string Field(const std::string& field) const override {
    auto it = names_->find(field);
    const std::string& key = it == names_->end() ? field : it->second;
    const Json* v = object_->Find(key);
    if (v != nullptr && field == "tags" && v->type == Json::Type::kArray) {
      std::string out;
      for (const auto& item : v->items) {
        if (!out.empty()) out += ';';
        out += item.text;
      }
      return out;
    }
    return object_->Text(key);
  }
  std::string Column(const std::string& column) const override {
    return object_->Text(column);
  }
  const Json* Children(const char* name) const override {
    const Json* v = object_->Find(name);
    return v != nullptr && v->type == Json::Type::kArray ? v : nullptr;
  }

 private:
  const Json* object_;
  const std::map<std::string, std::string>* names_;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

struct Outcome {
  std::string outcome;  // created, existing, updated, rejected
  uint64_t customer_id = 0;
  std::string reason;
};

// A row rejected before anything was written.
struct Rejected {
  std::string reason;
};

[[noreturn]] void Reject(std::string reason) { throw Rejected{reason}; }

// Throws Rejected for invalid input, Failure for anything else.
void CheckRow(int rc, std::string_view what) {
  if (rc == CUSTDB_OK) return;
  if (rc == CUSTDB_EINVAL) {
    std::string reason = custdb_last_error();
    if (reason.empty()) reason = std::string(what) + ": invalid";
    Reject(reason);
  }
  Check(rc, what);
}

Buffer RowRecord(const char* type, const std::string& json) {
  custdb_buffer* out = nullptr;
  CheckRow(custdb_record_from_json(&out, type, json.data(), json.size()), type);
  return Buffer(out);
}

void AddString(std::string* json, const char* name, const std::string& value) {
  if (value.empty()) return;
  if (!ValidUtf8(value)) Reject(std::string(name) + ": not valid UTF-8");
  if (json->size() > 1) *json += ',';
  AppendJsonString(json, name);
  *json += ':';
  AppendJsonString(json, value);
}

void AddEnum(std::string* json, const char* name, const std::string& typed,
             const std::vector<const char*>& values) {
  if (typed.empty()) return;
  std::string wanted = Lower(typed);
  for (const char* v : values) {
    if (Lower(v) == wanted) {
      if (json->size() > 1) *json += ',';
      AppendJsonString(json, name);
      *json += ':';
      AppendJsonString(json, v);
      return;
    }
  }
  std::string allowed;
  for (const char* v : values) {
    if (!allowed.empty()) allowed += ", ";
    allowed += Lower(v);
  }
  Reject(std::string(name) + ": must be one of " + allowed);
}

void AddBool(std::string* json, const char* name, const std::string& typed) {
  if (typed.empty()) return;
  std::string t = Lower(typed);
  bool value;
  if (t == "true" || t == "yes" || t == "1" || t == "y") {
    value = true;
  } else if (t == "false" || t == "no" || t == "0" || t == "n") {
    value = false;
  } else {
    Reject(std::string(name) + ": must be true or false (yes, no)");
  }
  if (json->size() > 1) *json += ',';
  AppendJsonString(json, name);
  *json += value ? ":true" : ":false";
}

class Importer {
 public:
  Importer(custdb_store* store, uint64_t account, std::string id_column)
      : store_(store), account_(account), id_column_(std::move(id_column)) {}

  Outcome Import(const Row& row) {
    Outcome out;
    try {
      ImportRow(row, &out);
    } catch (const Rejected& r) {
      // A customer already written stays, with the outcome it had; the
      // reason says what was not written.
      if (out.customer_id == 0) out.outcome = "rejected";
      out.reason = r.reason;
    }
    return out;
  }

 private:
  // The draft of the row's customer (`patch`: only what the row gives).
  std::string CustomerJson(const Row& row, bool patch) {
    std::string first = Trim(row.Field("first_name"));
    std::string company = Trim(row.Field("company_name"));
    std::string kind = Trim(row.Field("kind"));
    if (kind.empty() && !patch) {
      kind = !company.empty() && first.empty() ? "Company" : "Individual";
    }
    std::string json = "{";
    AddEnum(&json, "kind", kind, {"Individual", "Company"});
    AddString(&json, "first_name", first);
    AddString(&json, "last_name", Trim(row.Field("last_name")));
    AddString(&json, "company_name", company);
    AddString(&json, "phone", Trim(row.Field("phone")));
    AddString(&json, "email", Trim(row.Field("email")));
    std::string source = Trim(row.Field("source"));
    if (source.empty() && !patch) source = "Import";
    if (!patch) {
      AddEnum(&json, "source", source,
              {"Manual", "Storefront", "Referral", "Import", "Other"});
    }
    AddEnum(&json, "status", Trim(row.Field("status")),
            {"Active", "Inactive", "Archived"});
    AddBool(&json, "vip", Trim(row.Field("vip")));
    return json + "}";
  }

  // The row's service location as a LocationDraft; "" when it has none.
  std::string LocationJson(const Row& row) {
    bool any = false;
    for (const auto& f : kAddressFields) {
      if (!Trim(row.Field(f)).empty()) any = true;
    }
    if (!any) return "";
    for (const char* f : {"address_line1", "city", "state", "zip"}) {
      if (Trim(row.Field(f)).empty()) {
        Reject(std::string(f) + ": required when a row has an address");
      }
    }
    std::string json = "{\"kind\":\"Service\"";
    for (const auto& f : kAddressFields) {
      AddString(&json, f.c_str(), Trim(row.Field(f)));
    }
    return json + "}";
  }

  uint64_t LinkedCustomer(const std::string& source_id) {
    custdb_buffer* link = nullptr;
    int rc = custdb_link_find(&link, store_, account_, kImportLinkKind,
                              source_id.c_str());
    if (rc == CUSTDB_ENOTFOUND) return 0;
    CheckRow(rc, "source id");
    Buffer owned(link);
    return RecordJson("Link", link).Uint("customer_id");
  }

  // Whether `source_id` is the customer's first import link: the row
  // that made the customer, whose values an import again may update.
  bool FirstImportLink(uint64_t customer, const std::string& source_id) {
    custdb_cursor* cursor = nullptr;
    Check(custdb_link_list(&cursor, store_, account_, customer, nullptr),
          "import: reading links");
    Cursor owned(cursor);
    std::string first;
    int64_t first_at = INT64_MAX;
    for (const auto& l : ReadAll(cursor, "Link")) {
      if (l.Text("kind") != kImportLinkKind) continue;
      int64_t at = std::strtoll(l.Text("created_at_ms").c_str(), nullptr, 10);
      if (at < first_at) {
        first_at = at;
        first = l.Text("external_id");
      }
    }
    return first == source_id;
  }

 public:
  // The row as one of a batch for custdb_customer_import, when it can be
  // one: a row the library rejects, finds existing or finds linked goes
  // through Import instead (nullopt: it must, notes and all). Throws
  // Rejected for a row invalid before any call.
  std::optional<fb::ImportRowT> BatchRow(const Row& row) {
    const Json* notes = row.Children("notes");
    if (notes != nullptr && !notes->items.empty()) return std::nullopt;
    fb::ImportRowT out;
    if (!id_column_.empty()) {
      std::string source_id = Trim(row.Column(id_column_));
      if (!ValidUtf8(source_id)) Reject("source_id: not valid UTF-8");
      if (!source_id.empty()) {
        out.link = std::make_unique<fb::LinkDraftT>();
        out.link->kind = kImportLinkKind;
        out.link->external_id = source_id;
      }
    }
    Buffer draft = RowRecord("CustomerDraft", CustomerJson(row, false));
    out.customer.reset(Unpack<fb::CustomerDraft>(draft.get()));
    std::string location = LocationJson(row);
    if (!location.empty()) {
      Buffer l = RowRecord("LocationDraft", location);
      out.locations.emplace_back(Unpack<fb::LocationDraft>(l.get()));
    }
    for (const auto& name : TagsOf(row)) out.tag_ids.push_back(TagId(name));
    const Json* contacts = row.Children("contacts");
    for (size_t i = 0; contacts != nullptr && i < contacts->items.size(); ++i) {
      Buffer c = RowRecord("ContactDraft", ToJsonText(contacts->items[i]));
      out.contacts.emplace_back(Unpack<fb::ContactDraft>(c.get()));
    }
    const Json* locations = row.Children("locations");
    for (size_t i = 0; locations != nullptr && i < locations->items.size();
         ++i) {
      Buffer l = RowRecord("LocationDraft", ToJsonText(locations->items[i]));
      out.locations.emplace_back(Unpack<fb::LocationDraft>(l.get()));
    }
    const Json* timeline = row.Children("timeline");
    for (size_t i = 0; timeline != nullptr && i < timeline->items.size(); ++i) {
      Buffer t =
          RowRecord("TimelineEntryDraft", ToJsonText(timeline->items[i]));
      out.timeline.emplace_back(Unpack<fb::TimelineEntryDraft>(t.get()));
    }
    return out;
  }

 private:
  template <typename T>
  static typename T::NativeTableType* Unpack(const custdb_buffer* b) {
    return flatbuffers::GetRoot<T>(custdb_buffer_data(b))->UnPack();
  }

  void ImportRow(const Row& row, Outcome* out) {
    created_ = false;
    std::string source_id;
    if (!id_column_.empty()) {
      source_id = Trim(row.Column(id_column_));
      if (!ValidUtf8(source_id)) Reject("source_id: not valid UTF-8");
    }
    std::string location = LocationJson(row);
    Buffer location_draft;
    if (!location.empty())
      location_draft = RowRecord("LocationDraft", location);
    std::vector<std::string> tags = TagsOf(row);

    uint64_t linked = source_id.empty() ? 0 : LinkedCustomer(source_id);
    uint64_t id;
    if (linked != 0 && !FirstImportLink(linked, source_id)) {
      // The row was matched to a customer that another row created; that
      // row's values stand, so that importing again changes nothing.
      id = linked;
      out->outcome = "existing";
    } else if (linked != 0) {
      Buffer patch = RowRecord("CustomerPatch", CustomerJson(row, true));
      custdb_buffer* before = nullptr;
      Check(custdb_customer_get(&before, store_, account_, linked),
            "import: reading a linked customer");
      Buffer before_owned(before);
      uint64_t version = RecordJson("Customer", before).Uint("version");
      custdb_buffer* after = nullptr;
      CheckRow(custdb_customer_update(&after, store_, account_, linked,
                                      custdb_buffer_data(patch.get()),
                                      custdb_buffer_size(patch.get()), nullptr),
               "customer");
      Buffer after_owned(after);
      Json record = RecordJson("Customer", after);
      id = record.Uint("id");
      out->outcome = record.Uint("version") != version ? "updated" : "existing";
    } else {
      Buffer draft = RowRecord("CustomerDraft", CustomerJson(row, false));
      custdb_buffer* customer = nullptr;
      int existed = 0;
      CheckRow(custdb_customer_create(&customer, &existed, store_, account_,
                                      custdb_buffer_data(draft.get()),
                                      custdb_buffer_size(draft.get()), nullptr),
               "customer");
      Buffer owned(customer);
      id = RecordJson("Customer", customer).Uint("id");
      created_ = existed == 0;
      out->outcome = created_ ? "created" : "existing";
    }
    out->customer_id = id;

    if (!source_id.empty() && linked == 0) {
      std::string json = "{\"kind\":\"import\"";
      AddString(&json, "external_id", source_id);
      json += "}";
      Buffer link = RowRecord("LinkDraft", json);
      int rc = custdb_link_add(nullptr, store_, account_, id,
                               custdb_buffer_data(link.get()),
                               custdb_buffer_size(link.get()));
      if (rc == CUSTDB_ECONFLICT) {
        Reject("source_id: already linked to another customer");
      }
      CheckRow(rc, "source id");
    }
    if (location_draft) AddLocationOnce(id, row, location_draft.get());
    for (const auto& name : tags) Tag(id, name);
    if (created_) AddChildren(id, row);
  }

  std::vector<std::string> TagsOf(const Row& row) {
    std::vector<std::string> out;
    std::string text = row.Field("tags");
    size_t start = 0;
    while (start <= text.size()) {
      size_t semi = text.find(';', start);
      std::string name = Trim(text.substr(
          start, semi == std::string::npos ? std::string::npos : semi - start));
      if (!name.empty()) {
        if (!ValidUtf8(name)) Reject("tags: not valid UTF-8");
        out.push_back(name);
      }
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
    return out;
  }

  // Adds the row's location unless the customer has one at that address.
  void AddLocationOnce(uint64_t customer, const Row& row,
                       const custdb_buffer* draft) {
    std::string line1 = Lower(Trim(row.Field("address_line1")));
    std::string zip = Trim(row.Field("zip")).substr(0, 5);
    // A customer this row created has no location yet.
    if (!created_) {
      custdb_cursor* cursor = nullptr;
      Check(custdb_location_list(&cursor, store_, account_, customer, nullptr),
            "import: reading locations");
      Cursor owned(cursor);
      for (const auto& l : ReadAll(cursor, "Location")) {
        if (Lower(l.Text("address_line1")) == line1 &&
            l.Text("zip").substr(0, 5) == zip) {
          return;
        }
      }
    }
    int rc = custdb_location_add(nullptr, store_, account_, customer,
                                 custdb_buffer_data(draft),
                                 custdb_buffer_size(draft));
    if (rc == CUSTDB_EINVAL) {
      Reject(std::string("location not added: ") + custdb_last_error());
    }
    Check(rc, "import: adding a location");
  }

  void Tag(uint64_t customer, const std::string& name) {
    Check(custdb_customer_tag(nullptr, store_, account_, customer, TagId(name)),
          "import: tagging");
  }

  // The id of the tag of this name, which is created when missing.
  uint64_t TagId(const std::string& name) {
    std::string key = Lower(name);
    auto it = tag_ids_.find(key);
    uint64_t tag_id;
    if (it != tag_ids_.end()) {
      tag_id = it->second;
    } else {
      std::string json = "{";
      AddString(&json, "name", name);
      json += "}";
      Buffer draft = RowRecord("TagDraft", json);
      custdb_buffer* tag = nullptr;
      int existed = 0;
      int rc = custdb_tag_create(&tag, &existed, store_, account_,
                                 custdb_buffer_data(draft.get()),
                                 custdb_buffer_size(draft.get()));
      if (rc == CUSTDB_EINVAL) {
        Reject(std::string("tags: ") + custdb_last_error());
      }
      Check(rc, "import: creating a tag");
      Buffer owned(tag);
      tag_id = RecordJson("Tag", tag).Uint("id");
      // The library folds names fully; this cache only saves calls.
      if (tag_ids_.size() < 10000) tag_ids_[key] = tag_id;
    }
    return tag_id;
  }

  // The contacts, locations, timeline entries and notes a JSON line
  // carries, added when the row created its customer.
  void AddChildren(uint64_t customer, const Row& row) {
    struct Kind {
      const char* member;
      const char* type;
    };
    for (Kind kind :
         {Kind{"contacts", "ContactDraft"}, Kind{"locations", "LocationDraft"},
          Kind{"timeline", "TimelineEntryDraft"}, Kind{"notes", "NoteDraft"}}) {
      const Json* items = row.Children(kind.member);
      if (items == nullptr) continue;
      for (const auto& item : items->items) {
        Buffer draft = RowRecord(kind.type, ToJsonText(item));
        const uint8_t* d = custdb_buffer_data(draft.get());
        size_t n = custdb_buffer_size(draft.get());
        int rc;
        if (std::strcmp(kind.member, "contacts") == 0) {
          rc = custdb_contact_add(nullptr, store_, account_, customer, d, n);
        } else if (std::strcmp(kind.member, "locations") == 0) {
          rc = custdb_location_add(nullptr, store_, account_, customer, d, n);
        } else if (std::strcmp(kind.member, "timeline") == 0) {
          rc = custdb_timeline_append(nullptr, nullptr, store_, account_,
                                      customer, d, n);
        } else {
          rc = custdb_note_add(nullptr, store_, account_, customer, d, n);
        }
        if (rc == CUSTDB_EINVAL) {
          Reject(std::string(kind.member) +
                 " not all added: " + custdb_last_error());
        }
        Check(rc, "import: adding a child record");
      }
    }
  }

  custdb_store* store_;
  uint64_t account_;
  std::string id_column_;
  bool created_ = false;
  std::map<std::string, uint64_t> tag_ids_;
};

// The progress line on a terminal: a bar when the size is known, the
// rate, and the time left.
class Progress {
 public:
  Progress(bool enabled, uint64_t total_bytes)
      : enabled_(enabled),
        total_(total_bytes),
        start_(std::chrono::steady_clock::now()),
        last_(start_) {}

  void Update(uint64_t rows, uint64_t bytes, bool final = false) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
    char line[256];
    if (total_ > 0) {
      double done = std::min(
          1.0, static_cast<double>(bytes) / static_cast<double>(total_));
      int filled = static_cast<int>(done * 30);
      std::string bar(static_cast<size_t>(filled), '#');
      bar += std::string(static_cast<size_t>(30 - filled), '.');
      double left = done > 0 ? seconds * (1 - done) / done : 0;
      snprintf(line, sizeof line,
               "\r[%s] %3d%%  %s rows  %s rows/s  %d:%02d left ", bar.c_str(),
               static_cast<int>(done * 100), Grouped(rows).c_str(),
               Grouped(static_cast<uint64_t>(rate)).c_str(),
               static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    } else {
      snprintf(line, sizeof line, "\r%s rows  %s rows/s ",
               Grouped(rows).c_str(),
               Grouped(static_cast<uint64_t>(rate)).c_str());
    }
    fputs(line, stderr);
    if (final) fputc('\n', stderr);
    fflush(stderr);
  }

 private:
  bool enabled_;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

struct Counts {
  uint64_t rows = 0, created = 0, existing = 0, updated = 0, rejected = 0;
};

class Reporter {
 public:
  Reporter(const std::string& path, bool terminal) : terminal_(terminal) {
    if (path.empty()) return;
    file_ = fopen(path.c_str(), "w");
    if (file_ == nullptr) Fail(kExitUsage, "--report: cannot be written");
    fputs("row,source_id,customer_id,outcome,reason\r\n", file_);
  }
  ~Reporter() {
    if (file_ != nullptr) fclose(file_);
  }
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  void Row(uint64_t line, const std::string& source_id, const Outcome& o,
           Counts* counts, Progress* progress) {
    ++counts->rows;
    if (o.outcome == "created") ++counts->created;
    if (o.outcome == "existing") ++counts->existing;
    if (o.outcome == "updated") ++counts->updated;
    if (o.outcome == "rejected") ++counts->rejected;
    if (!o.reason.empty()) {
      if (terminal_) fputc('\n', stderr);
      fprintf(stderr, "line %llu: %s%s\n",
              static_cast<unsigned long long>(line), o.reason.c_str(),
              o.outcome == "rejected" ? "" : " (customer kept)");
      (void)progress;
    }
    if (file_ == nullptr) return;
    std::string out =
        std::to_string(line) + "," +
        CsvField(ValidUtf8(source_id) ? source_id : "") + "," +
        (o.customer_id != 0 ? std::to_string(o.customer_id) : "") + "," +
        o.outcome + "," + CsvField(o.reason) + "\r\n";
    fwrite(out.data(), 1, out.size(), file_);
  }

 private:
  FILE* file_ = nullptr;
  bool terminal_;
};

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::map<std::string, std::string> Mapping(const Context& ctx) {
  std::map<std::string, std::string> map;  // field -> column
  for (const auto& m : ctx.args.All("map")) {
    size_t eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      Fail(kExitUsage, "--map: must be FIELD=COLUMN");
    }
    std::string field = Lower(m.substr(0, eq));
    if (std::find(kImportFields.begin(), kImportFields.end(), field) ==
        kImportFields.end()) {
      Fail(kExitUsage,
           "--map: not a field import knows (see custdb help "
           "import)");
    }
    map[field] = m.substr(eq + 1);
  }
  return map;
}

// Reads lines of at most `limit` bytes; a longer line is reported and
// skipped.
class LineReader {
 public:
  explicit LineReader(FILE* in) : in_(in) {}
  // false at the end; `too_long` when the line was skipped.
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    int c;
    bool any = false;
    while ((c = getc(in_)) != EOF) {
      any = true;
      ++bytes_;
      if (c == '\n') break;
      if (line->size() < kLimit) {
        line->push_back(static_cast<char>(c));
      } else {
        *too_long = true;
      }
    }
    if (!any) return false;
    ++line_number_;
    if (!line->empty() && line->back() == '\r') line->pop_back();
    return true;
  }
  uint64_t line_number() const { return line_number_; }
  uint64_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kLimit = 4 << 20;
  FILE* in_;
  uint64_t line_number_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace

// Rows collect here and go to the library a batch at a time
// (custdb_customer_import); the report and the counts still come in row
// order. A row the batch does not write (existing, linked) is imported
// again with single calls, which add to the customer it found.
class Batcher {
 public:
  // Rows of one batch at most.
  static constexpr size_t kBatchRows = 500;

  Batcher(custdb_store* store, uint64_t account, Importer* importer,
          Reporter* reporter, Counts* counts, Progress* progress)
      : store_(store),
        account_(account),
        importer_(importer),
        reporter_(reporter),
        counts_(counts),
        progress_(progress) {}

  // A row decided before any call (malformed).
  void Decided(uint64_t line, const std::string& source_id, Outcome o) {
    pending_.push_back({line, source_id, std::move(o), {}, false});
  }

  // A row that parsed. `one_by_one` imports a copy of it with single
  // calls. A row whose source id or phone repeats one of the rows waiting
  // sends them first, so that it sees what they did, as it would one row
  // at a time.
  void Add(uint64_t line, const std::string& source_id, const Row& row,
           std::function<Outcome()> one_by_one) {
    std::string phone = PhoneKey(row.Field("phone"));
    if ((!source_id.empty() && sources_.count(source_id) != 0) ||
        (!phone.empty() && phones_.count(phone) != 0)) {
      Flush();
    }
    std::optional<fb::ImportRowT> batch_row;
    try {
      batch_row = importer_->BatchRow(row);
    } catch (const Rejected& r) {
      Decided(line, source_id, Outcome{"rejected", 0, r.reason});
      return;
    }
    if (!batch_row) {
      // Notes and all: after the rows before it, with single calls.
      Flush();
      Decided(line, source_id, one_by_one());
      Flush();
      return;
    }
    pending_.push_back({line, source_id, {}, std::move(one_by_one), true});
    batch_.rows.push_back(
        std::make_unique<fb::ImportRowT>(std::move(*batch_row)));
    if (!source_id.empty()) sources_.insert(source_id);
    if (!phone.empty()) phones_.insert(phone);
    if (batch_.rows.size() >= kBatchRows) Flush();
  }

  // Imports the rows waiting and reports every row so far.
  void Flush() {
    std::vector<Outcome> results;
    Send(&batch_.rows, &results);
    size_t next = 0;
    for (auto& p : pending_) {
      Outcome o = p.batched ? std::move(results[next++]) : std::move(p.decided);
      reporter_->Row(p.line, p.source_id, o, counts_, progress_);
    }
    pending_.clear();
    batch_.rows.clear();
    sources_.clear();
    phones_.clear();
  }

 private:
  struct Pending {
    uint64_t line;
    std::string source_id;
    Outcome decided;
    std::function<Outcome()> one_by_one;
    bool batched;
  };

  // The digits that tell phones apart, whatever their punctuation.
  static std::string PhoneKey(const std::string& text) {
    std::string digits;
    for (char c : text) {
      if (c >= '0' && c <= '9') digits += c;
    }
    if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
    return digits;
  }

  // Imports `rows` (moved from), appending their outcomes; a batch over
  // the library's size limit goes in halves.
  void Send(std::vector<std::unique_ptr<fb::ImportRowT>>* rows,
            std::vector<Outcome>* out) {
    if (rows->empty()) return;
    fb::ImportBatchT batch;
    batch.rows = std::move(*rows);
    flatbuffers::FlatBufferBuilder builder(1 << 16);
    builder.Finish(fb::ImportBatch::Pack(builder, &batch));
    constexpr size_t kMaxBatchBytes = 1u << 20;  // the record limit
    if (builder.GetSize() > kMaxBatchBytes && batch.rows.size() > 1) {
      size_t half = batch.rows.size() / 2;
      std::vector<std::unique_ptr<fb::ImportRowT>> first(
          std::make_move_iterator(batch.rows.begin()),
          std::make_move_iterator(batch.rows.begin() + half));
      std::vector<std::unique_ptr<fb::ImportRowT>> second(
          std::make_move_iterator(batch.rows.begin() + half),
          std::make_move_iterator(batch.rows.end()));
      Send(&first, out);
      Send(&second, out);
      return;
    }
    custdb_buffer* result = nullptr;
    int rc = custdb_customer_import(&result, store_, account_,
                                    builder.GetBufferPointer(),
                                    builder.GetSize(), nullptr);
    if (rc == CUSTDB_EINVAL && batch.rows.size() == 1) {
      // One row too large for a batch: it is rejected as it would be
      // alone.
      out->push_back(Outcome{"rejected", 0, custdb_last_error()});
      return;
    }
    Check(rc, "import");
    Buffer owned(result);
    const auto* rows_out =
        flatbuffers::GetRoot<fb::ImportResult>(custdb_buffer_data(result))
            ->rows();
    const size_t first = out->size();
    for (size_t i = 0; i < batch.rows.size(); ++i) {
      const auto* r = rows_out->Get(static_cast<flatbuffers::uoffset_t>(i));
      Outcome o;
      o.customer_id = r->customer_id();
      switch (r->outcome()) {
        case fb::ImportOutcome::Created:
          o.outcome = "created";
          break;
        case fb::ImportOutcome::Rejected:
          o.outcome = "rejected";
          o.customer_id = 0;
          o.reason = RowReason(r->error() ? r->error()->str() : "");
          break;
        default:  // existing, linked: the single calls decide
          o.outcome.clear();
          break;
      }
      out->push_back(std::move(o));
    }
    // The rows found existing or linked, after the batch that saw them.
    size_t batched = 0;
    for (auto& p : pending_) {
      if (!p.batched) continue;
      if (batched >= first && batched < out->size() &&
          (*out)[batched].outcome.empty()) {
        (*out)[batched] = p.one_by_one();
      }
      ++batched;
    }
  }

  // "rows[3].customer.phone: ..." -> "phone: ..."; "rows[3].contacts[0].
  // email: ..." -> "contacts[0].email: ...".
  static std::string RowReason(std::string error) {
    size_t dot = error.find("].");
    if (error.compare(0, 5, "rows[") == 0 && dot != std::string::npos) {
      error.erase(0, dot + 2);
    }
    if (error.compare(0, 9, "customer.") == 0) error.erase(0, 9);
    return error;
  }

  custdb_store* store_;
  uint64_t account_;
  Importer* importer_;
  Reporter* reporter_;
  Counts* counts_;
  Progress* progress_;
  fb::ImportBatchT batch_;
  std::vector<Pending> pending_;
  std::set<std::string> sources_;
  std::set<std::string> phones_;
};

int CommandImport(Context& ctx) {
  static const std::set<std::string> allowed = {"map", "id-column", "report",
                                                "input-format", "sync"};
  for (const auto& [name, value] : ctx.args.options) {
    if (name != "store" && name != "account" && name != "format" &&
        allowed.count(name) == 0) {
      Fail(kExitUsage, "--" + name +
                           ": not an option of import (see custdb "
                           "help import)");
    }
  }
  if (ctx.args.positional.size() != 1) {
    Fail(kExitUsage, "import: needs the file to import ('-': standard input)");
  }
  const std::string& path = ctx.args.positional[0];
  std::string input_format = Lower(ctx.args.Get("input-format"));
  if (input_format.empty()) {
    input_format = EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson") ||
                           EndsWith(path, ".json")
                       ? "jsonl"
                       : "csv";
  }
  if (input_format != "csv" && input_format != "jsonl") {
    Fail(kExitUsage, "--input-format: must be csv or jsonl");
  }
  auto mapping = Mapping(ctx);
  std::string id_column = ctx.args.Get("id-column");

  FILE* in = path == "-" ? stdin : fopen(path.c_str(), "rb");
  if (in == nullptr) Fail(kExitNotFound, "import: the file cannot be opened");
  std::unique_ptr<FILE, int (*)(FILE*)> closer(
      in, path == "-" ? [](FILE*) { return 0; } : fclose);
  struct stat st;
  uint64_t total = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)
                       ? static_cast<uint64_t>(st.st_size)
                       : 0;
  if (total == 0 && path != "-" && S_ISREG(st.st_mode)) {
    Fail(kExitInvalid, "import: the file is empty");
  }

  Store store = ctx.Open(false, /*no_sync=*/!ctx.args.Has("sync"));
  Importer importer(store.get(), ctx.account, id_column);
  Progress progress(ctx.stderr_is_terminal, total);
  Reporter reporter(ctx.args.Get("report"), ctx.stderr_is_terminal);
  Counts counts;
  Batcher batcher(store.get(), ctx.account, &importer, &reporter, &counts,
                  &progress);

  if (input_format == "csv") {
    CsvReader reader([in](char* buffer, size_t capacity) -> long {
      size_t got = fread(buffer, 1, capacity, in);
      if (got == 0 && ferror(in)) return -1;
      return static_cast<long>(got);
    });
    std::vector<std::string> header;
    auto first = reader.Next(&header);
    if (first == CsvReader::Outcome::kEnd) {
      Fail(kExitInvalid, "import: the file is empty");
    }
    if (first == CsvReader::Outcome::kReadError) {
      Fail(kExitStorage, "import: reading the file failed");
    }
    if (first == CsvReader::Outcome::kMalformed) {
      Fail(kExitInvalid, "header: " + reader.error() + " (line 1)");
    }
    std::map<std::string, size_t> columns;
    for (size_t i = 0; i < header.size(); ++i) {
      std::string name = Trim(header[i]);
      // A byte order mark before the first name is not part of it.
      if (i == 0 && name.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        name = name.substr(3);
      }
      columns.emplace(name, i);
    }
    std::map<std::string, size_t> field_columns;
    for (const auto& field : kImportFields) {
      auto m = mapping.find(field);
      if (m != mapping.end()) {
        auto c = columns.find(m->second);
        if (c == columns.end()) {
          Fail(kExitUsage,
               "--map: the header has no column of that name "
               "(field " +
                   field + ")");
        }
        field_columns[field] = c->second;
        continue;
      }
      for (const auto& [name, index] : columns) {
        if (Lower(name) == field) field_columns[field] = index;
      }
    }
    if (!id_column.empty() && columns.count(id_column) == 0) {
      Fail(kExitUsage, "--id-column: the header has no column of that name");
    }
    if (field_columns.count("phone") == 0) {
      Fail(kExitInvalid,
           "header: no column maps to phone (is this a CSV file with a "
           "header line? map a column with --map phone=COLUMN)");
    }
    std::vector<std::string> values;
    for (;;) {
      auto outcome = reader.Next(&values);
      if (outcome == CsvReader::Outcome::kEnd) break;
      if (outcome == CsvReader::Outcome::kReadError) {
        batcher.Flush();  // the rows read before stay imported
        Fail(kExitStorage, "import: reading the file failed");
      }
      Outcome o;
      if (outcome == CsvReader::Outcome::kMalformed) {
        o.outcome = "rejected";
        o.reason = reader.error();
      } else if (values.size() != header.size()) {
        o.outcome = "rejected";
        o.reason = "row: " + std::to_string(values.size()) +
                   " columns where the header has " +
                   std::to_string(header.size());
      } else {
        CsvRow row(&values, &field_columns, &columns);
        std::string source_id = id_column.empty() ? "" : row.Column(id_column);
        batcher.Add(reader.line(), source_id, row,
                    [&importer, values, &field_columns, &columns] {
                      CsvRow copy(&values, &field_columns, &columns);
                      return importer.Import(copy);
                    });
      }
      if (!o.outcome.empty()) batcher.Decided(reader.line(), "", o);
      progress.Update(counts.rows, reader.bytes_read());
    }
    batcher.Flush();  // while the columns the rows name are in scope
  } else {
    LineReader lines(in);
    std::string line;
    bool too_long;
    bool any = false;
    while (lines.Next(&line, &too_long)) {
      Outcome o;
      if (Trim(line).empty() && !too_long) continue;
      any = true;
      Json object;
      std::string error;
      if (too_long) {
        o.outcome = "rejected";
        o.reason = "row: longer than 4 MiB";
      } else if (!ValidUtf8(line)) {
        o.outcome = "rejected";
        o.reason = "row: not valid UTF-8";
      } else if (!ParseJson(line, &object, &error)) {
        o.outcome = "rejected";
        o.reason = "row: " + error;
      } else if (object.type != Json::Type::kObject) {
        o.outcome = "rejected";
        o.reason = "row: not a JSON object";
      } else {
        JsonRow row(&object, &mapping);
        std::string source_id = id_column.empty() ? "" : row.Column(id_column);
        batcher.Add(lines.line_number(), source_id, row,
                    [&importer, object, &mapping] {
                      JsonRow copy(&object, &mapping);
                      return importer.Import(copy);
                    });
      }
      if (!o.outcome.empty()) batcher.Decided(lines.line_number(), "", o);
      progress.Update(counts.rows, lines.bytes());
    }
    batcher.Flush();
    if (ferror(in)) Fail(kExitStorage, "import: reading the file failed");
    if (!any) Fail(kExitInvalid, "import: the file holds no rows");
  }
  progress.Update(counts.rows, total, /*final=*/true);

  if (ctx.format == Format::kHuman) {
    printf("%s rows: %s created, %s existing, %s updated, %s rejected\n",
           Grouped(counts.rows).c_str(), Grouped(counts.created).c_str(),
           Grouped(counts.existing).c_str(), Grouped(counts.updated).c_str(),
           Grouped(counts.rejected).c_str());
  } else {
    Table table({"rows", "created", "existing", "updated", "rejected"});
    table.Add({std::to_string(counts.rows), std::to_string(counts.created),
               std::to_string(counts.existing), std::to_string(counts.updated),
               std::to_string(counts.rejected)});
    table.Print(ctx.format);
  }
  return counts.rejected == 0 ? kExitOk : kExitInvalid;
}

namespace {

// The fields of a draft record that an export writes and an import reads.
Json DraftOf(const Json& record, const std::vector<const char*>& fields) {
  Json out;
  out.type = Json::Type::kObject;
  for (const char* f : fields) {
    const Json* v = record.Find(f);
    if (v == nullptr) continue;
    if (v->type == Json::Type::kString && v->text.empty()) continue;
    out.members.push_back({f, *v});
  }
  return out;
}

}  // namespace

namespace {

// The columns of a CSV export, after the account column of an export of
// every account.
const std::vector<std::string> kExportColumns = {
    "id",         "number",          "kind",          "first_name",
    "last_name",  "company_name",    "phone",         "email",
    "status",     "source",          "vip",           "do_not_contact",
    "tags",       "source_id",       "address_line1", "address_line2",
    "city",       "state",           "zip",           "access_notes",
    "created_at", "last_activity_at"};

// Writes every customer of `account` to `out`, one line each, and returns
// how many. `with_account` starts each line with the account id (an
// `account` member in JSON).
uint64_t ExportAccount(custdb_store* store, uint64_t account, bool json,
                       bool with_account, FILE* out) {
  // Tags, by id.
  std::map<uint64_t, std::string> tag_names;
  {
    custdb_cursor* cursor = nullptr;
    Check(custdb_tag_list(&cursor, store, account, nullptr),
          "export: listing tags");
    Cursor owned(cursor);
    for (const auto& t : ReadAll(cursor, "Tag")) {
      tag_names[t.Uint("id")] = t.Text("name");
    }
  }

  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.statuses =
      CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_INACTIVE | CUSTDB_STATUS_ARCHIVED;
  filter.sort = CUSTDB_SORT_CREATED;
  custdb_cursor* rows = nullptr;
  Check(custdb_customer_list(&rows, store, account, &filter, nullptr),
        "export: listing customers");
  Cursor rows_owned(rows);
  uint64_t written = 0;
  for (;;) {
    custdb_buffer* row = nullptr;
    Check(custdb_cursor_next(&row, rows), "export: listing customers");
    if (row == nullptr) break;
    Buffer row_owned(row);
    uint64_t id = RecordJson("CustomerRow", row).Uint("id");
    custdb_buffer* record = nullptr;
    Check(custdb_customer_get(&record, store, account, id),
          "export: reading a customer");
    Buffer record_owned(record);
    Json c = RecordJson("Customer", record);

    std::string tags;
    if (const Json* ids = c.Find("tag_ids")) {
      for (const auto& t : ids->items) {
        auto it = tag_names.find(std::strtoull(t.text.c_str(), nullptr, 10));
        if (it == tag_names.end()) continue;
        tags += (tags.empty() ? "" : ";") + it->second;
      }
    }
    std::string source_id;
    {
      custdb_cursor* links = nullptr;
      Check(custdb_link_list(&links, store, account, id, nullptr),
            "export: reading links");
      Cursor owned(links);
      for (const auto& l : ReadAll(links, "Link")) {
        if (l.Text("kind") == kImportLinkKind) {
          source_id = l.Text("external_id");
          break;
        }
      }
    }
    std::vector<Json> locations;
    {
      custdb_cursor* cursor = nullptr;
      Check(custdb_location_list(&cursor, store, account, id, nullptr),
            "export: reading locations");
      Cursor owned(cursor);
      locations = ReadAll(cursor, "Location");
    }
    std::string line;
    if (json) {
      Json obj;
      obj.type = Json::Type::kObject;
      auto add = [&](const char* name, const std::string& value) {
        Json v;
        v.type = Json::Type::kString;
        v.text = value;
        obj.members.push_back({name, v});
      };
      if (with_account) add("account", std::to_string(account));
      add("id", c.Text("id"));
      add("number", c.Text("number"));
      for (const char* f : {"kind", "first_name", "last_name", "company_name",
                            "phone", "email", "status", "source"}) {
        add(f, f == std::string("kind") || f == std::string("status") ||
                       f == std::string("source")
                   ? Lower(c.Text(f))
                   : c.Text(f));
      }
      add("vip", c.Bool("vip") ? "true" : "false");
      add("do_not_contact", c.Bool("do_not_contact") ? "true" : "false");
      add("tags", tags);
      add("source_id", source_id);
      add("created_at",
          IsoTime(std::strtoll(c.Text("created_at_ms").c_str(), nullptr, 10)));
      add("last_activity_at",
          IsoTime(std::strtoll(c.Text("last_activity_at_ms").c_str(), nullptr,
                               10)));
      Json contacts;
      contacts.type = Json::Type::kArray;
      {
        custdb_cursor* cursor = nullptr;
        Check(custdb_contact_list(&cursor, store, account, id, nullptr),
              "export: reading contacts");
        Cursor owned(cursor);
        for (const auto& k : ReadAll(cursor, "Contact")) {
          contacts.items.push_back(
              DraftOf(k, {"first_name", "last_name", "phone", "email",
                          "preferred_channel", "primary"}));
        }
      }
      Json location_items;
      location_items.type = Json::Type::kArray;
      for (const auto& l : locations) {
        location_items.items.push_back(DraftOf(
            l,
            {"kind", "label", "address_line1", "address_line2", "city", "state",
             "zip", "access_notes", "parking_notes", "service_notes"}));
      }
      obj.members.push_back({"contacts", contacts});
      obj.members.push_back({"locations", location_items});
      line = ToJsonText(obj) + "\n";
    } else {
      const Json* service = nullptr;
      for (const auto& l : locations) {
        if (l.Text("kind") == "Service") {
          service = &l;
          break;
        }
      }
      auto loc = [&](const char* f) {
        return service == nullptr ? std::string() : service->Text(f);
      };
      std::vector<std::string> values = {
          c.Text("id"),
          c.Text("number"),
          Lower(c.Text("kind")),
          c.Text("first_name"),
          c.Text("last_name"),
          c.Text("company_name"),
          c.Text("phone_display"),
          c.Text("email"),
          Lower(c.Text("status")),
          Lower(c.Text("source")),
          c.Bool("vip") ? "true" : "false",
          c.Bool("do_not_contact") ? "true" : "false",
          tags,
          source_id,
          loc("address_line1"),
          loc("address_line2"),
          loc("city"),
          loc("state"),
          loc("zip"),
          loc("access_notes"),
          IsoTime(std::strtoll(c.Text("created_at_ms").c_str(), nullptr, 10)),
          IsoTime(std::strtoll(c.Text("last_activity_at_ms").c_str(), nullptr,
                               10))};
      if (with_account) line = std::to_string(account) + ",";
      for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) line += ',';
        line += CsvField(values[i]);
      }
      line += "\r\n";
    }
    if (fwrite(line.data(), 1, line.size(), out) != line.size()) {
      Fail(kExitStorage, "export: writing the file failed");
    }
    ++written;
  }
  return written;
}

}  // namespace

int CommandExport(Context& ctx) {
  for (const auto& [name, value] : ctx.args.options) {
    if (name != "store" && name != "account" && name != "format" &&
        name != "all-accounts") {
      Fail(kExitUsage, "--" + name + ": not an option of export");
    }
  }
  if (ctx.args.positional.size() > 1) {
    Fail(kExitUsage, "export: at most one file");
  }
  const bool all = ctx.args.Has("all-accounts");
  if (all && ctx.args.Has("account")) {
    Fail(kExitUsage, "--all-accounts: not with --account");
  }
  bool json = ctx.format == Format::kJson;
  std::string path = ctx.args.positional.empty() ? "-" : ctx.args.positional[0];
  Store store = ctx.Open();
  FILE* out = path == "-" ? stdout : fopen(path.c_str(), "wb");
  if (out == nullptr) Fail(kExitUsage, "export: the file cannot be written");
  std::unique_ptr<FILE, int (*)(FILE*)> closer(
      out, path == "-" ? [](FILE*) { return 0; } : fclose);

  if (!json) {
    std::string header = all ? "account" : "";
    for (const auto& c : kExportColumns) {
      header += (header.empty() ? "" : ",") + c;
    }
    header += "\r\n";
    if (fwrite(header.data(), 1, header.size(), out) != header.size()) {
      Fail(kExitStorage, "export: writing the file failed");
    }
  }

  uint64_t written = 0, accounts = 0;
  if (all) {
    custdb_cursor* cursor = nullptr;
    Check(custdb_account_list(&cursor, store.get(), nullptr),
          "export: listing accounts");
    Cursor owned(cursor);
    for (const auto& a : ReadAll(cursor, "Account")) {
      written += ExportAccount(store.get(), a.Uint("id"), json, true, out);
      ++accounts;
    }
  } else {
    written = ExportAccount(store.get(), ctx.account, json, false, out);
    accounts = 1;
  }
  if (fflush(out) != 0) Fail(kExitStorage, "export: writing the file failed");
  if (path != "-") {
    fprintf(stderr, "exported %s customers%s\n", Grouped(written).c_str(),
            all ? (" of " + Grouped(accounts) + " accounts").c_str() : "");
  }
  return kExitOk;
}

}  // namespace custdb::cli
