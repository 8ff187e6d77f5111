// Customer portal links: private, expiring links through which a customer
// sees their own records.
//
// A link's token is 32 random bytes, handed out once (URL-safe base64,
// 43 characters) when the link is issued. The store keeps only a keyed
// BLAKE2b hash of it, under a key derived from the store's secret for
// this purpose alone, so neither the stored records nor a copy of the
// store's files give a working token away. docs/portal.md has the
// reasons.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "custdb_generated.h"
#include "engine/check/check.h"
#include "engine/common/page.h"
#include "engine/common/status.h"
#include "engine/customers/customers.h"
#include "engine/storage/store.h"

namespace custdb {

inline constexpr int64_t kDefaultPortalLinkMs = 30LL * 24 * 3600 * 1000;
inline constexpr int64_t kMaxPortalLinkMs = 365LL * 24 * 3600 * 1000;
inline constexpr size_t kPortalTokenBytes = 32;
inline constexpr size_t kPortalTokenHashBytes = 32;

// The one answer to every token that opens nothing: unknown, malformed,
// expired and revoked alike, so the answer tells a guesser nothing.
inline constexpr char kNoPortalLinkMessage[] =
    "token: does not open an active portal link";

// Writes the stored link `after` (null: deletes the record) in place of
// `before` (null: a new link) inside `txn`, with its entry in its
// customer's list and, while it is active, its token entry.
Status WritePortalLink(Store* store, rocksdb::Transaction* txn,
                       const fb::PortalLinkT* before,
                       const fb::PortalLinkT* after);

class Portal {
 public:
  // Milliseconds since the Unix epoch; tests pass a clock of their own.
  using Clock = std::function<int64_t()>;

  Portal(Store* store, Customers* customers, Clock now = nullptr);
  ~Portal();
  Portal(const Portal&) = delete;
  Portal& operator=(const Portal&) = delete;

  // Issues a link to a customer's portal. The PortalLink returned carries
  // the token; nothing ever returns it again.
  Result<std::string> Issue(uint64_t account_id, uint64_t customer_id,
                            const fb::PortalLinkDraft& draft);

  // Revokes a link: its token stops working at once. Revoking a revoked
  // link changes nothing; kNotFound when the id is not a portal link of
  // this account.
  Status Revoke(uint64_t account_id, uint64_t link_id);

  // A customer's links that still work (not revoked, not expired), in id
  // order, without tokens; a position is the link id, 8 bytes big-endian.
  // TODO: expired links are never removed: each keeps its record and two
  // index entries (some 200 bytes) and costs a skipped read here.
  Result<Page> List(uint64_t account_id, uint64_t customer_id,
                    const std::string& after, size_t limit);

  // The Customer record a token opens; kNotFound with
  // kNoPortalLinkMessage for any token that opens nothing.
  Result<std::string> Resolve(uint64_t account_id, std::string_view token);

 private:
  std::string TokenHash(const unsigned char* raw) const;

  Store* store_;
  Customers* customers_;
  Clock now_;
  unsigned char key_[32];  // the portal key, derived from the secret
};

// Declares to the checker what a stored portal link implies: its child
// entry and, while it is active, its token entry.
void ExpectPortalLink(const keys::RecordKeyParts& key, std::string_view value,
                      CheckContext& context);

}  // namespace custdb
