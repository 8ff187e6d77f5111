// custdb-bench-list: the customer list (custdb_customer_list) on a store
// of generated customers, with and without filters, in time per page and
// as a ratio to the unfiltered first page.
//
// usage: custdb-bench-list STORE_DIR [CUSTOMERS]
//
// STORE_DIR is removed first. Every 3rd customer carries the tag
// "common", every 200th "rare", ten of them "tiny"; every 50th is a VIP.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "custdb.h"
#include "custdb_generated.h"

namespace {

namespace fb = custdb::fb;

void Die(const char* what) {
  std::fprintf(stderr, "custdb-bench-list: %s: %s\n", what,
               custdb_last_error());
  std::exit(1);
}

template <typename T>
std::string Pack(const T& object) {
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(T::TableType::Pack(builder, &object));
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                     builder.GetSize());
}

uint64_t CreateTag(custdb_store* store, const char* name) {
  fb::TagDraftT d;
  d.name = name;
  std::string bytes = Pack(d);
  custdb_buffer* out = nullptr;
  int existed = 0;
  if (custdb_tag_create(&out, &existed, store, 1,
                        reinterpret_cast<const uint8_t*>(bytes.data()),
                        bytes.size()) != CUSTDB_OK) {
    Die("tag");
  }
  uint64_t id = flatbuffers::GetRoot<fb::Tag>(custdb_buffer_data(out))->id();
  custdb_buffer_free(out);
  return id;
}

// Reads `pages` pages of 50 rows (0: every page); returns the rows read.
size_t Read(custdb_store* store, const custdb_customer_list_options* filter,
            int pages) {
  custdb_cursor* cursor = nullptr;
  if (custdb_customer_list(&cursor, store, 1, filter, nullptr) != CUSTDB_OK) {
    Die("list");
  }
  size_t rows = 0;
  for (;;) {
    custdb_buffer* row = nullptr;
    if (custdb_cursor_next(&row, cursor) != CUSTDB_OK) Die("next");
    if (row == nullptr) break;
    custdb_buffer_free(row);
    if (++rows == static_cast<size_t>(pages) * 50) break;
  }
  custdb_cursor_free(cursor);
  return rows;
}

// The median time of a few runs, in microseconds.
double Time(custdb_store* store, const custdb_customer_list_options* filter,
            int pages, size_t* rows) {
  std::vector<double> runs;
  for (int i = 0; i < 7; ++i) {
    auto start = std::chrono::steady_clock::now();
    *rows = Read(store, filter, pages);
    runs.push_back(std::chrono::duration<double, std::micro>(
                       std::chrono::steady_clock::now() - start)
                       .count());
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: custdb-bench-list STORE_DIR [CUSTOMERS]\n");
    return 2;
  }
  int customers = argc > 2 ? std::atoi(argv[2]) : 50000;
  std::filesystem::remove_all(argv[1]);
  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  options.no_sync = 1;
  custdb_store* store = nullptr;
  if (custdb_store_open(&store, argv[1], &options) != CUSTDB_OK) Die("open");
  uint64_t common = CreateTag(store, "common");
  uint64_t rare = CreateTag(store, "rare");
  uint64_t tiny = CreateTag(store, "tiny");

  const char* firsts[] = {"Ann",  "Bob", "Cara", "Dev", "Eli", "Fay", "Gus",
                          "Hana", "Ivo", "Jo",   "Kai", "Lea", "Max", "Nia"};
  const char* lasts[] = {"Lee",    "Smith", "Garcia", "Nguyen", "Brown",
                         "Okafor", "Rossi", "Kim",    "Novak",  "Silva"};
  auto load_start = std::chrono::steady_clock::now();
  for (int i = 0; i < customers; ++i) {
    fb::CustomerDraftT d;
    d.kind = fb::CustomerKind::Individual;
    d.first_name = firsts[i % 14];
    d.last_name = std::string(lasts[(i / 14) % 10]) + std::to_string(i);
    d.phone = "415" + std::to_string(2000000 + i);
    d.vip = i % 50 == 0;
    std::string bytes = Pack(d);
    custdb_buffer* out = nullptr;
    custdb_create_options create = CUSTDB_CREATE_OPTIONS_INIT;
    create.allow_duplicate_phone = 1;
    if (custdb_customer_create(&out, nullptr, store, 1,
                               reinterpret_cast<const uint8_t*>(bytes.data()),
                               bytes.size(), &create) != CUSTDB_OK) {
      Die("create");
    }
    uint64_t id =
        flatbuffers::GetRoot<fb::Customer>(custdb_buffer_data(out))->id();
    custdb_buffer_free(out);
    auto tag = [&](uint64_t t) {
      if (custdb_customer_tag(nullptr, store, 1, id, t) != CUSTDB_OK) {
        Die("tag a customer");
      }
    };
    if (i % 3 == 0) tag(common);
    if (i % 200 == 0) tag(rare);
    if (i < 10) tag(tiny);
  }
  std::printf("loaded %d customers in %.1f s\n", customers,
              std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            load_start)
                  .count());

  struct Case {
    const char* name;
    custdb_customer_list_options filter;
    int pages;
  };
  auto with_tag = [](const uint64_t* t) {
    custdb_customer_list_options f = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
    f.tag_ids = t;
    f.tag_count = 1;
    return f;
  };
  custdb_customer_list_options by_name = CUSTDB_CUSTOMER_LIST_OPTIONS_INIT;
  custdb_customer_list_options by_activity = by_name;
  by_activity.sort = CUSTDB_SORT_LAST_ACTIVITY;
  custdb_customer_list_options vip = by_name;
  vip.vip = CUSTDB_FLAG_ONLY;
  uint64_t both[] = {common, rare};
  custdb_customer_list_options two_tags = by_name;
  two_tags.tag_ids = both;
  two_tags.tag_count = 2;
  const Case cases[] = {
      {"first page, by name", by_name, 1},
      {"first page, by last activity", by_activity, 1},
      {"first page, vip (1 in 50)", vip, 1},
      {"first page, tag on 1 in 3", with_tag(&common), 1},
      {"first page, tag on 1 in 200", with_tag(&rare), 1},
      {"first page, tag on 10 customers", with_tag(&tiny), 1},
      {"first page, both of 1 in 3 and 1 in 200", two_tags, 1},
      {"every page, tag on 1 in 200", with_tag(&rare), 0},
      {"every page, by name", by_name, 0},
  };
  double base = 0;
  for (const auto& c : cases) {
    size_t rows = 0;
    double us = Time(store, &c.filter, c.pages, &rows);
    if (base == 0) base = us;
    std::printf("%-42s %7zu rows %10.0f us %8.1fx\n", c.name, rows, us,
                us / base);
  }
  custdb_store_close(store);
  return 0;
}
