// The side-by-side "find duplicates" harness: what every system is asked
// and what is measured of its answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace custdb::bench {

// One customer as every system stores it: an id of the harness (its line
// in flat.tsv, from 1) and the display name that is matched ("first last"
// for an individual, the company name for a company).
struct NamedCustomer {
  int64_t id;
  std::string ref;
  std::string name;
};

// One planted duplicate: the query is the duplicate's own record, the
// expected answer the original it was made from.
struct DuplicateQuery {
  int64_t query_id;     // the planted duplicate (truth.csv's b)
  int64_t expected_id;  // the original (truth.csv's a)
  std::string name;     // the duplicate's display name
  std::string kind;     // how the duplicate was made (truth.csv's kind)
};

// The answer to one query: the ids returned, best first, at most ten,
// never the query's own record.
using Candidates = std::vector<int64_t>;

// What one system did with the whole query set.
struct SystemResult {
  std::string system;
  std::string error;  // non-empty: the system could not be measured
  std::vector<double> latencies_ms;
  std::vector<DuplicateQuery> queries;  // in the order asked
  std::vector<Candidates> answers;      // one per query
  double load_seconds = 0;
  uint64_t bytes_on_disk = 0;
  std::string notes;  // settings that a reader of the table should know
};

// The data set as the harness uses it.
struct Workload {
  std::vector<NamedCustomer> customers;
  std::vector<DuplicateQuery> queries;
  std::string data_dir;
};

// Sizes and caches that every system is given alike.
inline constexpr uint64_t kCacheBytes = 256ull << 20;
inline constexpr int kTopK = 10;

// Runs `run` on every query, timing each call with a steady clock, after
// `warmup` untimed calls on the first queries.
template <typename Fn>
void TimeQueries(const std::vector<DuplicateQuery>& queries, size_t warmup,
                 SystemResult& result, Fn run) {
  for (size_t i = 0; i < warmup && i < queries.size(); i++) {
    run(queries[i]);
  }

  result.queries = queries;
  result.answers.reserve(queries.size());
  result.latencies_ms.reserve(queries.size());
  for (const DuplicateQuery& query : queries) {
    auto start = std::chrono::steady_clock::now();
    Candidates answer = run(query);
    auto end = std::chrono::steady_clock::now();
    result.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
    result.answers.push_back(std::move(answer));
  }
}

}  // namespace custdb::bench
