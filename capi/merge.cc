// The C ABI of merging two customers.
#include "capi/shim.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

namespace {

// Reads merge options; false for an unknown options version.
bool ReadMergeOptions(const custdb_merge_options* options,
                      custdb::MergeOptions* out) {
  if (!OptionsVersionOk(options, CUSTDB_MERGE_OPTIONS_VERSION)) return false;
  if (options != nullptr) {
    out->keep_duplicate_contact = options->keep_duplicate_contact != 0;
    out->expected_survivor_version = options->expected_survivor_version;
    out->expected_duplicate_version = options->expected_duplicate_version;
  }
  return true;
}

}  // namespace

extern "C" {

int custdb_customer_merge_preview(custdb_buffer** out, custdb_store* store,
                                  uint64_t account_id, uint64_t survivor_id,
                                  uint64_t duplicate_id,
                                  const custdb_merge_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    custdb::MergeOptions merge;
    if (!ReadMergeOptions(options, &merge)) return UnknownOptionsVersion();
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.merger->Preview(account_id, survivor_id,
                                                   duplicate_id, merge));
    });
  });
}

int custdb_customer_merge(custdb_buffer** out, custdb_store* store,
                          uint64_t account_id, uint64_t survivor_id,
                          uint64_t duplicate_id,
                          const custdb_merge_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    custdb::MergeOptions merge;
    if (!ReadMergeOptions(options, &merge)) return UnknownOptionsVersion();
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.merger->Merge(account_id, survivor_id,
                                                 duplicate_id, merge));
    });
  });
}

}  // extern "C"
