// The C ABI of locations.
#include "engine/locations/locations.h"
#include "capi/shim.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

int custdb_location_add(custdb_buffer** out, custdb_store* store,
                        uint64_t account_id, uint64_t customer_id,
                        const uint8_t* draft, size_t draft_size) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    return WithInput<custdb::fb::LocationDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::LocationDraft& input) {
          return EmitResult(
              out, state.locations->Add(account_id, customer_id, input));
        });
  });
}

int custdb_location_get(custdb_buffer** out, custdb_store* store,
                        uint64_t account_id, uint64_t location_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.locations->Get(account_id, location_id));
    });
  });
}

int custdb_location_update(custdb_buffer** out, custdb_store* store,
                           uint64_t account_id, uint64_t location_id,
                           const uint8_t* patch, size_t patch_size,
                           const custdb_update_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithInput<custdb::fb::LocationPatch>(
        store, patch, patch_size, "patch",
        [&](StoreState& state, const custdb::fb::LocationPatch& input) {
          return EmitResult(out, state.locations->Update(
                                     account_id, location_id, input, expected));
        });
  });
}

int custdb_location_delete(custdb_store* store, uint64_t account_id,
                           uint64_t location_id,
                           const custdb_update_options* options) {
  return Guard([&] {
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithStore(store, [&](StoreState& state) {
      return Done(state.locations->Delete(account_id, location_id, expected));
    });
  });
}

int custdb_location_list(custdb_cursor** out, custdb_store* store,
                         uint64_t account_id, uint64_t customer_id,
                         const custdb_list_options* options) {
  return Guard([&] {
    return OpenChildList(
        out, store, kListLocations, account_id, customer_id, "", options,
        [&](StoreState& state) -> custdb::PageSource {
          auto* list = state.locations.get();
          return [list, account_id, customer_id](const std::string& after,
                                                 size_t limit) {
            return list->List(account_id, customer_id, after, limit);
          };
        });
  });
}

}  // extern "C"
