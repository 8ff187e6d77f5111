// The C ABI of contacts.
#include "engine/contacts/contacts.h"
#include "capi/shim.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

int custdb_contact_add(custdb_buffer** out, custdb_store* store,
                       uint64_t account_id, uint64_t customer_id,
                       const uint8_t* draft, size_t draft_size) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    return WithInput<custdb::fb::ContactDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::ContactDraft& input) {
          return EmitResult(
              out, state.contacts->Add(account_id, customer_id, input));
        });
  });
}

int custdb_contact_get(custdb_buffer** out, custdb_store* store,
                       uint64_t account_id, uint64_t contact_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.contacts->Get(account_id, contact_id));
    });
  });
}

int custdb_contact_update(custdb_buffer** out, custdb_store* store,
                          uint64_t account_id, uint64_t contact_id,
                          const uint8_t* patch, size_t patch_size,
                          const custdb_update_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithInput<custdb::fb::ContactPatch>(
        store, patch, patch_size, "patch",
        [&](StoreState& state, const custdb::fb::ContactPatch& input) {
          return EmitResult(out, state.contacts->Update(account_id, contact_id,
                                                        input, expected));
        });
  });
}

int custdb_contact_promote(custdb_buffer** out, custdb_store* store,
                           uint64_t account_id, uint64_t contact_id) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.contacts->Promote(account_id, contact_id));
    });
  });
}

int custdb_contact_delete(custdb_store* store, uint64_t account_id,
                          uint64_t contact_id,
                          const custdb_update_options* options) {
  return Guard([&] {
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithStore(store, [&](StoreState& state) {
      return Done(state.contacts->Delete(account_id, contact_id, expected));
    });
  });
}

int custdb_contact_list(custdb_cursor** out, custdb_store* store,
                        uint64_t account_id, uint64_t customer_id,
                        const custdb_list_options* options) {
  return Guard([&] {
    return OpenChildList(out, store, kListContacts, account_id, customer_id, "",
                         options, [&](StoreState& state) -> custdb::PageSource {
                           auto* list = state.contacts.get();
                           return [list, account_id, customer_id](
                                      const std::string& after, size_t limit) {
                             return list->List(account_id, customer_id, after,
                                               limit);
                           };
                         });
  });
}

}  // extern "C"
