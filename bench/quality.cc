// custdb-quality: how well duplicate detection finds the duplicates
// planted in a generated data set, as a markdown report.
//
// usage: custdb-quality [--customers N] [--seed S] [--data DIR]
//                       [--work DIR] [--limit K]
//
// Without --data it generates N customers (default 100000) with seed S
// (default 1) into WORK/data. It loads the data set into a fresh store in
// WORK/store (default WORK: ./custdb-quality-work), then measures:
//
//  - the account-wide report (custdb_duplicate_report): per confidence
//    tier and cumulatively, how many pairs, their precision and their
//    recall of the planted duplicates;
//  - "find the duplicates of X" (custdb_customer_duplicates, K candidates,
//    default 10) asked for the second customer of every planted duplicate
//    pair: how often the original ranks first, and recall per kind.
//
// A reported pair is true when it is a planted duplicate pair (either
// order). Every other pair is false: a pair of planted negatives, and a
// pair of customers that were planted as nothing. The report prints the
// product's targets next to the figures, with PASS or MISS, and exits 0
// whatever they are: it is a measurement, not a test.
#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/dataset.h"
#include "custdb.h"
#include "custdb_generated.h"

namespace custdb::bench {
namespace {

constexpr uint64_t kAccount = 1;

// The product's targets for duplicate detection.
constexpr double kHighPrecisionTarget = 0.98;
constexpr double kHighMediumRecallTarget = 0.95;
constexpr double kFirstTarget = 0.97;

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Check(int rc, const char* call) {
  if (rc != CUSTDB_OK) {
    throw std::runtime_error(std::string(call) + ": " + custdb_last_error() +
                             " (" + custdb_error_name(rc) + ")");
  }
}

struct Options {
  uint64_t customers = 100000;
  uint64_t seed = 1;
  std::string data_dir;
  std::string work_dir = "custdb-quality-work";
  uint32_t limit = 10;
};

// The tiers in report order; index 0 collects pairs of no known tier.
constexpr int kTiers = 4;
const char* const kTierNames[kTiers] = {"unspecified", "high", "medium", "low"};

int TierIndex(fb::Confidence confidence) {
  switch (confidence) {
    case fb::Confidence::High:
      return 1;
    case fb::Confidence::Medium:
      return 2;
    case fb::Confidence::Low:
      return 3;
    default:
      return 0;
  }
}

// The customers of the data set by ref and by id, and the planted pairs
// keyed by the two customers' positions in the data set.
class Truth {
 public:
  Truth(const Dataset& dataset,
        const std::unordered_map<std::string, uint64_t>& ids) {
    for (size_t i = 0; i < dataset.customers.size(); ++i) {
      const std::string& ref = dataset.customers[i].ref;
      const auto id = ids.find(ref);
      if (id == ids.end()) {
        throw std::runtime_error("flat.tsv has a ref the store lacks: " + ref);
      }
      index_by_ref_[ref] = i;
      index_by_id_[id->second] = i;
      id_by_index_.push_back(id->second);
    }
    for (const Pair& p : dataset.duplicates) {
      duplicates_[Key(Index(p.a), Index(p.b))] = p.kind;
    }
    for (const Pair& p : dataset.negatives) {
      negatives_[Key(Index(p.a), Index(p.b))] = p.kind;
    }
  }

  size_t Index(const std::string& ref) const {
    const auto it = index_by_ref_.find(ref);
    if (it == index_by_ref_.end()) {
      throw std::runtime_error("a planted pair names an unknown ref: " + ref);
    }
    return it->second;
  }

  // The position of a customer id, or SIZE_MAX for one not in the data.
  size_t IndexOfId(uint64_t id) const {
    const auto it = index_by_id_.find(id);
    return it == index_by_id_.end() ? SIZE_MAX : it->second;
  }

  uint64_t Id(const std::string& ref) const { return id_by_index_[Index(ref)]; }

  static uint64_t Key(size_t a, size_t b) {
    if (a > b) std::swap(a, b);
    return (static_cast<uint64_t>(a) << 32) | b;
  }

  // The kind of a planted duplicate pair, or nullptr.
  const std::string* DuplicateKind(uint64_t key) const {
    const auto it = duplicates_.find(key);
    return it == duplicates_.end() ? nullptr : &it->second;
  }
  const std::string* NegativeKind(uint64_t key) const {
    const auto it = negatives_.find(key);
    return it == negatives_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string, size_t> index_by_ref_;
  std::unordered_map<uint64_t, size_t> index_by_id_;
  std::vector<uint64_t> id_by_index_;
  std::unordered_map<uint64_t, std::string> duplicates_;
  std::unordered_map<uint64_t, std::string> negatives_;
};

std::string Ratio(double numerator, double denominator) {
  if (denominator == 0) return "–";
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", numerator / denominator);
  return text;
}

std::string Verdict(double value, double target) {
  return value >= target ? "PASS" : "MISS";
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t i = static_cast<size_t>(p * (values.size() - 1) + 0.5);
  return values[i];
}

// ---- The account-wide report -------------------------------------------

struct TierCounts {
  uint64_t pairs = 0;
  uint64_t true_pairs = 0;
  uint64_t negative_pairs = 0;  // both customers a planted negative pair
  uint64_t other_pairs = 0;     // planted as nothing
  std::map<std::string, uint64_t> found_by_kind;
};

struct ReportResult {
  TierCounts tiers[kTiers];
  double seconds = 0;
};

ReportResult RunReport(custdb_store* store, const Truth& truth) {
  ReportResult result;
  const auto start = Clock::now();
  custdb_cursor* cursor = nullptr;
  Check(custdb_duplicate_report(&cursor, store, kAccount, nullptr),
        "custdb_duplicate_report");
  while (true) {
    custdb_buffer* record = nullptr;
    const int rc = custdb_cursor_next(&record, cursor);
    if (rc != CUSTDB_OK) custdb_cursor_free(cursor);
    Check(rc, "custdb_cursor_next");
    if (record == nullptr) break;
    const auto* pair =
        flatbuffers::GetRoot<fb::DuplicatePair>(custdb_buffer_data(record));
    TierCounts& tier = result.tiers[TierIndex(pair->confidence())];
    ++tier.pairs;
    const size_t a = truth.IndexOfId(pair->customer_id());
    const size_t b = truth.IndexOfId(pair->duplicate_id());
    custdb_buffer_free(record);
    const uint64_t key = Truth::Key(a, b);
    if (a == SIZE_MAX || b == SIZE_MAX) {
      ++tier.other_pairs;
    } else if (const std::string* kind = truth.DuplicateKind(key)) {
      ++tier.true_pairs;
      ++tier.found_by_kind[*kind];
    } else if (truth.NegativeKind(key) != nullptr) {
      ++tier.negative_pairs;
    } else {
      ++tier.other_pairs;
    }
  }
  custdb_cursor_free(cursor);
  result.seconds = Since(start);
  return result;
}

// ---- "Find the duplicates of X" ----------------------------------------

struct KindCounts {
  uint64_t asked = 0;
  uint64_t first = 0;        // the original ranks first
  uint64_t found = 0;        // the original is among the candidates
  uint64_t high_medium = 0;  // ... with high or medium confidence
};

struct FindResult {
  std::map<std::string, KindCounts> by_kind;
  KindCounts all;
  uint64_t negatives_asked = 0;
  uint64_t negatives_high = 0;  // the other of a negative pair, as high
  uint64_t negatives_found = 0;
  std::vector<double> latencies_ms;
};

// The rank (1-based; 0: absent) and tier of `wanted` among the
// candidates of `customer`.
std::pair<size_t, int> FindCandidate(custdb_store* store, uint64_t customer,
                                     uint64_t wanted, uint32_t limit,
                                     std::vector<double>* latencies_ms) {
  custdb_duplicate_options options = CUSTDB_DUPLICATE_OPTIONS_INIT;
  options.limit = limit;
  custdb_buffer* buffer = nullptr;
  const auto start = Clock::now();
  Check(
      custdb_customer_duplicates(&buffer, store, kAccount, customer, &options),
      "custdb_customer_duplicates");
  latencies_ms->push_back(Since(start) * 1000);
  const auto* list =
      flatbuffers::GetRoot<fb::DuplicateList>(custdb_buffer_data(buffer));
  std::pair<size_t, int> found = {0, 0};
  if (list->candidates() != nullptr) {
    for (size_t i = 0; i < list->candidates()->size(); ++i) {
      const auto* candidate = list->candidates()->Get(i);
      if (candidate->customer_id() == wanted) {
        found = {i + 1, TierIndex(candidate->confidence())};
        break;
      }
    }
  }
  custdb_buffer_free(buffer);
  return found;
}

FindResult RunFind(custdb_store* store, const Dataset& dataset,
                   const Truth& truth, uint32_t limit) {
  FindResult result;
  for (const Pair& p : dataset.duplicates) {
    const auto [rank, tier] = FindCandidate(store, truth.Id(p.b), truth.Id(p.a),
                                            limit, &result.latencies_ms);
    for (KindCounts* counts : {&result.by_kind[p.kind], &result.all}) {
      ++counts->asked;
      if (rank == 1) ++counts->first;
      if (rank != 0) ++counts->found;
      if (rank != 0 && (tier == 1 || tier == 2)) ++counts->high_medium;
    }
  }
  for (const Pair& p : dataset.negatives) {
    const auto [rank, tier] = FindCandidate(store, truth.Id(p.b), truth.Id(p.a),
                                            limit, &result.latencies_ms);
    ++result.negatives_asked;
    if (rank != 0) ++result.negatives_found;
    if (rank != 0 && tier == 1) ++result.negatives_high;
  }
  return result;
}

// ---- Printing ----------------------------------------------------------

void PrintReport(const ReportResult& report, const Dataset& dataset) {
  const double planted = static_cast<double>(dataset.duplicates.size());
  std::printf("## Account-wide report (`custdb_duplicate_report`)\n\n");
  std::printf("%.1f s for the whole report.\n\n", report.seconds);
  std::printf(
      "| tier | pairs | true | planted negatives | other | precision | "
      "recall |\n|---|---:|---:|---:|---:|---:|---:|\n");
  for (int t = 1; t < kTiers; ++t) {
    const TierCounts& c = report.tiers[t];
    std::printf("| %s | %llu | %llu | %llu | %llu | %s | %s |\n", kTierNames[t],
                static_cast<unsigned long long>(c.pairs),
                static_cast<unsigned long long>(c.true_pairs),
                static_cast<unsigned long long>(c.negative_pairs),
                static_cast<unsigned long long>(c.other_pairs),
                Ratio(c.true_pairs, c.pairs).c_str(),
                Ratio(c.true_pairs, planted).c_str());
  }
  if (report.tiers[0].pairs != 0) {
    std::printf("| (no tier) | %llu | | | | | |\n",
                static_cast<unsigned long long>(report.tiers[0].pairs));
  }

  std::printf(
      "\nCumulative:\n\n| tiers | pairs | precision | recall |\n"
      "|---|---:|---:|---:|\n");
  uint64_t pairs = 0;
  uint64_t true_pairs = 0;
  double high_precision = 0;
  double high_medium_recall = 0;
  const char* const names[] = {"", "high", "high + medium", "all"};
  for (int t = 1; t < kTiers; ++t) {
    pairs += report.tiers[t].pairs;
    true_pairs += report.tiers[t].true_pairs;
    std::printf("| %s | %llu | %s | %s |\n", names[t],
                static_cast<unsigned long long>(pairs),
                Ratio(true_pairs, pairs).c_str(),
                Ratio(true_pairs, planted).c_str());
    if (t == 1) high_precision = pairs ? double(true_pairs) / pairs : 0;
    if (t == 2) high_medium_recall = planted ? true_pairs / planted : 0;
  }

  std::printf(
      "\nRecall per kind of duplicate:\n\n| kind | planted | high | "
      "high + medium | all |\n|---|---:|---:|---:|---:|\n");
  std::map<std::string, uint64_t> planted_by_kind;
  for (const Pair& p : dataset.duplicates) ++planted_by_kind[p.kind];
  for (const auto& [kind, count] : planted_by_kind) {
    uint64_t found = 0;
    std::string cells;
    for (int t = 1; t < kTiers; ++t) {
      const auto it = report.tiers[t].found_by_kind.find(kind);
      if (it != report.tiers[t].found_by_kind.end()) found += it->second;
      cells += " " + Ratio(found, count) + " |";
    }
    std::printf("| %s | %llu |%s\n", kind.c_str(),
                static_cast<unsigned long long>(count), cells.c_str());
  }

  std::printf(
      "\n| target | measured | goal | |\n|---|---:|---:|---|\n"
      "| precision of the high tier | %.3f | ≥ %.2f | %s |\n"
      "| recall of high + medium | %.3f | ≥ %.2f | %s |\n",
      high_precision, kHighPrecisionTarget,
      Verdict(high_precision, kHighPrecisionTarget).c_str(), high_medium_recall,
      kHighMediumRecallTarget,
      Verdict(high_medium_recall, kHighMediumRecallTarget).c_str());
}

void PrintFind(const FindResult& find, uint32_t limit) {
  std::printf(
      "\n## Find the duplicates of one customer "
      "(`custdb_customer_duplicates`)\n\n");
  std::printf(
      "Asked for the second customer of every planted pair, %u "
      "candidates at most; latency p50 %.2f ms, p99 %.2f ms over %zu "
      "calls.\n\n",
      limit, Percentile(find.latencies_ms, 0.5),
      Percentile(find.latencies_ms, 0.99), find.latencies_ms.size());
  std::printf(
      "| kind | asked | original first | found | found high or medium "
      "|\n|---|---:|---:|---:|---:|\n");
  auto row = [](const std::string& kind, const KindCounts& c) {
    std::printf("| %s | %llu | %s | %s | %s |\n", kind.c_str(),
                static_cast<unsigned long long>(c.asked),
                Ratio(c.first, c.asked).c_str(),
                Ratio(c.found, c.asked).c_str(),
                Ratio(c.high_medium, c.asked).c_str());
  };
  for (const auto& [kind, counts] : find.by_kind) row(kind, counts);
  row("**all**", find.all);

  std::printf(
      "\nPlanted negatives: the other customer of %llu pairs is a "
      "candidate in %llu, with high confidence in %llu.\n",
      static_cast<unsigned long long>(find.negatives_asked),
      static_cast<unsigned long long>(find.negatives_found),
      static_cast<unsigned long long>(find.negatives_high));

  const double first =
      find.all.asked ? double(find.all.first) / find.all.asked : 0;
  std::printf(
      "\n| target | measured | goal | |\n|---|---:|---:|---|\n"
      "| the true duplicate ranks first | %.3f | ≥ %.2f | %s |\n",
      first, kFirstTarget, Verdict(first, kFirstTarget).c_str());
}

// ---- Main --------------------------------------------------------------

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
    const char* value = argv[++i];
    if (arg == "--customers") {
      options.customers = std::strtoull(value, nullptr, 10);
    } else if (arg == "--seed") {
      options.seed = std::strtoull(value, nullptr, 10);
    } else if (arg == "--data") {
      options.data_dir = value;
    } else if (arg == "--work") {
      options.work_dir = value;
    } else if (arg == "--limit") {
      options.limit = static_cast<uint32_t>(std::strtoul(value, nullptr, 10));
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  return options;
}

void Generate(const Options& options, const std::string& dir) {
  std::filesystem::remove_all(dir);
  const std::string command =
      std::string("'") + CUSTDB_PYTHON + "' '" + CUSTDB_GENERATOR +
      "' --customers " + std::to_string(options.customers) + " --seed " +
      std::to_string(options.seed) + " --out '" + dir + "'";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("the generator failed: " + command);
  }
}

int Run(const Options& options) {
  std::filesystem::create_directories(options.work_dir);
  std::string data_dir = options.data_dir;
  double generate_seconds = 0;
  if (data_dir.empty()) {
    data_dir = options.work_dir + "/data";
    const auto start = Clock::now();
    Generate(options, data_dir);
    generate_seconds = Since(start);
  }
  const Dataset dataset = ReadDataset(data_dir);

  const std::string store_dir = options.work_dir + "/store";
  std::filesystem::remove_all(store_dir);
  custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
  open.no_sync = 1;
  custdb_store* store = nullptr;
  Check(custdb_store_open(&store, store_dir.c_str(), &open),
        "custdb_store_open");
  try {
    auto start = Clock::now();
    const auto ids = LoadIntoCustdb(store, kAccount, data_dir);
    const double load_seconds = Since(start);
    const Truth truth(dataset, ids);

    std::printf("# Duplicate detection quality\n\n");
    std::printf(
        "Data set: %zu customers (%s), %zu planted duplicate pairs, %zu "
        "planted negative pairs.",
        dataset.customers.size(),
        options.data_dir.empty()
            ? ("generated, seed " + std::to_string(options.seed)).c_str()
            : data_dir.c_str(),
        dataset.duplicates.size(), dataset.negatives.size());
    if (generate_seconds > 0) {
      std::printf(" Generated in %.1f s;", generate_seconds);
    }
    std::printf(" loaded in %.1f s (%.0f customers/s, commits not synced).\n\n",
                load_seconds, dataset.customers.size() / load_seconds);
    std::printf(
        "A pair is true when it is a planted duplicate pair. Every other "
        "pair is false: the two customers of a planted negative pair "
        "(\"planted negatives\"), or customers planted as nothing "
        "(\"other\"). Recall is over all %zu planted duplicate pairs.\n\n",
        dataset.duplicates.size());

    PrintReport(RunReport(store, truth), dataset);
    PrintFind(RunFind(store, dataset, truth, options.limit), options.limit);
  } catch (...) {
    custdb_store_close(store);
    throw;
  }
  custdb_store_close(store);
  return 0;
}

}  // namespace
}  // namespace custdb::bench

int main(int argc, char** argv) {
  try {
    return custdb::bench::Run(custdb::bench::ParseOptions(argc, argv));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr,
                 "custdb-quality: %s\nusage: custdb-quality [--customers N] "
                 "[--seed S] [--data DIR] [--work DIR] [--limit K]\n",
                 e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custdb-quality: %s\n", e.what());
    return 1;
  }
}
