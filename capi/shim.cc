// The C ABI's common calls: versions, errors, buffers, JSON, stores and
// cursors. No C++ exception leaves the shim.
#include "capi/shim.h"

#include <new>

#include "engine/schema/records.h"
#include "engine/storage/resume_token.h"

namespace custdb::shim {
namespace {

thread_local std::string last_error;

int CodeOf(Code code) {
  switch (code) {
    case Code::kOk:
      return CUSTDB_OK;
    case Code::kInvalidArgument:
      return CUSTDB_EINVAL;
    case Code::kNotFound:
      return CUSTDB_ENOTFOUND;
    case Code::kConflict:
      return CUSTDB_ECONFLICT;
    case Code::kInUse:
      return CUSTDB_EINUSE;
    case Code::kUnsupportedFormat:
      return CUSTDB_EFORMAT;
    case Code::kCorruption:
      return CUSTDB_ECORRUPT;
    case Code::kIo:
      return CUSTDB_EIO;
    case Code::kBusy:
      return CUSTDB_EBUSY;
    case Code::kClosed:
      return CUSTDB_ECLOSED;
    case Code::kInternal:
      return CUSTDB_EINTERNAL;
  }
  return CUSTDB_EINTERNAL;
}

constexpr size_t kCursorBatch = 64;

}  // namespace

void StoreState::Attach(std::unique_ptr<Store> opened) {
  store = std::move(opened);
  Store* s = store.get();
  customers = std::make_unique<Customers>(s);
  Customers* c = customers.get();
  contacts = std::make_unique<Contacts>(s, c);
  locations = std::make_unique<Locations>(s, c);
  tags = std::make_unique<Tags>(s, c);
  timeline = std::make_unique<Timeline>(s, c);
  notes = std::make_unique<Notes>(s, c);
  files = std::make_unique<Files>(s, c);
  links = std::make_unique<Links>(s, c);
  portal = std::make_unique<Portal>(s, c);
  duplicates = std::make_unique<Duplicates>(s, c);
  merger = std::make_unique<Merger>(s, c);
}

void StoreState::Detach() {
  merger.reset();
  duplicates.reset();
  portal.reset();
  links.reset();
  files.reset();
  notes.reset();
  timeline.reset();
  tags.reset();
  locations.reset();
  contacts.reset();
  customers.reset();
  store.reset();
}

int Fail(const Status& status) {
  last_error = status.message();
  return CodeOf(status.code());
}

int Invalid(const char* message) {
  return Fail(Status::InvalidArgument(message));
}

void ClearLastError() { last_error.clear(); }

const char* LastError() { return last_error.c_str(); }

int FailFromException(bool out_of_memory) {
  last_error = out_of_memory ? "out of memory" : "internal error";
  return out_of_memory ? CUSTDB_ENOMEM : CUSTDB_EINTERNAL;
}

int Emit(custdb_buffer** out, std::string bytes) {
  if (out != nullptr) *out = new custdb_buffer{std::move(bytes)};
  return CUSTDB_OK;
}

int UnknownOptionsVersion() {
  return Invalid("options.version: not a version this library knows");
}

bool ExpectedVersion(const custdb_update_options* options, uint64_t* out) {
  if (!OptionsVersionOk(options, CUSTDB_UPDATE_OPTIONS_VERSION)) return false;
  *out = options == nullptr ? 0 : options->expected_version;
  return true;
}

int OpenCursor(custdb_cursor** out, custdb_store* store, ListKind kind,
               uint64_t account_id, std::string_view query,
               const custdb_list_options* options, PageSource source) {
  uint64_t query_hash = store->state->store->QueryHash(query);
  std::string after;
  if (options != nullptr && options->resume_token != nullptr) {
    auto position = DecodeResumeToken(
        std::string_view(reinterpret_cast<const char*>(options->resume_token),
                         options->resume_token_size),
        kind, account_id, query_hash);
    if (!position.ok()) return Fail(position.status());
    after = std::move(position->position);
  } else if (options != nullptr && options->resume_token_size != 0) {
    return Invalid("resume_token: is NULL but its size is not 0");
  }
  auto cursor = std::make_unique<custdb_cursor>();
  cursor->state = store->state;
  cursor->list_kind = kind;
  cursor->account_id = account_id;
  cursor->query_hash = query_hash;
  cursor->source = std::move(source);
  cursor->fetched_after = after;
  cursor->returned_after = std::move(after);
  *out = cursor.release();
  return CUSTDB_OK;
}

}  // namespace custdb::shim

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

uint32_t custdb_version(void) { return CUSTDB_VERSION; }

const char* custdb_version_string(void) {
#define CUSTDB_STR2(x) #x
#define CUSTDB_STR(x) CUSTDB_STR2(x)
  return CUSTDB_STR(CUSTDB_VERSION_MAJOR) "." CUSTDB_STR(
      CUSTDB_VERSION_MINOR) "." CUSTDB_STR(CUSTDB_VERSION_PATCH);
#undef CUSTDB_STR
#undef CUSTDB_STR2
}

const char* custdb_last_error(void) { return LastError(); }

const char* custdb_error_name(int code) {
  switch (code) {
    case CUSTDB_OK:
      return "CUSTDB_OK";
    case CUSTDB_EINVAL:
      return "CUSTDB_EINVAL";
    case CUSTDB_ENOTFOUND:
      return "CUSTDB_ENOTFOUND";
    case CUSTDB_ECONFLICT:
      return "CUSTDB_ECONFLICT";
    case CUSTDB_EINUSE:
      return "CUSTDB_EINUSE";
    case CUSTDB_EFORMAT:
      return "CUSTDB_EFORMAT";
    case CUSTDB_ECORRUPT:
      return "CUSTDB_ECORRUPT";
    case CUSTDB_EIO:
      return "CUSTDB_EIO";
    case CUSTDB_EBUSY:
      return "CUSTDB_EBUSY";
    case CUSTDB_ECLOSED:
      return "CUSTDB_ECLOSED";
    case CUSTDB_ENOMEM:
      return "CUSTDB_ENOMEM";
    case CUSTDB_EINTERNAL:
      return "CUSTDB_EINTERNAL";
  }
  return "unknown";
}

const uint8_t* custdb_buffer_data(const custdb_buffer* buffer) {
  if (buffer == nullptr) return nullptr;
  return reinterpret_cast<const uint8_t*>(buffer->bytes.data());
}

size_t custdb_buffer_size(const custdb_buffer* buffer) {
  return buffer == nullptr ? 0 : buffer->bytes.size();
}

void custdb_buffer_free(custdb_buffer* buffer) { delete buffer; }

int custdb_record_from_json(custdb_buffer** out, const char* type_name,
                            const char* json, size_t json_size) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (type_name == nullptr) return Invalid("type_name: must not be NULL");
    if (json == nullptr) return Invalid("json: must not be NULL");
    return EmitResult(out, custdb::JsonToRecord(
                               type_name, std::string_view(json, json_size)));
  });
}

int custdb_record_to_json(custdb_buffer** out, const char* type_name,
                          const uint8_t* record, size_t record_size) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (type_name == nullptr) return Invalid("type_name: must not be NULL");
    if (record == nullptr) return Invalid("record: must not be NULL");
    return EmitResult(out,
                      custdb::RecordToJson(type_name, record, record_size));
  });
}

int custdb_store_open(custdb_store** out, const char* path,
                      const custdb_open_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (path == nullptr) return Invalid("path: must not be NULL");
    if (!OptionsVersionOk(options, CUSTDB_OPEN_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    custdb::StoreOptions store_options;
    if (options != nullptr) {  // every field below is in version 1
      store_options.sync_commits = options->no_sync == 0;
      if (options->cache_bytes != 0) {
        store_options.cache_bytes = options->cache_bytes;
      }
      if (options->log != nullptr) {
        custdb_log_fn log = options->log;
        void* context = options->log_context;
        store_options.log = [log, context](custdb::LogLevel level,
                                           std::string_view message) {
          std::string text(message);
          log(context, static_cast<int>(level), text.c_str());
        };
      }
    }
    auto store = custdb::Store::Open(path, store_options);
    if (!store.ok()) return Fail(store.status());
    auto state = std::make_shared<StoreState>();
    state->Attach(std::move(*store));
    // No writer can be running yet: every marker left is an earlier run's.
    auto recovered = state->files->RecoverPendingFiles();
    if (!recovered.ok()) return Fail(recovered.status());
    *out = new custdb_store{std::move(state)};
    return CUSTDB_OK;
  });
}

void custdb_store_close(custdb_store* store) {
  if (store == nullptr) return;
  {
    std::unique_lock<std::shared_mutex> lock(store->state->mutex);
    store->state->Detach();
  }
  delete store;
}

int custdb_store_check(custdb_buffer** out, custdb_store* store) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, custdb::CheckStore(state.store.get()));
    });
  });
}

int custdb_store_backup(custdb_store* store, const char* dir) {
  return Guard([&] {
    if (dir == nullptr) return Invalid("dir: must not be NULL");
    return WithStore(store, [&](StoreState& state) {
      custdb::Status s = state.store->Backup(dir);
      return s.ok() ? CUSTDB_OK : Fail(s);
    });
  });
}

int custdb_cursor_next(custdb_buffer** out, custdb_cursor* cursor) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (cursor == nullptr) return Invalid("cursor: must not be NULL");
    std::shared_lock<std::shared_mutex> lock(cursor->state->mutex);
    if (!cursor->state->store) {
      return Fail(custdb::Status::Closed("cursor: its store is closed"));
    }
    // A page may come back empty but not done when every entry it read
    // was skipped; read on until an item or the end.
    while (cursor->pending.empty() && !cursor->exhausted) {
      auto page = cursor->source(cursor->fetched_after, kCursorBatch);
      if (!page.ok()) return Fail(page.status());
      for (auto& item : page->items) cursor->pending.push_back(std::move(item));
      cursor->fetched_after = std::move(page->last_position);
      cursor->exhausted = page->done;
    }
    if (cursor->pending.empty()) return CUSTDB_OK;
    custdb::PageItem item = std::move(cursor->pending.front());
    cursor->pending.pop_front();
    cursor->returned_after = std::move(item.position);
    return Emit(out, std::move(item.record));
  });
}

int custdb_cursor_token(custdb_buffer** out, custdb_cursor* cursor) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (cursor == nullptr) return Invalid("cursor: must not be NULL");
    std::shared_lock<std::shared_mutex> lock(cursor->state->mutex);
    if (!cursor->state->store) {
      return Fail(custdb::Status::Closed("cursor: its store is closed"));
    }
    custdb::ResumePosition p;
    p.list_kind = cursor->list_kind;
    p.account_id = cursor->account_id;
    p.query_hash = cursor->query_hash;
    p.position = cursor->returned_after;
    return Emit(out, custdb::EncodeResumeToken(p));
  });
}

void custdb_cursor_free(custdb_cursor* cursor) { delete cursor; }

}  // extern "C"
