// custdb through its C ABI, one operation a process.
#include <fcntl.h>
#include <flatbuffers/flatbuffers.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "bench/dataset.h"
#include "custdb.h"
#include "custdb_generated.h"
#include "process.h"
#include "side.h"

namespace custdb::bench::side {
namespace fs = std::filesystem;

namespace {

void Check(int rc, const char* call) {
  if (rc != CUSTDB_OK) {
    throw std::runtime_error(std::string(call) + ": " + custdb_last_error() +
                             " (" + custdb_error_name(rc) + ")");
  }
}

struct Buffer {
  custdb_buffer* buffer = nullptr;
  ~Buffer() { custdb_buffer_free(buffer); }
};

struct Cursor {
  custdb_cursor* cursor = nullptr;
  ~Cursor() { custdb_cursor_free(cursor); }
};

struct Store {
  custdb_store* store = nullptr;
  ~Store() { custdb_store_close(store); }
};

// The customer id of each row of flat.tsv, as the load wrote them: one
// little-endian uint64 a row, read where it is asked for, so that a child
// holds no table of a million ids.
class Ids {
 public:
  explicit Ids(const fs::path& path) : fd_(open(path.c_str(), O_RDONLY)) {
    if (fd_ < 0) throw std::runtime_error(path.string() + ": no ids file");
  }
  ~Ids() { close(fd_); }
  uint64_t Of(int64_t row) const {
    uint64_t id = 0;
    if (pread(fd_, &id, sizeof id, (row - 1) * sizeof id) != sizeof id) {
      throw std::runtime_error("no id for row " + std::to_string(row));
    }
    return id;
  }

 private:
  int fd_;
};

// Reads up to `limit` records of a cursor; returns how many.
size_t Drain(custdb_cursor* cursor, size_t limit) {
  size_t n = 0;
  while (n < limit) {
    custdb_buffer* row = nullptr;
    Check(custdb_cursor_next(&row, cursor), "custdb_cursor_next");
    if (row == nullptr) break;
    custdb_buffer_free(row);
    ++n;
  }
  return n;
}

// The first page of the customer list, searched for `query` (NULL: the
// default list).
size_t ListPage(custdb_store* store, const char* query) {
  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.query = query;
  Cursor cursor;
  Check(custdb_customer_list(&cursor.cursor, store, kAccount, &filter, nullptr),
        "custdb_customer_list");
  return Drain(cursor.cursor, kPage);
}

// Customers a custdb_customer_import call in the load, as custdb import
// sends them.
constexpr size_t kImportBatchRows = 500;

void Load(const ChildArgs& args, const fs::path& path, Report& report) {
  size_t count = 0;
  {
    Store store;
    custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
    open.no_sync = 1;  // a bulk load, like the peers' unsynchronized loads
    open.cache_bytes = args.cache_bytes;
    Check(custdb_store_open(&store.store, path.c_str(), &open),
          "custdb_store_open");
    auto start = std::chrono::steady_clock::now();
    LoadOptions batched;
    batched.batch_rows = kImportBatchRows;
    auto ids = LoadIntoCustdb(store.store, kAccount, args.data_dir, batched);
    report.Fact("seconds", std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - start)
                               .count());
    count = ids.size();
    // The ids in the order of flat.tsv, whose refs are those of
    // customers.tsv in the same order; only the first column is read, so
    // that the data set does not come into memory a second time.
    std::ifstream flat(fs::path(args.data_dir) / "flat.tsv");
    std::ofstream out(fs::path(args.work_dir) / "ids.bin", std::ios::binary);
    std::string line;
    std::getline(flat, line);  // the header
    while (std::getline(flat, line)) {
      uint64_t id = ids.at(line.substr(0, line.find('\t')));
      out.write(reinterpret_cast<const char*>(&id), sizeof id);
    }
    if (!flat.eof() || !out) throw std::runtime_error("cannot write ids.bin");
  }
  report.Fact("count", static_cast<double>(count));
  report.Fact("bytes", static_cast<double>(BytesOnDisk(path)));
  report.Note(
      "whole customers through LoadIntoCustdb (JSON to FlatBuffers "
      "on the host, then custdb_customer_import, 500 customers with "
      "their contacts and locations a call), no_sync");
}

// The ids file of a store loaded by an earlier run: a single-threaded
// load gives ids in the order of the file, so the store's customer ids in
// ascending order are the rows'.
void IdsOfKeptStore(custdb_store* store, const ChildArgs& args,
                    Report& report) {
  custdb_customer_list_options filter = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  filter.statuses =
      CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_INACTIVE | CUSTDB_STATUS_ARCHIVED;
  filter.sort = CUSTDB_SORT_CREATED;
  Cursor cursor;
  Check(custdb_customer_list(&cursor.cursor, store, kAccount, &filter, nullptr),
        "custdb_customer_list");
  std::vector<std::pair<uint64_t, std::string>> rows;
  for (;;) {
    custdb_buffer* row = nullptr;
    Check(custdb_cursor_next(&row, cursor.cursor), "custdb_cursor_next");
    if (row == nullptr) break;
    auto* r = flatbuffers::GetRoot<fb::CustomerRow>(custdb_buffer_data(row));
    rows.emplace_back(r->id(),
                      r->display_name() ? r->display_name()->str() : "");
    custdb_buffer_free(row);
  }
  std::sort(rows.begin(), rows.end());
  Dataset flat = ReadDataset(args.data_dir);
  if (rows.size() != flat.customers.size()) {
    throw std::runtime_error("the kept store holds " +
                             std::to_string(rows.size()) +
                             " customers, not the data set's " +
                             std::to_string(flat.customers.size()));
  }
  std::ofstream out(fs::path(args.work_dir) / "ids.bin", std::ios::binary);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = flat.customers[i];
    std::string name = row.kind == "Company" ? row.company_name
                       : row.last_name.empty()
                           ? row.first_name
                           : row.first_name + " " + row.last_name;
    if (NameFold(name) != NameFold(rows[i].second)) {
      throw std::runtime_error(
          "the kept store was not loaded from this "
          "data set: customer " +
          std::to_string(rows[i].first) + " has another name");
    }
    out.write(reinterpret_cast<const char*>(&rows[i].first), sizeof(uint64_t));
  }
  report.Fact("count", static_cast<double>(rows.size()));
}

std::string DraftBytes(const NewCustomer& c) {
  flatbuffers::FlatBufferBuilder builder;
  auto draft = fb::CreateCustomerDraftDirect(
      builder, fb::CustomerKind::Individual, c.first_name.c_str(),
      c.last_name.c_str(), nullptr, c.phone.c_str(), c.email.c_str());
  builder.Finish(draft);
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()),
          builder.GetSize()};
}

std::string TimelineDraft(int i) {
  flatbuffers::FlatBufferBuilder builder;
  std::string summary = "Reminder about visit " + std::to_string(i) +
                        ": the technician arrives between 9 and 11.";
  auto draft = fb::CreateTimelineEntryDraftDirect(
      builder, static_cast<fb::TimelineChannel>(1 + i % 4),
      i % 2 ? fb::Direction::Inbound : fb::Direction::Outbound,
      1700000000000LL + i * 3600000LL, 0, summary.c_str());
  builder.Finish(draft);
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()),
          builder.GetSize()};
}

}  // namespace

int RunCustdb(const ChildArgs& args, Report& report) {
  fs::path path = fs::path(args.work_dir) / "store";
  const std::string& op = args.op;
  if (op == "load") {
    Load(args, path, report);
    return 0;
  }

  Store store;
  custdb_open_options open = CUSTDB_OPEN_OPTIONS_INIT;
  open.cache_bytes = args.cache_bytes;
  // Synchronous commits (the default) except where the op says otherwise;
  // the timeline's entries are set up unsynchronized, only read timed.
  open.no_sync = op == "create_nosync" || op == "timeline_page";
  Check(custdb_store_open(&store.store, path.c_str(), &open),
        "custdb_store_open");
  if (op == "ids") {
    IdsOfKeptStore(store.store, args, report);
    return 0;
  }
  Ids ids(fs::path(args.work_dir) / "ids.bin");
  const std::string queries =
      fs::path(args.work_dir).parent_path() / "queries.tsv";
  custdb_store* s = store.store;

  if (op == "get_id") {
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report, [&](const Query& q) {
      Buffer record;
      Check(custdb_customer_get(&record.buffer, s, kAccount, ids.Of(q.row)),
            "custdb_customer_get");
      return size_t{1};
    });
  } else if (op == "get_phone" || op == "get_email") {
    bool phone = op == "get_phone";
    TimeCalls(
        ReadQueries(queries, phone ? "phone" : "email"), kWarmup, report,
        [&](const Query& q) {
          Cursor cursor;
          Check(phone
                    ? custdb_customer_find_by_phone(&cursor.cursor, s, kAccount,
                                                    q.text.c_str(), nullptr)
                    : custdb_customer_find_by_email(&cursor.cursor, s, kAccount,
                                                    q.text.c_str(), nullptr),
                "custdb_customer_find_by");
          return Drain(cursor.cursor, kPage);
        });
  } else if (op == "list_page") {
    TimeCalls(ReadQueries(queries, "id"), kWarmup, report,
              [&](const Query&) { return ListPage(s, nullptr); });
  } else if (op == "name_prefix" || op == "phone_last4") {
    TimeCalls(ReadQueries(queries, op == "name_prefix" ? "prefix" : "last4"),
              kWarmup, report,
              [&](const Query& q) { return ListPage(s, q.text.c_str()); });
  } else if (op == "duplicates") {
    TimeCalls(ReadQueries(queries, "dupe"), kWarmup, report,
              [&](const Query& q) {
                Buffer list;
                Check(custdb_customer_duplicates(&list.buffer, s, kAccount,
                                                 ids.Of(q.row), nullptr),
                      "custdb_customer_duplicates");
                auto* found = flatbuffers::GetRoot<fb::DuplicateList>(
                    custdb_buffer_data(list.buffer));
                uint64_t expected = ids.Of(q.other);
                bool hit = false;
                size_t n = 0;
                if (found->candidates() != nullptr) {
                  for (const auto* candidate : *found->candidates()) {
                    if (n++ == kTopK) break;
                    hit |= candidate->customer_id() == expected;
                  }
                }
                report.Hit(hit);
                return n;
              });
  } else if (op == "timeline_page") {
    std::vector<Query> customers = ReadQueries(queries, "timeline");
    for (const Query& q : customers) {
      for (int i = 0; i < args.timeline_entries; ++i) {
        std::string draft = TimelineDraft(i);
        Check(custdb_timeline_append(
                  nullptr, nullptr, s, kAccount, ids.Of(q.row),
                  reinterpret_cast<const uint8_t*>(draft.data()), draft.size()),
              "custdb_timeline_append");
      }
    }
    std::vector<Query> reads;
    while (reads.size() < 1000) {
      reads.insert(reads.end(), customers.begin(), customers.end());
    }
    TimeCalls(reads, kWarmup, report, [&](const Query& q) {
      Cursor cursor;
      Check(custdb_timeline_list(&cursor.cursor, s, kAccount, ids.Of(q.row),
                                 CUSTDB_CHANNEL_ALL, nullptr),
            "custdb_timeline_list");
      return Drain(cursor.cursor, kPage);
    });
  } else if (op == "create_sync" || op == "create_nosync") {
    auto create = [&](size_t i) {
      std::string draft = DraftBytes(NewCustomerFor(op, i));
      Buffer created;
      int existed = 0;
      Check(
          custdb_customer_create(&created.buffer, &existed, s, kAccount,
                                 reinterpret_cast<const uint8_t*>(draft.data()),
                                 draft.size(), nullptr),
          "custdb_customer_create");
      if (existed) throw std::runtime_error("a new phone was found existing");
      return size_t{1};
    };
    TimeCreates(args.creates, report, create);
    report.Fact("count", static_cast<double>(args.creates));
  } else if (op == "merge") {
    TimeCalls(ReadQueries(queries, "merge"), 0, report, [&](const Query& q) {
      Check(custdb_customer_merge(nullptr, s, kAccount, ids.Of(q.row),
                                  ids.Of(q.other), nullptr),
            "custdb_customer_merge");
      return size_t{1};
    });
  } else {
    throw std::runtime_error("custdb: unknown op " + op);
  }
  return 0;
}

}  // namespace custdb::bench::side
