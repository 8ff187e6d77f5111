// custdb-bench-side: whole operations of the product asked of custdb (its
// C ABI), SQLite, PostgreSQL 15 and raw RocksDB (the floor) on the same
// generated data set, each measurement in a child process of its own so
// that its peak resident memory is known; prints markdown tables of
// latencies, ratios, memory and size.
//
// usage: custdb-bench-side DATA_DIR [--work=DIR] [--queries=N]
//            [--dupe-queries=N] [--merges=N] [--timeline-customers=N]
//            [--systems=rocksdb,sqlite,postgres,custdb]
//            [--small-cache-mib=N] [--tsv=FILE] [--postgres-bin=DIR]
//            [--custdb-store=DIR]
//
// --custdb-store names a store loaded from this data set by an earlier
// run: it is copied into the work directory and never opened itself
// (CUSTDB_BENCH_STORE does the same; when that directory does not exist,
// the run loads it and keeps a copy there).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "bench/dataset.h"
#include "postgres_cluster.h"
#include "process.h"
#include "side.h"

namespace custdb::bench::side {
namespace {
namespace fs = std::filesystem;

struct Settings {
  std::string data_dir;
  std::string work_dir;
  size_t queries = 1000;
  size_t dupe_queries = 1000;
  size_t merges = 200;
  size_t timeline_customers = 100;
  std::vector<std::string> systems = {"rocksdb", "sqlite", "postgres",
                                      "custdb"};
  uint64_t small_cache_mib = 16;
  std::string tsv;
  std::string postgres_bin = "/usr/lib/postgresql/15/bin";
  std::string custdb_store;
  bool keep_loaded_store = false;  // the kept store is to be made
};

// What one child measured.
struct Measurement {
  std::string error;
  std::vector<double> latencies;
  size_t hits = 0, asked = 0;
  double rows = 0;
  double seconds = 0, count = 0, bytes = 0;
  double table_bytes = 0;  // RocksDB's table and blob files, after a flush
  double peak_mib = 0;     // the child's, or the server's for PostgreSQL
  double client_mib = 0;
  double server_mib = 0;  // PostgreSQL's, as the child saw it at its end
  std::vector<std::string> notes;
  bool ran = false;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100 * values.size()));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// Writes queries.tsv (its lines are described in side.h) and returns
// the number of customers.
size_t WriteQueries(const Settings& settings) {
  Dataset data = ReadDataset(settings.data_dir);
  const size_t n = data.customers.size();
  if (n == 0) throw std::runtime_error("the data set has no customers");
  std::unordered_map<std::string, int64_t> row_of;
  for (size_t i = 0; i < n; ++i) {
    row_of[data.customers[i].ref] = static_cast<int64_t>(i + 1);
  }
  std::mt19937_64 rng(7);
  auto pick = [&] { return static_cast<int64_t>(rng() % n) + 1; };
  auto row = [&](int64_t r) -> const Row& { return data.customers[r - 1]; };

  std::ofstream out(fs::path(settings.work_dir) / "queries.tsv");
  auto line = [&](const char* kind, int64_t a, int64_t b,
                  const std::string& text) {
    out << kind << '\t' << a << '\t' << b << '\t' << text << '\n';
  };
  for (size_t i = 0; i < settings.queries; ++i) line("id", pick(), 0, "");
  for (size_t i = 0; i < settings.queries; ++i) {
    int64_t r = pick();
    line("phone", r, 0, row(r).phone);
  }
  for (size_t found = 0, tries = 0; found < settings.queries && tries < 100 * n;
       ++tries) {
    int64_t r = pick();
    if (row(r).email.empty()) continue;
    line("email", r, 0, row(r).email);
    ++found;
  }
  for (size_t found = 0, tries = 0; found < settings.queries && tries < 100 * n;
       ++tries) {
    std::vector<std::string> words = NameWords(row(pick()).last_name);
    if (words.empty() || words[0].size() < 2) continue;
    line("prefix", 0, 0, words[0].substr(0, 2 + rng() % 3));
    ++found;
  }
  for (size_t found = 0; found < settings.queries;) {
    std::string digits = PhoneDigits(row(pick()).phone);
    if (digits.empty()) continue;
    line("last4", 0, 0, digits.substr(6));
    ++found;
  }

  // Duplicates are asked of the first planted pairs; merges fold the last
  // ones, each customer in one merge at most, none asked about or given a
  // timeline.
  std::set<int64_t> used;
  size_t dupes = 0;
  for (const Pair& pair : data.duplicates) {
    if (dupes == settings.dupe_queries) break;
    auto a = row_of.find(pair.a), b = row_of.find(pair.b);
    if (a == row_of.end() || b == row_of.end()) continue;
    line("dupe", b->second, a->second, DisplayName(row(b->second)));
    used.insert(a->second);
    used.insert(b->second);
    ++dupes;
  }
  std::set<int64_t> timeline;
  while (timeline.size() < std::min(settings.timeline_customers, n / 4)) {
    int64_t r = pick();
    if (used.count(r) == 0) timeline.insert(r);
  }
  for (int64_t r : timeline) line("timeline", r, 0, "");
  used.insert(timeline.begin(), timeline.end());
  size_t merges = 0;
  for (auto it = data.duplicates.rbegin();
       it != data.duplicates.rend() && merges < settings.merges; ++it) {
    auto a = row_of.find(it->a), b = row_of.find(it->b);
    if (a == row_of.end() || b == row_of.end()) continue;
    if (used.count(a->second) || used.count(b->second)) continue;
    used.insert(a->second);
    used.insert(b->second);
    const Row& dup = row(b->second);
    line("merge", a->second, b->second,
         DisplayName(dup) + '\t' + dup.phone + '\t' + dup.email);
    ++merges;
  }
  return n;
}

Measurement ReadReport(const fs::path& file) {
  Measurement m;
  std::ifstream in(file);
  std::string name;
  while (in >> name) {
    if (name == "note") {
      std::string text;
      std::getline(in, text);
      m.notes.push_back(Trim(text));
      continue;
    }
    double value = 0;
    in >> value;
    if (name == "lat") {
      m.latencies.push_back(value);
    } else if (name == "hit") {
      m.hits += value > 0;
      m.asked++;
    } else if (name == "rows") {
      m.rows += value;
    } else if (name == "seconds") {
      m.seconds = value;
    } else if (name == "count") {
      m.count = value;
    } else if (name == "bytes") {
      m.bytes = value;
    } else if (name == "table_bytes") {
      m.table_bytes = value;
    } else if (name == "peak_mib") {
      m.client_mib = value;
    } else if (name == "server_mib") {
      m.server_mib = std::max(m.server_mib, value);
    }
  }
  if (!m.latencies.empty()) m.rows /= m.latencies.size();
  return m;
}

// Runs one child to its end; `postmaster` non-zero samples the server's
// memory meanwhile.
Measurement RunChild(const ChildArgs& args, pid_t postmaster) {
  std::vector<std::string> argv = {
      fs::read_symlink("/proc/self/exe").string(),
      "--child",
      "--system=" + args.system,
      "--op=" + args.op,
      "--data=" + args.data_dir,
      "--work=" + args.work_dir,
      "--result=" + args.result_file,
      "--conninfo=" + args.conninfo,
      "--cache-bytes=" + std::to_string(args.cache_bytes),
      "--timeline-entries=" + std::to_string(args.timeline_entries),
      "--creates=" + std::to_string(args.creates),
      "--postmaster=" + std::to_string(args.postmaster)};
  fs::path log = args.result_file + ".log";
  fs::remove(log);
  fs::remove(args.result_file);
  fprintf(stderr, "custdb-bench-side: %s %s\n", args.system.c_str(),
          args.op.c_str());
  pid_t pid = Spawn(argv, RunAs{}, log, true);
  double server_peak = 0;
  int status = 0;
  rusage usage{};
  auto last_sample = std::chrono::steady_clock::now() - std::chrono::hours(1);
  for (;;) {
    pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("wait4 failed");
    auto now = std::chrono::steady_clock::now();
    if (postmaster > 0 && now - last_sample > std::chrono::milliseconds(200)) {
      server_peak = std::max(server_peak, ServerPssMiB(postmaster));
      last_sample = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Measurement m = ReadReport(args.result_file);
  m.ran = true;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    m.error = "the child failed:\n" + TailOf(log, 8);
    fprintf(stderr, "custdb-bench-side: %s %s failed:\n%s", args.system.c_str(),
            args.op.c_str(), TailOf(log, 8).c_str());
  }
  // The child's own high-water mark (see SelfPeakMiB); ru_maxrss when
  // it died before reporting it.
  if (m.client_mib <= 0) m.client_mib = usage.ru_maxrss / 1024.0;
  m.peak_mib =
      postmaster > 0 ? std::max(server_peak, m.server_mib) : m.client_mib;
  return m;
}

std::string Fmt(double v);

using Results = std::map<std::string, std::map<std::string, Measurement>>;

const std::vector<std::string> kReadOps = {
    "get_id",      "get_phone",   "get_email", "list_page",
    "name_prefix", "phone_last4", "duplicates"};

void RunSystem(const Settings& settings, const std::string& system,
               Results& results) {
  fs::path dir = fs::path(settings.work_dir) / system;
  fs::create_directories(dir);
  ChildArgs args;
  args.system = system;
  args.data_dir = settings.data_dir;
  args.work_dir = dir;
  args.creates = settings.queries;
  std::unique_ptr<Cluster> cluster;
  pid_t postmaster = 0;
  if (system == "postgres") {
    ClusterOptions options;
    options.bin = settings.postgres_bin;
    options.durable = true;
    options.shared_buffers_bytes = 128ull << 20;  // the server's default
    cluster = std::make_unique<Cluster>(options);
    args.conninfo = cluster->ConnInfo();
    postmaster = cluster->postmaster();
    args.postmaster = postmaster;
  }
  auto run = [&](const std::string& op, const std::string& label) {
    args.op = op;
    args.result_file = dir / (label + "-" + op + ".result");
    Measurement m = RunChild(args, postmaster);
    results[label][op] = m;
    return m.error.empty();
  };

  bool loaded = false;
  if (system == "custdb") {
    fs::path store = dir / "store";
    bool kept = !settings.custdb_store.empty() &&
                fs::exists(settings.custdb_store) &&
                !settings.keep_loaded_store;
    if (kept) {
      fprintf(stderr, "custdb-bench-side: copying the kept store %s\n",
              settings.custdb_store.c_str());
      fs::remove_all(store);
      if (RunToEnd({"/bin/cp", "-a", settings.custdb_store, store.string()},
                   RunAs{}, dir / "copy.log") != 0) {
        throw std::runtime_error("cannot copy " + settings.custdb_store);
      }
      Measurement& load = results["custdb"]["load"];
      load.ran = true;
      load.bytes = static_cast<double>(BytesOnDisk(store));
      load.notes.push_back(
          "the store was kept from an earlier load of the "
          "same data set (copied); its load is not timed");
      loaded = run("ids", "custdb");
      if (!loaded) load.error = results["custdb"]["ids"].error;
      results["custdb"].erase("ids");
    } else {
      loaded = run("load", "custdb");
    }
    if (loaded) {
      // RocksDB's memtables and log are flushed into table files by a
      // tool that links the engine, for the size that lasts.
      int status = RunToEnd({CUSTDB_STORE_STATS, store.string()}, RunAs{},
                            dir / "store_stats.log");
      Measurement& load = results["custdb"]["load"];
      if (status == 0) {
        double at_close = load.bytes;
        load.bytes = static_cast<double>(BytesOnDisk(store));
        load.table_bytes = static_cast<double>(TableFileBytes(store));
        load.notes.push_back(
            "size after custdb-store-stats flushed every column family; "
            "the write-ahead log that RocksDB keeps after the flush counts "
            "in the directory, not in the table files; " +
            Fmt(at_close / 1048576) + " MiB as left at close");
      }
      if (settings.keep_loaded_store) {
        RunToEnd({"/bin/cp", "-a", store.string(), settings.custdb_store},
                 RunAs{}, dir / "copy.log");
      }
    }
  } else {
    loaded = run("load", system);
  }
  if (!loaded) return;

  for (const std::string& op : Operations()) {
    if (op == "load") continue;
    if (system == "rocksdb" && op == "duplicates") continue;
    run(op, system);
    if (system == "custdb" && op == "duplicates" &&
        settings.small_cache_mib > 0) {
      // The same reads with a smaller block cache, before any write.
      args.cache_bytes = settings.small_cache_mib << 20;
      for (const std::string& read : kReadOps) run(read, "custdb-small");
      args.cache_bytes = 0;
    }
  }
  if (system == "postgres") {
    PgConnection db(args.conninfo);
    results["postgres"]["load"].notes.push_back(
        "server settings: fsync on, shared_buffers " +
        db.Scalar("SHOW shared_buffers") + ", jit off");
  }
}

// ---- The report --------------------------------------------------------

const std::vector<std::pair<std::string, std::string>> kColumns = {
    {"custdb", "custdb"},
    {"sqlite", "SQLite"},
    {"postgres", "PostgreSQL 15"},
    {"rocksdb", "RocksDB floor"}};

const std::map<std::string, std::string> kOpNames = {
    {"load", "bulk load (customers/s)"},
    {"create_sync", "create one customer, synchronous commit"},
    {"create_nosync", "create one customer, no sync"},
    {"get_id", "get by id"},
    {"get_phone", "get by phone"},
    {"get_email", "get by email"},
    {"list_page", "list, first page of 50"},
    {"name_prefix", "name prefix search, page of 50"},
    {"phone_last4", "phone last 4 digits, page of 50"},
    {"duplicates", "find duplicates (top 10)"},
    {"merge", "merge two customers"},
    {"timeline_page", "timeline, first page of 50"}};

const std::vector<std::string> kReportOrder = {
    "load",        "create_sync", "create_nosync", "get_id",
    "get_phone",   "get_email",   "list_page",     "name_prefix",
    "phone_last4", "duplicates",  "merge",         "timeline_page"};

const Measurement* Find(const Results& results, const std::string& system,
                        const std::string& op) {
  auto s = results.find(system);
  if (s == results.end()) return nullptr;
  auto o = s->second.find(op);
  if (o == s->second.end() || !o->second.ran) return nullptr;
  return &o->second;
}

bool Usable(const Measurement* m, const std::string& op) {
  if (m == nullptr || !m->error.empty()) return false;
  if (op == "load") return m->seconds > 0 && m->count > 0;
  return !m->latencies.empty();
}

std::string Fmt(double v) {
  char text[32];
  if (v >= 100) {
    snprintf(text, sizeof text, "%.0f", v);
  } else if (v >= 10) {
    snprintf(text, sizeof text, "%.1f", v);
  } else if (v >= 1) {
    snprintf(text, sizeof text, "%.2f", v);
  } else {
    snprintf(text, sizeof text, "%.3f", v);
  }
  return text;
}

std::string Thousands(double v) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Cell(const Measurement* m, const std::string& op) {
  if (m != nullptr && !m->error.empty()) return "failed";
  if (!Usable(m, op)) return "-";
  if (op == "load") return Thousands(m->count / m->seconds) + "/s";
  return Fmt(Percentile(m->latencies, 50)) + " / " +
         Fmt(Percentile(m->latencies, 99));
}

// custdb's time over the peer's: of a call's p50 and p99, or of a
// customer's share of the load.
std::string RatioCell(const Measurement* custdb, const Measurement* peer,
                      const std::string& op) {
  if (!Usable(custdb, op) || !Usable(peer, op)) return "-";
  char text[64];
  if (op == "load") {
    double c = custdb->seconds / custdb->count, p = peer->seconds / peer->count;
    snprintf(text, sizeof text, "%.2fx", c / p);
  } else {
    snprintf(
        text, sizeof text, "%.2fx / %.2fx",
        Percentile(custdb->latencies, 50) / Percentile(peer->latencies, 50),
        Percentile(custdb->latencies, 99) / Percentile(peer->latencies, 99));
  }
  return text;
}

void PrintReport(const Settings& settings, size_t customers,
                 const Results& results) {
  printf("## Side by side: %s customers\n\n", Thousands(customers).c_str());
  printf(
      "Milliseconds per call, p50 / p99 (bulk load: customers a second). "
      "Ratios are custdb's time over the other's, p50 / p99: below 1, "
      "custdb is faster.\n\n");
  printf("| operation |");
  for (const auto& [key, name] : kColumns) printf(" %s |", name.c_str());
  printf(" custdb / SQLite | custdb / PostgreSQL | custdb / floor |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const std::string& op : kReportOrder) {
    printf("| %s |", kOpNames.at(op).c_str());
    for (const auto& [key, name] : kColumns) {
      printf(" %s |", Cell(Find(results, key, op), op).c_str());
    }
    const Measurement* c = Find(results, "custdb", op);
    for (const char* peer : {"sqlite", "postgres", "rocksdb"}) {
      printf(" %s |", RatioCell(c, Find(results, peer, op), op).c_str());
    }
    printf("\n");
  }

  printf(
      "\nFind duplicates, the planted duplicates asked (the original "
      "among the ten returned):\n\n");
  printf("| system | asked | recall@10 | p50 ms | p99 ms |\n");
  printf("|---|---:|---:|---:|---:|\n");
  for (const auto& [key, name] : kColumns) {
    const Measurement* m = Find(results, key, "duplicates");
    if (!Usable(m, "duplicates") || m->asked == 0) continue;
    printf("| %s | %zu | %.3f | %s | %s |\n", name.c_str(), m->asked,
           static_cast<double>(m->hits) / m->asked,
           Fmt(Percentile(m->latencies, 50)).c_str(),
           Fmt(Percentile(m->latencies, 99)).c_str());
  }

  std::string small =
      "custdb, " + std::to_string(settings.small_cache_mib) + " MiB cache";
  printf(
      "\nPeak resident memory, MiB, of the process that ran each "
      "operation (PostgreSQL: its server, see below):\n\n");
  printf(
      "| operation | custdb | %s | SQLite | PostgreSQL 15 server | "
      "RocksDB floor |\n",
      small.c_str());
  printf("|---|---:|---:|---:|---:|---:|\n");
  for (const std::string& op : kReportOrder) {
    printf("| %s |", kOpNames.at(op).c_str());
    for (const char* key :
         {"custdb", "custdb-small", "sqlite", "postgres", "rocksdb"}) {
      const Measurement* m = Find(results, key, op);
      bool timed =
          m != nullptr && m->error.empty() && (op != "load" || m->seconds > 0);
      printf(" %s |", timed ? Fmt(m->peak_mib).c_str() : "-");
    }
    printf("\n");
  }

  printf("\nSize on disk after the load:\n\n");
  printf(
      "| system | MiB | bytes per customer | RocksDB table files, MiB |\n"
      "|---|---:|---:|---:|\n");
  for (const auto& [key, name] : kColumns) {
    const Measurement* m = Find(results, key, "load");
    if (m == nullptr || m->bytes <= 0) continue;
    printf("| %s | %.1f | %.0f | %s |\n", name.c_str(), m->bytes / 1048576,
           m->bytes / customers,
           m->table_bytes > 0 ? Fmt(m->table_bytes / 1048576).c_str() : "-");
  }

  printf("\nNotes:\n\n");
  for (const auto& [key, name] : kColumns) {
    const Measurement* m = Find(results, key, "load");
    if (m == nullptr) continue;
    for (const std::string& note : m->notes) {
      printf("- %s load: %s\n", name.c_str(), note.c_str());
    }
  }
  for (const auto& [system, ops] : results) {
    for (const auto& [op, m] : ops) {
      if (op == "load") continue;
      for (const std::string& note : m.notes) {
        printf("- %s %s: %s\n", system.c_str(), op.c_str(), note.c_str());
      }
      if (!m.error.empty()) {
        printf("- %s %s failed: %s\n", system.c_str(), op.c_str(),
               Trim(m.error.substr(0, 300)).c_str());
      }
    }
  }
  const Measurement* pg = Find(results, "postgres", "get_id");
  if (pg != nullptr) {
    printf(
        "- PostgreSQL's memory is its server's: the sum of the "
        "proportional set size (Pss of /proc/PID/smaps_rollup) of the "
        "postmaster and all its children, sampled every 200 ms while "
        "the operation ran, the highest sum kept; shared buffers count "
        "once, and the child adds one more sample at the end of its work, "
        "its connection still open. The client process of get by id peaked at "
        "%.1f MiB.\n",
        pg->client_mib);
  }

  // The product's targets, which are stated for one million customers.
  auto p = [&](const char* system, const char* op, double pct) {
    const Measurement* m = Find(results, system, op);
    return Usable(m, op) ? Percentile(m->latencies, pct) : NAN;
  };
  printf("\nTargets (stated for 1,000,000 customers; measured here at %s):\n\n",
         Thousands(customers).c_str());
  printf("| target | measured | met |\n|---|---|---|\n");
  auto verdict = [](bool known, bool met) {
    return !known ? "not measured" : met ? "yes" : "no";
  };
  {
    double c = p("custdb", "duplicates", 50),
           g = p("postgres", "duplicates", 50);
    const Measurement* cm = Find(results, "custdb", "duplicates");
    const Measurement* gm = Find(results, "postgres", "duplicates");
    bool known = !std::isnan(c) && !std::isnan(g) && cm && gm &&
                 cm->asked > 0 && gm->asked > 0;
    double cr = known ? static_cast<double>(cm->hits) / cm->asked : 0;
    double gr = known ? static_cast<double>(gm->hits) / gm->asked : 0;
    printf(
        "| find duplicates at least 20x faster than pg_trgm (p50), "
        "recall at least as good | %s | %s |\n",
        known ? (Fmt(g / c) + "x faster, recall " + Fmt(cr) + " vs " + Fmt(gr))
                    .c_str()
              : "-",
        verdict(known, known && g / c >= 20 && cr >= gr));
  }
  for (const char* op : {"get_id", "get_phone"}) {
    double c = p("custdb", op, 50), f = p("rocksdb", op, 50);
    bool known = !std::isnan(c) && !std::isnan(f);
    printf("| %s within 1.5x of the RocksDB floor (p50) | %s | %s |\n",
           kOpNames.at(op).c_str(), known ? (Fmt(c / f) + "x").c_str() : "-",
           verdict(known, known && c / f <= 1.5));
  }
  {
    const Measurement* c = Find(results, "custdb", "load");
    const Measurement* s = Find(results, "sqlite", "load");
    bool known = Usable(c, "load") && Usable(s, "load");
    double cr = known ? c->count / c->seconds : 0;
    double sr = known ? s->count / s->seconds : 0;
    printf(
        "| bulk load at least as many customers/s as SQLite with its "
        "indexes | %s | %s |\n",
        known ? (Thousands(cr) + "/s vs " + Thousands(sr) + "/s").c_str() : "-",
        verdict(known, known && cr >= sr));
  }
  {
    const Measurement* c = Find(results, "custdb", "load");
    const Measurement* s = Find(results, "sqlite", "load");
    bool known = c && s && c->bytes > 0 && s->bytes > 0;
    double tables = known && c->table_bytes > 0 ? c->table_bytes : 0;
    std::string text = known ? Fmt(c->bytes / 1048576) + " MiB (table files " +
                                   Fmt(tables / 1048576) + " MiB) vs " +
                                   Fmt(s->bytes / 1048576) + " MiB"
                             : "-";
    printf("| size on disk no larger than SQLite's | %s | %s |\n", text.c_str(),
           verdict(known, known && c->bytes <= s->bytes));
  }
  {
    double worst = 0;
    std::string worst_op;
    bool known = false;
    for (const std::string& op : kReportOrder) {
      if (op == "load") continue;
      const Measurement* m = Find(results, "custdb", op);
      if (m == nullptr || !m->error.empty()) continue;
      known = true;
      if (m->peak_mib > worst) {
        worst = m->peak_mib;
        worst_op = op;
      }
    }
    printf(
        "| custdb peak RSS under 256 MiB, default options, every "
        "operation but the load | %s | %s |\n",
        known ? (Fmt(worst) + " MiB at most (" + kOpNames.at(worst_op) + ")")
                    .c_str()
              : "-",
        verdict(known, known && worst < 256));
  }
}

void WriteTsv(const std::string& path, size_t customers,
              const Results& results) {
  std::ofstream out(path);
  out << "customers\tsystem\top\tp50_ms\tp99_ms\tcustomers_per_s\tpeak_mib\t"
         "bytes\ttable_bytes\n";
  for (const auto& [system, ops] : results) {
    for (const auto& [op, m] : ops) {
      if (!m.ran || !m.error.empty()) continue;
      out << customers << '\t' << system << '\t' << op << '\t'
          << Percentile(m.latencies, 50) << '\t' << Percentile(m.latencies, 99)
          << '\t' << (m.seconds > 0 ? m.count / m.seconds : 0) << '\t'
          << m.peak_mib << '\t' << m.bytes << '\t' << m.table_bytes << '\n';
    }
  }
}

bool Flag(const char* arg, const char* name, std::string& value) {
  size_t length = strlen(name);
  if (strncmp(arg, name, length) != 0 || arg[length] != '=') return false;
  value = arg + length + 1;
  return true;
}

int ChildMain(int argc, char** argv) {
  ChildArgs args;
  std::string value;
  for (int i = 2; i < argc; i++) {
    const char* arg = argv[i];
    if (Flag(arg, "--system", value)) {
      args.system = value;
    } else if (Flag(arg, "--op", value)) {
      args.op = value;
    } else if (Flag(arg, "--data", value)) {
      args.data_dir = value;
    } else if (Flag(arg, "--work", value)) {
      args.work_dir = value;
    } else if (Flag(arg, "--result", value)) {
      args.result_file = value;
    } else if (Flag(arg, "--conninfo", value)) {
      args.conninfo = value;
    } else if (Flag(arg, "--cache-bytes", value)) {
      args.cache_bytes = std::stoull(value);
    } else if (Flag(arg, "--timeline-entries", value)) {
      args.timeline_entries = std::stoi(value);
    } else if (Flag(arg, "--creates", value)) {
      args.creates = std::stoul(value);
    } else if (Flag(arg, "--postmaster", value)) {
      args.postmaster = std::stoi(value);
    }
  }
  Report report(args.result_file);
  int status = 0;
  if (args.system == "custdb") {
    status = RunCustdb(args, report);
  } else if (args.system == "sqlite") {
    status = RunSqlite(args, report);
  } else if (args.system == "postgres") {
    status = RunPostgres(args, report);
  } else if (args.system == "rocksdb") {
    status = RunRocksdb(args, report);
  } else {
    throw std::runtime_error("unknown system " + args.system);
  }
  // Once the database is closed, so that closing counts too.
  report.Fact("peak_mib", SelfPeakMiB());
  return status;
}

int Usage() {
  fprintf(stderr,
          "usage: custdb-bench-side DATA_DIR [--work=DIR] [--queries=N] "
          "[--dupe-queries=N]\n"
          "         [--merges=N] [--timeline-customers=N] "
          "[--systems=rocksdb,sqlite,postgres,custdb]\n"
          "         [--small-cache-mib=N] [--tsv=FILE] [--postgres-bin=DIR] "
          "[--custdb-store=DIR]\n");
  return 2;
}

int Main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "--child") == 0) {
    return ChildMain(argc, argv);
  }
  Settings settings;
  std::string value;
  for (int i = 1; i < argc; i++) {
    const char* arg = argv[i];
    if (Flag(arg, "--work", value)) {
      settings.work_dir = value;
    } else if (Flag(arg, "--queries", value)) {
      settings.queries = std::stoul(value);
    } else if (Flag(arg, "--dupe-queries", value)) {
      settings.dupe_queries = std::stoul(value);
    } else if (Flag(arg, "--merges", value)) {
      settings.merges = std::stoul(value);
    } else if (Flag(arg, "--timeline-customers", value)) {
      settings.timeline_customers = std::stoul(value);
    } else if (Flag(arg, "--systems", value)) {
      settings.systems.clear();
      std::stringstream list(value);
      std::string system;
      while (std::getline(list, system, ','))
        settings.systems.push_back(system);
    } else if (Flag(arg, "--small-cache-mib", value)) {
      settings.small_cache_mib = std::stoull(value);
    } else if (Flag(arg, "--tsv", value)) {
      settings.tsv = value;
    } else if (Flag(arg, "--postgres-bin", value)) {
      settings.postgres_bin = value;
    } else if (Flag(arg, "--custdb-store", value)) {
      settings.custdb_store = value;
    } else if (arg[0] != '-' && settings.data_dir.empty()) {
      settings.data_dir = arg;
    } else {
      return Usage();
    }
  }
  if (settings.data_dir.empty()) return Usage();
  settings.data_dir = fs::absolute(settings.data_dir);
  if (settings.custdb_store.empty()) {
    if (const char* kept = std::getenv("CUSTDB_BENCH_STORE")) {
      settings.custdb_store = kept;
      settings.keep_loaded_store = !fs::exists(kept);
    }
  }

  std::optional<ScratchDir> scratch;
  if (settings.work_dir.empty()) {
    scratch.emplace("custdb-bench-side-");
    settings.work_dir = scratch->path();
  }
  fs::create_directories(settings.work_dir);
  settings.work_dir = fs::absolute(settings.work_dir);

  size_t customers = WriteQueries(settings);
  Results results;
  for (const std::string& system : settings.systems) {
    try {
      RunSystem(settings, system, results);
    } catch (const std::exception& e) {
      results[system]["load"].ran = true;
      results[system]["load"].error = e.what();
      fprintf(stderr, "custdb-bench-side: %s: %s\n", system.c_str(), e.what());
    }
  }
  PrintReport(settings, customers, results);
  if (!settings.tsv.empty()) WriteTsv(settings.tsv, customers, results);

  for (const auto& [system, ops] : results) {
    for (const auto& [op, m] : ops) {
      if (!m.error.empty()) return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace custdb::bench::side

int main(int argc, char** argv) {
  try {
    return custdb::bench::side::Main(argc, argv);
  } catch (const std::exception& e) {
    fprintf(stderr, "custdb-bench-side: %s\n", e.what());
    return 1;
  }
}
