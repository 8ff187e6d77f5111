#include "bench/dataset.h"

#include <flatbuffers/flatbuffers.h>
#include <flatbuffers/idl.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "custdb_generated.h"

namespace custdb::bench {
namespace {

struct BufferFree {
  void operator()(custdb_buffer* buffer) const { custdb_buffer_free(buffer); }
};
using Buffer = std::unique_ptr<custdb_buffer, BufferFree>;

std::string Where(const std::string& path, size_t line_number) {
  return path + ":" + std::to_string(line_number);
}

std::ifstream Open(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(path + ": cannot be opened");
  return file;
}

// Splits a line at every `separator`; the fields point into `line`.
std::vector<std::string_view> Split(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t end = line.find(separator, start);
    fields.push_back(line.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return fields;
}

std::vector<Pair> ReadPairs(const std::string& path) {
  std::ifstream file = Open(path);
  std::vector<Pair> pairs;
  std::string line;
  size_t line_number = 0;
  while (std::getline(file, line)) {
    if (++line_number == 1 || line.empty()) continue;  // the header
    const auto fields = Split(line, ',');
    if (fields.size() != 3) {
      throw std::runtime_error(Where(path, line_number) +
                               ": expected ref_a,ref_b,kind");
    }
    pairs.push_back({std::string(fields[0]), std::string(fields[1]),
                     std::string(fields[2])});
  }
  return pairs;
}

std::vector<Row> ReadFlat(const std::string& path) {
  std::ifstream file = Open(path);
  std::vector<Row> rows;
  std::string line;
  size_t line_number = 0;
  while (std::getline(file, line)) {
    if (++line_number == 1 || line.empty()) continue;  // the header
    const auto f = Split(line, '\t');
    if (f.size() != 11) {
      throw std::runtime_error(Where(path, line_number) +
                               ": expected 11 tab-separated columns");
    }
    rows.push_back({std::string(f[0]), std::string(f[1]), std::string(f[2]),
                    std::string(f[3]), std::string(f[4]), std::string(f[5]),
                    std::string(f[6]), std::string(f[7]), std::string(f[8]),
                    std::string(f[9]), std::string(f[10])});
  }
  return rows;
}

// Throws unless `rc` is CUSTDB_OK, naming the call and the input line.
void Check(int rc, const char* call, const std::string& where) {
  if (rc != CUSTDB_OK) {
    throw std::runtime_error(where + ": " + call + ": " + custdb_last_error() +
                             " (" + custdb_error_name(rc) + ")");
  }
}

// Turns JSON into record bytes, either with the library's own conversion
// or with host-side parsers that read the schema once.
class JsonConverter {
 public:
  explicit JsonConverter(const LoadOptions& options)
      : through_abi_(options.json_through_abi) {
    if (through_abi_) return;
    const std::string path =
        options.schema_path.empty() ? CUSTDB_SCHEMA_FILE : options.schema_path;
    std::ifstream file = Open(path);
    schema_.assign(std::istreambuf_iterator<char>(file),
                   std::istreambuf_iterator<char>());
  }

  // The record bytes of `json` as a `type`, valid until the next call.
  std::string_view Convert(const std::string& type, const char* json,
                           size_t json_size, const std::string& where) {
    if (through_abi_) {
      custdb_buffer* raw = nullptr;
      Check(custdb_record_from_json(&raw, type.c_str(), json, json_size),
            "custdb_record_from_json", where);
      abi_buffer_.reset(raw);
      return {reinterpret_cast<const char*>(custdb_buffer_data(raw)),
              custdb_buffer_size(raw)};
    }
    flatbuffers::Parser& parser = ParserFor(type, where);
    text_.assign(json, json_size);
    if (!parser.ParseJson(text_.c_str())) {
      throw std::runtime_error(where + ": not JSON of a " + type);
    }
    return {reinterpret_cast<const char*>(parser.builder_.GetBufferPointer()),
            parser.builder_.GetSize()};
  }

 private:
  flatbuffers::Parser& ParserFor(const std::string& type,
                                 const std::string& where) {
    auto it = parsers_.find(type);
    if (it != parsers_.end()) return *it->second;
    // The options of the library's own conversion, so that both give the
    // same bytes.
    flatbuffers::IDLOptions idl;
    idl.strict_json = true;
    idl.natural_utf8 = true;
    auto parser = std::make_unique<flatbuffers::Parser>(idl);
    if (!parser->Parse(schema_.c_str()) || !parser->SetRootType(type.c_str())) {
      throw std::runtime_error(where + ": the schema has no table " + type);
    }
    return *parsers_.emplace(type, std::move(parser)).first->second;
  }

  bool through_abi_;
  std::string schema_;
  std::string text_;
  Buffer abi_buffer_;
  std::unordered_map<std::string, std::unique_ptr<flatbuffers::Parser>>
      parsers_;
};

}  // namespace

Dataset ReadDataset(const std::string& dir) {
  Dataset dataset;
  dataset.customers = ReadFlat(dir + "/flat.tsv");
  dataset.duplicates = ReadPairs(dir + "/truth.csv");
  dataset.negatives = ReadPairs(dir + "/negatives.csv");
  return dataset;
}

namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::string DisplayName(const Row& row) {
  bool company =
      !row.kind.empty() && (row.kind[0] == 'c' || row.kind[0] == 'C');
  if (company) return Trim(row.company_name);
  std::string first = Trim(row.first_name);
  std::string last = Trim(row.last_name);
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

std::vector<std::string> NameWords(const std::string& name) {
  std::vector<std::string> words;
  std::string word;
  for (char c : name) {
    if (c == '\'') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

namespace {

std::string PackBuffer(const fb::ImportBatchT& batch) {
  flatbuffers::FlatBufferBuilder builder(1 << 16);
  builder.Finish(fb::ImportBatch::Pack(builder, &batch));
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                     builder.GetSize());
}

}  // namespace

std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
    custdb_store* store, uint64_t account, const std::string& dir) {
  return LoadIntoCustdb(store, account, dir, LoadOptions());
}

std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
    custdb_store* store, uint64_t account, const std::string& dir,
    const LoadOptions& options) {
  JsonConverter converter(options);
  const std::string path = dir + "/customers.tsv";
  std::ifstream file = Open(path);
  std::unordered_map<std::string, uint64_t> ids;
  custdb_create_options create = CUSTDB_CREATE_OPTIONS_INIT;
  create.allow_duplicate_phone = 1;

  std::string line;
  size_t line_number = 0;
  std::string current_ref;
  uint64_t current_id = 0;

  // Batched: rows collect here until a custdb_customer_import call.
  fb::ImportBatchT batch;
  std::vector<std::string> batch_refs;
  std::string batch_where;
  auto flush = [&] {
    if (batch.rows.empty()) return;
    const std::string bytes = PackBuffer(batch);
    custdb_buffer* result = nullptr;
    Check(custdb_customer_import(&result, store, account,
                                 reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size(), &create),
          "custdb_customer_import", batch_where);
    Buffer owned(result);
    const auto* rows =
        flatbuffers::GetRoot<fb::ImportResult>(custdb_buffer_data(result))
            ->rows();
    for (size_t i = 0; i < batch_refs.size(); ++i) {
      const auto* r = rows->Get(static_cast<flatbuffers::uoffset_t>(i));
      if (r->outcome() != fb::ImportOutcome::Created) {
        throw std::runtime_error(
            batch_where + ": customer_ref " + batch_refs[i] +
            " not created: " + (r->error() ? r->error()->str() : ""));
      }
      if (!ids.emplace(batch_refs[i], r->customer_id()).second) {
        throw std::runtime_error(batch_where + ": customer_ref " +
                                 batch_refs[i] + " appears twice");
      }
    }
    batch.rows.clear();
    batch_refs.clear();
  };

  while (std::getline(file, line)) {
    ++line_number;
    if (line.empty()) continue;
    const size_t tab1 = line.find('\t');
    const size_t tab2 =
        tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) {
      throw std::runtime_error(Where(path, line_number) +
                               ": expected ref, type and JSON");
    }
    const std::string ref = line.substr(0, tab1);
    const std::string type = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const char* json = line.data() + tab2 + 1;
    const size_t json_size = line.size() - tab2 - 1;
    const std::string where = Where(path, line_number);

    const std::string_view record =
        converter.Convert(type, json, json_size, where);
    const auto* bytes = reinterpret_cast<const uint8_t*>(record.data());
    const size_t size = record.size();

    if (options.batch_rows > 0) {
      if (type == "CustomerDraft") {
        if (batch.rows.size() == options.batch_rows) flush();
        if (batch.rows.empty()) batch_where = where;
        auto row = std::make_unique<fb::ImportRowT>();
        row->customer.reset(
            flatbuffers::GetRoot<fb::CustomerDraft>(bytes)->UnPack());
        batch.rows.push_back(std::move(row));
        batch_refs.push_back(ref);
        current_ref = ref;
      } else if (ref != current_ref) {
        throw std::runtime_error(where + ": a " + type +
                                 " must follow its customer's CustomerDraft");
      } else if (type == "ContactDraft") {
        batch.rows.back()->contacts.emplace_back(
            flatbuffers::GetRoot<fb::ContactDraft>(bytes)->UnPack());
      } else if (type == "LocationDraft") {
        batch.rows.back()->locations.emplace_back(
            flatbuffers::GetRoot<fb::LocationDraft>(bytes)->UnPack());
      } else {
        throw std::runtime_error(where + ": unknown record type " + type);
      }
      continue;
    }
    if (type == "CustomerDraft") {
      custdb_buffer* customer = nullptr;
      int existed = 0;
      Check(custdb_customer_create(&customer, &existed, store, account, bytes,
                                   size, &create),
            "custdb_customer_create", where);
      Buffer owned(customer);
      current_ref = ref;
      current_id =
          flatbuffers::GetRoot<fb::Customer>(custdb_buffer_data(customer))
              ->id();
      if (!ids.emplace(ref, current_id).second) {
        throw std::runtime_error(where + ": customer_ref " + ref +
                                 " appears twice");
      }
      continue;
    }
    if (ref != current_ref) {
      throw std::runtime_error(where + ": a " + type +
                               " must follow its customer's CustomerDraft");
    }
    if (type == "ContactDraft") {
      Check(
          custdb_contact_add(nullptr, store, account, current_id, bytes, size),
          "custdb_contact_add", where);
    } else if (type == "LocationDraft") {
      Check(
          custdb_location_add(nullptr, store, account, current_id, bytes, size),
          "custdb_location_add", where);
    } else {
      throw std::runtime_error(where + ": unknown record type " + type);
    }
  }
  flush();
  return ids;
}

class RecordConverter::Impl {
 public:
  explicit Impl(const LoadOptions& options) : converter(options) {}
  JsonConverter converter;
};

RecordConverter::RecordConverter(const LoadOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}

RecordConverter::~RecordConverter() = default;

std::string_view RecordConverter::Convert(const std::string& type,
                                          std::string_view json,
                                          const std::string& where) {
  return impl_->converter.Convert(type, json.data(), json.size(), where);
}

}  // namespace custdb::bench
