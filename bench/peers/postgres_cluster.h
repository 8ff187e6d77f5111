// A throwaway PostgreSQL cluster for the harnesses, and the little of
// libpq they use; every failure throws std::runtime_error.
#pragma once

#include <libpq-fe.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "process.h"

namespace custdb::bench {

struct ClusterOptions {
  std::string bin = "/usr/lib/postgresql/15/bin";
  std::string user = "custdb-bench";  // the server's identity under root
  // false: fsync, synchronous_commit and full_page_writes off, for data
  // that is thrown away and only read. true: the server's durable
  // defaults, so that a session's synchronous_commit means what it says.
  bool durable = false;
  uint64_t shared_buffers_bytes = 256ull << 20;
};

// initdb into a scratch directory, a postmaster listening on a free
// loopback port and on a unix socket in that directory. The destructor
// stops the server (a fast shutdown, then harder ones) and removes the
// directory, whatever happened in between; SIGINT and SIGTERM stop the
// server too while the cluster lives.
class Cluster {
 public:
  explicit Cluster(const ClusterOptions& options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Connects through the unix socket, as a host on the same machine would.
  std::string ConnInfo() const;

  // The postmaster; the server's other processes are its children.
  pid_t postmaster() const { return pid_; }

 private:
  void Stop();
  [[noreturn]] void Fail(const std::string& what);
  void WaitUntilReady();

  ScratchDir scratch_;
  RunAs who_;
  std::filesystem::path bin_;
  std::filesystem::path log_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// A result that is freed however the scope is left.
struct PgResult {
  PGresult* result;
  explicit PgResult(PGresult* r) : result(r) {}
  ~PgResult() { PQclear(result); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
};

struct PgConnection {
  PGconn* conn;
  explicit PgConnection(const std::string& conninfo);
  ~PgConnection() { PQfinish(conn); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs a statement that returns no rows or rows nobody reads.
  void Exec(const std::string& sql);
  // The single value of a query of one row.
  std::string Scalar(const std::string& sql);
};

// Appends a field in COPY's text format (backslash, tab and line breaks
// escaped).
void AppendCopyField(std::string& out, const std::string& text);

}  // namespace custdb::bench
