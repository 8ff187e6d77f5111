// Interim: the generated benchmark data set, read from its directory.
// Replaced by the data set reader of the benchmark's generator.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "custdb.h"

namespace custdb::bench {

struct Row {
  std::string ref, kind, first_name, last_name, company_name, phone, email,
      street, city, state, zip;
};

// truth.csv: a = original, b = planted duplicate.
struct Pair {
  std::string a, b, kind;
};

struct Dataset {
  std::vector<Row> customers;
  std::vector<Pair> duplicates, negatives;
};

// Reads flat.tsv, truth.csv and negatives.csv (the last may be missing).
// Throws std::runtime_error when a file cannot be read or parsed.
Dataset ReadDataset(const std::string& dir);

// Creates every customer of `dir` in `account` (a duplicate phone is
// created anyway) with its address as a service location; returns each
// ref's customer id. Rows the store refuses are left out of the map.
std::unordered_map<std::string, uint64_t> LoadIntoCustdb(
    custdb_store* store, uint64_t account, const std::string& dir);

}  // namespace custdb::bench
