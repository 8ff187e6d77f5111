// The C ABI over the engine: argument checks, ownership, error codes and
// the per-thread message. No C++ exception leaves this file.
#include "capi/custdb.h"

#include <cstring>
#include <deque>
#include <memory>
#include <new>
#include <shared_mutex>
#include <string>

#include "engine/customers/customers.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/resume_token.h"
#include "engine/storage/store.h"

using custdb::Code;
using custdb::Status;

struct custdb_buffer {
  std::string bytes;
};

namespace {

thread_local std::string last_error;

// The state a store handle and its cursors share. Calls hold `mutex`
// shared; closing holds it exclusively, so it waits for running calls,
// and leaves `store` empty for the cursors that outlive the handle.
struct StoreState {
  std::shared_mutex mutex;
  std::unique_ptr<custdb::Store> store;
  std::unique_ptr<custdb::Customers> customers;
};

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

int Fail(const Status& status) {
  last_error = status.message();
  return CodeOf(status.code());
}

int Invalid(const char* message) {
  return Fail(Status::InvalidArgument(message));
}

// Runs `body` with the last error cleared, turning any escaping exception
// into an error code.
template <typename Body>
int Guard(Body body) noexcept {
  try {
    last_error.clear();
    return body();
  } catch (const std::bad_alloc&) {
    last_error = "out of memory";
    return CUSTDB_ENOMEM;
  } catch (const std::exception&) {
    last_error = "internal error";
    return CUSTDB_EINTERNAL;
  } catch (...) {
    last_error = "internal error";
    return CUSTDB_EINTERNAL;
  }
}

int Emit(custdb_buffer** out, std::string bytes) {
  if (out != nullptr) *out = new custdb_buffer{std::move(bytes)};
  return CUSTDB_OK;
}

template <typename T>
int EmitResult(custdb_buffer** out, custdb::Result<T> result) {
  if (!result.ok()) return Fail(result.status());
  return Emit(out, std::move(*result));
}

// Checks an options struct's version; a NULL struct is the defaults.
template <typename Options>
bool OptionsVersionOk(const Options* options, uint32_t latest) {
  return options == nullptr ||
         (options->version >= 1 && options->version <= latest);
}

}  // namespace

struct custdb_store {
  std::shared_ptr<StoreState> state;
};

// A cursor over an exact index (phone or email lookups).
struct custdb_cursor {
  std::shared_ptr<StoreState> state;
  uint8_t list_kind = 0;
  custdb::Lookup lookup = custdb::Lookup::kPhone;
  uint64_t account_id = 0;
  std::string key;
  uint64_t fetched_after = 0;   // position of the last record fetched
  uint64_t returned_after = 0;  // position of the last record returned
  bool exhausted = false;
  std::deque<std::pair<uint64_t, std::string>> pending;
};

namespace {

constexpr size_t kCursorBatch = 64;

// Runs `body(customers, store)` holding the store open; `store` may not be
// NULL.
template <typename Body>
int WithStore(custdb_store* store, Body body) {
  if (store == nullptr) return Invalid("store: must not be NULL");
  std::shared_lock<std::shared_mutex> lock(store->state->mutex);
  if (!store->state->store) return Fail(Status::Closed("store: is closed"));
  return body(*store->state->customers, *store->state->store);
}

custdb::Result<uint64_t> DecodeLookupPosition(
    const custdb_list_options* options, uint8_t list_kind, uint64_t account,
    uint64_t query_hash) {
  if (options == nullptr || options->resume_token == nullptr) {
    if (options != nullptr && options->resume_token_size != 0) {
      return Status::InvalidArgument(
          "resume_token: is NULL but its size is not 0");
    }
    return uint64_t{0};
  }
  auto position = custdb::DecodeResumeToken(
      std::string_view(reinterpret_cast<const char*>(options->resume_token),
                       options->resume_token_size),
      list_kind, account, query_hash);
  if (!position.ok()) return position.status();
  if (position->position.size() != 8) {
    return Status::InvalidArgument("resume_token: is damaged");
  }
  return custdb::keys::GetBigEndian64(position->position.data());
}

int OpenLookup(custdb_cursor** out, custdb_store* store, uint64_t account_id,
               const char* value, const custdb_list_options* options,
               custdb::Lookup lookup, const char* field) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (account_id == 0) return Invalid("account_id: must not be 0");
    if (value == nullptr) {
      return Fail(
          Status::InvalidArgument(std::string(field) + ": must not be NULL"));
    }
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return Invalid("options.version: not a version this library knows");
    }
    auto key = custdb::Customers::LookupKey(lookup, value);
    if (!key.ok()) return Fail(key.status());
    uint8_t kind = lookup == custdb::Lookup::kPhone ? 1 : 2;
    return WithStore(store, [&](custdb::Customers&, custdb::Store& s) {
      auto after =
          DecodeLookupPosition(options, kind, account_id, s.QueryHash(*key));
      if (!after.ok()) return Fail(after.status());
      auto cursor = std::make_unique<custdb_cursor>();
      cursor->state = store->state;
      cursor->list_kind = kind;
      cursor->lookup = lookup;
      cursor->account_id = account_id;
      cursor->key = std::move(*key);
      cursor->fetched_after = *after;
      cursor->returned_after = *after;
      *out = cursor.release();
      return CUSTDB_OK;
    });
  });
}

}  // namespace

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

const char* custdb_last_error(void) { return last_error.c_str(); }

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
      return Invalid("options.version: not a version this library knows");
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
    state->store = std::move(*store);
    state->customers = std::make_unique<custdb::Customers>(state->store.get());
    *out = new custdb_store{std::move(state)};
    return CUSTDB_OK;
  });
}

void custdb_store_close(custdb_store* store) {
  if (store == nullptr) return;
  {
    std::unique_lock<std::shared_mutex> lock(store->state->mutex);
    store->state->customers.reset();
    store->state->store.reset();
  }
  delete store;
}

}  // extern "C"

namespace {

// Reads the expected version from update options.
bool ExpectedVersion(const custdb_update_options* options, uint64_t* out) {
  if (!OptionsVersionOk(options, CUSTDB_UPDATE_OPTIONS_VERSION)) return false;
  *out = options == nullptr ? 0 : options->expected_version;
  return true;
}

int Archive(custdb_buffer** out, custdb_store* store, uint64_t account_id,
            uint64_t customer_id, const custdb_update_options* options,
            bool archived) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) {
      return Invalid("options.version: not a version this library knows");
    }
    return WithStore(store, [&](custdb::Customers& customers, custdb::Store&) {
      return EmitResult(out, customers.SetArchived(account_id, customer_id,
                                                   archived, expected));
    });
  });
}

}  // namespace

extern "C" {

int custdb_store_check(custdb_buffer** out, custdb_store* store) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](custdb::Customers&, custdb::Store& s) {
      return EmitResult(out, custdb::CheckStore(&s));
    });
  });
}

int custdb_customer_create(custdb_buffer** out, int* out_existed,
                           custdb_store* store, uint64_t account_id,
                           const uint8_t* draft, size_t draft_size,
                           const custdb_create_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (out_existed != nullptr) *out_existed = 0;
    if (!OptionsVersionOk(options, CUSTDB_CREATE_OPTIONS_VERSION)) {
      return Invalid("options.version: not a version this library knows");
    }
    std::string storage;
    auto root = custdb::VerifyRecord<custdb::fb::CustomerDraft>(
        draft, draft_size, "draft", &storage);
    if (!root.ok()) return Fail(root.status());
    custdb::CreateOptions create;
    create.allow_duplicate_phone =
        options != nullptr && options->allow_duplicate_phone != 0;
    return WithStore(store, [&](custdb::Customers& customers, custdb::Store&) {
      auto result = customers.Create(account_id, **root, create);
      if (!result.ok()) return Fail(result.status());
      if (out_existed != nullptr) *out_existed = result->existed ? 1 : 0;
      return Emit(out, std::move(result->record));
    });
  });
}

int custdb_customer_get(custdb_buffer** out, custdb_store* store,
                        uint64_t account_id, uint64_t customer_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](custdb::Customers& customers, custdb::Store&) {
      return EmitResult(out, customers.Get(account_id, customer_id));
    });
  });
}

int custdb_customer_update(custdb_buffer** out, custdb_store* store,
                           uint64_t account_id, uint64_t customer_id,
                           const uint8_t* patch, size_t patch_size,
                           const custdb_update_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) {
      return Invalid("options.version: not a version this library knows");
    }
    std::string storage;
    auto root = custdb::VerifyRecord<custdb::fb::CustomerPatch>(
        patch, patch_size, "patch", &storage);
    if (!root.ok()) return Fail(root.status());
    return WithStore(store, [&](custdb::Customers& customers, custdb::Store&) {
      return EmitResult(
          out, customers.Update(account_id, customer_id, **root, expected));
    });
  });
}

int custdb_customer_archive(custdb_buffer** out, custdb_store* store,
                            uint64_t account_id, uint64_t customer_id,
                            const custdb_update_options* options) {
  return Archive(out, store, account_id, customer_id, options, true);
}

int custdb_customer_unarchive(custdb_buffer** out, custdb_store* store,
                              uint64_t account_id, uint64_t customer_id,
                              const custdb_update_options* options) {
  return Archive(out, store, account_id, customer_id, options, false);
}

int custdb_summary_get(custdb_buffer** out, custdb_store* store,
                       uint64_t account_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](custdb::Customers& customers, custdb::Store&) {
      return EmitResult(out, customers.Summary(account_id));
    });
  });
}

int custdb_customer_find_by_phone(custdb_cursor** out, custdb_store* store,
                                  uint64_t account_id, const char* phone,
                                  const custdb_list_options* options) {
  return OpenLookup(out, store, account_id, phone, options,
                    custdb::Lookup::kPhone, "phone");
}

int custdb_customer_find_by_email(custdb_cursor** out, custdb_store* store,
                                  uint64_t account_id, const char* email,
                                  const custdb_list_options* options) {
  return OpenLookup(out, store, account_id, email, options,
                    custdb::Lookup::kEmail, "email");
}

int custdb_cursor_next(custdb_buffer** out, custdb_cursor* cursor) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (cursor == nullptr) return Invalid("cursor: must not be NULL");
    std::shared_lock<std::shared_mutex> lock(cursor->state->mutex);
    if (!cursor->state->customers) {
      return Fail(Status::Closed("cursor: its store is closed"));
    }
    if (cursor->pending.empty() && !cursor->exhausted) {
      auto page = cursor->state->customers->Find(
          cursor->account_id, cursor->lookup, cursor->key,
          cursor->fetched_after, kCursorBatch);
      if (!page.ok()) return Fail(page.status());
      for (auto& entry : page->records) {
        cursor->pending.push_back(std::move(entry));
      }
      cursor->fetched_after = page->last_id;
      cursor->exhausted = page->done;
    }
    if (cursor->pending.empty()) return CUSTDB_OK;
    auto [id, record] = std::move(cursor->pending.front());
    cursor->pending.pop_front();
    cursor->returned_after = id;
    return Emit(out, std::move(record));
  });
}

int custdb_cursor_token(custdb_buffer** out, custdb_cursor* cursor) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (cursor == nullptr) return Invalid("cursor: must not be NULL");
    std::shared_lock<std::shared_mutex> lock(cursor->state->mutex);
    if (!cursor->state->store) {
      return Fail(Status::Closed("cursor: its store is closed"));
    }
    custdb::ResumePosition p;
    p.list_kind = cursor->list_kind;
    p.account_id = cursor->account_id;
    p.query_hash = cursor->state->store->QueryHash(cursor->key);
    custdb::keys::PutBigEndian64(&p.position, cursor->returned_after);
    return Emit(out, custdb::EncodeResumeToken(p));
  });
}

void custdb_cursor_free(custdb_cursor* cursor) { delete cursor; }

}  // extern "C"
