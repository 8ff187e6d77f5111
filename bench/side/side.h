// custdb-bench-side: the side-by-side harness of whole operations. The
// parent process (side_main.cc) runs every measurement of every system
// in a child process of its own (the same program, started with --child,
// which runs one of the files of the systems), so that the child's peak
// resident memory is that operation's. This header is what the parent and the
// children share: the operations, the queries the parent writes for the
// children, the customers as the peers store them, and what a child reports.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/dataset.h"  // NameWords, DisplayName

namespace custdb::bench::side {

// Every operation, in the order the parent runs them: reads first, then
// the writes that change the data the reads ask about.
inline const std::vector<std::string>& Operations() {
  static const std::vector<std::string> ops = {
      "load",          "get_id",        "get_phone",   "get_email",
      "list_page",     "name_prefix",   "phone_last4", "duplicates",
      "timeline_page", "create_nosync", "create_sync", "merge"};
  return ops;
}

inline constexpr int kPage = 50;    // rows of a list, search or timeline page
inline constexpr int kTopK = 10;    // candidates of a duplicate search
inline constexpr int kWarmup = 50;  // untimed calls before a read's timed ones
inline constexpr uint64_t kAccount = 1;

// One line of the queries file (queries.tsv): its kind, up to two rows of
// flat.tsv (ids of the harness: line number from 1), and a text.
//   id        row                    get by id
//   phone     row, text as typed     get by phone
//   email     row, text as typed     get by email
//   prefix    text                   name prefix search
//   last4     text                   phone suffix search
//   dupe      row b, row a, b's name find duplicates of b, expecting a
//   timeline  row                    a customer whose timeline is read
//   merge     row a, row b, b's display name TAB phone TAB email
//                                    merge b into a
struct Query {
  std::string kind;
  int64_t row = 0;
  int64_t other = 0;
  std::string text;
};

std::vector<Query> ReadQueries(const std::string& path,
                               const std::string& kind);

// What a child is asked to do; the command line of a child is these
// fields as --name=value.
struct ChildArgs {
  std::string system;  // custdb, sqlite, postgres, rocksdb
  std::string op;      // one of Operations()
  std::string data_dir;
  std::string work_dir;  // the system's database lives here
  std::string result_file;
  std::string conninfo;      // postgres
  uint64_t cache_bytes = 0;  // custdb: 0 is the library's default
  int timeline_entries = 60;
  size_t creates = 1000;
  pid_t postmaster = 0;  // postgres: the server, whose memory is reported
};

// What a child reports, one fact a line: "lat MS" per timed call, "hit
// 0|1" per duplicate search (the expected original among the first ten),
// "rows N" per call, then "count N", "seconds S", "bytes N",
// "table_bytes N" (RocksDB's table files), "server_mib N" (PostgreSQL's
// memory at the end), "peak_mib N" (the child's own), "note TEXT".
class Report {
 public:
  explicit Report(const std::string& path);
  void Latency(double ms) { out_ << "lat " << ms << "\n"; }
  // Counted only while timing: the untimed first calls ask again.
  void Hit(bool hit) {
    if (timing_) out_ << "hit " << (hit ? 1 : 0) << "\n";
  }
  void set_timing(bool timing) { timing_ = timing; }
  void Rows(size_t n) { out_ << "rows " << n << "\n"; }
  void Fact(const std::string& name, double value) {
    out_ << name << " " << value << "\n";
  }
  void Note(const std::string& text) { out_ << "note " << text << "\n"; }

 private:
  std::ofstream out_;
  bool timing_ = true;
};

// A contact or location as the peers store it.
struct PeerContact {
  std::string first_name, last_name, phone, email;
  bool primary = false;
};
struct PeerLocation {
  int kind = 0;
  std::string line1, line2, city, state, zip;
};

// One customer of customers.tsv as the peers store it: the customer's
// own fields, the contacts the library would give it (an individual's
// own name, phone and email; a company's named primary contact; then the
// ContactDraft lines) and its locations. Phones are ten digits, emails
// lower case; `record` is the CustomerDraft's FlatBuffers bytes, the
// value the raw RocksDB floor stores.
struct PeerCustomer {
  int64_t id = 0;  // the row of flat.tsv, from 1
  bool company = false;
  std::string first_name, last_name, company_name, display_name, name_fold;
  std::string phone, email;
  std::vector<PeerContact> contacts;
  std::vector<PeerLocation> locations;
  std::vector<std::string> contact_records, location_records;
  std::string record;
};

// Reads customers.tsv one customer at a time, so that a load holds one
// customer in memory, not the data set.
class CustomerReader {
 public:
  explicit CustomerReader(const std::string& data_dir);
  ~CustomerReader();
  // The next customer; false at the end of the file.
  bool Next(PeerCustomer* customer);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Ten digits of a US phone as typed (a leading 1 dropped); "" if it has
// not ten.
std::string PhoneDigits(const std::string& typed);
std::string LowerAscii(const std::string& text);
// The words joined by single spaces: the sort key of the list.
std::string NameFold(const std::string& name);

// The drafts a create asks for: new customers whose phones no customer of
// the data set has (exchange 555, which the generator never writes), in
// a block of their own per op.
struct NewCustomer {
  std::string first_name, last_name, phone, email;
};
NewCustomer NewCustomerFor(const std::string& op, size_t i);

// The memory of a PostgreSQL server now: the sum of the proportional set
// sizes of the postmaster and its children (shared pages such as
// shared_buffers divided among the processes that map them, so counted
// once in the sum), in MiB.
double ServerPssMiB(pid_t postmaster);

// The peak resident memory of this process's image so far (VmHWM of
// /proc/self/status), in MiB. The kernel's ru_maxrss of a child would also
// count the parent's resident set at the fork, which exec does not reset.
double SelfPeakMiB();

// The bytes of RocksDB's table and blob files under `dir` (not its logs).
uint64_t TableFileBytes(const std::string& dir);

// One child's work; returns its exit status.
int RunCustdb(const ChildArgs& args, Report& report);
int RunSqlite(const ChildArgs& args, Report& report);
int RunPostgres(const ChildArgs& args, Report& report);
int RunRocksdb(const ChildArgs& args, Report& report);

}  // namespace custdb::bench::side

namespace custdb::bench::side {

// Calls `run` on every query, after `warmup` untimed calls on the first
// ones, reporting each timed call's latency (a steady clock around the
// call, reading its answer included) and the rows it returned.
template <typename Q, typename Fn>
void TimeCalls(const std::vector<Q>& queries, size_t warmup, Report& report,
               Fn run) {
  report.set_timing(false);
  for (size_t i = 0; i < warmup && i < queries.size(); i++) run(queries[i]);
  report.set_timing(true);
  for (const Q& query : queries) {
    auto start = std::chrono::steady_clock::now();
    size_t rows = run(query);
    auto end = std::chrono::steady_clock::now();
    report.Latency(
        std::chrono::duration<double, std::milli>(end - start).count());
    report.Rows(rows);
  }
}

// Times creates: `create(i)` makes the i-th new customer; the first ten
// are made untimed, then `count` more are timed one call each.
template <typename Fn>
void TimeCreates(size_t count, Report& report, Fn create) {
  for (size_t i = 0; i < 10; ++i) create(i);
  std::vector<size_t> timed;
  for (size_t i = 0; i < count; ++i) timed.push_back(10 + i);
  TimeCalls(timed, 0, report, create);
}

}  // namespace custdb::bench::side
