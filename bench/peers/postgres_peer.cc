// PostgreSQL with pg_trgm, in a cluster that lives as long as one run.
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "peers.h"
#include "postgres_cluster.h"

namespace custdb::bench {

namespace {

void Load(PgConnection& db, const Workload& workload) {
  db.Exec("CREATE EXTENSION pg_trgm");
  db.Exec("CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)");
  {
    PgResult copy(PQexec(db.conn, "COPY customers (id, name) FROM STDIN"));
    if (PQresultStatus(copy.result) != PGRES_COPY_IN) {
      throw std::runtime_error(std::string("copy: ") + PQerrorMessage(db.conn));
    }
  }
  std::string chunk;
  auto flush = [&] {
    if (PQputCopyData(db.conn, chunk.data(), static_cast<int>(chunk.size())) !=
        1) {
      throw std::runtime_error(std::string("copy: ") + PQerrorMessage(db.conn));
    }
    chunk.clear();
  };
  for (const NamedCustomer& customer : workload.customers) {
    chunk += std::to_string(customer.id);
    chunk += '\t';
    AppendCopyField(chunk, customer.name);
    chunk += '\n';
    if (chunk.size() > (1 << 20)) flush();
  }
  flush();
  if (PQputCopyEnd(db.conn, nullptr) != 1) {
    throw std::runtime_error(std::string("copy end: ") +
                             PQerrorMessage(db.conn));
  }
  PgResult done(PQgetResult(db.conn));
  if (PQresultStatus(done.result) != PGRES_COMMAND_OK) {
    throw std::runtime_error(std::string("copy: ") + PQerrorMessage(db.conn));
  }
  while (PGresult* extra = PQgetResult(db.conn)) PQclear(extra);

  db.Exec(
      "CREATE INDEX customers_name_trgm ON customers USING gin (name "
      "gin_trgm_ops)");
  db.Exec("ANALYZE customers");
}

}  // namespace

SystemResult RunPostgres(const Workload& workload, const PeerOptions& options) {
  SystemResult result;
  result.system = "PostgreSQL 15 pg_trgm";
  try {
    ClusterOptions cluster_options;
    cluster_options.bin = options.postgres_bin;
    cluster_options.user = options.postgres_user;
    cluster_options.shared_buffers_bytes = kCacheBytes;
    Cluster cluster(cluster_options);
    PgConnection db(cluster.ConnInfo());

    auto start = std::chrono::steady_clock::now();
    Load(db, workload);
    result.load_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    result.bytes_on_disk =
        std::stoull(db.Scalar("SELECT pg_total_relation_size('customers')"));
    result.notes = "threshold " +
                   db.Scalar("SHOW pg_trgm.similarity_threshold") +
                   ", fsync off, unix socket, shared_buffers " +
                   db.Scalar("SHOW shared_buffers") + "; size: table + indexes";

    // The statement asked of pg_trgm, less the query's own row, which
    // custdb never returns either.
    PgResult prepared(
        PQprepare(db.conn, "dupes",
                  "SELECT id FROM customers WHERE name % $1 AND id <> $2 "
                  "ORDER BY similarity(name, $1) DESC LIMIT 10",
                  2, nullptr));
    if (PQresultStatus(prepared.result) != PGRES_COMMAND_OK) {
      throw std::runtime_error(std::string("prepare: ") +
                               PQerrorMessage(db.conn));
    }

    TimeQueries(workload.queries, options.warmup, result,
                [&](const DuplicateQuery& query) {
                  std::string own = std::to_string(query.query_id);
                  const char* values[2] = {query.name.c_str(), own.c_str()};
                  PgResult rows(PQexecPrepared(db.conn, "dupes", 2, values,
                                               nullptr, nullptr, 0));
                  if (PQresultStatus(rows.result) != PGRES_TUPLES_OK) {
                    throw std::runtime_error(std::string("query: ") +
                                             PQerrorMessage(db.conn));
                  }
                  Candidates found;
                  for (int i = 0; i < PQntuples(rows.result); i++) {
                    found.push_back(std::strtoll(PQgetvalue(rows.result, i, 0),
                                                 nullptr, 10));
                  }
                  return found;
                });
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace custdb::bench
