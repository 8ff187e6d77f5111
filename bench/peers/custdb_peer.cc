// custdb through its C ABI: the same data set loaded into a fresh store,
// then custdb_customer_duplicates for each planted duplicate; once the
// store is closed, custdb-store-stats measures its trigram postings.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "bench/dataset.h"
#include "custdb.h"
#include "custdb_generated.h"
#include "peers.h"
#include "process.h"

namespace custdb::bench {
namespace fs = std::filesystem;

namespace {

// A store that is closed however the scope is left.
struct Store {
  custdb_store* store = nullptr;
  ~Store() { custdb_store_close(store); }
};

// Asks custdb_customer_duplicates for each query; answers in harness ids.
void AskDuplicates(custdb_store* store, uint64_t account,
                   const Workload& workload,
                   const std::unordered_map<std::string, uint64_t>& ids,
                   const PeerOptions& options, SystemResult& result) {
  // The harness's ids are lines of flat.tsv; custdb's are its own.
  std::unordered_map<uint64_t, int64_t> harness_id;
  std::unordered_map<int64_t, uint64_t> store_id;
  for (const NamedCustomer& customer : workload.customers) {
    auto it = ids.find(customer.ref);
    if (it == ids.end()) continue;
    harness_id[it->second] = customer.id;
    store_id[customer.id] = it->second;
  }

  TimeQueries(
      workload.queries, options.warmup, result,
      [&](const DuplicateQuery& query) {
        Candidates found;
        auto own = store_id.find(query.query_id);
        if (own == store_id.end()) return found;
        custdb_buffer* list = nullptr;
        if (custdb_customer_duplicates(&list, store, account, own->second,
                                       nullptr) != CUSTDB_OK) {
          throw std::runtime_error(std::string("duplicates: ") +
                                   custdb_last_error());
        }
        auto* duplicates = flatbuffers::GetRoot<custdb::fb::DuplicateList>(
            custdb_buffer_data(list));
        if (duplicates->candidates() != nullptr) {
          for (const auto* candidate : *duplicates->candidates()) {
            auto it = harness_id.find(candidate->customer_id());
            found.push_back(it != harness_id.end() ? it->second : -1);
            if (found.size() == kTopK) break;
          }
        }
        custdb_buffer_free(list);
        return found;
      });
}

// Runs custdb-store-stats on a closed store and describes what the
// trigram postings cost per customer: the keys of the trigrams family and
// its SST bytes after a flush, and the trigram posting counters.
std::string TrigramCost(const fs::path& store, const fs::path& log,
                        size_t customers) {
  int status = RunToEnd({CUSTDB_STORE_STATS, store.string()}, RunAs{}, log);
  if (status != 0) {
    throw std::runtime_error("custdb-store-stats failed: " + TailOf(log, 5));
  }
  uint64_t keys = 0, key_bytes = 0, sst_bytes = 0, counters = 0;
  uint64_t all_sst_bytes = 0;
  bool family = false, counted = false;
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind, name, label;
    words >> kind >> name;
    if (kind == "family") {
      uint64_t n = 0, kb = 0, vb = 0, sst = 0, estimate = 0;
      words >> label >> n >> label >> kb >> label >> vb >> label >> sst >>
          label >> estimate;
      if (words.fail()) continue;
      all_sst_bytes += sst;
      if (name == "trigrams") {
        keys = n;
        key_bytes = kb;
        sst_bytes = sst;
        family = true;
      }
    } else if (kind == "counters" && name == "trigram_postings") {
      words >> label >> counters;
      counted = !words.fail();
    }
  }
  if (!family || !counted || customers == 0) {
    throw std::runtime_error("custdb-store-stats: unexpected output: " +
                             TailOf(log, 10));
  }
  char text[400];
  snprintf(text, sizeof text,
           "trigrams family after a flush: %llu keys (%.1f per customer, "
           "%.1f key bytes each), %.1f MiB of SST files (%.1f bytes per "
           "customer); %llu trigram posting counters; all families: %.1f "
           "MiB of SST files after the flush",
           static_cast<unsigned long long>(keys),
           static_cast<double>(keys) / customers,
           keys ? static_cast<double>(key_bytes) / keys : 0.0,
           sst_bytes / 1048576.0, static_cast<double>(sst_bytes) / customers,
           static_cast<unsigned long long>(counters),
           all_sst_bytes / 1048576.0);
  return text;
}

// The ids of a store loaded from this workload by an earlier run, by
// customer ref. A single-threaded load gives ids in the order of the
// file, so the store's ids in ascending order pair with the workload's
// customers; every pair's display name is compared to be sure.
std::unordered_map<std::string, uint64_t> IdsOfKeptStore(
    custdb_store* store, uint64_t account, const Workload& workload) {
  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.statuses =
      CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_INACTIVE | CUSTDB_STATUS_ARCHIVED;
  filter.sort = CUSTDB_SORT_CREATED;
  custdb_cursor* cursor = nullptr;
  if (custdb_customer_list(&cursor, store, account, &filter, nullptr) !=
      CUSTDB_OK) {
    throw std::runtime_error(std::string("list: ") + custdb_last_error());
  }
  std::vector<std::pair<uint64_t, std::string>> rows;
  for (;;) {
    custdb_buffer* row = nullptr;
    if (custdb_cursor_next(&row, cursor) != CUSTDB_OK) {
      custdb_cursor_free(cursor);
      throw std::runtime_error(std::string("list: ") + custdb_last_error());
    }
    if (row == nullptr) break;
    auto* r = flatbuffers::GetRoot<fb::CustomerRow>(custdb_buffer_data(row));
    rows.emplace_back(r->id(),
                      r->display_name() ? r->display_name()->str() : "");
    custdb_buffer_free(row);
  }
  custdb_cursor_free(cursor);
  std::sort(rows.begin(), rows.end());
  if (rows.size() != workload.customers.size()) {
    throw std::runtime_error("the kept store holds " +
                             std::to_string(rows.size()) +
                             " customers, not the data set's " +
                             std::to_string(workload.customers.size()));
  }
  std::unordered_map<std::string, uint64_t> ids;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].second != workload.customers[i].name) {
      throw std::runtime_error(
          "the kept store was not loaded from this "
          "data set: customer " +
          std::to_string(rows[i].first) + " has another name");
    }
    ids.emplace(workload.customers[i].ref, rows[i].first);
  }
  return ids;
}

}  // namespace

SystemResult RunCustdb(const Workload& workload, const PeerOptions& options) {
  SystemResult result;
  result.system = "custdb";
  try {
    ScratchDir scratch("custdb-bench-store-");
    // CUSTDB_BENCH_STORE names a store to keep between runs: loaded when
    // it does not exist, used as it is when it does (for trying changes
    // to the reads without loading again).
    const char* kept = std::getenv("CUSTDB_BENCH_STORE");
    const bool reuse = kept != nullptr && fs::exists(kept);
    fs::path path = kept != nullptr ? fs::path(kept) : scratch.path() / "store";
    constexpr uint64_t kAccount = 1;
    size_t loaded = 0;
    {
      Store store;
      custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
      open.no_sync = 1;  // like the peers' fsync=off: the load is scratch
      open.cache_bytes = kCacheBytes;
      if (custdb_store_open(&store.store, path.c_str(), &open) != CUSTDB_OK) {
        throw std::runtime_error(std::string("open: ") + custdb_last_error());
      }

      auto start = std::chrono::steady_clock::now();
      std::unordered_map<std::string, uint64_t> ids =
          reuse ? IdsOfKeptStore(store.store, kAccount, workload)
                : LoadIntoCustdb(store.store, kAccount, workload.data_dir);
      if (!reuse) {
        result.load_seconds = std::chrono::duration<double>(
                                  std::chrono::steady_clock::now() - start)
                                  .count();
      }
      loaded = ids.size();
      result.notes = std::to_string(ids.size()) + " of " +
                     std::to_string(workload.customers.size()) +
                     (reuse ? " customers in a store kept from an earlier load"
                            : " customers loaded") +
                     ", no_sync; size: store directory";

      // On stderr, for whoever watches the run (a profiler attached to
      // the queries alone waits for this line).
      fprintf(stderr,
              "custdb-bench-dupes: custdb loaded in %.1f s, asking %zu "
              "queries\n",
              result.load_seconds, workload.queries.size());
      AskDuplicates(store.store, kAccount, workload, ids, options, result);
    }
    // Measured closed, once the memtables are flushed.
    result.bytes_on_disk = BytesOnDisk(path);
    // Then flushed and counted by a tool linked against the engine.
    result.notes +=
        "; " + TrigramCost(path, scratch.path() / "stats.log", loaded);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace custdb::bench
