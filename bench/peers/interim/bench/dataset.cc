#include "bench/dataset.h"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace custdb::bench {
namespace {

std::vector<std::string> Split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, separator)) fields.push_back(field);
  if (!line.empty() && line.back() == separator) fields.push_back("");
  return fields;
}

std::vector<Pair> ReadPairs(const std::string& path, bool required) {
  std::vector<Pair> pairs;
  std::ifstream in(path);
  if (!in) {
    if (required) throw std::runtime_error("cannot read " + path);
    return pairs;
  }
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f = Split(line, ',');
    if (f.size() < 2) throw std::runtime_error(path + ": short line");
    pairs.push_back({f[0], f[1], f.size() > 2 ? f[2] : ""});
  }
  return pairs;
}

std::string Json(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool IsCompany(const Row& row) {
  return !row.kind.empty() && (row.kind[0] == 'c' || row.kind[0] == 'C');
}

std::string DraftJson(const Row& row, bool with_email) {
  std::string json = "{\"kind\": ";
  if (IsCompany(row)) {
    json += "\"Company\", \"company_name\": " + Json(row.company_name);
    if (!row.first_name.empty()) {
      json +=
          ", \"primary_contact\": {\"first_name\": " + Json(row.first_name) +
          ", \"last_name\": " + Json(row.last_name) + "}";
    }
  } else {
    json += "\"Individual\", \"first_name\": " + Json(row.first_name) +
            ", \"last_name\": " + Json(row.last_name);
  }
  json += ", \"phone\": " + Json(row.phone);
  if (with_email && !row.email.empty())
    json += ", \"email\": " + Json(row.email);
  json += ", \"source\": \"Import\"}";
  return json;
}

// The id of a Customer record, read from its JSON form.
uint64_t CustomerId(const custdb_buffer* record) {
  custdb_buffer* json = nullptr;
  uint64_t id = 0;
  if (custdb_record_to_json(&json, "Customer", custdb_buffer_data(record),
                            custdb_buffer_size(record)) == CUSTDB_OK) {
    std::string text(reinterpret_cast<const char*>(custdb_buffer_data(json)));
    size_t at = text.find("\"id\":");
    if (at != std::string::npos) id = std::stoull(text.substr(at + 5));
  }
  custdb_buffer_free(json);
  return id;
}

uint64_t Create(custdb_store* store, uint64_t account, const Row& row,
                bool with_email) {
  std::string json = DraftJson(row, with_email);
  custdb_buffer* draft = nullptr;
  custdb_buffer* customer = nullptr;
  custdb_create_options options = CUSTDB_CREATE_OPTIONS_INIT;
  options.allow_duplicate_phone = 1;
  int existed = 0;
  uint64_t id = 0;
  if (custdb_record_from_json(&draft, "CustomerDraft", json.data(),
                              json.size()) == CUSTDB_OK &&
      custdb_customer_create(
          &customer, &existed, store, account, custdb_buffer_data(draft),
          custdb_buffer_size(draft), &options) == CUSTDB_OK) {
    id = CustomerId(customer);
  }
  custdb_buffer_free(customer);
  custdb_buffer_free(draft);
  return id;
}

void AddLocation(custdb_store* store, uint64_t account, uint64_t customer,
                 const Row& row) {
  if (row.street.empty() || row.city.empty() || row.state.empty() ||
      row.zip.empty()) {
    return;
  }
  std::string json =
      "{\"kind\": \"Service\", \"address_line1\": " + Json(row.street) +
      ", \"city\": " + Json(row.city) + ", \"state\": " + Json(row.state) +
      ", \"zip\": " + Json(row.zip) + "}";
  custdb_buffer* draft = nullptr;
  if (custdb_record_from_json(&draft, "LocationDraft", json.data(),
                              json.size()) == CUSTDB_OK) {
    (void)custdb_location_add(nullptr, store, account, customer,
                              custdb_buffer_data(draft),
                              custdb_buffer_size(draft));
  }
  custdb_buffer_free(draft);
}

}  // namespace

Dataset ReadDataset(const std::string& dir) {
  Dataset dataset;
  std::string path = dir + "/flat.tsv";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::map<std::string, size_t> column;
  std::vector<std::string> names = Split(line, '\t');
  for (size_t i = 0; i < names.size(); i++) column[names[i]] = i;
  if (!column.count("ref")) throw std::runtime_error(path + ": no ref column");

  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f = Split(line, '\t');
    auto get = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it != column.end() && it->second < f.size() ? f[it->second] : "";
    };
    dataset.customers.push_back({get("ref"), get("kind"), get("first_name"),
                                 get("last_name"), get("company_name"),
                                 get("phone"), get("email"), get("street"),
                                 get("city"), get("state"), get("zip")});
  }
  dataset.duplicates = ReadPairs(dir + "/truth.csv", true);
  dataset.negatives = ReadPairs(dir + "/negatives.csv", false);
  return dataset;
}

std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
    custdb_store* store, uint64_t account, const std::string& dir) {
  std::unordered_map<std::string, uint64_t> ids;
  for (const Row& row : ReadDataset(dir).customers) {
    uint64_t id = Create(store, account, row, true);
    if (id == 0 && !row.email.empty()) id = Create(store, account, row, false);
    if (id == 0) continue;
    AddLocation(store, account, id, row);
    ids[row.ref] = id;
  }
  return ids;
}

}  // namespace custdb::bench
