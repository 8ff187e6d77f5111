// PostgreSQL 15 with the same schema as SQLite's (B-tree indexes on
// phone, email, the folded name and the last four digits, a table of name
// words) and a pg_trgm GIN index on the display name. The cluster is the
// parent's; a child connects through its unix socket, runs one operation
// and leaves.
#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "postgres_cluster.h"
#include "side.h"

namespace custdb::bench::side {

namespace {

constexpr int64_t kNewIds = int64_t{1} << 40;

const char* kSchema[] = {
    "CREATE EXTENSION pg_trgm",
    "CREATE TABLE customers (id bigint PRIMARY KEY, kind int NOT NULL, "
    "first_name text, last_name text, company_name text, display_name text "
    "NOT NULL, name_fold text NOT NULL, phone text NOT NULL, phone_last4 "
    "text NOT NULL, email text, status int NOT NULL DEFAULT 0, vip int NOT "
    "NULL DEFAULT 0, do_not_contact int NOT NULL DEFAULT 0, created_at "
    "bigint NOT NULL, last_activity_at bigint NOT NULL, version bigint NOT "
    "NULL DEFAULT 1)",
    "CREATE TABLE contacts (id bigint PRIMARY KEY, customer_id bigint NOT "
    "NULL, first_name text, last_name text, phone text, email text, "
    "is_primary int NOT NULL)",
    "CREATE TABLE locations (id bigint PRIMARY KEY, customer_id bigint NOT "
    "NULL, kind int, address_line1 text, address_line2 text, city text, "
    "state text, zip text)",
    "CREATE TABLE name_words (word text NOT NULL, name_fold text NOT NULL, "
    "customer_id bigint NOT NULL, PRIMARY KEY (word, name_fold, "
    "customer_id))",
    "CREATE TABLE timeline (id bigserial PRIMARY KEY, customer_id bigint NOT "
    "NULL, occurred_at bigint NOT NULL, channel int NOT NULL, direction int "
    "NOT NULL, summary text)",
};

// The cluster runs with the C locale, so plain B-trees on text serve
// prefix ranges.
const char* kIndexes[] = {
    "CREATE INDEX customers_by_phone ON customers (phone)",
    "CREATE INDEX customers_by_email ON customers (email)",
    "CREATE INDEX customers_by_name ON customers (name_fold, id)",
    "CREATE INDEX customers_by_last4 ON customers (phone_last4, id)",
    "CREATE INDEX customers_name_trgm ON customers USING gin (display_name "
    "gin_trgm_ops)",
    "CREATE INDEX contacts_by_customer ON contacts (customer_id)",
    "CREATE INDEX contacts_by_phone ON contacts (phone)",
    "CREATE INDEX contacts_by_email ON contacts (email)",
    "CREATE INDEX locations_by_customer ON locations (customer_id)",
    "CREATE INDEX timeline_by_customer ON timeline (customer_id, "
    "occurred_at DESC, id DESC)",
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A COPY into one table on a connection of its own, so that the load
// streams every table at once from one pass over the data set.
class Copy {
 public:
  Copy(const std::string& conninfo, const std::string& sql) : db_(conninfo) {
    db_.Exec("SET synchronous_commit = off");
    PgResult copy(PQexec(db_.conn, sql.c_str()));
    if (PQresultStatus(copy.result) != PGRES_COPY_IN) {
      throw std::runtime_error(sql + ": " + PQerrorMessage(db_.conn));
    }
  }

  // Appends one row; empty optional fields become NULL.
  void Row(const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) chunk_ += '\t';
      if (fields[i].empty()) {
        chunk_ += "\\N";
      } else {
        AppendCopyField(chunk_, fields[i]);
      }
    }
    chunk_ += '\n';
    if (chunk_.size() > (1 << 20)) Flush();
  }

  void End() {
    Flush();
    if (PQputCopyEnd(db_.conn, nullptr) != 1) Fail();
    PgResult done(PQgetResult(db_.conn));
    if (PQresultStatus(done.result) != PGRES_COMMAND_OK) Fail();
    while (PGresult* extra = PQgetResult(db_.conn)) PQclear(extra);
  }

 private:
  void Flush() {
    if (PQputCopyData(db_.conn, chunk_.data(),
                      static_cast<int>(chunk_.size())) != 1) {
      Fail();
    }
    chunk_.clear();
  }
  [[noreturn]] void Fail() {
    throw std::runtime_error(std::string("copy: ") + PQerrorMessage(db_.conn));
  }

  PgConnection db_;
  std::string chunk_;
};

void Load(const ChildArgs& args, PgConnection& db, Report& report) {
  auto start = std::chrono::steady_clock::now();
  for (const char* sql : kSchema) db.Exec(sql);
  Copy customers(args.conninfo,
                 "COPY customers (id, kind, first_name, last_name, "
                 "company_name, display_name, name_fold, phone, phone_last4, "
                 "email, created_at, last_activity_at) FROM STDIN");
  Copy words(args.conninfo, "COPY name_words FROM STDIN");
  Copy contacts(args.conninfo,
                "COPY contacts (id, customer_id, first_name, last_name, "
                "phone, email, is_primary) FROM STDIN");
  Copy locations(args.conninfo,
                 "COPY locations (id, customer_id, kind, address_line1, "
                 "address_line2, city, state, zip) FROM STDIN");
  CustomerReader reader(args.data_dir);
  PeerCustomer c;
  size_t count = 0;
  int64_t contact_id = 0, location_id = 0;
  std::string now = std::to_string(NowMs());
  while (reader.Next(&c)) {
    std::string id = std::to_string(c.id);
    customers.Row({id, c.company ? "2" : "1", c.first_name, c.last_name,
                   c.company_name, c.display_name, c.name_fold, c.phone,
                   c.phone.size() == 10 ? c.phone.substr(6) : "", c.email, now,
                   now});
    std::vector<std::string> seen;
    for (const std::string& w : NameWords(c.display_name)) {
      bool again = false;
      for (const std::string& s : seen) again |= s == w;
      if (again) continue;
      seen.push_back(w);
      words.Row({w, c.name_fold, id});
    }
    for (const PeerContact& k : c.contacts) {
      contacts.Row({std::to_string(++contact_id), id, k.first_name, k.last_name,
                    k.phone, k.email, k.primary ? "1" : "0"});
    }
    for (const PeerLocation& l : c.locations) {
      locations.Row({std::to_string(++location_id), id, std::to_string(l.kind),
                     l.line1, l.line2, l.city, l.state, l.zip});
    }
    ++count;
  }
  customers.End();
  words.End();
  contacts.End();
  locations.End();
  // The indexes are built after the rows, PostgreSQL's fastest way to load.
  for (const char* sql : kIndexes) db.Exec(sql);
  db.Exec("ANALYZE");
  db.Exec("CHECKPOINT");
  report.Fact("seconds", std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count());
  report.Fact("count", static_cast<double>(count));
  report.Fact(
      "bytes",
      std::stod(db.Scalar("SELECT pg_database_size(current_database())")));
  report.Note(
      "COPY of every table on four connections at once, indexes "
      "built after the rows, synchronous_commit=off; size: "
      "pg_database_size");
}

// A prepared statement of one connection.
class Prepared {
 public:
  Prepared(PgConnection& db, const std::string& name, const std::string& sql,
           int params)
      : db_(db), name_(name), params_(params) {
    PgResult r(PQprepare(db.conn, name.c_str(), sql.c_str(), params, nullptr));
    if (PQresultStatus(r.result) != PGRES_COMMAND_OK) {
      throw std::runtime_error(sql + ": " + PQerrorMessage(db.conn));
    }
  }

  // Runs it; returns the result, whose rows the caller reads.
  std::unique_ptr<PgResult> Run(const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    for (const std::string& v : values) {
      pointers.push_back(v.empty() ? nullptr : v.c_str());
    }
    auto r = std::make_unique<PgResult>(PQexecPrepared(db_.conn, name_.c_str(),
                                                       params_, pointers.data(),
                                                       nullptr, nullptr, 0));
    ExecStatusType status = PQresultStatus(r->result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error(name_ + ": " + PQerrorMessage(db_.conn));
    }
    return r;
  }

  // Runs it and reads every value of every row, as a host would.
  size_t Rows(const std::vector<std::string>& values) {
    auto r = Run(values);
    int rows = PQntuples(r->result), columns = PQnfields(r->result);
    for (int i = 0; i < rows; ++i) {
      for (int c = 0; c < columns; ++c) PQgetvalue(r->result, i, c);
    }
    return static_cast<size_t>(rows);
  }

 private:
  PgConnection& db_;
  std::string name_;
  int params_;
};

// The server's memory as the operation leaves it, its connection open.
void ReportServer(const ChildArgs& args, Report& report) {
  if (args.postmaster > 0) {
    report.Fact("server_mib", ServerPssMiB(args.postmaster));
  }
}

}  // namespace

int RunPostgres(const ChildArgs& args, Report& report) {
  const std::string& op = args.op;
  const std::string queries = args.work_dir + "/../queries.tsv";
  PgConnection db(args.conninfo);
  if (op == "load") {
    Load(args, db, report);
    ReportServer(args, report);
    return 0;
  }
  // on: a commit waits until its WAL record is flushed (the server runs
  // with fsync on); off: it does not wait.
  db.Exec(op == "create_nosync" || op == "timeline_page"
              ? "SET synchronous_commit = off"
              : "SET synchronous_commit = on");

  const std::string row =
      "SELECT id, display_name, kind, phone, status, last_activity_at, vip, "
      "do_not_contact FROM customers ";
  if (op == "get_id") {
    Prepared get(db, "get", "SELECT * FROM customers WHERE id = $1", 1);
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report, [&](const Query& q) {
      return get.Rows({std::to_string(q.row)});
    });
  } else if (op == "get_phone" || op == "get_email") {
    bool phone = op == "get_phone";
    std::string column = phone ? "phone" : "email";
    Prepared find(db, "find",
                  "SELECT * FROM customers WHERE id IN (SELECT id FROM "
                  "customers WHERE " +
                      column +
                      " = $1 UNION SELECT customer_id FROM contacts WHERE " +
                      column + " = $1) ORDER BY id LIMIT 50",
                  1);
    TimeCalls(
        ReadQueries(queries, phone ? "phone" : "email"), kWarmup, report,
        [&](const Query& q) {
          return find.Rows({phone ? PhoneDigits(q.text) : LowerAscii(q.text)});
        });
  } else if (op == "list_page") {
    Prepared list(db, "list",
                  row +
                      "WHERE status IN (0, 1) ORDER BY name_fold, id LIMIT "
                      "50",
                  0);
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report,
              [&](const Query&) { return list.Rows({}); });
  } else if (op == "name_prefix") {
    Prepared prefix(
        db, "prefix",
        "SELECT c.id, c.display_name, c.kind, c.phone, c.status, "
        "c.last_activity_at, c.vip, c.do_not_contact FROM name_words w JOIN "
        "customers c ON c.id = w.customer_id WHERE w.word >= $1 AND w.word < "
        "$2 AND c.status IN (0, 1) ORDER BY w.word, w.name_fold, "
        "w.customer_id LIMIT 50",
        2);
    TimeCalls(ReadQueries(queries, "prefix"), kWarmup, report,
              [&](const Query& q) {
                std::string end = q.text;
                end.back() = static_cast<char>(end.back() + 1);
                return prefix.Rows({q.text, end});
              });
  } else if (op == "phone_last4") {
    Prepared last4(db, "last4",
                   row +
                       "WHERE phone_last4 = $1 AND status IN (0, 1) ORDER "
                       "BY id LIMIT 50",
                   1);
    TimeCalls(ReadQueries(queries, "last4"), kWarmup, report,
              [&](const Query& q) { return last4.Rows({q.text}); });
  } else if (op == "duplicates") {
    Prepared dupes(db, "dupes",
                   "SELECT id FROM customers WHERE display_name % $1 AND id "
                   "<> $2 ORDER BY similarity(display_name, $1) DESC LIMIT 10",
                   2);
    TimeCalls(ReadQueries(queries, "dupe"), kWarmup, report,
              [&](const Query& q) {
                auto r = dupes.Run({q.text, std::to_string(q.row)});
                bool hit = false;
                int n = PQntuples(r->result);
                for (int i = 0; i < n; ++i) {
                  hit |= std::stoll(PQgetvalue(r->result, i, 0)) == q.other;
                }
                report.Hit(hit);
                return static_cast<size_t>(n);
              });
    // The setting exists once the extension's library is loaded.
    report.Note("pg_trgm.similarity_threshold " +
                db.Scalar("SHOW pg_trgm.similarity_threshold"));
  } else if (op == "timeline_page") {
    std::vector<Query> customers = ReadQueries(queries, "timeline");
    {
      db.Exec("BEGIN");
      Prepared append(db, "append",
                      "INSERT INTO timeline (customer_id, occurred_at, "
                      "channel, direction, summary) VALUES ($1, $2, $3, $4, "
                      "$5)",
                      5);
      Prepared touch(db, "touch",
                     "UPDATE customers SET last_activity_at = "
                     "greatest(last_activity_at, $2) WHERE id = $1",
                     2);
      for (const Query& q : customers) {
        for (int i = 0; i < args.timeline_entries; ++i) {
          std::string at = std::to_string(1700000000000LL + i * 3600000LL);
          append.Run({std::to_string(q.row), at, std::to_string(1 + i % 4),
                      i % 2 ? "1" : "2",
                      "Reminder about visit " + std::to_string(i) +
                          ": the technician arrives between 9 and 11."});
          touch.Run({std::to_string(q.row), at});
        }
      }
      db.Exec("COMMIT");
      db.Exec("ANALYZE timeline");
    }
    std::vector<Query> reads;
    while (reads.size() < 1000) {
      reads.insert(reads.end(), customers.begin(), customers.end());
    }
    Prepared page(db, "page",
                  "SELECT id, occurred_at, channel, direction, summary FROM "
                  "timeline WHERE customer_id = $1 ORDER BY occurred_at DESC, "
                  "id DESC LIMIT 50",
                  1);
    TimeCalls(reads, kWarmup, report, [&](const Query& q) {
      return page.Rows({std::to_string(q.row)});
    });
  } else if (op == "create_sync" || op == "create_nosync") {
    Prepared owner(db, "owner", "SELECT id FROM customers WHERE phone = $1", 1);
    Prepared customer(db, "customer",
                      "INSERT INTO customers (id, kind, first_name, "
                      "last_name, display_name, name_fold, phone, "
                      "phone_last4, email, created_at, last_activity_at) "
                      "VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                      9);
    Prepared word(db, "word",
                  "INSERT INTO name_words VALUES ($1, $2, $3) ON CONFLICT DO "
                  "NOTHING",
                  3);
    Prepared contact(db, "contact",
                     "INSERT INTO contacts (id, customer_id, first_name, "
                     "last_name, phone, email, is_primary) VALUES ($1, $1, "
                     "$2, $3, $4, $5, 1)",
                     5);
    int64_t base = kNewIds + (op == "create_sync" ? 0 : 1000000);
    auto create = [&](size_t i) {
      NewCustomer n = NewCustomerFor(op, i);
      std::string id = std::to_string(base + static_cast<int64_t>(i));
      std::string display = n.first_name + " " + n.last_name;
      std::string fold = NameFold(display);
      std::string phone = PhoneDigits(n.phone), email = LowerAscii(n.email);
      // As custdb does in one transaction: the phone's owners are looked
      // up, then the customer, its words and its primary contact written.
      db.Exec("BEGIN");
      if (owner.Rows({phone}) != 0) {
        throw std::runtime_error("a new phone was found existing");
      }
      customer.Run({id, n.first_name, n.last_name, display, fold, phone,
                    phone.substr(6), email, std::to_string(NowMs())});
      for (const std::string& w : NameWords(display)) word.Run({w, fold, id});
      contact.Run({id, n.first_name, n.last_name, phone, email});
      db.Exec("COMMIT");
      return size_t{1};
    };
    TimeCreates(args.creates, report, create);
  } else if (op == "merge") {
    Prepared read(db, "read",
                  "SELECT display_name, name_fold, email, vip FROM customers "
                  "WHERE id = $1 FOR UPDATE",
                  1);
    Prepared contacts(db, "contacts",
                      "UPDATE contacts SET customer_id = $1, is_primary = 0 "
                      "WHERE customer_id = $2",
                      2);
    Prepared locations(db, "locations",
                       "UPDATE locations SET customer_id = $1 WHERE "
                       "customer_id = $2",
                       2);
    Prepared timeline(db, "timeline",
                      "UPDATE timeline SET customer_id = $1 WHERE "
                      "customer_id = $2",
                      2);
    Prepared words(db, "words",
                   "DELETE FROM name_words WHERE word = ANY(string_to_array("
                   "$2, ' ')) AND name_fold = $2 AND customer_id = $1",
                   2);
    Prepared remove(db, "remove", "DELETE FROM customers WHERE id = $1", 1);
    Prepared survivor(db, "survivor",
                      "UPDATE customers SET email = coalesce(email, $2), vip "
                      "= greatest(vip, $3::int), version = version + 1 WHERE "
                      "id = $1",
                      3);
    TimeCalls(ReadQueries(queries, "merge"), 0, report, [&](const Query& q) {
      std::string a = std::to_string(q.row), b = std::to_string(q.other);
      db.Exec("BEGIN");
      if (read.Rows({a}) != 1) throw std::runtime_error("no survivor");
      auto dup = read.Run({b});
      if (PQntuples(dup->result) != 1) throw std::runtime_error("no duplicate");
      std::string fold = PQgetvalue(dup->result, 0, 1);
      std::string email = PQgetvalue(dup->result, 0, 2);
      std::string vip = PQgetvalue(dup->result, 0, 3);
      contacts.Run({a, b});
      locations.Run({a, b});
      timeline.Run({a, b});
      words.Run({b, fold});
      remove.Run({b});
      survivor.Run({a, email, vip});
      db.Exec("COMMIT");
      return size_t{1};
    });
  } else {
    throw std::runtime_error("postgres: unknown op " + op);
  }
  ReportServer(args, report);
  return 0;
}

}  // namespace custdb::bench::side
