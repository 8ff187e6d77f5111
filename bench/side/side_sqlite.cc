// SQLite with its best schema for each operation: B-tree indexes on
// phone, email, the folded name and the last four digits, a table of name
// words for prefixes, an external-content FTS5 trigram table for fuzzy
// names, WAL. One operation a process, on one database file.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "process.h"
#include "side.h"
#include "sqlite_db.h"

namespace custdb::bench::side {
namespace fs = std::filesystem;

namespace {

// The cache every system is given where it has one: custdb's default.
constexpr int kCacheKiB = 64 << 10;

// Ids of rows the operations create, above every loaded one.
constexpr int64_t kNewIds = int64_t{1} << 40;

const char* kSchema[] = {
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
    "first_name TEXT, last_name TEXT, company_name TEXT, display_name TEXT "
    "NOT NULL, name_fold TEXT NOT NULL, phone TEXT NOT NULL, phone_last4 "
    "TEXT NOT NULL, email TEXT, status INTEGER NOT NULL DEFAULT 0, vip "
    "INTEGER NOT NULL DEFAULT 0, do_not_contact INTEGER NOT NULL DEFAULT 0, "
    "created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, version "
    "INTEGER NOT NULL DEFAULT 1)",
    "CREATE TABLE contacts (id INTEGER PRIMARY KEY, customer_id INTEGER NOT "
    "NULL, first_name TEXT, last_name TEXT, phone TEXT, email TEXT, "
    "is_primary INTEGER NOT NULL)",
    "CREATE TABLE locations (id INTEGER PRIMARY KEY, customer_id INTEGER NOT "
    "NULL, kind INTEGER, address_line1 TEXT, address_line2 TEXT, city TEXT, "
    "state TEXT, zip TEXT)",
    "CREATE TABLE name_words (word TEXT NOT NULL, name_fold TEXT NOT NULL, "
    "customer_id INTEGER NOT NULL, PRIMARY KEY (word, name_fold, "
    "customer_id)) WITHOUT ROWID",
    "CREATE TABLE timeline (id INTEGER PRIMARY KEY, customer_id INTEGER NOT "
    "NULL, occurred_at INTEGER NOT NULL, channel INTEGER NOT NULL, direction "
    "INTEGER NOT NULL, summary TEXT)",
    "CREATE VIRTUAL TABLE customer_names USING fts5(display_name, "
    "content='customers', content_rowid='id', tokenize='trigram')",
};

const char* kIndexes[] = {
    "CREATE INDEX customers_by_phone ON customers (phone)",
    "CREATE INDEX customers_by_email ON customers (email)",
    "CREATE INDEX customers_by_name ON customers (name_fold, id)",
    "CREATE INDEX customers_by_last4 ON customers (phone_last4)",
    "CREATE INDEX contacts_by_customer ON contacts (customer_id)",
    "CREATE INDEX contacts_by_phone ON contacts (phone)",
    "CREATE INDEX contacts_by_email ON contacts (email)",
    "CREATE INDEX locations_by_customer ON locations (customer_id)",
    "CREATE INDEX timeline_by_customer ON timeline (customer_id, "
    "occurred_at DESC, id DESC)",
};

void BindText(Statement& s, int i, const std::string& text) {
  sqlite3_bind_text(s.get(), i, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void BindOptional(Statement& s, int i, const std::string& text) {
  if (text.empty()) {
    sqlite3_bind_null(s.get(), i);
  } else {
    BindText(s, i, text);
  }
}

void Run(Statement& s) {
  while (s.Step()) {
  }
  s.Reset();
}

// Steps through every row, reading every column as the host would.
size_t ReadRows(Statement& s) {
  size_t rows = 0;
  while (s.Step()) {
    int columns = sqlite3_column_count(s.get());
    for (int c = 0; c < columns; ++c) sqlite3_column_text(s.get(), c);
    ++rows;
  }
  s.Reset();
  return rows;
}

std::string Last4(const std::string& phone) {
  return phone.size() == 10 ? phone.substr(6) : "";
}

// Inserts a customer, its name words and its FTS5 row, with `now` as its
// times; not its contacts.
class CustomerWriter {
 public:
  explicit CustomerWriter(Database& db)
      : customer_(db,
                  "INSERT INTO customers (id, kind, first_name, last_name, "
                  "company_name, display_name, name_fold, phone, "
                  "phone_last4, email, created_at, last_activity_at) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        word_(db, "INSERT OR IGNORE INTO name_words VALUES (?, ?, ?)"),
        names_(db,
               "INSERT INTO customer_names (rowid, display_name) VALUES (?, "
               "?)"),
        contact_(db,
                 "INSERT INTO contacts (id, customer_id, first_name, "
                 "last_name, phone, email, is_primary) VALUES (?, ?, ?, ?, "
                 "?, ?, ?)") {}

  void Customer(const PeerCustomer& c, int64_t now, bool fts) {
    sqlite3_bind_int64(customer_.get(), 1, c.id);
    sqlite3_bind_int(customer_.get(), 2, c.company ? 2 : 1);
    BindOptional(customer_, 3, c.first_name);
    BindOptional(customer_, 4, c.last_name);
    BindOptional(customer_, 5, c.company_name);
    BindText(customer_, 6, c.display_name);
    BindText(customer_, 7, c.name_fold);
    BindText(customer_, 8, c.phone);
    BindText(customer_, 9, Last4(c.phone));
    BindOptional(customer_, 10, c.email);
    sqlite3_bind_int64(customer_.get(), 11, now);
    sqlite3_bind_int64(customer_.get(), 12, now);
    Run(customer_);
    for (const std::string& w : NameWords(c.display_name)) {
      BindText(word_, 1, w);
      BindText(word_, 2, c.name_fold);
      sqlite3_bind_int64(word_.get(), 3, c.id);
      Run(word_);
    }
    if (fts) {
      sqlite3_bind_int64(names_.get(), 1, c.id);
      BindText(names_, 2, c.display_name);
      Run(names_);
    }
  }

  void Contact(int64_t id, int64_t customer, const PeerContact& c) {
    sqlite3_bind_int64(contact_.get(), 1, id);
    sqlite3_bind_int64(contact_.get(), 2, customer);
    BindOptional(contact_, 3, c.first_name);
    BindOptional(contact_, 4, c.last_name);
    BindOptional(contact_, 5, c.phone);
    BindOptional(contact_, 6, c.email);
    sqlite3_bind_int(contact_.get(), 7, c.primary ? 1 : 0);
    Run(contact_);
  }

 private:
  Statement customer_, word_, names_, contact_;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Load(const ChildArgs& args, Database& db, const fs::path& dir,
          Report& report) {
  auto start = std::chrono::steady_clock::now();
  db.Exec("PRAGMA journal_mode=WAL");
  db.Exec("PRAGMA synchronous=OFF");
  for (const char* sql : kSchema) db.Exec(sql);
  size_t count = 0;
  int64_t contact_id = 0, location_id = 0;
  db.Exec("BEGIN");
  {
    CustomerWriter writer(db);
    Statement location(db,
                       "INSERT INTO locations (id, customer_id, kind, "
                       "address_line1, address_line2, city, state, zip) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    CustomerReader reader(args.data_dir);
    PeerCustomer c;
    int64_t now = NowMs();
    while (reader.Next(&c)) {
      writer.Customer(c, now, false);
      for (const PeerContact& contact : c.contacts) {
        writer.Contact(++contact_id, c.id, contact);
      }
      for (const PeerLocation& l : c.locations) {
        sqlite3_bind_int64(location.get(), 1, ++location_id);
        sqlite3_bind_int64(location.get(), 2, c.id);
        sqlite3_bind_int(location.get(), 3, l.kind);
        BindText(location, 4, l.line1);
        BindOptional(location, 5, l.line2);
        BindText(location, 6, l.city);
        BindText(location, 7, l.state);
        BindText(location, 8, l.zip);
        Run(location);
      }
      ++count;
    }
  }
  // The indexes are built after the rows, SQLite's fastest way to load.
  for (const char* sql : kIndexes) db.Exec(sql);
  db.Exec("INSERT INTO customer_names (customer_names) VALUES ('rebuild')");
  db.Exec("COMMIT");
  db.Exec("ANALYZE");
  db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  report.Fact("seconds", std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count());
  report.Fact("count", static_cast<double>(count));
  report.Fact("bytes", static_cast<double>(BytesOnDisk(dir)));
  report.Note(
      "one transaction of inserts, indexes and the FTS5 table built "
      "after the rows, synchronous=OFF");
}

}  // namespace

int RunSqlite(const ChildArgs& args, Report& report) {
  fs::path dir = args.work_dir;
  const std::string& op = args.op;
  const std::string queries = dir.parent_path() / "queries.tsv";
  Database db(dir / "customers.db");
  db.Exec("PRAGMA cache_size=-" + std::to_string(kCacheKiB));
  if (op == "load") {
    Load(args, db, dir, report);
    return 0;
  }
  db.Exec("PRAGMA journal_mode=WAL");
  // FULL: a commit waits until the WAL is on disk; OFF: it does not wait.
  db.Exec(op == "create_nosync" || op == "timeline_page"
              ? "PRAGMA synchronous=OFF"
              : "PRAGMA synchronous=FULL");

  const char* kRow =
      "SELECT id, display_name, kind, phone, status, last_activity_at, vip, "
      "do_not_contact FROM customers ";
  if (op == "get_id") {
    Statement get(db, "SELECT * FROM customers WHERE id = ?");
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report, [&](const Query& q) {
      sqlite3_bind_int64(get.get(), 1, q.row);
      return ReadRows(get);
    });
  } else if (op == "get_phone" || op == "get_email") {
    bool phone = op == "get_phone";
    std::string column = phone ? "phone" : "email";
    Statement find(db,
                   "SELECT * FROM customers WHERE id IN (SELECT id FROM "
                   "customers WHERE " +
                       column +
                       " = ?1 UNION SELECT customer_id FROM contacts "
                       "WHERE " +
                       column + " = ?1) ORDER BY id LIMIT 50");
    TimeCalls(ReadQueries(queries, phone ? "phone" : "email"), kWarmup, report,
              [&](const Query& q) {
                BindText(find, 1,
                         phone ? PhoneDigits(q.text) : LowerAscii(q.text));
                return ReadRows(find);
              });
  } else if (op == "list_page") {
    Statement list(db, std::string(kRow) +
                           "WHERE status IN (0, 1) ORDER BY name_fold, id "
                           "LIMIT 50");
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report,
              [&](const Query&) { return ReadRows(list); });
  } else if (op == "name_prefix") {
    Statement prefix(
        db,
        "SELECT c.id, c.display_name, c.kind, c.phone, c.status, "
        "c.last_activity_at, c.vip, c.do_not_contact FROM name_words w JOIN "
        "customers c ON c.id = w.customer_id WHERE w.word >= ?1 AND w.word < "
        "?2 AND c.status IN (0, 1) ORDER BY w.word, w.name_fold, "
        "w.customer_id LIMIT 50");
    TimeCalls(ReadQueries(queries, "prefix"), kWarmup, report,
              [&](const Query& q) {
                std::string end = q.text;
                end.back() = static_cast<char>(end.back() + 1);
                BindText(prefix, 1, q.text);
                BindText(prefix, 2, end);
                return ReadRows(prefix);
              });
  } else if (op == "phone_last4") {
    Statement last4(db, std::string(kRow) +
                            "WHERE phone_last4 = ?1 AND status IN (0, 1) "
                            "ORDER BY id LIMIT 50");
    TimeCalls(ReadQueries(queries, "last4"), kWarmup, report,
              [&](const Query& q) {
                BindText(last4, 1, q.text);
                return ReadRows(last4);
              });
  } else if (op == "duplicates") {
    Statement dupes(db,
                    "SELECT rowid FROM customer_names WHERE customer_names "
                    "MATCH ?1 AND rowid <> ?2 ORDER BY rank LIMIT 10");
    TimeCalls(ReadQueries(queries, "dupe"), kWarmup, report,
              [&](const Query& q) {
                std::string match = TrigramOrQuery(q.text);
                bool hit = false;
                size_t n = 0;
                if (!match.empty()) {
                  BindText(dupes, 1, match);
                  sqlite3_bind_int64(dupes.get(), 2, q.row);
                  while (dupes.Step()) {
                    hit |= sqlite3_column_int64(dupes.get(), 0) == q.other;
                    ++n;
                  }
                  dupes.Reset();
                }
                report.Hit(hit);
                return n;
              });
  } else if (op == "timeline_page") {
    std::vector<Query> customers = ReadQueries(queries, "timeline");
    {
      db.Exec("BEGIN");
      Statement append(db,
                       "INSERT INTO timeline (customer_id, occurred_at, "
                       "channel, direction, summary) VALUES (?, ?, ?, ?, ?)");
      Statement touch(db,
                      "UPDATE customers SET last_activity_at = "
                      "max(last_activity_at, ?2) WHERE id = ?1");
      for (const Query& q : customers) {
        for (int i = 0; i < args.timeline_entries; ++i) {
          int64_t at = 1700000000000LL + i * 3600000LL;
          sqlite3_bind_int64(append.get(), 1, q.row);
          sqlite3_bind_int64(append.get(), 2, at);
          sqlite3_bind_int(append.get(), 3, 1 + i % 4);
          sqlite3_bind_int(append.get(), 4, i % 2 ? 1 : 2);
          BindText(append, 5,
                   "Reminder about visit " + std::to_string(i) +
                       ": the technician arrives between 9 and 11.");
          Run(append);
          sqlite3_bind_int64(touch.get(), 1, q.row);
          sqlite3_bind_int64(touch.get(), 2, at);
          Run(touch);
        }
      }
      db.Exec("COMMIT");
    }
    std::vector<Query> reads;
    while (reads.size() < 1000) {
      reads.insert(reads.end(), customers.begin(), customers.end());
    }
    Statement page(db,
                   "SELECT id, occurred_at, channel, direction, summary FROM "
                   "timeline WHERE customer_id = ? ORDER BY occurred_at DESC, "
                   "id DESC LIMIT 50");
    TimeCalls(reads, kWarmup, report, [&](const Query& q) {
      sqlite3_bind_int64(page.get(), 1, q.row);
      return ReadRows(page);
    });
  } else if (op == "create_sync" || op == "create_nosync") {
    CustomerWriter writer(db);
    Statement owner(db, "SELECT id FROM customers WHERE phone = ?");
    int64_t base = kNewIds + (op == "create_sync" ? 0 : 1000000);
    auto create = [&](size_t i) {
      NewCustomer n = NewCustomerFor(op, i);
      PeerCustomer c;
      c.id = base + static_cast<int64_t>(i);
      c.first_name = n.first_name;
      c.last_name = n.last_name;
      c.display_name = n.first_name + " " + n.last_name;
      c.name_fold = NameFold(c.display_name);
      c.phone = PhoneDigits(n.phone);
      c.email = LowerAscii(n.email);
      // The same transaction as custdb's: the phone's owners are looked
      // up first, then the customer, its words, its FTS5 row and its
      // primary contact are written.
      db.Exec("BEGIN IMMEDIATE");
      BindText(owner, 1, c.phone);
      if (ReadRows(owner) != 0) {
        throw std::runtime_error("a new phone was found existing");
      }
      writer.Customer(c, NowMs(), true);
      writer.Contact(c.id, c.id,
                     {c.first_name, c.last_name, c.phone, c.email, true});
      db.Exec("COMMIT");
      return size_t{1};
    };
    TimeCreates(args.creates, report, create);
  } else if (op == "merge") {
    Statement read(db,
                   "SELECT display_name, name_fold, email, vip FROM customers "
                   "WHERE id = ?");
    Statement contacts(db,
                       "UPDATE contacts SET customer_id = ?1, is_primary = 0 "
                       "WHERE customer_id = ?2");
    Statement locations(db,
                        "UPDATE locations SET customer_id = ?1 WHERE "
                        "customer_id = ?2");
    Statement timeline(db,
                       "UPDATE timeline SET customer_id = ?1 WHERE "
                       "customer_id = ?2");
    Statement word(db,
                   "DELETE FROM name_words WHERE word = ? AND name_fold = ? "
                   "AND customer_id = ?");
    Statement unname(db,
                     "INSERT INTO customer_names (customer_names, rowid, "
                     "display_name) VALUES ('delete', ?, ?)");
    Statement remove(db, "DELETE FROM customers WHERE id = ?");
    Statement survivor(db,
                       "UPDATE customers SET email = coalesce(email, ?2), vip "
                       "= max(vip, ?3), version = version + 1 WHERE id = ?1");
    TimeCalls(ReadQueries(queries, "merge"), 0, report, [&](const Query& q) {
      db.Exec("BEGIN IMMEDIATE");
      sqlite3_bind_int64(read.get(), 1, q.row);
      if (ReadRows(read) != 1) throw std::runtime_error("no survivor");
      sqlite3_bind_int64(read.get(), 1, q.other);
      if (!read.Step()) throw std::runtime_error("no duplicate");
      auto text = [&](int column) {
        const unsigned char* t = sqlite3_column_text(read.get(), column);
        return t ? std::string(reinterpret_cast<const char*>(t)) : "";
      };
      std::string name = text(0), fold = text(1), email = text(2);
      int vip = sqlite3_column_int(read.get(), 3);
      read.Reset();
      for (Statement* move : {&contacts, &locations, &timeline}) {
        sqlite3_bind_int64(move->get(), 1, q.row);
        sqlite3_bind_int64(move->get(), 2, q.other);
        Run(*move);
      }
      for (const std::string& w : NameWords(name)) {
        BindText(word, 1, w);
        BindText(word, 2, fold);
        sqlite3_bind_int64(word.get(), 3, q.other);
        Run(word);
      }
      sqlite3_bind_int64(unname.get(), 1, q.other);
      BindText(unname, 2, name);
      Run(unname);
      sqlite3_bind_int64(remove.get(), 1, q.other);
      Run(remove);
      sqlite3_bind_int64(survivor.get(), 1, q.row);
      BindOptional(survivor, 2, email);
      sqlite3_bind_int(survivor.get(), 3, vip);
      Run(survivor);
      db.Exec("COMMIT");
      return size_t{1};
    });
  } else {
    throw std::runtime_error("sqlite: unknown op " + op);
  }
  return 0;
}

}  // namespace custdb::bench::side
