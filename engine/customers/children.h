// What contacts and locations share: decoding and locking them with their
// parent, and listing them in pages. (Notes, files and portal links keep
// the same key layout with code of their own.)
//
// A child lives under keys::RecordKey(account, tag, id), with a child
// entry keys::ChildKey(account, customer, tag, id) in the indexes family
// that lists it under its customer in id order. Writes through these
// helpers lock the customer's record first, then the child's, so every
// such writer of one customer's children takes the same locks in the same
// order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custdb_generated.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"
#include "engine/storage/transaction.h"

namespace custdb {

// "contact 5 not found in this account".
std::string ChildNotFound(std::string_view what, uint64_t id);

// Sets what the store gives a child it creates: its id, account and
// customer, its times (`now_ms`) and version 1.
template <typename T>
void StampNewChild(T* child, uint64_t id, uint64_t account_id,
                   uint64_t customer_id, int64_t now_ms) {
  child->id = id;
  child->account_id = account_id;
  child->customer_id = customer_id;
  child->created_at_ms = now_ms;
  child->updated_at_ms = now_ms;
  child->version = 1;
}

// Verifies stored bytes as a T and unpacks them; damage is kCorruption,
// naming `what` and `id`.
template <typename T>
Result<typename T::NativeTableType> DecodeStored(const std::string& bytes,
                                                 std::string_view what,
                                                 uint64_t id) {
  std::string storage;
  auto root = VerifyRecord<T>(reinterpret_cast<const uint8_t*>(bytes.data()),
                              bytes.size(), "stored record", &storage);
  if (!root.ok()) {
    return Status::Corruption(std::string(what) + " " + std::to_string(id) +
                              ": the stored record is damaged");
  }
  typename T::NativeTableType out;
  (*root)->UnPackTo(&out);
  return out;
}

// A stored child: its bytes, as a read returns them, and unpacked.
template <typename T>
struct StoredChild {
  std::string bytes;
  typename T::NativeTableType record;
};

// Reads a child, through `txn` when it is not null (locking it when
// `for_update`), else from the latest committed state. Empty when there
// is none in this account.
template <typename T>
Result<std::optional<StoredChild<T>>> ReadChild(
    Store* store, rocksdb::Transaction* txn, uint64_t account_id,
    keys::RecordTag tag, uint64_t id, std::string_view what, bool for_update) {
  std::string key = keys::RecordKey(account_id, tag, id);
  std::optional<std::string> bytes;
  if (txn != nullptr) {
    auto read =
        ReadInTransaction(store, txn, Family::kRecords, key, for_update);
    if (!read.ok()) return read.status();
    bytes = std::move(*read);
  } else {
    std::string value;
    auto s = store->db()->Get(rocksdb::ReadOptions(),
                              store->family(Family::kRecords), key, &value);
    if (!s.IsNotFound()) {
      if (!s.ok()) return FromRocks(s, "reading a record");
      bytes = std::move(value);
    }
  }
  if (!bytes) return std::optional<StoredChild<T>>();
  auto record = DecodeStored<T>(*bytes, what, id);
  if (!record.ok()) return record.status();
  return std::optional<StoredChild<T>>(
      StoredChild<T>{std::move(*bytes), std::move(*record)});
}

// A child and its customer, both locked inside one transaction.
template <typename T>
struct LockedChild {
  fb::CustomerT customer;
  StoredChild<T> child;
};

// Finds the child's customer, locks the customer's record and then the
// child's. kNotFound when the child is not in this account.
template <typename T>
Result<LockedChild<T>> LockChild(Store* store, Customers* customers,
                                 rocksdb::Transaction* txn, uint64_t account_id,
                                 keys::RecordTag tag, uint64_t id,
                                 std::string_view what) {
  // The customer is known only from the child, and must be locked before
  // it: read the child unlocked, lock its customer, then lock the child
  // and check that it still belongs there.
  auto peek = ReadChild<T>(store, txn, account_id, tag, id, what, false);
  if (!peek.ok()) return peek.status();
  if (!peek->has_value()) return Status::NotFound(ChildNotFound(what, id));
  uint64_t customer_id = (*peek)->record.customer_id;
  auto customer = customers->LockForChild(txn, account_id, customer_id);
  if (customer.status().IsNotFound()) {
    // The customer was merged into another after the first read, taking
    // the child with it: run the whole transaction again, which finds the
    // survivor.
    auto again = ReadChild<T>(store, txn, account_id, tag, id, what, false);
    if (!again.ok()) return again.status();
    if (again->has_value() && (*again)->record.customer_id != customer_id) {
      return Status::Busy(std::string(what) + ": moved while being locked");
    }
  }
  if (!customer.ok()) return customer.status();
  auto child = ReadChild<T>(store, txn, account_id, tag, id, what, true);
  if (!child.ok()) return child.status();
  if (!child->has_value()) return Status::NotFound(ChildNotFound(what, id));
  if ((*child)->record.customer_id != customer_id) {
    // It moved to another customer between the two reads (a merge): run
    // the whole transaction again.
    return Status::Busy(std::string(what) + ": moved while being locked");
  }
  return LockedChild<T>{std::move(*customer), std::move(**child)};
}

// Verifies stored bytes as one record of a list and returns the id of the
// customer it belongs to; damage is kCorruption.
using VerifyStored = Result<uint64_t> (*)(const std::string& bytes,
                                          uint64_t id);

// The customer id of a stored child's bytes, verified as a T.
template <typename T>
Result<uint64_t> VerifiedCustomerOf(const std::string& bytes, uint64_t id,
                                    std::string_view what) {
  std::string storage;
  auto root = VerifyRecord<T>(reinterpret_cast<const uint8_t*>(bytes.data()),
                              bytes.size(), "stored record", &storage);
  if (!root.ok()) {
    return Status::Corruption(std::string(what) + " " + std::to_string(id) +
                              ": the stored record is damaged");
  }
  return (*root)->customer_id();
}

// A page of a customer's children of one kind, in id order, after the
// position `after` (8 bytes, a child id; empty: from the start). Each
// record is read and verified; an entry whose record is gone, or now
// belongs to another customer, is skipped. A position is the child id, 8
// bytes big-endian.
Result<Page> ListChildren(Store* store, uint64_t account_id,
                          uint64_t customer_id, keys::RecordTag tag,
                          const std::string& after, size_t limit,
                          VerifyStored verify);

}  // namespace custdb
