// The C ABI of the communication timeline.
#include "capi/shim.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

extern "C" {

int custdb_timeline_append(custdb_buffer** out, int* out_existed,
                           custdb_store* store, uint64_t account_id,
                           uint64_t customer_id, const uint8_t* draft,
                           size_t draft_size) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (out_existed != nullptr) *out_existed = 0;
    return WithInput<custdb::fb::TimelineEntryDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::TimelineEntryDraft& input) {
          auto result = state.timeline->Append(account_id, customer_id, input);
          if (!result.ok()) return Fail(result.status());
          if (out_existed != nullptr) *out_existed = result->existed ? 1 : 0;
          return Emit(out, std::move(result->record));
        });
  });
}

int custdb_timeline_list(custdb_cursor** out, custdb_store* store,
                         uint64_t account_id, uint64_t customer_id, int channel,
                         const custdb_list_options* options) {
  return Guard([&] {
    if (channel < CUSTDB_CHANNEL_ALL || channel > CUSTDB_CHANNEL_AI_SESSION) {
      return Invalid(
          "channel: must be 0 (all) or a TimelineChannel other than "
          "Unspecified");
    }
    auto filter = static_cast<custdb::fb::TimelineChannel>(channel);
    char channel_byte = static_cast<char>(channel);
    return OpenChildList(out, store, kListTimeline, account_id, customer_id,
                         std::string_view(&channel_byte, 1), options,
                         [&](StoreState& state) -> custdb::PageSource {
                           auto* timeline = state.timeline.get();
                           return [timeline, account_id, customer_id, filter](
                                      const std::string& after, size_t limit) {
                             return timeline->List(account_id, customer_id,
                                                   filter, after, limit);
                           };
                         });
  });
}

}  // extern "C"
