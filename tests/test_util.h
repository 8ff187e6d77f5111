// Helpers shared by the engine tests.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <string>

#include "custdb_generated.h"
#include "engine/schema/records.h"
#include "engine/storage/store.h"

namespace custdb::testing {

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("custdb-test-" + std::to_string(getpid()) + "-" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string sub(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<Store> OpenStore(const std::string& path,
                                        bool sync = false) {
  StoreOptions options;
  options.sync_commits = sync;
  auto store = Store::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  return std::move(*store);
}

inline std::string IndividualDraft(const std::string& first,
                                   const std::string& last,
                                   const std::string& phone,
                                   const std::string& email = "") {
  fb::CustomerDraftT d;
  d.kind = fb::CustomerKind::Individual;
  d.first_name = first;
  d.last_name = last;
  d.phone = phone;
  d.email = email;
  return PackRecord(d);
}

inline std::string CompanyDraft(const std::string& name,
                                const std::string& phone) {
  fb::CustomerDraftT d;
  d.kind = fb::CustomerKind::Company;
  d.company_name = name;
  d.phone = phone;
  return PackRecord(d);
}

// A string field's value; an absent field reads as empty.
inline std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

template <typename T>
const T* Root(const std::string& bytes) {
  return flatbuffers::GetRoot<T>(bytes.data());
}

}  // namespace custdb::testing
