// The C ABI of customer portal links.
#include "capi/shim.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

int custdb_portal_link_issue(custdb_buffer** out, custdb_store* store,
                             uint64_t account_id, uint64_t customer_id,
                             const uint8_t* draft, size_t draft_size) {
  return Guard([&] {
    // Required: the answer is the only place the token is ever seen.
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithInput<custdb::fb::PortalLinkDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::PortalLinkDraft& input) {
          return EmitResult(
              out, state.portal->Issue(account_id, customer_id, input));
        });
  });
}

int custdb_portal_link_revoke(custdb_store* store, uint64_t account_id,
                              uint64_t link_id) {
  return Guard([&] {
    return WithStore(store, [&](StoreState& state) {
      return Done(state.portal->Revoke(account_id, link_id));
    });
  });
}

int custdb_portal_link_list(custdb_cursor** out, custdb_store* store,
                            uint64_t account_id, uint64_t customer_id,
                            const custdb_list_options* options) {
  return Guard([&] {
    return OpenChildList(
        out, store, kListPortalLinks, account_id, customer_id, "", options,
        [&](StoreState& state) -> custdb::PageSource {
          auto* list = state.portal.get();
          return [list, account_id, customer_id](const std::string& after,
                                                 size_t limit) {
            return list->List(account_id, customer_id, after, limit);
          };
        });
  });
}

int custdb_portal_resolve(custdb_buffer** out, custdb_store* store,
                          uint64_t account_id, const char* token) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (token == nullptr) return Invalid("token: must not be NULL");
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.portal->Resolve(account_id, token));
    });
  });
}

}  // extern "C"
