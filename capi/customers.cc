// The C ABI of customer records.
#include <cstring>

#include "capi/shim.h"
#include "engine/customers/customer_list.h"
#include "engine/customers/import.h"
#include "engine/normalize/text.h"
#include "engine/schema/records.h"

using namespace custdb::shim;  // NOLINT: the shim's own helpers

namespace {

int Archive(custdb_buffer** out, custdb_store* store, uint64_t account_id,
            uint64_t customer_id, const custdb_update_options* options,
            bool archived) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    uint64_t expected = 0;
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.customers->SetArchived(
                                 account_id, customer_id, archived, expected));
    });
  });
}

int Find(custdb_cursor** out, custdb_store* store, uint64_t account_id,
         const char* value, const custdb_list_options* options,
         custdb::Lookup lookup) {
  const char* field = lookup == custdb::Lookup::kPhone ? "phone" : "email";
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (account_id == 0) return Invalid("account_id: must not be 0");
    if (value == nullptr) {
      return Fail(custdb::Status::InvalidArgument(std::string(field) +
                                                  ": must not be NULL"));
    }
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    auto key = custdb::Customers::LookupKey(lookup, value);
    if (!key.ok()) return Fail(key.status());
    ListKind kind = lookup == custdb::Lookup::kPhone ? kListCustomersByPhone
                                                     : kListCustomersByEmail;
    return WithStore(store, [&](StoreState& state) {
      custdb::Customers* customers = state.customers.get();
      return OpenCursor(out, store, kind, account_id, *key, options,
                        [customers, account_id, lookup, key = *key](
                            const std::string& after, size_t limit) {
                          return customers->Find(account_id, lookup, key, after,
                                                 limit);
                        });
    });
  });
}

// The engine's filter from the ABI's, every field checked by its name.
int ReadListFilter(const custdb_customer_list_options* filter,
                   custdb::CustomerListFilter* out) {
  if (filter == nullptr) return CUSTDB_OK;
  if (!OptionsVersionOk(filter, CUSTDB_CUSTOMER_LIST_OPTIONS_VERSION)) {
    return Invalid("filter.version: not a version this library knows");
  }
  // Every field below is in version 1.
  const uint32_t all_statuses =
      CUSTDB_STATUS_ACTIVE | CUSTDB_STATUS_INACTIVE | CUSTDB_STATUS_ARCHIVED;
  if ((filter->statuses & ~all_statuses) != 0) {
    return Invalid(
        "filter.statuses: only CUSTDB_STATUS_ACTIVE, _INACTIVE and _ARCHIVED "
        "may be set");
  }
  if (filter->kind < CUSTDB_KIND_ANY || filter->kind > CUSTDB_KIND_COMPANY) {
    return Invalid(
        "filter.kind: must be 0 (any), 1 (individual) or 2 "
        "(company)");
  }
  auto flag_ok = [](int32_t flag) {
    return flag >= CUSTDB_FLAG_ANY && flag <= CUSTDB_FLAG_EXCLUDE;
  };
  if (!flag_ok(filter->vip)) {
    return Invalid("filter.vip: must be 0 (any), 1 (only) or 2 (exclude)");
  }
  if (!flag_ok(filter->do_not_contact)) {
    return Invalid(
        "filter.do_not_contact: must be 0 (any), 1 (only) or 2 (exclude)");
  }
  if (filter->sort < CUSTDB_SORT_NAME || filter->sort > CUSTDB_SORT_CREATED) {
    return Invalid(
        "filter.sort: must be 0 (name), 1 (last activity) or 2 (created)");
  }
  if (filter->tag_count > CUSTDB_LIST_MAX_TAGS) {
    return Invalid("filter.tag_count: at most 16 tags");
  }
  if (filter->tag_ids == nullptr && filter->tag_count != 0) {
    return Invalid("filter.tag_ids: is NULL but tag_count is not 0");
  }
  for (size_t i = 0; i < filter->tag_count; ++i) {
    if (filter->tag_ids[i] == 0) {
      return Invalid("filter.tag_ids: must not hold 0");
    }
  }
  if (filter->query != nullptr) {
    size_t length = strnlen(filter->query, CUSTDB_LIST_MAX_QUERY + 1);
    if (length > CUSTDB_LIST_MAX_QUERY) {
      return Invalid("filter.query: at most 256 bytes");
    }
    out->query.assign(filter->query, length);
    if (!custdb::IsValidUtf8(out->query)) {
      return Invalid("filter.query: must be valid UTF-8");
    }
  }

  // The statuses' bits are the schema's CustomerStatus values as bits.
  static_assert(CUSTDB_STATUS_ACTIVE ==
                custdb::StatusBit(custdb::fb::CustomerStatus::Active));
  static_assert(CUSTDB_STATUS_INACTIVE ==
                custdb::StatusBit(custdb::fb::CustomerStatus::Inactive));
  static_assert(CUSTDB_STATUS_ARCHIVED ==
                custdb::StatusBit(custdb::fb::CustomerStatus::Archived));
  out->statuses = filter->statuses;
  out->kind = static_cast<custdb::fb::CustomerKind>(filter->kind);
  out->vip = static_cast<custdb::FlagFilter>(filter->vip);
  out->do_not_contact = static_cast<custdb::FlagFilter>(filter->do_not_contact);
  const custdb::keys::RowSort sorts[] = {custdb::keys::RowSort::kName,
                                         custdb::keys::RowSort::kLastActivity,
                                         custdb::keys::RowSort::kCreated};
  out->sort = sorts[filter->sort];
  if (filter->tag_count != 0) {
    out->tag_ids.assign(filter->tag_ids, filter->tag_ids + filter->tag_count);
  }
  return CUSTDB_OK;
}

}  // namespace

extern "C" {

int custdb_customer_create(custdb_buffer** out, int* out_existed,
                           custdb_store* store, uint64_t account_id,
                           const uint8_t* draft, size_t draft_size,
                           const custdb_create_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (out_existed != nullptr) *out_existed = 0;
    if (!OptionsVersionOk(options, CUSTDB_CREATE_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    custdb::CreateOptions create;
    create.allow_duplicate_phone =
        options != nullptr && options->allow_duplicate_phone != 0;
    return WithInput<custdb::fb::CustomerDraft>(
        store, draft, draft_size, "draft",
        [&](StoreState& state, const custdb::fb::CustomerDraft& input) {
          auto result = state.customers->Create(account_id, input, create);
          if (!result.ok()) return Fail(result.status());
          if (out_existed != nullptr) *out_existed = result->existed ? 1 : 0;
          return Emit(out, std::move(result->record));
        });
  });
}

int custdb_customer_import(custdb_buffer** out, custdb_store* store,
                           uint64_t account_id, const uint8_t* batch,
                           size_t batch_size,
                           const custdb_create_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (!OptionsVersionOk(options, CUSTDB_CREATE_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    custdb::CreateOptions create;
    create.allow_duplicate_phone =
        options != nullptr && options->allow_duplicate_phone != 0;
    return WithInput<custdb::fb::ImportBatch>(
        store, batch, batch_size, "batch",
        [&](StoreState& state, const custdb::fb::ImportBatch& input) {
          custdb::ImportServices services{
              state.store.get(),    state.customers.get(),
              state.contacts.get(), state.locations.get(),
              state.timeline.get(), state.links.get(),
              state.tags.get()};
          return EmitResult(out, custdb::ImportCustomers(services, account_id,
                                                         input, create));
        });
  });
}

int custdb_customer_get(custdb_buffer** out, custdb_store* store,
                        uint64_t account_id, uint64_t customer_id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.customers->Get(account_id, customer_id));
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
    if (!ExpectedVersion(options, &expected)) return UnknownOptionsVersion();
    return WithInput<custdb::fb::CustomerPatch>(
        store, patch, patch_size, "patch",
        [&](StoreState& state, const custdb::fb::CustomerPatch& input) {
          return EmitResult(out, state.customers->Update(
                                     account_id, customer_id, input, expected));
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
    return WithStore(store, [&](StoreState& state) {
      return EmitResult(out, state.customers->Summary(account_id));
    });
  });
}

int custdb_account_list(custdb_cursor** out, custdb_store* store,
                        const custdb_list_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    return WithStore(store, [&](StoreState& state) {
      custdb::Customers* customers = state.customers.get();
      return OpenCursor(out, store, kListAccounts, 0, "", options,
                        [customers](const std::string& after, size_t limit) {
                          return customers->ListAccounts(after, limit);
                        });
    });
  });
}

int custdb_customer_find_by_phone(custdb_cursor** out, custdb_store* store,
                                  uint64_t account_id, const char* phone,
                                  const custdb_list_options* options) {
  return Find(out, store, account_id, phone, options, custdb::Lookup::kPhone);
}

int custdb_customer_list(custdb_cursor** out, custdb_store* store,
                         uint64_t account_id,
                         const custdb_customer_list_options* filter,
                         const custdb_list_options* options) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: must not be NULL");
    *out = nullptr;
    if (account_id == 0) return Invalid("account_id: must not be 0");
    custdb::CustomerListFilter list;
    int rc = ReadListFilter(filter, &list);
    if (rc != CUSTDB_OK) return rc;
    if (!OptionsVersionOk(options, CUSTDB_LIST_OPTIONS_VERSION)) {
      return UnknownOptionsVersion();
    }
    return WithStore(store, [&](StoreState& state) {
      custdb::Store* engine = state.store.get();
      std::string query = custdb::ListQuery(list);
      return OpenCursor(out, store, kListCustomers, account_id, query, options,
                        [engine, account_id, list = std::move(list)](
                            const std::string& after, size_t limit) {
                          return custdb::ListCustomers(engine, account_id, list,
                                                       after, limit);
                        });
    });
  });
}

int custdb_customer_find_by_email(custdb_cursor** out, custdb_store* store,
                                  uint64_t account_id, const char* email,
                                  const custdb_list_options* options) {
  return Find(out, store, account_id, email, options, custdb::Lookup::kEmail);
}

}  // extern "C"
