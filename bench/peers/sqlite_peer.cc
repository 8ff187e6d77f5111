// SQLite with an FTS5 trigram table.
//
// FTS5's trigram tokenizer indexes every run of three characters of the
// whole name (spaces included), folded to lower case; a query term must
// be at least three characters. Fuzzy name matching is asked as the OR of
// the query name's distinct trigrams, each a quoted phrase, ranked by
// bm25 (FTS5's `rank`): names that share more of the query's trigrams,
// and rarer ones, rank higher, and shorter names are favoured through
// bm25's length normalization, which is the nearest FTS5 has to
// pg_trgm's similarity. A LIKE or GLOB pattern would need the exact
// substring, and a phrase of the whole name would need every trigram, so
// neither finds a name with a typo. Names under three characters have no
// trigram and get no answer.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "peers.h"
#include "process.h"
#include "sqlite_db.h"

namespace custdb::bench {
namespace fs = std::filesystem;

namespace {

// The length of the UTF-8 sequence that starts with `lead`.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace

// The FTS5 query for a name: its distinct trigrams (of characters, as the
// tokenizer counts them; ASCII folded to lower case so that "Ann" and
// "ann" are one term), each quoted, joined by OR. Empty for a name of
// fewer than three characters.
std::string TrigramOrQuery(const std::string& name) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < name.size(); i += SequenceLength(name[i])) {
    starts.push_back(i);
  }
  starts.push_back(name.size());

  std::set<std::string> seen;
  std::string query;
  for (size_t i = 0; i + 3 < starts.size(); i++) {
    std::string trigram = name.substr(starts[i], starts[i + 3] - starts[i]);
    for (char& c : trigram) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!seen.insert(trigram).second) continue;
    if (!query.empty()) query += " OR ";
    query += '"';
    for (char c : trigram) {
      if (c == '"') query += '"';  // a quote inside a phrase is doubled
      query += c;
    }
    query += '"';
  }
  return query;
}

SystemResult RunSqlite(const Workload& workload, const PeerOptions& options) {
  SystemResult result;
  result.system = "SQLite FTS5 trigram";
  try {
    ScratchDir scratch("custdb-bench-sqlite-");
    fs::path file = scratch.path() / "customers.db";
    Database db(file);

    // WAL as a host would run it; synchronous=OFF like PostgreSQL's
    // fsync=off and custdb's no_sync, since the load is thrown away.
    auto start = std::chrono::steady_clock::now();
    db.Exec("PRAGMA journal_mode=WAL");
    db.Exec("PRAGMA synchronous=OFF");
    db.Exec("PRAGMA cache_size=-" + std::to_string(kCacheBytes >> 10));
    db.Exec(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    // External content: the index does not keep a second copy of names.
    db.Exec(
        "CREATE VIRTUAL TABLE customer_names USING fts5(name, "
        "content='customers', content_rowid='id', tokenize='trigram')");
    db.Exec("BEGIN");
    {
      Statement insert(db, "INSERT INTO customers (id, name) VALUES (?, ?)");
      for (const NamedCustomer& customer : workload.customers) {
        sqlite3_bind_int64(insert.get(), 1, customer.id);
        sqlite3_bind_text(insert.get(), 2, customer.name.data(),
                          static_cast<int>(customer.name.size()),
                          SQLITE_STATIC);
        insert.Step();
        insert.Reset();
      }
    }
    db.Exec("INSERT INTO customer_names (customer_names) VALUES ('rebuild')");
    db.Exec("COMMIT");
    db.Exec("INSERT INTO customer_names (customer_names) VALUES ('optimize')");
    db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    result.load_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    result.bytes_on_disk = BytesOnDisk(scratch.path());
    result.notes =
        "OR of the name's trigrams, bm25 order, synchronous=OFF; size: "
        "database and WAL files";

    Statement query(db,
                    "SELECT rowid FROM customer_names WHERE customer_names "
                    "MATCH ?1 AND rowid <> ?2 ORDER BY rank LIMIT 10");
    TimeQueries(
        workload.queries, options.warmup, result, [&](const DuplicateQuery& q) {
          Candidates found;
          std::string match = TrigramOrQuery(q.name);
          if (match.empty()) return found;
          sqlite3_bind_text(query.get(), 1, match.data(),
                            static_cast<int>(match.size()), SQLITE_TRANSIENT);
          sqlite3_bind_int64(query.get(), 2, q.query_id);
          while (query.Step()) {
            found.push_back(sqlite3_column_int64(query.get(), 0));
          }
          query.Reset();
          return found;
        });
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace custdb::bench
