// custdb: the command-line tool over the C ABI. `custdb help` lists the
// commands; docs/cli.md documents them, their output formats and their
// exit codes.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <set>

#include "cli/tool.h"

namespace custdb::cli {
namespace {

// Options that take no value.
const std::set<std::string> kFlags = {"yes",
                                      "preview",
                                      "all",
                                      "all-accounts",
                                      "help",
                                      "vip",
                                      "not-vip",
                                      "dnc",
                                      "primary",
                                      "remove",
                                      "list",
                                      "do-not-contact",
                                      "no-do-not-contact",
                                      "sync",
                                      "no-vip"};

const char kUsage[] =
    "usage: custdb [--store PATH] [--account ID] [--format human|csv|json]\n"
    "              COMMAND [ARGS]\n"
    "\n"
    "The store is --store PATH, else $CUSTDB_STORE, else\n"
    "$XDG_DATA_HOME/custdb/store (~/.local/share/custdb/store). The account\n"
    "is --account ID, default 1.\n"
    "\n"
    "commands:\n"
    "  init                         create the store\n"
    "  import FILE                  import customers from CSV or JSON lines\n"
    "  export [FILE]                export the account's customers (or all)\n"
    "  list                         the customer list, filtered and sorted\n"
    "  show ID                      a customer with its contacts, locations,\n"
    "                               timeline, notes, files, tags and links\n"
    "  add customer|contact|location|note|file|timeline ...\n"
    "  edit customer|contact|location|note ID ...\n"
    "  tag ID NAME... | tag ID --remove NAME... | tag --list\n"
    "  dupes ID | dupes --all       likely duplicates\n"
    "  merge SURVIVOR DUPLICATE     fold a duplicate into a survivor\n"
    "  stats                        the account's summary counts\n"
    "  check                        verify every index and count\n"
    "  backup DIR                   write a consistent copy of the store\n"
    "  restore DIR                  make a store from a backup\n"
    "  version                      the versions of the tool and library\n"
    "  help [COMMAND]               this text, or one command's\n"
    "\n"
    "exit codes: 0 ok, 1 internal error, 2 usage, 3 not found, 4 invalid\n"
    "input, 5 storage failure, 6 conflict, 7 check found issues, 8 merge\n"
    "not confirmed.\n";

const std::map<std::string, std::string> kCommandHelp = {
    {"import",
     "usage: custdb import FILE [--input-format csv|jsonl]\n"
     "         [--map FIELD=COLUMN]... [--id-column COLUMN] [--report FILE]\n"
     "         [--sync]\n"
     "\n"
     "Reads CSV (RFC 4180, a header line naming the columns) or JSON lines\n"
     "(one object per line; .jsonl and .ndjson files, or --input-format\n"
     "jsonl). Fields: first_name, last_name, company_name, kind\n"
     "(individual|company; company when only company_name is given),\n"
     "phone, email, source, status, vip, tags (separated by ';'), and a\n"
     "service location: address_line1, address_line2, city, state, zip,\n"
     "access_notes. A column whose header is a field's name maps to it;\n"
     "--map FIELD=COLUMN maps any other. A JSON line may also carry\n"
     "\"contacts\", \"locations\", \"timeline\" and \"notes\" arrays of\n"
     "draft records.\n"
     "\n"
     "--id-column COLUMN keeps each row's id of the source system as a\n"
     "link of kind \"import\": importing the file again updates those\n"
     "customers instead of adding them. A row whose phone belongs to a\n"
     "customer with an agreeing name is matched to it ('existing'). A row\n"
     "that breaks a rule is rejected with its line and the rule; the other\n"
     "rows are still imported (exit code 4 when any was rejected).\n"
     "--report FILE writes row,source_id,customer_id,outcome,reason per\n"
     "row. Commits are not synced one by one (a power cut may lose the\n"
     "last rows, which importing again restores); --sync syncs each.\n"},
    {"export",
     "usage: custdb export [FILE] [--format csv|json] [--all-accounts]\n"
     "\n"
     "Writes every customer of the account, archived ones included, in\n"
     "the columns import reads (CSV, the default), or as JSON lines with\n"
     "the contacts and locations of each. source_id is the customer's\n"
     "import link. --all-accounts writes every account of the store, in\n"
     "account order, each line starting with its account id. FILE '-'\n"
     "or none: standard output.\n"},
    {"list",
     "usage: custdb list [--status active,inactive,archived|all]\n"
     "         [--kind individual|company] [--vip|--not-vip] [--dnc]\n"
     "         [--tag NAME]... [--sort name|activity|created] [--limit N]\n"
     "         [--search TEXT]\n"
     "\n"
     "Archived customers are hidden unless --status asks for them. The\n"
     "human table shows at most 50 rows unless --limit says otherwise;\n"
     "csv and json print every row. --search TEXT finds phones (digits: a\n"
     "whole number, its beginning or its last four), emails (text with an\n"
     "'@': their beginning) or names (every word begins a word of the\n"
     "name; a typo is forgiven when few match), with every filter; a\n"
     "search lists in its own order, not --sort's.\n"},
    {"add",
     "usage: custdb add customer [--kind individual|company] --phone P\n"
     "         [--first-name F] [--last-name L] [--company-name C]\n"
     "         [--email E] [--vip] [--source S] [--status S]\n"
     "       custdb add contact CUSTOMER --first-name F [--last-name L]\n"
     "         [--phone P] [--email E] [--preferred-channel sms|email|phone]\n"
     "         [--primary]\n"
     "       custdb add location CUSTOMER [--kind service|billing|mailing|\n"
     "         other] --address-line1 A --city C --state S --zip Z ...\n"
     "       custdb add note CUSTOMER --author A --body B\n"
     "       custdb add timeline CUSTOMER --channel sms|email|call|ai-session\n"
     "         --direction inbound|outbound [--occurred-at-ms MS]\n"
     "         [--summary S] [--external-ref R]\n"
     "       custdb add file CUSTOMER PATH [--category msa|contract|coi|\n"
     "         photo|other] [--content-type TYPE] [--file-name NAME]\n"
     "\n"
     "Every add also takes --json TEXT, the draft record as JSON.\n"},
    {"edit",
     "usage: custdb edit customer|contact|location|note ID --FIELD VALUE...\n"
     "\n"
     "The fields of add; --vip=false and --do-not-contact=false clear a\n"
     "flag, an empty value clears an optional field. --json TEXT gives the\n"
     "patch record as JSON.\n"},
    {"merge",
     "usage: custdb merge SURVIVOR DUPLICATE [--yes | --preview]\n"
     "         [--keep-contact survivor|duplicate]\n"
     "\n"
     "Shows what the merge would do and asks; --yes merges without asking,\n"
     "--preview only shows. With --format json and no --yes, prints the\n"
     "preview record. The merge applies only to the versions previewed.\n"},
    {"dupes",
     "usage: custdb dupes ID [--limit N] | custdb dupes --all\n"
     "\n"
     "csv columns: customer_id,duplicate_id,confidence,score,reasons\n"},
};

// ---- Parsing the command line ----

Args ParseArgs(int argc, char** argv) {
  Args args;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!options_done && a == "--") {
      options_done = true;
      continue;
    }
    if (!options_done && a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2);
      std::string value;
      size_t eq = name.find('=');
      bool has_value = eq != std::string::npos;
      if (has_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      std::replace(name.begin(), name.end(), '_', '-');
      if (!has_value && kFlags.count(name) == 0) {
        if (i + 1 >= argc) Fail(kExitUsage, "--" + name + ": needs a value");
        value = argv[++i];
      } else if (!has_value) {
        value = "true";
      }
      args.options.emplace(name, value);
      continue;
    }
    if (args.command.empty()) {
      args.command = a;
    } else {
      args.positional.push_back(a);
    }
  }
  return args;
}

void AllowOptions(const Context& ctx, const std::set<std::string>& allowed) {
  static const std::set<std::string> global = {"store", "account", "format",
                                               "help"};
  for (const auto& [name, value] : ctx.args.options) {
    if (global.count(name) == 0 && allowed.count(name) == 0) {
      Fail(kExitUsage, "--" + name + ": not an option of " + ctx.args.command +
                           " (see custdb help " + ctx.args.command + ")");
    }
  }
}

std::string DefaultStorePath() {
  const char* env = getenv("CUSTDB_STORE");
  if (env != nullptr && *env != '\0') return env;
  const char* data = getenv("XDG_DATA_HOME");
  if (data != nullptr && *data != '\0') {
    return std::string(data) + "/custdb/store";
  }
  const char* home = getenv("HOME");
  if (home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/share/custdb/store";
  }
  return "custdb-store";
}

// ---- Drafts and patches from options ----

enum class FieldType { kString, kBool, kInt, kEnum };

struct FieldSpec {
  const char* name;
  FieldType type;
  std::vector<const char*> values;  // kEnum: the schema's names
};

const std::vector<FieldSpec> kCustomerFields = {
    {"kind", FieldType::kEnum, {"Individual", "Company"}},
    {"first_name", FieldType::kString, {}},
    {"last_name", FieldType::kString, {}},
    {"company_name", FieldType::kString, {}},
    {"phone", FieldType::kString, {}},
    {"email", FieldType::kString, {}},
    {"vip", FieldType::kBool, {}},
    {"do_not_contact", FieldType::kBool, {}},
    {"do_not_contact_reason", FieldType::kString, {}},
    {"source",
     FieldType::kEnum,
     {"Manual", "Storefront", "Referral", "Import", "Other"}},
    {"status", FieldType::kEnum, {"Active", "Inactive", "Archived"}},
    {"internal_notes", FieldType::kString, {}},
};
const std::vector<FieldSpec> kContactFields = {
    {"first_name", FieldType::kString, {}},
    {"last_name", FieldType::kString, {}},
    {"phone", FieldType::kString, {}},
    {"email", FieldType::kString, {}},
    {"preferred_channel", FieldType::kEnum, {"Sms", "Email", "Phone"}},
    {"primary", FieldType::kBool, {}},
};
const std::vector<FieldSpec> kLocationFields = {
    {"kind", FieldType::kEnum, {"Service", "Billing", "Mailing", "Other"}},
    {"label", FieldType::kString, {}},
    {"address_line1", FieldType::kString, {}},
    {"address_line2", FieldType::kString, {}},
    {"city", FieldType::kString, {}},
    {"state", FieldType::kString, {}},
    {"zip", FieldType::kString, {}},
    {"access_notes", FieldType::kString, {}},
    {"parking_notes", FieldType::kString, {}},
    {"service_notes", FieldType::kString, {}},
};
const std::vector<FieldSpec> kNoteFields = {
    {"author", FieldType::kString, {}},
    {"body", FieldType::kString, {}},
};
const std::vector<FieldSpec> kTimelineFields = {
    {"channel", FieldType::kEnum, {"Sms", "Email", "Call", "AiSession"}},
    {"direction", FieldType::kEnum, {"Inbound", "Outbound"}},
    {"occurred_at_ms", FieldType::kInt, {}},
    {"contact_id", FieldType::kInt, {}},
    {"summary", FieldType::kString, {}},
    {"external_ref", FieldType::kString, {}},
};

std::string OptionName(const char* field) {
  std::string name = field;
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

// The schema's name of an enum value typed in any case, with or without
// dashes ("ai-session" is AiSession); "" when it is none of them.
std::string EnumName(const std::string& typed,
                     const std::vector<const char*>& values) {
  std::string wanted;
  for (char c : Lower(typed)) {
    if (c != '-' && c != '_' && c != ' ') wanted += c;
  }
  for (const char* v : values) {
    if (Lower(v) == wanted) return v;
  }
  return "";
}

bool ParseBool(const std::string& text, bool* out) {
  std::string t = Lower(text);
  if (t == "true" || t == "yes" || t == "1" || t == "y") {
    *out = true;
  } else if (t == "false" || t == "no" || t == "0" || t == "n" || t.empty()) {
    *out = false;
  } else {
    return false;
  }
  return true;
}

// Appends `"field": value` to a JSON object being built from text typed
// by a user or read from a file; throws kExitInvalid for a value the
// field cannot hold. `first` tracks the comma.
void AppendField(std::string* json, bool* first, const FieldSpec& spec,
                 const std::string& value) {
  std::string rendered;
  switch (spec.type) {
    case FieldType::kString:
      if (!ValidUtf8(value)) {
        Fail(kExitInvalid, std::string(spec.name) + ": not valid UTF-8");
      }
      AppendJsonString(&rendered, value);
      break;
    case FieldType::kBool: {
      bool b;
      if (!ParseBool(value, &b)) {
        Fail(kExitInvalid,
             std::string(spec.name) + ": must be true or false (yes, no)");
      }
      rendered = b ? "true" : "false";
      break;
    }
    case FieldType::kInt:
      if (value.empty() || value.size() > 19 ||
          !std::all_of(value.begin(), value.end(),
                       [](char c) { return c >= '0' && c <= '9'; })) {
        Fail(kExitInvalid, std::string(spec.name) + ": must be a number");
      }
      rendered = value;
      break;
    case FieldType::kEnum: {
      std::string name = EnumName(value, spec.values);
      if (name.empty()) {
        std::string allowed;
        for (const char* v : spec.values) {
          if (!allowed.empty()) allowed += ", ";
          allowed += Lower(v);
        }
        Fail(kExitInvalid,
             std::string(spec.name) + ": must be one of " + allowed);
      }
      AppendJsonString(&rendered, name);
      break;
    }
  }
  *json += *first ? "" : ",";
  *first = false;
  AppendJsonString(json, spec.name);
  *json += ':';
  *json += rendered;
}

// A draft or patch as JSON from --json or the field options; `defaults`
// are fields set when not given.
std::string RecordJsonFromOptions(
    const Context& ctx, const std::vector<FieldSpec>& specs,
    const std::map<std::string, std::string>& defaults = {}) {
  if (ctx.args.Has("json")) return ctx.args.Get("json");
  std::string json = "{";
  bool first = true;
  for (const auto& spec : specs) {
    std::string option = OptionName(spec.name);
    if (ctx.args.Has(option)) {
      AppendField(&json, &first, spec, ctx.args.Get(option));
    } else if (spec.type == FieldType::kBool && ctx.args.Has("no-" + option)) {
      AppendField(&json, &first, spec, "false");
    } else if (defaults.count(spec.name) > 0) {
      AppendField(&json, &first, spec, defaults.at(spec.name));
    }
  }
  return json + "}";
}

std::set<std::string> OptionsOf(const std::vector<FieldSpec>& specs) {
  std::set<std::string> out = {"json"};
  for (const auto& spec : specs) {
    out.insert(OptionName(spec.name));
    if (spec.type == FieldType::kBool)
      out.insert("no-" + OptionName(spec.name));
  }
  return out;
}

// ---- Output helpers ----

void PrintLine(const std::string& text) {
  fwrite(text.data(), 1, text.size(), stdout);
  fputc('\n', stdout);
}

// A field's name as a person reads it: "last_activity_at_ms" is "last
// activity at", "phone_display" is "phone".
std::string Label(std::string field) {
  if (field == "phone_display") return "phone";
  if (field.size() > 3 && field.compare(field.size() - 3, 3, "_ms") == 0) {
    field.resize(field.size() - 3);
  }
  std::replace(field.begin(), field.end(), '_', ' ');
  return field;
}

// Prints a record: human as "field: value" lines, json as the record's
// JSON, csv as field,value rows.
void PrintRecord(const Context& ctx, const Json& record,
                 const std::vector<std::string>& fields) {
  if (ctx.format == Format::kJson) {
    PrintLine(ToJsonText(record));
    return;
  }
  Table table({"field", "value"});
  for (const auto& f : fields) {
    std::string v = record.Text(f);
    if (f.size() > 6 && f.compare(f.size() - 6, 6, "_at_ms") == 0) {
      v = IsoTime(std::strtoll(v.c_str(), nullptr, 10));
    }
    if (ctx.format == Format::kHuman && (v.empty() || v == "false" || v == "0"))
      continue;
    table.Add({f, v});
  }
  if (ctx.format == Format::kCsv) {
    table.Print(Format::kCsv);
    return;
  }
  size_t width = 0;
  for (const auto& f : fields) width = std::max(width, Label(f).size());
  for (const auto& f : fields) {
    std::string v = record.Text(f);
    if (f.size() > 6 && f.compare(f.size() - 6, 6, "_at_ms") == 0) {
      v = IsoTime(std::strtoll(v.c_str(), nullptr, 10));
    }
    if (v.empty() || v == "false" || v == "0") continue;
    printf("  %-*s  %s\n", static_cast<int>(width), Label(f).c_str(),
           v.c_str());
  }
}

std::string Date(const std::string& ms) {
  std::string iso = IsoTime(std::strtoll(ms.c_str(), nullptr, 10));
  return iso.substr(0, 10);
}

// The tags of the account by id, and by folded name.
struct TagLibrary {
  std::map<uint64_t, std::string> names;
  std::map<std::string, uint64_t> ids;
  std::map<uint64_t, uint64_t> counts;
};

TagLibrary ReadTags(custdb_store* store, uint64_t account) {
  custdb_cursor* cursor = nullptr;
  Check(custdb_tag_list(&cursor, store, account, nullptr), "listing tags");
  Cursor owned(cursor);
  TagLibrary lib;
  for (const auto& tag : ReadAll(cursor, "Tag")) {
    uint64_t id = tag.Uint("id");
    lib.names[id] = tag.Text("name");
    lib.ids[Lower(tag.Text("name"))] = id;
    lib.counts[id] = tag.Uint("customer_count");
  }
  return lib;
}

std::string TagNames(const Json& customer, const TagLibrary& tags) {
  std::string out;
  const Json* ids = customer.Find("tag_ids");
  if (ids == nullptr) return out;
  for (const auto& id : ids->items) {
    auto it = tags.names.find(std::strtoull(id.text.c_str(), nullptr, 10));
    if (it == tags.names.end()) continue;
    if (!out.empty()) out += ';';
    out += it->second;
  }
  return out;
}

// ---- Commands ----

int CommandVersion(Context& ctx) {
  AllowOptions(ctx, {});
  if (ctx.format == Format::kJson) {
    printf("{\"tool\":\"%d.%d.%d\",\"library\":\"%s\"}\n", CUSTDB_VERSION_MAJOR,
           CUSTDB_VERSION_MINOR, CUSTDB_VERSION_PATCH, custdb_version_string());
  } else if (ctx.format == Format::kCsv) {
    printf("tool,library\r\n%d.%d.%d,%s\r\n", CUSTDB_VERSION_MAJOR,
           CUSTDB_VERSION_MINOR, CUSTDB_VERSION_PATCH, custdb_version_string());
  } else {
    printf("custdb %d.%d.%d (library %s)\n", CUSTDB_VERSION_MAJOR,
           CUSTDB_VERSION_MINOR, CUSTDB_VERSION_PATCH, custdb_version_string());
  }
  return kExitOk;
}

int CommandInit(Context& ctx) {
  AllowOptions(ctx, {});
  struct stat st;
  bool existed = stat(ctx.store_path.c_str(), &st) == 0;
  Store store = ctx.Open(/*create=*/true);
  if (ctx.format == Format::kHuman) {
    printf("%s store at %s\n", existed ? "opened the existing" : "created a",
           ctx.store_path.c_str());
  }
  return kExitOk;
}

int CommandStats(Context& ctx) {
  AllowOptions(ctx, {});
  Store store = ctx.Open();
  custdb_buffer* summary = nullptr;
  Check(custdb_summary_get(&summary, store.get(), ctx.account),
        "reading the summary");
  Buffer owned(summary);
  Json s = RecordJson("Summary", summary);
  static const char* fields[] = {"total",    "active", "inactive",
                                 "archived", "vip",    "companies"};
  if (ctx.format == Format::kHuman) {
    printf("account %llu\n", static_cast<unsigned long long>(ctx.account));
    for (const char* f : fields) {
      printf("  %-10s %10s\n", f, Grouped(s.Uint(f)).c_str());
    }
    return kExitOk;
  }
  std::vector<std::string> columns(std::begin(fields), std::end(fields));
  std::vector<std::string> row;
  for (const char* f : fields) row.push_back(std::to_string(s.Uint(f)));
  Table table(columns);
  table.Add(row);
  table.Print(ctx.format);
  return kExitOk;
}

int CommandCheck(Context& ctx) {
  AllowOptions(ctx, {});
  Store store = ctx.Open();
  custdb_buffer* report = nullptr;
  Check(custdb_store_check(&report, store.get()), "checking the store");
  Buffer owned(report);
  Json r = RecordJson("CheckReport", report);
  const Json* issues = r.Find("issues");
  size_t count = issues == nullptr ? 0 : issues->items.size();
  if (ctx.format == Format::kHuman) {
    printf("records checked        %s\n",
           Grouped(r.Uint("records_checked")).c_str());
    printf("index entries checked  %s\n",
           Grouped(r.Uint("index_entries_checked")).c_str());
    printf("issues                 %zu\n", count);
    if (issues != nullptr) {
      for (const auto& issue : issues->items) {
        printf(
            "  account %s customer %s: %s\n", issue.Text("account_id").c_str(),
            issue.Text("customer_id").c_str(), issue.Text("message").c_str());
      }
    }
  } else if (ctx.format == Format::kJson) {
    PrintLine(ToJsonText(r));
  } else {
    Table table({"account_id", "customer_id", "message"});
    if (issues != nullptr) {
      for (const auto& issue : issues->items) {
        table.Add({issue.Text("account_id"), issue.Text("customer_id"),
                   issue.Text("message")});
      }
    }
    table.Print(ctx.format);
  }
  return count == 0 ? kExitOk : kExitInconsistent;
}

int CommandList(Context& ctx) {
  AllowOptions(ctx, {"status", "kind", "vip", "not-vip", "dnc", "tag", "sort",
                     "limit", "search"});
  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  // The search box: the library reads the text as a phone, an email or
  // name words (custdb.h, above custdb_customer_list).
  std::string query = ctx.args.Get("search");
  if (!query.empty()) {
    if (!ValidUtf8(query)) Fail(kExitUsage, "--search: not valid UTF-8");
    filter.query = query.c_str();
  }
  if (ctx.args.Has("status")) {
    std::string statuses = Lower(ctx.args.Get("status"));
    size_t start = 0;
    while (start <= statuses.size()) {
      size_t comma = statuses.find(',', start);
      std::string s =
          statuses.substr(start, comma == std::string::npos ? std::string::npos
                                                            : comma - start);
      if (s == "active") {
        filter.statuses |= CUSTDB_STATUS_ACTIVE;
      } else if (s == "inactive") {
        filter.statuses |= CUSTDB_STATUS_INACTIVE;
      } else if (s == "archived") {
        filter.statuses |= CUSTDB_STATUS_ARCHIVED;
      } else if (s == "all") {
        filter.statuses |= CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_INACTIVE |
                           CUSTDB_STATUS_ARCHIVED;
      } else {
        Fail(kExitUsage, "--status: must be active, inactive, archived or all");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (ctx.args.Has("kind")) {
    std::string k = Lower(ctx.args.Get("kind"));
    if (k == "individual") {
      filter.kind = CUSTDB_KIND_INDIVIDUAL;
    } else if (k == "company") {
      filter.kind = CUSTDB_KIND_COMPANY;
    } else {
      Fail(kExitUsage, "--kind: must be individual or company");
    }
  }
  if (ctx.args.Has("vip")) {
    bool b;
    if (!ParseBool(ctx.args.Get("vip"), &b)) {
      Fail(kExitUsage, "--vip: takes no value but true or false");
    }
    filter.vip = b ? CUSTDB_FLAG_ONLY : CUSTDB_FLAG_EXCLUDE;
  }
  if (ctx.args.Has("not-vip")) filter.vip = CUSTDB_FLAG_EXCLUDE;
  if (ctx.args.Has("dnc")) filter.do_not_contact = CUSTDB_FLAG_ONLY;
  std::string sort = Lower(ctx.args.Get("sort", "name"));
  if (sort == "name") {
    filter.sort = CUSTDB_SORT_NAME;
  } else if (sort == "activity" || sort == "last-activity") {
    filter.sort = CUSTDB_SORT_LAST_ACTIVITY;
  } else if (sort == "created") {
    filter.sort = CUSTDB_SORT_CREATED;
  } else {
    Fail(kExitUsage, "--sort: must be name, activity or created");
  }
  size_t limit = ctx.format == Format::kHuman ? 50 : SIZE_MAX;
  if (ctx.args.Has("limit")) limit = ParseId(ctx.args.Get("limit"), "--limit");

  Store store = ctx.Open();
  std::vector<uint64_t> tag_ids;
  if (ctx.args.Has("tag")) {
    TagLibrary tags = ReadTags(store.get(), ctx.account);
    for (const auto& name : ctx.args.All("tag")) {
      auto it = tags.ids.find(Lower(name));
      // A tag that names no tag matches no customer, as in the library.
      tag_ids.push_back(it == tags.ids.end() ? UINT64_MAX : it->second);
    }
    if (tag_ids.size() > CUSTDB_LIST_MAX_TAGS) {
      Fail(kExitUsage, "--tag: at most 16 tags");
    }
    filter.tag_ids = tag_ids.data();
    filter.tag_count = tag_ids.size();
  }
  custdb_cursor* cursor = nullptr;
  Check(
      custdb_customer_list(&cursor, store.get(), ctx.account, &filter, nullptr),
      "listing customers");
  Cursor owned(cursor);

  bool human = ctx.format == Format::kHuman;
  Table table = human
                    ? Table({"id", "no", "name", "type", "phone", "status",
                             "last_activity", ""})
                    : Table({"id", "number", "name", "kind", "phone", "status",
                             "last_activity", "vip", "do_not_contact"});
  size_t shown = 0;
  bool more = false;
  for (;;) {
    custdb_buffer* record = nullptr;
    Check(custdb_cursor_next(&record, cursor), "listing customers");
    if (record == nullptr) break;
    Buffer row_owned(record);
    if (shown == limit) {
      more = true;
      break;
    }
    Json row = RecordJson("CustomerRow", record);
    std::string kind = Lower(row.Text("kind"));
    std::string status = Lower(row.Text("status"));
    if (human) {
      std::string marks;
      if (row.Bool("vip")) marks += "\u2605 VIP";
      if (row.Bool("do_not_contact")) {
        marks += marks.empty() ? "" : "  ";
        marks += "do not contact";
      }
      table.Add({row.Text("id"), row.Text("number"), row.Text("display_name"),
                 kind, row.Text("phone_display"), status,
                 Date(row.Text("last_activity_at_ms")), marks});
    } else {
      table.Add({row.Text("id"), row.Text("number"), row.Text("display_name"),
                 kind, row.Text("phone_display"), status,
                 IsoTime(std::strtoll(row.Text("last_activity_at_ms").c_str(),
                                      nullptr, 10)),
                 row.Bool("vip") ? "true" : "false",
                 row.Bool("do_not_contact") ? "true" : "false"});
    }
    ++shown;
  }
  if (human && table.empty()) {
    printf("no customers match\n");
    return kExitOk;
  }
  table.Print(ctx.format);
  if (human && more) {
    printf("(first %zu shown; --limit N shows more)\n", shown);
  }
  return kExitOk;
}

const std::vector<std::string> kCustomerShown = {"id",
                                                 "number",
                                                 "kind",
                                                 "display_name",
                                                 "first_name",
                                                 "last_name",
                                                 "company_name",
                                                 "phone_display",
                                                 "email",
                                                 "status",
                                                 "vip",
                                                 "do_not_contact",
                                                 "do_not_contact_reason",
                                                 "source",
                                                 "internal_notes",
                                                 "created_at_ms",
                                                 "updated_at_ms",
                                                 "last_activity_at_ms",
                                                 "version"};

Json GetCustomer(custdb_store* store, uint64_t account, uint64_t id) {
  custdb_buffer* record = nullptr;
  Check(custdb_customer_get(&record, store, account, id),
        "customer " + std::to_string(id));
  Buffer owned(record);
  return RecordJson("Customer", record);
}

template <typename Open>
std::vector<Json> ListOf(Open open, const char* type, const char* what,
                         size_t limit = SIZE_MAX) {
  custdb_cursor* cursor = nullptr;
  Check(open(&cursor), what);
  Cursor owned(cursor);
  return ReadAll(cursor, type, limit);
}

int CommandShow(Context& ctx) {
  AllowOptions(ctx, {});
  uint64_t id = IdArgument(ctx, 0, "customer id");
  Store store = ctx.Open();
  custdb_store* s = store.get();
  uint64_t a = ctx.account;
  Json customer = GetCustomer(s, a, id);
  id = customer.Uint("id");  // a merged id shows its survivor
  auto contacts = ListOf(
      [&](custdb_cursor** c) {
        return custdb_contact_list(c, s, a, id, nullptr);
      },
      "Contact", "listing contacts");
  auto locations = ListOf(
      [&](custdb_cursor** c) {
        return custdb_location_list(c, s, a, id, nullptr);
      },
      "Location", "listing locations");
  auto timeline = ListOf(
      [&](custdb_cursor** c) {
        return custdb_timeline_list(c, s, a, id, CUSTDB_CHANNEL_ALL, nullptr);
      },
      "TimelineEntry", "listing the timeline", 10);
  auto notes = ListOf(
      [&](custdb_cursor** c) { return custdb_note_list(c, s, a, id, nullptr); },
      "Note", "listing notes", 10);
  auto files = ListOf(
      [&](custdb_cursor** c) {
        return custdb_file_list(c, s, a, id, 0, nullptr);
      },
      "FileInfo", "listing files");
  auto links = ListOf(
      [&](custdb_cursor** c) { return custdb_link_list(c, s, a, id, nullptr); },
      "Link", "listing links");
  TagLibrary tags = ReadTags(s, a);

  if (ctx.format == Format::kJson) {
    Json all;
    all.type = Json::Type::kObject;
    auto array = [](std::vector<Json> items) {
      Json j;
      j.type = Json::Type::kArray;
      j.items = std::move(items);
      return j;
    };
    Json tag_names;
    tag_names.type = Json::Type::kString;
    tag_names.text = TagNames(customer, tags);
    all.members.push_back({"customer", customer});
    all.members.push_back({"tags", tag_names});
    all.members.push_back({"contacts", array(contacts)});
    all.members.push_back({"locations", array(locations)});
    all.members.push_back({"timeline", array(timeline)});
    all.members.push_back({"notes", array(notes)});
    all.members.push_back({"files", array(files)});
    all.members.push_back({"links", array(links)});
    PrintLine(ToJsonText(all));
    return kExitOk;
  }
  if (ctx.format == Format::kCsv) {
    PrintRecord(ctx, customer, kCustomerShown);
    return kExitOk;
  }
  printf("%s\n", customer.Text("display_name").c_str());
  PrintRecord(ctx, customer, kCustomerShown);
  std::string tag_text = TagNames(customer, tags);
  if (!tag_text.empty()) printf("  tags  %s\n", tag_text.c_str());
  auto section = [](const char* title, size_t n) {
    printf("\n%s (%zu)\n", title, n);
  };
  section("contacts", contacts.size());
  for (const auto& c : contacts) {
    printf("  %-8s %-28s %-16s %s%s\n", c.Text("id").c_str(),
           c.Text("display_name").c_str(), c.Text("phone_display").c_str(),
           c.Text("email").c_str(), c.Bool("primary") ? "  (primary)" : "");
  }
  section("locations", locations.size());
  for (const auto& l : locations) {
    std::string line2 = l.Text("address_line2");
    printf("  %-8s %-8s %s%s%s, %s, %s %s\n", l.Text("id").c_str(),
           Lower(l.Text("kind")).c_str(), l.Text("address_line1").c_str(),
           line2.empty() ? "" : ", ", line2.c_str(), l.Text("city").c_str(),
           l.Text("state").c_str(), l.Text("zip").c_str());
  }
  section("timeline, newest first", timeline.size());
  for (const auto& t : timeline) {
    std::string summary = t.Text("summary");
    std::replace(summary.begin(), summary.end(), '\n', ' ');
    if (DisplayWidth(summary) > 60) summary = summary.substr(0, 57) + "...";
    printf("  %s  %-10s %-8s %s\n",
           IsoTime(std::strtoll(t.Text("occurred_at_ms").c_str(), nullptr, 10))
               .c_str(),
           Lower(t.Text("channel")).c_str(), Lower(t.Text("direction")).c_str(),
           summary.c_str());
  }
  section("notes, newest first", notes.size());
  for (const auto& n : notes) {
    std::string body = n.Text("body");
    std::replace(body.begin(), body.end(), '\n', ' ');
    printf("  %-8s %s  %s: %s\n", n.Text("id").c_str(),
           Date(n.Text("created_at_ms")).c_str(), n.Text("author").c_str(),
           body.c_str());
  }
  section("files", files.size());
  for (const auto& f : files) {
    printf("  %-8s %-9s %-30s %s bytes\n", f.Text("id").c_str(),
           Lower(f.Text("category")).c_str(), f.Text("file_name").c_str(),
           Grouped(f.Uint("size")).c_str());
  }
  section("links", links.size());
  for (const auto& l : links) {
    printf("  %s %s\n", l.Text("kind").c_str(), l.Text("external_id").c_str());
  }
  return kExitOk;
}

std::string ReasonsText(const Json& reasons) {
  std::string out;
  for (const auto& r : reasons.items) {
    if (!out.empty()) out += ';';
    std::string signal = Lower(r.Text("signal"));
    if (signal == "emailvariant") signal = "email_variant";
    out += signal;
    if (signal == "name") {
      char strength[16];
      snprintf(strength, sizeof strength, "=%.2f",
               std::strtod(r.Text("strength").c_str(), nullptr));
      out += strength;
    }
  }
  return out;
}

std::string Score(const std::string& text) {
  char out[16];
  snprintf(out, sizeof out, "%.3f", std::strtod(text.c_str(), nullptr));
  return out;
}

int CommandDupes(Context& ctx) {
  AllowOptions(ctx, {"all", "limit"});
  bool all = ctx.args.Has("all");
  if (all == !ctx.args.positional.empty()) {
    Fail(kExitUsage, "dupes: give a customer id or --all");
  }
  Store store = ctx.Open();
  bool human = ctx.format == Format::kHuman;
  Table table = human ? Table({"customer_id", "duplicate_id", "name",
                               "confidence", "score", "reasons"})
                      : Table({"customer_id", "duplicate_id", "confidence",
                               "score", "reasons"});
  if (!all) {
    uint64_t id = IdArgument(ctx, 0, "customer id");
    custdb_duplicate_options options = CUSTDB_DUPLICATE_OPTIONS_INIT;
    if (ctx.args.Has("limit")) {
      options.limit =
          static_cast<uint32_t>(ParseId(ctx.args.Get("limit"), "--limit"));
    }
    custdb_buffer* list = nullptr;
    Check(custdb_customer_duplicates(&list, store.get(), ctx.account, id,
                                     &options),
          "finding duplicates");
    Buffer owned(list);
    Json dupes = RecordJson("DuplicateList", list);
    const Json* candidates = dupes.Find("candidates");
    if (candidates != nullptr) {
      for (const auto& c : candidates->items) {
        const Json* reasons = c.Find("reasons");
        std::string why = reasons == nullptr ? "" : ReasonsText(*reasons);
        std::string name = c.Text("display_name");
        if (c.Bool("archived")) name += " (archived)";
        if (human) {
          table.Add({std::to_string(id), c.Text("customer_id"), name,
                     Lower(c.Text("confidence")), Score(c.Text("score")), why});
        } else {
          table.Add({std::to_string(id), c.Text("customer_id"),
                     Lower(c.Text("confidence")), Score(c.Text("score")), why});
        }
      }
    }
  } else {
    custdb_cursor* cursor = nullptr;
    Check(custdb_duplicate_report(&cursor, store.get(), ctx.account, nullptr),
          "building the duplicate report");
    Cursor owned(cursor);
    for (;;) {
      custdb_buffer* record = nullptr;
      Check(custdb_cursor_next(&record, cursor), "reading the report");
      if (record == nullptr) break;
      Buffer pair_owned(record);
      Json pair = RecordJson("DuplicatePair", record);
      const Json* reasons = pair.Find("reasons");
      std::string why = reasons == nullptr ? "" : ReasonsText(*reasons);
      if (human) {
        table.Add({pair.Text("customer_id"), pair.Text("duplicate_id"), "",
                   Lower(pair.Text("confidence")), Score(pair.Text("score")),
                   why});
      } else {
        table.Add({pair.Text("customer_id"), pair.Text("duplicate_id"),
                   Lower(pair.Text("confidence")), Score(pair.Text("score")),
                   why});
      }
    }
  }
  if (human && table.empty()) {
    printf("no likely duplicates\n");
    return kExitOk;
  }
  table.Print(ctx.format);
  return kExitOk;
}

void PrintPreview(const Json& preview) {
  const Json* survivor = preview.Find("survivor");
  const Json* duplicate = preview.Find("duplicate");
  const Json* merged = preview.Find("merged");
  if (survivor == nullptr || duplicate == nullptr || merged == nullptr) return;
  printf("merge customer %s (%s) into customer %s (%s)\n",
         duplicate->Text("id").c_str(), duplicate->Text("display_name").c_str(),
         survivor->Text("id").c_str(), survivor->Text("display_name").c_str());
  printf("\n  %-14s %-30s %-30s %s\n", "", "survivor", "duplicate", "merged");
  for (const char* f : {"display_name", "phone_display", "email", "status",
                        "vip", "do_not_contact"}) {
    std::string label = f;
    std::replace(label.begin(), label.end(), '_', ' ');
    printf("  %-14s %-30s %-30s %s\n", label.c_str(), survivor->Text(f).c_str(),
           duplicate->Text(f).c_str(), merged->Text(f).c_str());
  }
  printf("\n  moving from the duplicate:");
  for (const char* f : {"contacts", "locations", "timeline_entries", "notes",
                        "files", "tags", "links", "portal_links"}) {
    std::string label = f;
    std::replace(label.begin(), label.end(), '_', ' ');
    printf(" %s %s%s", preview.Text(f).c_str(), label.c_str(),
           std::strcmp(f, "portal_links") == 0 ? "\n" : ",");
  }
}

int CommandMerge(Context& ctx) {
  AllowOptions(ctx, {"yes", "keep-contact", "preview"});
  uint64_t survivor = IdArgument(ctx, 0, "survivor id");
  uint64_t duplicate = IdArgument(ctx, 1, "duplicate id");
  custdb_merge_options options = CUSTDB_MERGE_OPTIONS_INIT;
  std::string keep = Lower(ctx.args.Get("keep-contact", "survivor"));
  if (keep == "duplicate") {
    options.keep_duplicate_contact = 1;
  } else if (keep != "survivor") {
    Fail(kExitUsage, "--keep-contact: must be survivor or duplicate");
  }
  Store store = ctx.Open();
  custdb_buffer* preview = nullptr;
  Check(custdb_customer_merge_preview(&preview, store.get(), ctx.account,
                                      survivor, duplicate, &options),
        "merge preview");
  Buffer owned(preview);
  Json p = RecordJson("MergePreview", preview);
  // The merge happens only on the versions that were previewed.
  const Json* previewed_survivor = p.Find("survivor");
  const Json* previewed_duplicate = p.Find("duplicate");
  if (previewed_survivor == nullptr || previewed_duplicate == nullptr) {
    Fail(kExitInternal, "merge preview: a record is missing");
  }
  options.expected_survivor_version = previewed_survivor->Uint("version");
  options.expected_duplicate_version = previewed_duplicate->Uint("version");
  if (ctx.format == Format::kJson) {
    if (!ctx.args.Has("yes")) {
      PrintLine(ToJsonText(p));
      return kExitOk;
    }
  } else {
    PrintPreview(p);
  }
  if (ctx.args.Has("preview")) return kExitOk;
  if (!ctx.args.Has("yes")) {
    if (!isatty(STDIN_FILENO)) {
      fprintf(stderr,
              "merge: not confirmed (standard input is not a terminal; "
              "--yes merges without asking)\n");
      return kExitCancelled;
    }
    printf("\nmerge? [y/N] ");
    fflush(stdout);
    char answer[16] = {0};
    if (fgets(answer, sizeof answer, stdin) == nullptr ||
        (answer[0] != 'y' && answer[0] != 'Y')) {
      printf("not merged\n");
      return kExitCancelled;
    }
  }
  custdb_buffer* merged = nullptr;
  Check(custdb_customer_merge(&merged, store.get(), ctx.account, survivor,
                              duplicate, &options),
        "merge");
  Buffer merged_owned(merged);
  if (ctx.format == Format::kJson) {
    PrintLine(ToJsonText(RecordJson("Customer", merged)));
  } else {
    printf("merged customer %llu into %llu\n",
           static_cast<unsigned long long>(duplicate),
           static_cast<unsigned long long>(survivor));
  }
  return kExitOk;
}

// Prints the id of a record just written.
void PrintWritten(const Context& ctx, const char* type, const char* what,
                  const custdb_buffer* record, bool existed = false) {
  Json j = RecordJson(type, record);
  if (ctx.format == Format::kJson) {
    PrintLine(ToJsonText(j));
  } else if (ctx.format == Format::kCsv) {
    printf("id,existed\r\n%s,%s\r\n", j.Text("id").c_str(),
           existed ? "true" : "false");
  } else {
    printf("%s %s %s\n", what, j.Text("id").c_str(),
           existed ? "already existed (same phone and name); nothing added"
                   : "saved");
  }
}

int AddFile(Context& ctx, custdb_store* store, uint64_t customer) {
  if (ctx.args.positional.size() < 3) {
    Fail(kExitUsage, "add file: needs CUSTOMER and PATH");
  }
  std::string path = ctx.args.positional[2];
  std::string name = ctx.args.Get(
      "file-name", std::filesystem::path(path).filename().string());
  std::string json = "{";
  bool first = true;
  AppendField(&json, &first,
              {"category",
               FieldType::kEnum,
               {"Msa", "Contract", "Coi", "Photo", "Other"}},
              ctx.args.Get("category", "other"));
  AppendField(&json, &first, {"file_name", FieldType::kString, {}}, name);
  AppendField(&json, &first, {"content_type", FieldType::kString, {}},
              ctx.args.Get("content-type", "application/octet-stream"));
  json += "}";
  FILE* in = fopen(path.c_str(), "rb");
  if (in == nullptr) Fail(kExitInvalid, "file: cannot be read");
  std::unique_ptr<FILE, int (*)(FILE*)> closer(in, fclose);
  Buffer draft = RecordFromJson("FileDraft", json, "file draft");
  custdb_file_writer* writer = nullptr;
  Check(custdb_file_begin(&writer, store, ctx.account, customer,
                          custdb_buffer_data(draft.get()),
                          custdb_buffer_size(draft.get()), nullptr),
        "file");
  std::unique_ptr<custdb_file_writer, void (*)(custdb_file_writer*)> owned(
      writer, custdb_file_writer_free);
  std::vector<uint8_t> block(256 * 1024);
  size_t got;
  while ((got = fread(block.data(), 1, block.size(), in)) > 0) {
    Check(custdb_file_write(writer, block.data(), got), "file");
  }
  if (ferror(in)) Fail(kExitInvalid, "file: cannot be read");
  custdb_buffer* info = nullptr;
  Check(custdb_file_commit(&info, writer), "file");
  Buffer info_owned(info);
  PrintWritten(ctx, "FileInfo", "file", info);
  return kExitOk;
}

int CommandAdd(Context& ctx) {
  std::string what = ctx.args.positional.empty() ? "" : ctx.args.positional[0];
  if (what == "customer") {
    AllowOptions(ctx, OptionsOf(kCustomerFields));
    std::map<std::string, std::string> defaults;
    if (!ctx.args.Has("kind")) {
      defaults["kind"] =
          ctx.args.Has("company-name") && !ctx.args.Has("first-name")
              ? "company"
              : "individual";
    }
    std::string json = RecordJsonFromOptions(ctx, kCustomerFields, defaults);
    Store store = ctx.Open();
    Buffer draft = RecordFromJson("CustomerDraft", json, "customer draft");
    custdb_buffer* out = nullptr;
    int existed = 0;
    Check(custdb_customer_create(&out, &existed, store.get(), ctx.account,
                                 custdb_buffer_data(draft.get()),
                                 custdb_buffer_size(draft.get()), nullptr),
          "customer");
    Buffer owned(out);
    PrintWritten(ctx, "Customer", "customer", out, existed != 0);
    return kExitOk;
  }
  if (what != "contact" && what != "location" && what != "note" &&
      what != "timeline" && what != "file") {
    Fail(kExitUsage,
         "add: what to add: customer, contact, location, note, timeline or "
         "file");
  }
  uint64_t customer = IdArgument(ctx, 1, "customer id");
  if (what == "file") {
    AllowOptions(ctx, {"category", "content-type", "file-name"});
    Store store = ctx.Open();
    return AddFile(ctx, store.get(), customer);
  }
  const std::vector<FieldSpec>& specs = what == "contact"    ? kContactFields
                                        : what == "location" ? kLocationFields
                                        : what == "note"     ? kNoteFields
                                                             : kTimelineFields;
  AllowOptions(ctx, OptionsOf(specs));
  std::map<std::string, std::string> defaults;
  if (what == "location") defaults["kind"] = "service";
  if (what == "note") {
    const char* user = getenv("USER");
    defaults["author"] = user != nullptr ? user : "custdb";
  }
  if (what == "timeline") {
    defaults["occurred_at_ms"] =
        std::to_string(static_cast<long long>(time(nullptr)) * 1000);
  }
  std::string json = RecordJsonFromOptions(ctx, specs, defaults);
  Store store = ctx.Open();
  custdb_store* s = store.get();
  custdb_buffer* out = nullptr;
  int existed = 0;
  // The children added by one call of the same shape.
  using AddChild = int (*)(custdb_buffer**, custdb_store*, uint64_t, uint64_t,
                           const uint8_t*, size_t);
  struct Child {
    const char* what;
    const char* draft;
    const char* record;
    AddChild add;
  };
  static const Child kChildren[] = {
      {"contact", "ContactDraft", "Contact", custdb_contact_add},
      {"location", "LocationDraft", "Location", custdb_location_add},
      {"note", "NoteDraft", "Note", custdb_note_add},
  };
  const Child* child = nullptr;
  for (const Child& c : kChildren) {
    if (what == c.what) child = &c;
  }
  if (child != nullptr) {
    Buffer d =
        RecordFromJson(child->draft, json, std::string(child->what) + " draft");
    Check(child->add(&out, s, ctx.account, customer,
                     custdb_buffer_data(d.get()), custdb_buffer_size(d.get())),
          child->what);
    Buffer owned(out);
    PrintWritten(ctx, child->record, child->what, out);
  } else {
    Buffer d = RecordFromJson("TimelineEntryDraft", json, "timeline draft");
    Check(custdb_timeline_append(&out, &existed, s, ctx.account, customer,
                                 custdb_buffer_data(d.get()),
                                 custdb_buffer_size(d.get())),
          "timeline entry");
    Buffer owned(out);
    PrintWritten(ctx, "TimelineEntry", "timeline entry", out, existed != 0);
  }
  return kExitOk;
}

int CommandEdit(Context& ctx) {
  std::string what = ctx.args.positional.empty() ? "" : ctx.args.positional[0];
  if (what != "customer" && what != "contact" && what != "location" &&
      what != "note") {
    Fail(kExitUsage, "edit: what to edit: customer, contact, location or note");
  }
  uint64_t id = IdArgument(ctx, 1, (what + " id").c_str());
  std::vector<FieldSpec> specs = what == "customer"  ? kCustomerFields
                                 : what == "contact" ? kContactFields
                                 : what == "location"
                                     ? kLocationFields
                                     : std::vector<FieldSpec>{kNoteFields[1]};
  if (what == "contact") specs.pop_back();  // primary: see promote
  std::set<std::string> allowed = OptionsOf(specs);
  allowed.insert("expected-version");
  AllowOptions(ctx, allowed);
  std::string json = RecordJsonFromOptions(ctx, specs);
  custdb_update_options options = CUSTDB_UPDATE_OPTIONS_INIT;
  if (ctx.args.Has("expected-version")) {
    options.expected_version =
        ParseId(ctx.args.Get("expected-version"), "--expected-version");
  }
  Store store = ctx.Open();
  custdb_store* s = store.get();
  custdb_buffer* out = nullptr;
  if (what == "customer") {
    Buffer p = RecordFromJson("CustomerPatch", json, "customer patch");
    Check(custdb_customer_update(&out, s, ctx.account, id,
                                 custdb_buffer_data(p.get()),
                                 custdb_buffer_size(p.get()), &options),
          "customer");
    Buffer owned(out);
    PrintWritten(ctx, "Customer", "customer", out);
  } else if (what == "contact") {
    Buffer p = RecordFromJson("ContactPatch", json, "contact patch");
    Check(custdb_contact_update(&out, s, ctx.account, id,
                                custdb_buffer_data(p.get()),
                                custdb_buffer_size(p.get()), &options),
          "contact");
    Buffer owned(out);
    PrintWritten(ctx, "Contact", "contact", out);
  } else if (what == "location") {
    Buffer p = RecordFromJson("LocationPatch", json, "location patch");
    Check(custdb_location_update(&out, s, ctx.account, id,
                                 custdb_buffer_data(p.get()),
                                 custdb_buffer_size(p.get()), &options),
          "location");
    Buffer owned(out);
    PrintWritten(ctx, "Location", "location", out);
  } else {
    Buffer p = RecordFromJson("NotePatch", json, "note patch");
    Check(custdb_note_update(&out, s, ctx.account, id,
                             custdb_buffer_data(p.get()),
                             custdb_buffer_size(p.get()), &options),
          "note");
    Buffer owned(out);
    PrintWritten(ctx, "Note", "note", out);
  }
  return kExitOk;
}

int CommandTag(Context& ctx) {
  AllowOptions(ctx, {"remove", "list"});
  Store store = ctx.Open();
  if (ctx.args.Has("list")) {
    TagLibrary tags = ReadTags(store.get(), ctx.account);
    Table table({"id", "name", "customers"});
    for (const auto& [id, name] : tags.names) {
      table.Add({std::to_string(id), name, std::to_string(tags.counts[id])});
    }
    if (ctx.format == Format::kHuman && table.empty()) {
      printf("no tags\n");
    } else {
      table.Print(ctx.format);
    }
    return kExitOk;
  }
  uint64_t customer = IdArgument(ctx, 0, "customer id");
  if (ctx.args.positional.size() < 2) {
    Fail(kExitUsage, "tag: needs at least one tag name");
  }
  bool remove = ctx.args.Has("remove");
  TagLibrary tags = ReadTags(store.get(), ctx.account);
  for (size_t i = 1; i < ctx.args.positional.size(); ++i) {
    const std::string& name = ctx.args.positional[i];
    uint64_t tag_id = 0;
    if (remove) {
      auto it = tags.ids.find(Lower(name));
      if (it == tags.ids.end()) Fail(kExitNotFound, "tag: no tag of this name");
      tag_id = it->second;
      Check(custdb_customer_untag(nullptr, store.get(), ctx.account, customer,
                                  tag_id),
            "untag");
    } else {
      std::string json = "{\"name\":";
      if (!ValidUtf8(name)) Fail(kExitInvalid, "name: not valid UTF-8");
      AppendJsonString(&json, name);
      json += "}";
      Buffer draft = RecordFromJson("TagDraft", json, "tag");
      custdb_buffer* tag = nullptr;
      int existed = 0;
      Check(custdb_tag_create(&tag, &existed, store.get(), ctx.account,
                              custdb_buffer_data(draft.get()),
                              custdb_buffer_size(draft.get())),
            "tag");
      Buffer owned(tag);
      tag_id = RecordJson("Tag", tag).Uint("id");
      Check(custdb_customer_tag(nullptr, store.get(), ctx.account, customer,
                                tag_id),
            "tag");
    }
  }
  Json after = GetCustomer(store.get(), ctx.account, customer);
  if (ctx.format == Format::kHuman) {
    printf("customer %s tags: %s\n", after.Text("id").c_str(),
           TagNames(after, ReadTags(store.get(), ctx.account)).c_str());
  } else {
    Table table({"customer_id", "tags"});
    table.Add({after.Text("id"),
               TagNames(after, ReadTags(store.get(), ctx.account))});
    table.Print(ctx.format);
  }
  return kExitOk;
}

int CommandBackup(Context& ctx) {
  AllowOptions(ctx, {});
  if (ctx.args.positional.size() != 1) {
    Fail(kExitUsage, "backup: needs the directory to write");
  }
  Store store = ctx.Open();
  Check(custdb_store_backup(store.get(), ctx.args.positional[0].c_str()),
        "backup");
  if (ctx.format == Format::kHuman) {
    printf("backup written to %s\n", ctx.args.positional[0].c_str());
  }
  return kExitOk;
}

int CommandRestore(Context& ctx) {
  AllowOptions(ctx, {});
  if (ctx.args.positional.size() != 1) {
    Fail(kExitUsage, "restore: needs the backup directory");
  }
  namespace fs = std::filesystem;
  fs::path from = ctx.args.positional[0];
  fs::path to = ctx.store_path;
  std::error_code ec;
  if (!fs::is_directory(from, ec)) {
    Fail(kExitNotFound, "restore: the backup directory does not exist");
  }
  if (fs::exists(to, ec) && !fs::is_empty(to, ec)) {
    Fail(kExitUsage,
         "restore: the store path is not empty (restore into a new path with "
         "--store)");
  }
  fs::create_directories(to, ec);
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) Fail(kExitStorage, "restore: copying the backup failed");
  {
    Store store = ctx.Open();
    custdb_buffer* report = nullptr;
    Check(custdb_store_check(&report, store.get()), "restore: check");
    Buffer owned(report);
    Json r = RecordJson("CheckReport", report);
    const Json* issues = r.Find("issues");
    if (issues != nullptr && !issues->items.empty()) {
      Fail(kExitInconsistent,
           "restore: the restored store does not check "
           "clean (run custdb check)");
    }
    if (ctx.format == Format::kHuman) {
      printf("restored %s records into %s; check is clean\n",
             Grouped(r.Uint("records_checked")).c_str(), to.c_str());
    }
  }
  return kExitOk;
}

int Help(const std::string& command) {
  auto it = kCommandHelp.find(command);
  if (it != kCommandHelp.end()) {
    fputs(it->second.c_str(), stdout);
  } else {
    fputs(kUsage, stdout);
  }
  return kExitOk;
}

int Run(int argc, char** argv) {
  Context ctx;
  ctx.args = ParseArgs(argc, argv);
  ctx.stdout_is_terminal = isatty(STDOUT_FILENO) != 0;
  ctx.stderr_is_terminal = isatty(STDERR_FILENO) != 0;
  const std::string& command = ctx.args.command;
  if (command.empty()) {
    fputs(kUsage, stderr);
    return kExitUsage;
  }
  if (command == "help") {
    return Help(ctx.args.positional.empty() ? "" : ctx.args.positional[0]);
  }
  if (ctx.args.Has("help")) return Help(command);
  if ((custdb_version() >> 16) != CUSTDB_VERSION_MAJOR) {
    Fail(kExitInternal, "version: the library's major version differs");
  }
  ctx.store_path = ctx.args.Get("store", DefaultStorePath());
  if (ctx.args.Has("account")) {
    ctx.account = ParseId(ctx.args.Get("account"), "--account");
  }
  std::string format = ctx.args.Get("format", "human");
  if (format == "human") {
    ctx.format = Format::kHuman;
  } else if (format == "csv") {
    ctx.format = Format::kCsv;
  } else if (format == "json") {
    ctx.format = Format::kJson;
  } else {
    Fail(kExitUsage, "--format: must be human, csv or json");
  }
  static const std::map<std::string, std::function<int(Context&)>> commands = {
      {"init", CommandInit},       {"import", CommandImport},
      {"export", CommandExport},   {"list", CommandList},
      {"show", CommandShow},       {"add", CommandAdd},
      {"edit", CommandEdit},       {"tag", CommandTag},
      {"dupes", CommandDupes},     {"merge", CommandMerge},
      {"stats", CommandStats},     {"check", CommandCheck},
      {"backup", CommandBackup},   {"restore", CommandRestore},
      {"version", CommandVersion},
  };
  auto it = commands.find(command);
  if (it == commands.end()) {
    Fail(kExitUsage, "command: not a command of custdb (see custdb help)");
  }
  return it->second(ctx);
}

}  // namespace
}  // namespace custdb::cli

int main(int argc, char** argv) {
  try {
    int code = custdb::cli::Run(argc, argv);
    if (fflush(stdout) != 0) {
      fprintf(stderr, "custdb: writing the output failed\n");
      return custdb::cli::kExitInternal;
    }
    return code;
  } catch (const custdb::cli::Failure& f) {
    fflush(stdout);
    fprintf(stderr, "custdb: %s\n", f.message.c_str());
    return f.exit_code;
  } catch (const std::bad_alloc&) {
    fprintf(stderr, "custdb: out of memory\n");
    return custdb::cli::kExitInternal;
  } catch (const std::exception&) {
    fprintf(stderr, "custdb: an unexpected error\n");
    return custdb::cli::kExitInternal;
  }
}
