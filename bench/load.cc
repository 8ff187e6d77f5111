// custdb-load: loads a generated data set into a fresh store and reports
// how fast, then checks the store's consistency.
//
// usage: custdb-load DATA_DIR STORE_DIR [--no-check] [--json-through-abi]
//                    [--batch=ROWS]
//
// STORE_DIR is removed first. --json-through-abi converts every line with
// custdb_record_from_json (see bench/dataset.h). --batch=ROWS loads ROWS
// customers a custdb_customer_import call. Commits do not wait for the
// disk (no_sync), as a bulk import would run.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>

#include <flatbuffers/flatbuffers.h>

#include "bench/dataset.h"
#include "custdb.h"
#include "custdb_generated.h"

int main(int argc, char** argv) {
  bool check = true;
  custdb::bench::LoadOptions load_options;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-check") == 0) {
      check = false;
    } else if (std::strcmp(argv[i], "--json-through-abi") == 0) {
      load_options.json_through_abi = true;
    } else if (std::strncmp(argv[i], "--batch=", 8) == 0) {
      load_options.batch_rows = std::strtoul(argv[i] + 8, nullptr, 10);
    } else {
      argc = 0;
    }
  }
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: custdb-load DATA_DIR STORE_DIR [--no-check] "
                 "[--json-through-abi] [--batch=ROWS]\n");
    return 2;
  }
  const std::string data_dir = argv[1];
  const std::string store_dir = argv[2];
  std::filesystem::remove_all(store_dir);

  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  options.no_sync = 1;
  custdb_store* store = nullptr;
  if (custdb_store_open(&store, store_dir.c_str(), &options) != CUSTDB_OK) {
    std::fprintf(stderr, "custdb-load: open: %s\n", custdb_last_error());
    return 1;
  }

  int status = 0;
  try {
    const auto start = std::chrono::steady_clock::now();
    const auto ids =
        custdb::bench::LoadIntoCustdb(store, 1, data_dir, load_options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::printf("loaded %zu customers in %.1f s: %.0f customers/s\n",
                ids.size(), seconds, ids.size() / seconds);

    if (check) {
      custdb_buffer* report = nullptr;
      if (custdb_store_check(&report, store) != CUSTDB_OK) {
        std::fprintf(stderr, "custdb-load: check: %s\n", custdb_last_error());
        status = 1;
      } else {
        const auto* r = flatbuffers::GetRoot<custdb::fb::CheckReport>(
            custdb_buffer_data(report));
        const size_t issues = r->issues() ? r->issues()->size() : 0;
        std::printf("check: %llu records, %llu index entries, %zu issues\n",
                    static_cast<unsigned long long>(r->records_checked()),
                    static_cast<unsigned long long>(r->index_entries_checked()),
                    issues);
        if (issues != 0) status = 1;
      }
      custdb_buffer_free(report);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custdb-load: %s\n", e.what());
    status = 1;
  }
  custdb_store_close(store);
  return status;
}
