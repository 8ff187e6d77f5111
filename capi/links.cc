// The C ABI of links to the host's records.
#include "capi/shim.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

int custdb_link_add(custdb_buffer** out, custdb_store* store,
                    uint64_t account_id, uint64_t customer_id,
                    const uint8_t* draft, size_t draft_size) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    return WithInput<custdb::fb::LinkDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::LinkDraft& input) {
          return EmitResult(out,
                            state.links->Add(account_id, customer_id, input));
        });
  });
}

int custdb_link_list(custdb_cursor** out, custdb_store* store,
                     uint64_t account_id, uint64_t customer_id,
                     const custdb_list_options* options) {
  return Guard([&] {
    return OpenChildList(out, store, kListLinks, account_id, customer_id, "",
                         options, [&](StoreState& state) -> custdb::PageSource {
                           auto* list = state.links.get();
                           return [list, account_id, customer_id](
                                      const std::string& after, size_t limit) {
                             return list->List(account_id, customer_id, after,
                                               limit);
                           };
                         });
  });
}

int custdb_link_remove(custdb_store* store, uint64_t account_id,
                       uint64_t customer_id, const char* kind,
                       const char* external_id) {
  return Guard([&] {
    if (kind == nullptr) return Invalid("kind: must not be NULL");
    if (external_id == nullptr) return Invalid("external_id: must not be NULL");
    return WithStore(store, [&](StoreState& state) {
      return Done(
          state.links->Remove(account_id, customer_id, kind, external_id));
    });
  });
}

int custdb_link_find(custdb_buffer** out, custdb_store* store,
                     uint64_t account_id, const char* kind,
                     const char* external_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (kind == nullptr) return Invalid("kind: must not be NULL");
    if (external_id == nullptr) return Invalid("external_id: must not be NULL");
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.links->Find(account_id, kind, external_id));
    });
  });
}

}  // extern "C"
