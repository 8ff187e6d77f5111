// custdb-bench-search: the customer list and its search box, custdb side by
// side with SQLite on the same generated customers.
//
// usage: custdb-bench-search DATA_DIR [QUERIES]
//
// DATA_DIR is a data set of bench/gen/generate.py. Both systems load its
// customers unsynchronized (custdb no_sync, SQLite synchronous=OFF), then
// answer QUERIES (default 1000) queries of each kind, each the first page
// of 50 rows:
//
//   list     the default list: not archived, by name
//   prefix   two to four letters of a customer's last name
//   last4    the last four digits of a customer's phone
//   typo     a last name of five letters or more with two letters swapped
//
// SQLite has its best schema for each: a B-tree on (folded name, id) for
// the list, a table of name words with a B-tree on (word, folded name,
// id) for prefixes (the same layout as custdb's word index), a B-tree on
// the last four digits, and an FTS5 trigram table for typos (the OR of
// the query's trigrams, by bm25). Prints a markdown table of p50 and p99
// per kind, the ratio of SQLite's to custdb's, and for typos how often
// the first page holds a customer with the intended name.
//
// CUSTDB_BENCH_STORE=DIR keeps custdb's store in DIR (loaded only when DIR
// does not exist); CUSTDB_BENCH_ONLY_CUSTDB=1 measures custdb alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "bench/dataset.h"
#include "custdb.h"
#include "custdb_generated.h"
#include "process.h"
#include "sqlite_db.h"

namespace custdb::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kPage = 50;
constexpr uint64_t kCacheBytes = 256ull << 20;  // each system's cache

struct Query {
  std::string text;
  std::string want;  // typo: the folded last name intended
};

struct Kind {
  const char* name;
  std::vector<Query> queries;
};

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string Digits(const std::string& phone) {
  std::string d;
  for (char c : phone) {
    if (c >= '0' && c <= '9') d += c;
  }
  if (d.size() == 11 && d[0] == '1') d.erase(0, 1);
  return d;
}

std::vector<Kind> MakeQueries(const Dataset& data, size_t n) {
  std::mt19937_64 rng(7);
  auto pick = [&]() -> const Row& {
    return data.customers[rng() % data.customers.size()];
  };
  std::vector<Kind> kinds{
      {"list", {}}, {"prefix", {}}, {"last4", {}}, {"typo", {}}};
  for (size_t i = 0; i < n; ++i) kinds[0].queries.push_back({"", ""});
  while (kinds[1].queries.size() < n) {
    auto words = NameWords(pick().last_name);
    if (words.empty() || words[0].size() < 2) continue;
    size_t len = 2 + rng() % 3;
    kinds[1].queries.push_back({words[0].substr(0, len), ""});
  }
  while (kinds[2].queries.size() < n) {
    std::string d = Digits(pick().phone);
    if (d.size() == 10) kinds[2].queries.push_back({d.substr(6), ""});
  }
  while (kinds[3].queries.size() < n) {
    auto words = NameWords(pick().last_name);
    if (words.empty() || words[0].size() < 5) continue;
    std::string typo = words[0];
    if (typo[2] == typo[3]) continue;
    std::swap(typo[2], typo[3]);
    kinds[3].queries.push_back({typo, words[0]});
  }
  return kinds;
}

struct Timing {
  std::vector<double> ms;
  std::vector<std::pair<double, std::string>> slowest;  // the 5 slowest
  size_t hits = 0;  // typo: pages holding the intended name
  size_t rows = 0;
  double Percentile(double p) const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1,
                           static_cast<size_t>(p * sorted.size()))];
  }
};

// Times `run` on every query after 50 untimed ones; `run` returns the
// display names of its page.
template <typename Fn>
Timing TimeAll(const Kind& kind, Fn run) {
  for (size_t i = 0; i < 50 && i < kind.queries.size(); ++i) {
    run(kind.queries[i]);
  }
  Timing t;
  for (const Query& q : kind.queries) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::string> names = run(q);
    t.ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    t.rows += names.size();
    t.slowest.emplace_back(t.ms.back(), q.text);
    std::sort(t.slowest.rbegin(), t.slowest.rend());
    if (t.slowest.size() > 5) t.slowest.pop_back();
    if (!q.want.empty()) {
      for (const auto& name : names) {
        auto words = NameWords(name);
        if (std::find(words.begin(), words.end(), q.want) != words.end()) {
          ++t.hits;
          break;
        }
      }
    }
  }
  return t;
}

void Die(const char* what) {
  std::fprintf(stderr, "custdb-bench-search: %s: %s\n", what,
               custdb_last_error());
  std::exit(1);
}

std::vector<Timing> RunCustdb(const std::string& data_dir, const fs::path& dir,
                              const std::vector<Kind>& kinds, double* load_s,
                              uint64_t* bytes) {
  custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
  open.no_sync = 1;
  open.cache_bytes = kCacheBytes;  // what SQLite is given
  custdb_store* store = nullptr;
  bool loaded = fs::exists(dir);
  if (custdb_store_open(&store, dir.c_str(), &open) != CUSTDB_OK) Die("open");
  auto start = std::chrono::steady_clock::now();
  if (!loaded) {
    LoadIntoCustdb(store, 1, data_dir);
    *load_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  auto page = [&](const Query& q) {
    custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
    filter.query = q.text.c_str();
    custdb_cursor* cursor = nullptr;
    if (custdb_customer_list(&cursor, store, 1, &filter, nullptr) !=
        CUSTDB_OK) {
      Die("list");
    }
    std::vector<std::string> names;
    while (names.size() < kPage) {
      custdb_buffer* row = nullptr;
      if (custdb_cursor_next(&row, cursor) != CUSTDB_OK) Die("next");
      if (row == nullptr) break;
      auto* r = flatbuffers::GetRoot<fb::CustomerRow>(custdb_buffer_data(row));
      names.emplace_back(r->display_name() ? r->display_name()->str() : "");
      custdb_buffer_free(row);
    }
    custdb_cursor_free(cursor);
    return names;
  };
  std::vector<Timing> out;
  for (const Kind& kind : kinds) out.push_back(TimeAll(kind, page));
  custdb_store_close(store);
  *bytes = BytesOnDisk(dir);
  return out;
}

std::vector<Timing> RunSqlite(const Dataset& data, const fs::path& dir,
                              const std::vector<Kind>& kinds, double* load_s,
                              uint64_t* bytes) {
  fs::create_directories(dir);
  Database db(dir / "customers.db");
  auto start = std::chrono::steady_clock::now();
  db.Exec("PRAGMA journal_mode=WAL");
  db.Exec("PRAGMA synchronous=OFF");
  db.Exec("PRAGMA cache_size=-" + std::to_string(kCacheBytes >> 10));
  db.Exec(
      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "name_fold TEXT NOT NULL, kind INTEGER, phone TEXT, last4 TEXT, "
      "status INTEGER NOT NULL)");
  db.Exec(
      "CREATE TABLE words (word TEXT NOT NULL, name_fold TEXT NOT NULL, "
      "customer_id INTEGER NOT NULL, PRIMARY KEY (word, name_fold, "
      "customer_id)) WITHOUT ROWID");
  db.Exec(
      "CREATE VIRTUAL TABLE customer_names USING fts5(name, "
      "content='customers', content_rowid='id', tokenize='trigram')");
  db.Exec("BEGIN");
  {
    Statement insert(db,
                     "INSERT INTO customers (id, name, name_fold, kind, "
                     "phone, last4, status) VALUES (?, ?, ?, ?, ?, ?, 0)");
    Statement word(db, "INSERT OR IGNORE INTO words VALUES (?, ?, ?)");
    int64_t id = 0;
    for (const Row& row : data.customers) {
      ++id;
      std::string name = DisplayName(row);
      auto words = NameWords(name);
      std::string fold = Join(words);
      std::string digits = Digits(row.phone);
      std::string last4 = digits.size() == 10 ? digits.substr(6) : "";
      sqlite3_bind_int64(insert.get(), 1, id);
      sqlite3_bind_text(insert.get(), 2, name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 3, fold.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int(insert.get(), 4, row.kind == "Company" ? 2 : 1);
      sqlite3_bind_text(insert.get(), 5, digits.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 6, last4.c_str(), -1, SQLITE_TRANSIENT);
      insert.Step();
      insert.Reset();
      for (const auto& w : words) {
        sqlite3_bind_text(word.get(), 1, w.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(word.get(), 2, fold.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(word.get(), 3, id);
        word.Step();
        word.Reset();
      }
    }
  }
  db.Exec("CREATE INDEX customers_by_name ON customers (name_fold, id)");
  db.Exec("CREATE INDEX customers_by_last4 ON customers (last4)");
  db.Exec("INSERT INTO customer_names (customer_names) VALUES ('rebuild')");
  db.Exec("COMMIT");
  db.Exec("ANALYZE");
  db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  *load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  Statement list(db,
                 "SELECT name FROM customers WHERE status IN (0, 1) "
                 "ORDER BY name_fold, id LIMIT 50");
  Statement prefix(db,
                   "SELECT c.name FROM words w JOIN customers c ON c.id = "
                   "w.customer_id WHERE w.word >= ?1 AND w.word < ?2 AND "
                   "c.status IN (0, 1) ORDER BY w.word, w.name_fold, "
                   "w.customer_id LIMIT 50");
  Statement last4(db,
                  "SELECT name FROM customers WHERE last4 = ?1 AND status "
                  "IN (0, 1) LIMIT 50");
  Statement typo(db,
                 "SELECT c.name FROM customer_names f JOIN customers c ON "
                 "c.id = f.rowid WHERE customer_names MATCH ?1 AND c.status "
                 "IN (0, 1) ORDER BY f.rank LIMIT 50");
  auto rows = [](Statement& s) {
    std::vector<std::string> names;
    while (s.Step()) {
      names.emplace_back(
          reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
    }
    s.Reset();
    return names;
  };
  std::vector<Timing> out;
  out.push_back(TimeAll(kinds[0], [&](const Query&) { return rows(list); }));
  out.push_back(TimeAll(kinds[1], [&](const Query& q) {
    std::string end = q.text;
    end.back() = static_cast<char>(end.back() + 1);
    sqlite3_bind_text(prefix.get(), 1, q.text.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(prefix.get(), 2, end.c_str(), -1, SQLITE_TRANSIENT);
    return rows(prefix);
  }));
  out.push_back(TimeAll(kinds[2], [&](const Query& q) {
    sqlite3_bind_text(last4.get(), 1, q.text.c_str(), -1, SQLITE_TRANSIENT);
    return rows(last4);
  }));
  out.push_back(TimeAll(kinds[3], [&](const Query& q) {
    std::string match = TrigramOrQuery(q.text);
    sqlite3_bind_text(typo.get(), 1, match.c_str(), -1, SQLITE_TRANSIENT);
    return rows(typo);
  }));
  *bytes = BytesOnDisk(dir);
  return out;
}

}  // namespace
}  // namespace custdb::bench

int main(int argc, char** argv) {
  using namespace custdb::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: custdb-bench-search DATA_DIR [QUERIES]\n");
    return 2;
  }
  size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  try {
    Dataset data = ReadDataset(argv[1]);
    std::vector<Kind> kinds = MakeQueries(data, n);
    ScratchDir scratch("custdb-bench-search-");
    double custdb_load = 0, sqlite_load = 0;
    uint64_t custdb_bytes = 0, sqlite_bytes = 0;
    // CUSTDB_BENCH_STORE names a store to keep between runs: loaded when
    // it does not exist, used as it is when it does (for trying changes
    // to the reads without loading again).
    const char* kept = std::getenv("CUSTDB_BENCH_STORE");
    fs::path custdb_dir =
        kept != nullptr ? fs::path(kept) : scratch.path() / "custdb";
    auto mine =
        RunCustdb(argv[1], custdb_dir, kinds, &custdb_load, &custdb_bytes);
    if (std::getenv("CUSTDB_BENCH_ONLY_CUSTDB") != nullptr) {
      for (size_t i = 0; i < kinds.size(); ++i) {
        std::printf("%s p50 %.3f ms p99 %.3f ms rows %.1f\n", kinds[i].name,
                    mine[i].Percentile(0.5), mine[i].Percentile(0.99),
                    static_cast<double>(mine[i].rows) / n);
      }
      std::printf("typo hits %.3f\n", static_cast<double>(mine[3].hits) / n);
      for (size_t i = 0; i < kinds.size(); ++i) {
        std::printf("slowest %s:", kinds[i].name);
        for (const auto& [ms, text] : mine[i].slowest) {
          std::printf(" \"%s\" %.2f ms", text.c_str(), ms);
        }
        std::printf("\n");
      }
      return 0;
    }
    auto theirs = RunSqlite(data, scratch.path() / "sqlite", kinds,
                            &sqlite_load, &sqlite_bytes);
    std::printf("%zu customers, %zu queries of each kind, pages of %d\n\n",
                data.customers.size(), n, kPage);
    std::printf(
        "| query | custdb p50 | custdb p99 | SQLite p50 | SQLite p99 | "
        "SQLite / custdb (p50) | rows per page (custdb, SQLite) |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < kinds.size(); ++i) {
      double a = mine[i].Percentile(0.5), b = theirs[i].Percentile(0.5);
      std::printf(
          "| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.1f | %.1f, %.1f "
          "|\n",
          kinds[i].name, a, mine[i].Percentile(0.99), b,
          theirs[i].Percentile(0.99), a > 0 ? b / a : 0,
          static_cast<double>(mine[i].rows) / n,
          static_cast<double>(theirs[i].rows) / n);
    }
    std::printf(
        "\ntypo pages holding the intended name: custdb %.3f, SQLite %.3f\n",
        static_cast<double>(mine[3].hits) / n,
        static_cast<double>(theirs[3].hits) / n);
    if (custdb_load > 0) {
      std::printf("load: custdb %.1f s (%.0f customers/s), SQLite %.1f s\n",
                  custdb_load, data.customers.size() / custdb_load,
                  sqlite_load);
    } else {
      std::printf(
          "load: custdb's store was kept from an earlier run; SQLite "
          "%.1f s\n",
          sqlite_load);
    }
    std::printf("on disk: custdb %.1f MB, SQLite %.1f MB\n", custdb_bytes / 1e6,
                sqlite_bytes / 1e6);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custdb-bench-search: %s\n", e.what());
    return 1;
  }
  return 0;
}
