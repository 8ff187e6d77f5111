// The C ABI of files: writers, lists, contents.
#include <memory>

#include "capi/shim.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

// A writer keeps its store's state alive, like a cursor, so that freeing
// it after the store was closed is safe.
struct custdb_file_writer {
  std::shared_ptr<StoreState> state;
  std::unique_ptr<custdb::FileWriter> writer;
};

namespace {

// Runs `body(writer)` holding the writer's store open.
template <typename Body>
int WithWriter(custdb_file_writer* writer, Body body) {
  if (writer == nullptr) return Invalid("writer: must not be NULL");
  std::shared_lock<std::shared_mutex> lock(writer->state->mutex);
  if (!writer->state->store) {
    return Fail(custdb::Status::Closed("writer: its store is closed"));
  }
  return body(*writer->writer);
}

}  // namespace

extern "C" {

int custdb_file_begin(custdb_file_writer** out, custdb_store* store,
                      uint64_t account_id, uint64_t customer_id,
                      const uint8_t* draft, size_t draft_size,
                      const custdb_file_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (!OptionsVersionOk(options, CUSTDB_FILE_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    uint64_t max_bytes = options == nullptr ? 0 : options->max_bytes;
    return WithInput<custdb::fb::FileDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::FileDraft& input) {
          auto writer =
              state.files->Begin(account_id, customer_id, input, max_bytes);
          if (!writer.ok()) return Fail(writer.status());
          *out = new custdb_file_writer{store->state, std::move(*writer)};
          return CUSTDB_OK;
        });
  });
}

int custdb_file_write(custdb_file_writer* writer, const uint8_t* data,
                      size_t size) {
  return Guard([&] {
    if (data == nullptr && size != 0) {
      return Invalid("data: must not be NULL when size is not 0");
    }
    return WithWriter(writer, [&](custdb::FileWriter& w) {
      return Done(
          w.Write(std::string_view(reinterpret_cast<const char*>(data), size)));
    });
  });
}

int custdb_file_commit(custdb_buffer** out, custdb_file_writer* writer) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    return WithWriter(writer, [&](custdb::FileWriter& w) {
      return EmitResult(out, w.Commit());
    });
  });
}

void custdb_file_writer_free(custdb_file_writer* writer) {
  if (writer == nullptr) return;
  try {
    std::shared_lock<std::shared_mutex> lock(writer->state->mutex);
    // With the store gone the writer cannot clean up; its marker stays,
    // and the next open removes what it wrote.
    if (!writer->state->store) writer->writer->Forget();
    writer->writer.reset();
  } catch (...) {
    // A failed cleanup leaves the marker, which the next open handles.
  }
  delete writer;
}

int custdb_file_get(custdb_buffer** out, custdb_store* store,
                    uint64_t account_id, uint64_t file_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.files->Get(account_id, file_id));
    });
  });
}

int custdb_file_list(custdb_cursor** out, custdb_store* store,
                     uint64_t account_id, uint64_t customer_id, int category,
                     const custdb_list_options* options) {
  return Guard([&] {
    if (category < 0 || category > CUSTDB_FILE_OTHER) {
      return Invalid("category: must be 0 (all) or a CUSTDB_FILE_* value");
    }
    auto wanted = static_cast<custdb::fb::FileCategory>(category);
    char category_byte = static_cast<char>(category);
    return OpenChildList(out, store, kListFiles, account_id, customer_id,
                         std::string_view(&category_byte, 1), options,
                         [&](StoreState& state) -> custdb::PageSource {
                           auto* files = state.files.get();
                           return [files, account_id, customer_id, wanted](
                                      const std::string& after, size_t limit) {
                             return files->List(account_id, customer_id, wanted,
                                                after, limit);
                           };
                         });
  });
}

int custdb_file_open_content(custdb_cursor** out, custdb_store* store,
                             uint64_t account_id, uint64_t file_id,
                             const custdb_list_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    return WithStore(store, [&](StoreState& state) {
      auto source = state.files->OpenContent(account_id, file_id);
      if (!source.ok()) return Fail(source.status());
      std::string query;
      custdb::keys::PutBigEndian64(&query, file_id);
      return OpenCursor(out, store, kListFileContent, account_id, query,
                        options, std::move(*source));
    });
  });
}

int custdb_file_delete(custdb_store* store, uint64_t account_id,
                       uint64_t file_id) {
  return Guard([&] {
    return WithStore(store, [&](StoreState& state) {
      return Done(state.files->Delete(account_id, file_id));
    });
  });
}

}  // extern "C"
