// The systems the harness measures. Each loads the workload's names into
// a fresh database of its own, asks every query, and cleans up after
// itself; a failure is reported in SystemResult::error, never thrown.
#pragma once

#include <string>

#include "harness.h"

namespace custdb::bench {

struct PeerOptions {
  size_t warmup = 100;  // untimed queries before the timed ones
  std::string postgres_bin = "/usr/lib/postgresql/15/bin";
  std::string postgres_user = "custdb-bench";  // used when run as root
};

// PostgreSQL 15 with pg_trgm: a throwaway cluster, a GIN trigram index,
// `name % $1 ORDER BY similarity(name, $1) DESC LIMIT 10`.
SystemResult RunPostgres(const Workload& workload, const PeerOptions& options);

// SQLite with WAL and an FTS5 trigram table, ranked by bm25.
SystemResult RunSqlite(const Workload& workload, const PeerOptions& options);

// custdb: the data set loaded through the C ABI, then
// custdb_customer_duplicates for each query.
SystemResult RunCustdb(const Workload& workload, const PeerOptions& options);

}  // namespace custdb::bench
