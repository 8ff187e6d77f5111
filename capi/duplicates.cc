// The C ABI of duplicate detection.
#include "capi/shim.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

int custdb_customer_duplicates(custdb_buffer** out, custdb_store* store,
                               uint64_t account_id, uint64_t customer_id,
                               const custdb_duplicate_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (!OptionsVersionOk(options, CUSTDB_DUPLICATE_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    custdb::DuplicateOptions find;
    if (options != nullptr && options->limit != 0) {
      if (options->limit > 100) return Invalid("limit: must be at most 100");
      find.limit = options->limit;
    }
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out,
                        state.duplicates->Find(account_id, customer_id, find));
    });
  });
}

int custdb_duplicate_report(custdb_cursor** out, custdb_store* store,
                            uint64_t account_id,
                            const custdb_list_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (account_id == 0) return Invalid("account_id: must not be 0");
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    return WithStore(store, [&](StoreState& state) {
      auto report = state.duplicates->Report(account_id);
      if (!report.ok()) return Fail(report.status());
      return OpenCursor(
          out, store, kListDuplicateReport, account_id, "", options,
          [report = *report](const std::string& after, size_t limit) {
            return custdb::Result<custdb::Page>(
                custdb::ReportPage(*report, after, limit));
          });
    });
  });
}

}  // extern "C"
