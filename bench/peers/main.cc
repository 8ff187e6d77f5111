// custdb-bench-dupes: "find the duplicates of this customer" asked of
// custdb, of PostgreSQL with pg_trgm and of SQLite with an FTS5 trigram
// table, on the same names and the same queries, side by side.
//
// usage: custdb-bench-dupes DATA_DIR [--systems=postgres,sqlite,custdb]
//                           [--queries=N] [--warmup=N] [--postgres-bin=DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>

#include "bench/dataset.h"
#include "peers.h"

namespace custdb::bench {
namespace {

Workload BuildWorkload(const std::string& dir, size_t max_queries) {
  Dataset dataset = ReadDataset(dir);
  Workload workload;
  workload.data_dir = dir;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < dataset.customers.size(); i++) {
    const Row& row = dataset.customers[i];
    index[row.ref] = i;
    workload.customers.push_back(
        {static_cast<int64_t>(i + 1), row.ref, DisplayName(row)});
  }
  for (const Pair& pair : dataset.duplicates) {
    auto a = index.find(pair.a);
    auto b = index.find(pair.b);
    if (a == index.end() || b == index.end()) continue;
    workload.queries.push_back({static_cast<int64_t>(b->second + 1),
                                static_cast<int64_t>(a->second + 1),
                                workload.customers[b->second].name, pair.kind});
    if (workload.queries.size() == max_queries) break;
  }
  return workload;
}

// The nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100 * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

struct Summary {
  size_t queries = 0;
  double p50 = 0, p99 = 0;
  double recall = 0, first = 0;
  std::map<std::string, std::pair<size_t, size_t>> by_kind;  // found, asked
};

Summary Summarize(const SystemResult& result) {
  Summary s;
  s.queries = result.queries.size();
  std::vector<double> sorted = result.latencies_ms;
  std::sort(sorted.begin(), sorted.end());
  s.p50 = Percentile(sorted, 50);
  s.p99 = Percentile(sorted, 99);
  size_t found = 0, first = 0;
  for (size_t i = 0; i < result.queries.size(); i++) {
    const Candidates& answer = result.answers[i];
    int64_t expected = result.queries[i].expected_id;
    bool hit =
        std::find(answer.begin(), answer.end(), expected) != answer.end();
    found += hit;
    first += !answer.empty() && answer.front() == expected;
    auto& kind = s.by_kind[result.queries[i].kind];
    kind.first += hit;
    kind.second++;
  }
  if (s.queries > 0) {
    s.recall = static_cast<double>(found) / s.queries;
    s.first = static_cast<double>(first) / s.queries;
  }
  return s;
}

std::string Ratio(double custdb, double peer) {
  if (peer <= 0 || custdb <= 0) return "-";
  char text[32];
  snprintf(text, sizeof text, "%.2fx", custdb / peer);
  return text;
}

void PrintReport(const Workload& workload,
                 const std::vector<SystemResult>& results) {
  printf(
      "\n## Find duplicates: %zu customers, %zu planted duplicates asked\n\n",
      workload.customers.size(), workload.queries.size());
  printf(
      "| system | queries | p50 ms | p99 ms | recall@10 | first-rank | "
      "load s | size MiB |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<Summary> summaries;
  for (const SystemResult& result : results) {
    summaries.push_back(Summarize(result));
    const Summary& s = summaries.back();
    if (!result.error.empty()) {
      printf("| %s | - | - | - | - | - | - | - |\n", result.system.c_str());
      continue;
    }
    if (s.queries == 0) {
      printf("| %s | 0 | - | - | - | - | %.2f | %.1f |\n",
             result.system.c_str(), result.load_seconds,
             result.bytes_on_disk / 1048576.0);
      continue;
    }
    printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f | %.2f | %.1f |\n",
           result.system.c_str(), s.queries, s.p50, s.p99, s.recall, s.first,
           result.load_seconds, result.bytes_on_disk / 1048576.0);
  }

  printf("\n");
  for (const SystemResult& result : results) {
    if (!result.error.empty()) {
      printf("- %s: %s\n", result.system.c_str(), result.error.c_str());
    } else {
      printf("- %s: %s\n", result.system.c_str(), result.notes.c_str());
    }
  }

  // Recall by how the duplicate was made.
  std::set<std::string> kinds;
  for (const Summary& s : summaries) {
    for (const auto& [kind, counts] : s.by_kind) kinds.insert(kind);
  }
  if (!kinds.empty()) {
    printf("\n| recall@10 by kind | asked |");
    for (const SystemResult& result : results) {
      printf(" %s |", result.system.c_str());
    }
    printf("\n|---|---:|");
    for (size_t i = 0; i < results.size(); i++) printf("---:|");
    printf("\n");
    for (const std::string& kind : kinds) {
      size_t asked = 0;
      for (const Summary& s : summaries) {
        auto it = s.by_kind.find(kind);
        if (it != s.by_kind.end()) asked = std::max(asked, it->second.second);
      }
      printf("| %s | %zu |", kind.empty() ? "(none)" : kind.c_str(), asked);
      for (size_t i = 0; i < results.size(); i++) {
        auto it = summaries[i].by_kind.find(kind);
        if (it == summaries[i].by_kind.end()) {
          printf(" - |");
        } else {
          printf(" %.3f |", static_cast<double>(it->second.first) /
                                std::max<size_t>(it->second.second, 1));
        }
      }
      printf("\n");
    }
  }

  // Ratios, custdb over each peer: below 1 is faster or smaller.
  size_t custdb = results.size();
  for (size_t i = 0; i < results.size(); i++) {
    if (results[i].system == "custdb" && results[i].error.empty()) custdb = i;
  }
  if (custdb == results.size()) {
    printf("\nNo ratios: custdb was not measured.\n");
    return;
  }
  printf("\n| custdb / peer | p50 | p99 | load | size | recall@10 delta |\n");
  printf("|---|---:|---:|---:|---:|---:|\n");
  const Summary& c = summaries[custdb];
  for (size_t i = 0; i < results.size(); i++) {
    if (i == custdb || !results[i].error.empty()) continue;
    const Summary& p = summaries[i];
    std::string recall = "-";
    if (c.queries > 0 && p.queries > 0) {
      char text[32];
      snprintf(text, sizeof text, "%+.3f", c.recall - p.recall);
      recall = text;
    }
    printf("| %s | %s | %s | %s | %s | %s |\n", results[i].system.c_str(),
           Ratio(c.p50, p.p50).c_str(), Ratio(c.p99, p.p99).c_str(),
           Ratio(results[custdb].load_seconds, results[i].load_seconds).c_str(),
           Ratio(static_cast<double>(results[custdb].bytes_on_disk),
                 static_cast<double>(results[i].bytes_on_disk))
               .c_str(),
           recall.c_str());
  }
}

bool Flag(const char* arg, const char* name, std::string& value) {
  size_t length = strlen(name);
  if (strncmp(arg, name, length) != 0 || arg[length] != '=') return false;
  value = arg + length + 1;
  return true;
}

int Usage() {
  fprintf(stderr,
          "usage: custdb-bench-dupes DATA_DIR [--systems=postgres,sqlite,"
          "custdb]\n"
          "                          [--queries=N] [--warmup=N] "
          "[--postgres-bin=DIR]\n");
  return 2;
}

int Main(int argc, char** argv) {
  std::string data_dir, value;
  std::string systems = "postgres,sqlite,custdb";
  size_t max_queries = 0;
  PeerOptions options;
  for (int i = 1; i < argc; i++) {
    const char* arg = argv[i];
    if (Flag(arg, "--systems", value)) {
      systems = value;
    } else if (Flag(arg, "--queries", value)) {
      max_queries = std::stoul(value);
    } else if (Flag(arg, "--warmup", value)) {
      options.warmup = std::stoul(value);
    } else if (Flag(arg, "--postgres-bin", value)) {
      options.postgres_bin = value;
    } else if (arg[0] != '-' && data_dir.empty()) {
      data_dir = arg;
    } else {
      return Usage();
    }
  }

  if (data_dir.empty()) return Usage();

  Workload workload = BuildWorkload(data_dir, max_queries);
  fprintf(stderr, "custdb-bench-dupes: %zu customers, %zu queries\n",
          workload.customers.size(), workload.queries.size());

  std::vector<SystemResult> results;
  std::stringstream list(systems);
  std::string system;
  while (std::getline(list, system, ',')) {
    fprintf(stderr, "custdb-bench-dupes: %s...\n", system.c_str());
    if (system == "postgres") {
      results.push_back(RunPostgres(workload, options));
    } else if (system == "sqlite") {
      results.push_back(RunSqlite(workload, options));
    } else if (system == "custdb") {
      results.push_back(RunCustdb(workload, options));
    } else {
      fprintf(stderr, "custdb-bench-dupes: unknown system %s\n",
              system.c_str());
      return 2;
    }
  }
  PrintReport(workload, results);

  for (const SystemResult& result : results) {
    if (!result.error.empty()) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace custdb::bench

int main(int argc, char** argv) {
  try {
    return custdb::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    fprintf(stderr, "custdb-bench-dupes: %s\n", e.what());
    return 1;
  }
}
