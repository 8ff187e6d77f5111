// The generated benchmark data set, read back and loaded into a store.
//
// A data set is a directory written by bench/gen/generate.py:
//
//   customers.tsv   customer_ref TAB record type TAB record as JSON; a
//                   CustomerDraft line, then the ContactDraft and
//                   LocationDraft lines of that customer.
//   flat.tsv        a header, then one row per customer (the columns of
//                   Row, in its order), for loading into other databases.
//   truth.csv       ref_a,ref_b,kind: the planted duplicate pairs.
//   negatives.csv   ref_a,ref_b,kind: planted look-alike pairs that are
//                   different customers.
//
// The interface, kept stable for every harness that uses it:
//
//   namespace custdb::bench {
//   struct Row { std::string ref, kind, first_name, last_name,
//                company_name, phone, email, street, city, state, zip; };
//   struct Pair { std::string a, b, kind; };
//   struct Dataset { std::vector<Row> customers;
//                    std::vector<Pair> duplicates, negatives; };
//   Dataset ReadDataset(const std::string& dir);
//   std::string DisplayName(const Row& row);
//   std::vector<std::string> NameWords(const std::string& name);
//   std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
//       custdb_store* store, uint64_t account, const std::string& dir);
//   }
//
// plus an overload of LoadIntoCustdb that takes LoadOptions, and
// RecordConverter, the JSON to FlatBuffers conversion it uses.
//
// Both functions throw std::runtime_error, naming the file and line, when
// a file is missing or malformed or a call of the C ABI fails. Neither
// keeps any state; they may run on several threads at once (on different
// stores or accounts, for LoadIntoCustdb).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "custdb.h"

namespace custdb::bench {

// One customer as flat.tsv has it: its own name, phone and email as typed
// and its first location ("street" is address line 1, then line 2 after
// a space when there is one). kind is "Individual" or "Company"; an
// individual has an empty company_name, a company empty first and last
// names; email may be empty.
struct Row {
  std::string ref;
  std::string kind;
  std::string first_name;
  std::string last_name;
  std::string company_name;
  std::string phone;
  std::string email;
  std::string street;
  std::string city;
  std::string state;
  std::string zip;
};

// A planted pair of customer refs; `a` was created first. Duplicates have
// the kinds typo, nickname, swapped, format, company_suffix and
// email_variant; negatives shared_phone and same_name.
struct Pair {
  std::string a;
  std::string b;
  std::string kind;
};

struct Dataset {
  std::vector<Row> customers;  // in ref order
  std::vector<Pair> duplicates;
  std::vector<Pair> negatives;
};

// Reads flat.tsv, truth.csv and negatives.csv of a data set.
Dataset ReadDataset(const std::string& dir);

// The name every system matches, what custdb shows as the display name:
// a company's name, or an individual's first and last name, trimmed.
std::string DisplayName(const Row& row);

// The words of a name: runs of ASCII letters and digits, lower case, an
// apostrophe dropped (O'Neil is one word). The generator writes ASCII
// names, so this is what custdb's folding does to them.
std::vector<std::string> NameWords(const std::string& name);

// Creates every customer of customers.tsv in `account` of an open store,
// in file order, with its contacts and locations, and returns the
// customer id of each ref. Customers are created with
// allow_duplicate_phone set, so that every ref becomes a customer of its
// own even when planted pairs share a phone. Loading into an account that
// already holds the data set creates it a second time.
//
// The JSON of each line becomes FlatBuffers bytes on the host's side, with
// one FlatBuffers parser per record type loaded once from the schema (as
// a C++ host with a builder would make its records), so that the time
// measured is the store's; LoadOptions::json_through_abi converts every
// line with custdb_record_from_json instead.
std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
    custdb_store* store, uint64_t account, const std::string& dir);

struct LoadOptions {
  // Convert with custdb_record_from_json, which loads the schema on every
  // call (slower, and the check that the ABI accepts every line).
  bool json_through_abi = false;
  // The schema file for the host-side parsers; empty: the source tree's
  // engine/schema/custdb.fbs.
  std::string schema_path;
  // Rows of one custdb_customer_import call; 0 creates every customer,
  // contact and location with a call of its own.
  size_t batch_rows = 0;
};

std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
    custdb_store* store, uint64_t account, const std::string& dir,
    const LoadOptions& options);

// The JSON of a record type as FlatBuffers bytes, converted as
// LoadIntoCustdb converts each line (see LoadOptions).
class RecordConverter {
 public:
  explicit RecordConverter(const LoadOptions& options = LoadOptions());
  ~RecordConverter();
  RecordConverter(const RecordConverter&) = delete;
  RecordConverter& operator=(const RecordConverter&) = delete;

  // The bytes of `json` as a `type`, valid until the next call; throws,
  // naming `where`, when the JSON is not one.
  std::string_view Convert(const std::string& type, std::string_view json,
                           const std::string& where);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custdb::bench
