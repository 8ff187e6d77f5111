// The C ABI of the tag library.
#include "capi/shim.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

namespace {

int Assign(custdb_buffer** out, custdb_store* store, uint64_t account_id,
           uint64_t customer_id, uint64_t tag_id, bool carry) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(
          out, state.tags->Assign(account_id, customer_id, tag_id, carry));
    });
  });
}

}  // namespace

extern "C" {

int custdb_tag_create(custdb_buffer** out, int* out_existed,
                      custdb_store* store, uint64_t account_id,
                      const uint8_t* draft, size_t draft_size) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (out_existed != nullptr) *out_existed = 0;
    return WithInput<custdb::fb::TagDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::TagDraft& input) {
          auto result = state.tags->Create(account_id, input);
          if (!result.ok()) return Fail(result.status());
          if (out_existed != nullptr) *out_existed = result->existed ? 1 : 0;
          return Emit(out, std::move(result->record));
        });
  });
}

int custdb_tag_get(custdb_buffer** out, custdb_store* store,
                   uint64_t account_id, uint64_t tag_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.tags->Get(account_id, tag_id));
    });
  });
}

int custdb_tag_rename(custdb_buffer** out, custdb_store* store,
                      uint64_t account_id, uint64_t tag_id,
                      const uint8_t* draft, size_t draft_size,
                      const custdb_update_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithInput<custdb::fb::TagDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::TagDraft& input) {
          return EmitResult(
              out, state.tags->Rename(account_id, tag_id, input, expected));
        });
  });
}

int custdb_tag_delete(custdb_store* store, uint64_t account_id,
                      uint64_t tag_id) {
  return Guard([&] {
    return WithStore(store, [&](StoreState& state) {
      return Done(state.tags->Delete(account_id, tag_id));
    });
  });
}

int custdb_tag_list(custdb_cursor** out, custdb_store* store,
                    uint64_t account_id, const custdb_list_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (account_id == 0) return Invalid("account_id: must not be 0");
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    return WithStore(store, [&](StoreState& state) {
      custdb::Tags* tags = state.tags.get();
      return OpenCursor(
          out, store, kListTags, account_id, "", options,
          [tags, account_id](const std::string& after, size_t limit) {
            return tags->List(account_id, after, limit);
          });
    });
  });
}

int custdb_customer_tag(custdb_buffer** out, custdb_store* store,
                        uint64_t account_id, uint64_t customer_id,
                        uint64_t tag_id) {
  return Assign(out, store, account_id, customer_id, tag_id, true);
}

int custdb_customer_untag(custdb_buffer** out, custdb_store* store,
                          uint64_t account_id, uint64_t customer_id,
                          uint64_t tag_id) {
  return Assign(out, store, account_id, customer_id, tag_id, false);
}

}  // extern "C"
