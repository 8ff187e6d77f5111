// PostgreSQL with pg_trgm, in a cluster that lives as long as one run.
#include <libpq-fe.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "peers.h"
#include "process.h"

namespace custdb::bench {
namespace fs = std::filesystem;

namespace {

// The postmaster of the cluster being measured, for the signal handler:
// a harness stopped by Ctrl-C takes its server down with it.
volatile sig_atomic_t g_postmaster = 0;

void StopServerAndDie(int signal_number) {
  if (g_postmaster > 0) kill(static_cast<pid_t>(g_postmaster), SIGQUIT);
  ::signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// A cluster in a scratch directory: initdb, a postmaster listening on a
// free loopback port and on a unix socket in the same directory. Stopped
// and removed by the destructor, whatever happened in between.
class Cluster {
 public:
  Cluster(const PeerOptions& options)
      : scratch_("custdb-bench-pg-"),
        who_(ServerIdentity(options.postgres_user)),
        bin_(options.postgres_bin) {
    fs::path data = scratch_.path() / "data";
    log_ = scratch_.path() / "server.log";
    GiveTo(scratch_.path(), who_);

    int status = RunToEnd(
        {(bin_ / "initdb").string(), "--pgdata", data, "--username", "bench",
         "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync"},
        who_, log_);
    if (status != 0) Fail("initdb exited with " + std::to_string(status));

    port_ = FreeLoopbackPort();
    // fsync and synchronous_commit are off: the load is thrown away after
    // the run and the measured query reads only. JIT is off because its
    // compile time would dominate a query of a few milliseconds.
    pid_ = Spawn({(bin_ / "postgres").string(),
                  "-D",
                  data,
                  "-c",
                  "listen_addresses=127.0.0.1",
                  "-c",
                  "port=" + std::to_string(port_),
                  "-c",
                  "unix_socket_directories=" + scratch_.path().string(),
                  "-c",
                  "fsync=off",
                  "-c",
                  "synchronous_commit=off",
                  "-c",
                  "full_page_writes=off",
                  "-c",
                  "jit=off",
                  "-c",
                  "shared_buffers=" + std::to_string(kCacheBytes >> 20) + "MB",
                  "-c",
                  "maintenance_work_mem=512MB",
                  "-c",
                  "logging_collector=off"},
                 who_, log_, true);
    g_postmaster = pid_;
    ::signal(SIGINT, StopServerAndDie);
    ::signal(SIGTERM, StopServerAndDie);
    try {
      WaitUntilReady();
    } catch (...) {
      Stop();  // a constructor that throws gets no destructor call
      throw;
    }
  }

  ~Cluster() { Stop(); }

  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Connects through the unix socket, as a host on the same machine would.
  std::string ConnInfo() const {
    return "host=" + scratch_.path().string() +
           " port=" + std::to_string(port_) + " dbname=postgres user=bench";
  }

 private:
  void Stop() {
    if (pid_ > 0) {
      // A fast shutdown, then harder ones if it does not finish.
      kill(pid_, SIGINT);
      if (!WaitForExit(pid_, 15)) {
        kill(pid_, SIGQUIT);
        if (!WaitForExit(pid_, 5)) {
          kill(pid_, SIGKILL);
          WaitForExit(pid_, 5);
        }
      }
      g_postmaster = 0;
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      pid_ = 0;
    }
  }

  [[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error(what + "; server log:\n" + TailOf(log_, 15));
  }

  void WaitUntilReady() {
    std::string conninfo = ConnInfo();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (PQping(conninfo.c_str()) != PQPING_OK) {
      if (WaitForExit(pid_, 0)) {
        pid_ = 0;
        Fail("postgres exited at start");
      }
      if (std::chrono::steady_clock::now() > deadline) {
        Fail("postgres did not accept connections within 30 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  ScratchDir scratch_;
  RunAs who_;
  fs::path bin_;
  fs::path log_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// A result that is freed however the scope is left.
struct Result {
  PGresult* result;
  explicit Result(PGresult* r) : result(r) {}
  ~Result() { PQclear(result); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
};

struct Connection {
  PGconn* conn;
  explicit Connection(const std::string& conninfo)
      : conn(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("connect: " + message);
    }
  }
  ~Connection() { PQfinish(conn); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Exec(const std::string& sql) {
    Result r(PQexec(conn, sql.c_str()));
    ExecStatusType status = PQresultStatus(r.result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
    }
  }

  std::string Scalar(const std::string& sql) {
    Result r(PQexec(conn, sql.c_str()));
    if (PQresultStatus(r.result) != PGRES_TUPLES_OK ||
        PQntuples(r.result) != 1) {
      throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
    }
    return PQgetvalue(r.result, 0, 0);
  }
};

// A field in COPY's text format.
void AppendCopyField(std::string& out, const std::string& text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

void Load(Connection& db, const Workload& workload) {
  db.Exec("CREATE EXTENSION pg_trgm");
  db.Exec("CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)");
  {
    Result copy(PQexec(db.conn, "COPY customers (id, name) FROM STDIN"));
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
  Result done(PQgetResult(db.conn));
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
    Cluster cluster(options);
    Connection db(cluster.ConnInfo());

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
    Result prepared(
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
                  Result rows(PQexecPrepared(db.conn, "dupes", 2, values,
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
