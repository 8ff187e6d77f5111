#include "postgres_cluster.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace custdb::bench {
namespace fs = std::filesystem;

namespace {

// The postmaster of the running cluster, for the signal handler: a
// harness stopped by Ctrl-C takes its server down with it.
volatile sig_atomic_t g_postmaster = 0;

void StopServerAndDie(int signal_number) {
  if (g_postmaster > 0) kill(static_cast<pid_t>(g_postmaster), SIGQUIT);
  ::signal(signal_number, SIG_DFL);
  raise(signal_number);
}

}  // namespace

Cluster::Cluster(const ClusterOptions& options)
    : scratch_("custdb-bench-pg-"),
      who_(ServerIdentity(options.user)),
      bin_(options.bin) {
  fs::path data = scratch_.path() / "data";
  log_ = scratch_.path() / "server.log";
  GiveTo(scratch_.path(), who_);

  int status = RunToEnd(
      {(bin_ / "initdb").string(), "--pgdata", data, "--username", "bench",
       "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync"},
      who_, log_);
  if (status != 0) Fail("initdb exited with " + std::to_string(status));

  port_ = FreeLoopbackPort();
  std::vector<std::string> argv = {
      (bin_ / "postgres").string(), "-D", data, "-c",
      "listen_addresses=127.0.0.1", "-c", "port=" + std::to_string(port_), "-c",
      "unix_socket_directories=" + scratch_.path().string(), "-c",
      "shared_buffers=" + std::to_string(options.shared_buffers_bytes >> 20) +
          "MB",
      "-c", "maintenance_work_mem=512MB", "-c", "logging_collector=off",
      // JIT's compile time would dominate a query of a few milliseconds.
      "-c", "jit=off"};
  if (!options.durable) {
    for (const char* setting :
         {"fsync=off", "synchronous_commit=off", "full_page_writes=off"}) {
      argv.push_back("-c");
      argv.push_back(setting);
    }
  }
  pid_ = Spawn(argv, who_, log_, true);
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

Cluster::~Cluster() { Stop(); }

std::string Cluster::ConnInfo() const {
  return "host=" + scratch_.path().string() + " port=" + std::to_string(port_) +
         " dbname=postgres user=bench";
}

void Cluster::Stop() {
  if (pid_ <= 0) return;
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

void Cluster::Fail(const std::string& what) {
  throw std::runtime_error(what + "; server log:\n" + TailOf(log_, 15));
}

void Cluster::WaitUntilReady() {
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

PgConnection::PgConnection(const std::string& conninfo)
    : conn(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("connect: " + message);
  }
}

void PgConnection::Exec(const std::string& sql) {
  PgResult r(PQexec(conn, sql.c_str()));
  ExecStatusType status = PQresultStatus(r.result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
  }
}

std::string PgConnection::Scalar(const std::string& sql) {
  PgResult r(PQexec(conn, sql.c_str()));
  if (PQresultStatus(r.result) != PGRES_TUPLES_OK || PQntuples(r.result) != 1) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
  }
  return PQgetvalue(r.result, 0, 0);
}

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

}  // namespace custdb::bench
