// A small data set in the harness's own format, for its smoke test when
// the benchmark's generator is not at hand.
#pragma once

#include <cstdint>
#include <string>

namespace custdb::bench {

// Writes flat.tsv, truth.csv and negatives.csv for `customers` customers
// (about one in twenty a planted duplicate of another) into `dir`, which
// is created. The same seed gives the same files. Throws
// std::runtime_error when a file cannot be written.
void WriteTinyDataset(const std::string& dir, int customers, uint64_t seed);

}  // namespace custdb::bench
