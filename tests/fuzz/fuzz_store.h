// The store a fuzz target at the C ABI writes to: one per process, in a
// fresh temporary directory, closed and removed when the process exits
// normally (a crash leaves it behind for a look).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "custdb.h"
#include "engine/storage/keys.h"
#include "engine/storage/resume_token.h"

namespace custdb::fuzz {

inline custdb_store*& StoreSlot() {
  static custdb_store* store = nullptr;
  return store;
}

inline std::string& StoreDir() {
  static std::string dir;
  return dir;
}

inline void CloseStore() {
  custdb_store_close(StoreSlot());
  StoreSlot() = nullptr;
  std::error_code ignored;
  std::filesystem::remove_all(StoreDir(), ignored);
}

// Opens the store on the first call; aborts when it cannot, since no input
// could then be tried. Commits are not synced: a fuzzer needs speed, and
// nothing here survives the process.
inline custdb_store* Store() {
  if (StoreSlot() != nullptr) return StoreSlot();
  std::string pattern =
      (std::filesystem::temp_directory_path() / "custdb-fuzz-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  StoreDir() = pattern;
  custdb_open_options options = CUSTDB_OPEN_OPTIONS_INIT;
  options.no_sync = 1;
  if (custdb_store_open(&StoreSlot(), (pattern + "/store").c_str(), &options) !=
      CUSTDB_OK) {
    std::abort();
  }
  std::atexit(CloseStore);
  return StoreSlot();
}

// A record made from JSON, for the customers and contacts the targets set
// up before the first input; aborts on failure.
inline custdb_buffer* RecordFromJson(const char* type_name, const char* json) {
  custdb_buffer* record = nullptr;
  if (custdb_record_from_json(&record, type_name, json,
                              std::char_traits<char>::length(json)) !=
      CUSTDB_OK) {
    std::abort();
  }
  return record;
}

// A real token with its position replaced, its header kept (version,
// list kind, account id, query hash) and its checksum made good.
inline std::string WithPosition(const std::string& token,
                                std::string_view position) {
  custdb::ResumePosition p;
  p.list_kind = static_cast<uint8_t>(token[1]);
  p.account_id = custdb::keys::GetBigEndian64(token.data() + 2);
  p.query_hash = custdb::keys::GetBigEndian64(token.data() + 10);
  p.position = std::string(position);
  return custdb::EncodeResumeToken(p);
}

}  // namespace custdb::fuzz
