#include "engine/customers/import.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"

namespace custdb {
namespace {

// What became of one row.
struct RowResult {
  fb::ImportOutcome outcome = fb::ImportOutcome::Created;
  uint64_t customer_id = 0;
  std::string error;
};

// An error of a row's own making rejects the row; any other fails the
// whole batch.
bool RejectsRow(const Status& s) {
  return s.IsInvalidArgument() || s.IsNotFound() || s.IsConflict();
}

std::string Where(size_t row) { return "rows[" + std::to_string(row) + "]."; }

std::string Where(size_t row, const char* member, size_t index) {
  return Where(row) + member + "[" + std::to_string(index) + "].";
}

// Writes one row inside `txn`; a Status that RejectsRow names its part.
Status WriteRow(const ImportServices& s, rocksdb::Transaction* txn,
                uint64_t account_id, size_t index, const fb::ImportRow& row,
                NewCustomer prepared, const CreateOptions& options,
                RowResult* result) {
  const std::string where = Where(index);
  if (row.link() != nullptr) {
    auto holder = s.links->HolderInTransaction(txn, account_id, *row.link());
    if (!holder.ok()) return holder.status().Within(where + "link.");
    if (*holder != 0) {
      result->outcome = fb::ImportOutcome::Linked;
      result->customer_id = *holder;
      return Status::Ok();
    }
  }
  if (row.tag_ids() != nullptr) {
    std::set<uint64_t> ids(row.tag_ids()->begin(), row.tag_ids()->end());
    for (uint64_t id : ids) {
      auto locked = s.tags->LockInTransaction(txn, account_id, id);
      if (!locked.ok()) return locked.Within(where + "tag_ids: ");
    }
    prepared.customer.tag_ids.assign(ids.begin(), ids.end());
  }

  auto created =
      s.customers->CreateInTransaction(txn, account_id, prepared, options);
  if (!created.ok()) return created.status().Within(where + "customer.");
  result->customer_id = prepared.customer.id;
  if (created->existed) {
    result->outcome = fb::ImportOutcome::Existing;
    result->customer_id =
        flatbuffers::GetRoot<fb::Customer>(created->record.data())->id();
    return Status::Ok();
  }
  const uint64_t id = prepared.customer.id;
  if (BulkWrites* bulk = BulkWrites::Of(txn)) bulk->MarkNew(id);

  if (row.link() != nullptr) {
    bool existed = false;
    auto link =
        s.links->AddInTransaction(txn, account_id, id, *row.link(), &existed);
    if (!link.ok()) return link.status().Within(where + "link.");
  }
  if (row.contacts() != nullptr) {
    for (size_t i = 0; i < row.contacts()->size(); ++i) {
      auto added = s.contacts->AddInTransaction(txn, account_id, id,
                                                *row.contacts()->Get(i));
      if (!added.ok()) {
        return added.status().Within(Where(index, "contacts", i));
      }
    }
  }
  if (row.locations() != nullptr) {
    for (size_t i = 0; i < row.locations()->size(); ++i) {
      auto added = s.locations->AddInTransaction(txn, account_id, id,
                                                 *row.locations()->Get(i));
      if (!added.ok()) {
        return added.status().Within(Where(index, "locations", i));
      }
    }
  }
  if (row.timeline() != nullptr) {
    for (size_t i = 0; i < row.timeline()->size(); ++i) {
      auto added = s.timeline->AppendInTransaction(txn, account_id, id,
                                                   *row.timeline()->Get(i));
      if (!added.ok()) {
        return added.status().Within(Where(index, "timeline", i));
      }
    }
  }
  return Status::Ok();
}

std::string PackResults(const std::vector<RowResult>& results) {
  fb::ImportResultT out;
  for (const auto& r : results) {
    auto row = std::make_unique<fb::ImportRowResultT>();
    row->outcome = r.outcome;
    row->customer_id = r.customer_id;
    row->error = r.error;
    out.rows.push_back(std::move(row));
  }
  return PackRecord(out);
}

}  // namespace

Result<std::string> ImportCustomers(const ImportServices& s,
                                    uint64_t account_id,
                                    const fb::ImportBatch& batch,
                                    const CreateOptions& options) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  const size_t n = batch.rows() == nullptr ? 0 : batch.rows()->size();
  if (n > kMaxImportRows) {
    return Status::InvalidArgument("batch.rows: more than " +
                                   std::to_string(kMaxImportRows) +
                                   " rows in one batch");
  }

  // Normalized and given their ids once, outside the transaction, which
  // may run again.
  std::vector<RowResult> prepared_results(n);
  std::vector<std::optional<NewCustomer>> prepared(n);
  for (size_t i = 0; i < n; ++i) {
    const fb::ImportRow* row = batch.rows()->Get(i);
    RowResult& result = prepared_results[i];
    if (row->customer() == nullptr) {
      result.outcome = fb::ImportOutcome::Rejected;
      result.error = Where(i) + "customer: is required";
      continue;
    }
    auto p = s.customers->PrepareCreate(*row->customer());
    if (!p.ok()) {
      if (!RejectsRow(p.status())) return p.status();
      result.outcome = fb::ImportOutcome::Rejected;
      result.error = p.status().Within(Where(i) + "customer.").message();
      continue;
    }
    prepared[i] = std::move(*p);
  }

  return InTransaction<std::string>(
      s.store, [&](rocksdb::Transaction* txn) -> Result<std::string> {
        std::vector<RowResult> results = prepared_results;
        BulkWrites bulk(s.store, txn);
        // Locks in the order every writer takes them (docs/architecture.md,
        // "Lock order"): link targets, tags, then phones, each kind in
        // sorted order. A row takes its own again later, which costs
        // nothing; one that is invalid fails with its row.
        std::vector<const fb::LinkDraft*> links;
        std::set<uint64_t> tag_ids;
        for (size_t i = 0; i < n; ++i) {
          if (!prepared[i]) continue;
          const fb::ImportRow* row = batch.rows()->Get(i);
          if (row->link() != nullptr) links.push_back(row->link());
          if (row->tag_ids() != nullptr) {
            tag_ids.insert(row->tag_ids()->begin(), row->tag_ids()->end());
          }
        }
        std::sort(links.begin(), links.end(),
                  [](const fb::LinkDraft* a, const fb::LinkDraft* b) {
                    return std::make_pair(FlatString(a->kind()),
                                          FlatString(a->external_id())) <
                           std::make_pair(FlatString(b->kind()),
                                          FlatString(b->external_id()));
                  });
        for (const fb::LinkDraft* link : links) {
          auto held = s.links->HolderInTransaction(txn, account_id, *link);
          if (!held.ok() && !RejectsRow(held.status())) return held.status();
        }
        for (uint64_t id : tag_ids) {
          auto locked = s.tags->LockInTransaction(txn, account_id, id);
          if (!locked.ok() && !RejectsRow(locked)) return locked;
        }
        std::set<std::string> phones;
        for (const auto& p : prepared) {
          if (p)
            phones.insert(keys::PhoneLockKey(account_id, p->customer.phone));
        }
        for (const auto& key : phones) {
          CUSTDB_RETURN_IF_ERROR(LockKey(s.store, txn, Family::kIndexes, key));
        }
        bool wrote = false;
        for (size_t i = 0; i < n; ++i) {
          if (!prepared[i]) continue;
          txn->SetSavePoint();
          RowResult& result = results[i];
          Status written =
              WriteRow(s, txn, account_id, i, *batch.rows()->Get(i),
                       *prepared[i], options, &result);
          if (written.ok()) {
            // Created, or found existing or linked before writing anything.
            txn->PopSavePoint().PermitUncheckedError();
            bulk.KeepRow();
            wrote = wrote || result.outcome == fb::ImportOutcome::Created;
            continue;
          }
          if (!RejectsRow(written)) return written;
          result = RowResult{fb::ImportOutcome::Rejected, 0, written.message()};
          // Rolling back rebuilds the index of the transaction's whole
          // batch, which is costly: only a row that failed needs it.
          bulk.DropRow();
          auto undone = txn->RollbackToSavePoint();
          if (!undone.ok()) return FromRocks(undone, "import");
        }
        if (wrote) {
          CUSTDB_RETURN_IF_ERROR(bulk.Write());
          CUSTDB_RETURN_IF_ERROR(CommitSorted(s.store, txn));
        }
        return PackResults(results);
      });
}

}  // namespace custdb
