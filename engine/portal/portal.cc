#include "engine/portal/portal.h"

#include <sodium.h>

#include <cstring>

#include "engine/schema/records.h"
#include "engine/storage/keys.h"
#include "engine/storage/transaction.h"
#include "engine/storage/write_record.h"

namespace custdb {
namespace {

static_assert(crypto_kdf_KEYBYTES == 32);
// The portal key's place among the keys derived from the store's secret:
// any other purpose takes another id or context.
constexpr uint64_t kPortalKeyId = 1;
constexpr char kPortalKeyContext[crypto_kdf_CONTEXTBYTES + 1] = "custdbpt";

constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr size_t kTokenChars =
    sodium_base64_ENCODED_LEN(kPortalTokenBytes, kBase64Variant) - 1;

std::string BigEndian(uint64_t v) {
  std::string out;
  keys::PutBigEndian64(&out, v);
  return out;
}

std::string NotFoundMessage(uint64_t link_id) {
  return "portal link " + std::to_string(link_id) +
         " not found in this account";
}

Result<fb::PortalLinkT> DecodeLink(std::string_view bytes, uint64_t link_id) {
  std::string storage;
  auto root = VerifyRecord<fb::PortalLink>(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
      "stored portal link", &storage);
  if (!root.ok()) {
    return Status::Corruption("portal link " + std::to_string(link_id) +
                              ": the stored record is damaged");
  }
  fb::PortalLinkT link;
  (*root)->UnPackTo(&link);
  return link;
}

// A link as the ABI shows it: never its token hash.
std::string Public(fb::PortalLinkT link) {
  link.token_hash.clear();
  return PackRecord(link);
}

// Decodes a token into its 32 bytes; false for anything else.
bool DecodeToken(std::string_view token, unsigned char* raw) {
  if (token.size() != kTokenChars) return false;
  size_t size = 0;
  const char* end = nullptr;
  int rc = sodium_base642bin(raw, kPortalTokenBytes, token.data(), token.size(),
                             nullptr, &size, &end, kBase64Variant);
  return rc == 0 && size == kPortalTokenBytes &&
         end == token.data() + token.size();
}

}  // namespace

Status WritePortalLink(Store* store, rocksdb::Transaction* txn,
                       const fb::PortalLinkT* before,
                       const fb::PortalLinkT* after) {
  auto written = WriteRecordAndEntries(
      store, txn, keys::RecordTag::kPortalLink, "portal link", before, after,
      [](const fb::PortalLinkT& link) {
        return ChildEntryOf(link, keys::RecordTag::kPortalLink);
      });
  if (!written.ok()) return written.status();
  // The token entry's value is the link's id, which never changes.
  auto token_key = [](const fb::PortalLinkT* link) {
    if (link == nullptr || link->revoked || link->token_hash.empty()) {
      return std::string();
    }
    return keys::PortalTokenKey(
        link->account_id,
        std::string(link->token_hash.begin(), link->token_hash.end()));
  };
  std::string old_token = token_key(before);
  std::string new_token = token_key(after);
  if (old_token == new_token) return Status::Ok();
  auto* indexes = store->family(Family::kIndexes);
  rocksdb::Status s;
  if (!old_token.empty()) {
    s = txn->Delete(indexes, old_token);
    if (!s.ok()) return FromRocks(s, "writing a portal link");
  }
  if (!new_token.empty()) {
    s = txn->Put(indexes, new_token, BigEndian(after->id));
    if (!s.ok()) return FromRocks(s, "writing a portal link");
  }
  return Status::Ok();
}

Portal::Portal(Store* store, Customers* customers, Clock now)
    : store_(store),
      customers_(customers),
      now_(now ? std::move(now) : Clock(NowMs)) {
  const std::string& secret = store_->secret();
  crypto_kdf_derive_from_key(
      key_, sizeof key_, kPortalKeyId, kPortalKeyContext,
      reinterpret_cast<const unsigned char*>(secret.data()));
}

Portal::~Portal() { sodium_memzero(key_, sizeof key_); }

std::string Portal::TokenHash(const unsigned char* raw) const {
  std::string hash(kPortalTokenHashBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(hash.data()), hash.size(),
                     raw, kPortalTokenBytes, key_, sizeof key_);
  return hash;
}

Result<std::string> Portal::Issue(uint64_t account_id, uint64_t customer_id,
                                  const fb::PortalLinkDraft& draft) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  int64_t now = now_();
  int64_t expires = draft.expires_at_ms() == 0 ? now + kDefaultPortalLinkMs
                                               : draft.expires_at_ms();
  if (expires <= now) {
    return Status::InvalidArgument("expires_at_ms: must be in the future");
  }
  if (expires - now > kMaxPortalLinkMs) {
    return Status::InvalidArgument(
        "expires_at_ms: must be at most 365 days ahead");
  }
  auto id = store_->AllocateId();
  if (!id.ok()) return id.status();

  unsigned char raw[kPortalTokenBytes];
  randombytes_buf(raw, sizeof raw);
  std::string token(kTokenChars + 1, '\0');
  sodium_bin2base64(token.data(), token.size(), raw, sizeof raw,
                    kBase64Variant);
  token.resize(kTokenChars);
  std::string hash = TokenHash(raw);
  sodium_memzero(raw, sizeof raw);

  fb::PortalLinkT link;
  link.id = *id;
  link.account_id = account_id;
  link.customer_id = customer_id;
  link.created_at_ms = now;
  link.expires_at_ms = expires;
  link.token_hash.assign(hash.begin(), hash.end());
  auto stored = InTransaction<bool>(
      store_, [&](rocksdb::Transaction* txn) -> Result<bool> {
        auto customer = customers_->LockForChild(txn, account_id, customer_id);
        if (!customer.ok()) return customer.status();
        CUSTDB_RETURN_IF_ERROR(WritePortalLink(store_, txn, nullptr, &link));
        auto s = txn->Commit();
        if (!s.ok()) return FromRocks(s, "issuing a portal link");
        return true;
      });
  if (!stored.ok()) return stored.status();
  link.token = std::move(token);
  std::string answer = Public(std::move(link));
  return answer;
}

Status Portal::Revoke(uint64_t account_id, uint64_t link_id) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, link_id, "link_id"));
  return InTransaction<bool>(
             store_,
             [&](rocksdb::Transaction* txn) -> Result<bool> {
               auto key = keys::RecordKey(
                   account_id, keys::RecordTag::kPortalLink, link_id);
               auto stored = ReadInTransaction(store_, txn, Family::kRecords,
                                               key, /*for_update=*/true);
               if (!stored.ok()) return stored.status();
               if (!stored->has_value()) {
                 return Status::NotFound(NotFoundMessage(link_id));
               }
               auto link = DecodeLink(**stored, link_id);
               if (!link.ok()) return link.status();
               if (link->revoked) return true;
               // The token entry goes with the revocation: from then on
               // nothing stored matches the token at all.
               std::string hash(link->token_hash.begin(),
                                link->token_hash.end());
               auto s = txn->Delete(store_->family(Family::kIndexes),
                                    keys::PortalTokenKey(account_id, hash));
               if (!s.ok()) return FromRocks(s, "revoking a portal link");
               link->revoked = true;
               link->token_hash.clear();
               s = txn->Put(store_->family(Family::kRecords), key,
                            PackRecord(*link));
               if (!s.ok()) return FromRocks(s, "revoking a portal link");
               s = txn->Commit();
               if (!s.ok()) return FromRocks(s, "revoking a portal link");
               return true;
             })
      .status();
}

Result<Page> Portal::List(uint64_t account_id, uint64_t customer_id,
                          const std::string& after, size_t limit) {
  CUSTDB_RETURN_IF_ERROR(CheckIds(account_id, customer_id));
  auto customer = customers_->GetOwn(account_id, customer_id);
  if (!customer.ok()) return customer.status();
  std::string prefix =
      keys::ChildPrefix(account_id, customer_id, keys::RecordTag::kPortalLink);
  std::string after_key;
  if (!after.empty()) {
    if (after.size() != 8) {
      return Status::InvalidArgument("resume_token: is damaged");
    }
    after_key =
        keys::ChildKey(account_id, customer_id, keys::RecordTag::kPortalLink,
                       keys::GetBigEndian64(after.data()));
  }
  auto found =
      ScanKeys(store_, nullptr, Family::kIndexes, prefix, after_key, limit);
  if (!found.ok()) return found.status();
  int64_t now = now_();
  Page page;
  page.done = found->size() < limit;
  page.last_position = after;
  for (const auto& key : *found) {
    auto child = keys::ParseChildKey(key);
    if (!child) return Status::Corruption("a child index key is damaged");
    page.last_position = BigEndian(child->child_id);
    std::string value;
    auto s = store_->db()->Get(
        rocksdb::ReadOptions(), store_->family(Family::kRecords),
        keys::RecordKey(account_id, keys::RecordTag::kPortalLink,
                        child->child_id),
        &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "listing portal links");
    auto link = DecodeLink(value, child->child_id);
    if (!link.ok()) return link.status();
    if (link->revoked || link->expires_at_ms <= now) continue;
    page.items.push_back({page.last_position, Public(std::move(*link))});
  }
  return page;
}

Result<std::string> Portal::Resolve(uint64_t account_id,
                                    std::string_view token) {
  if (account_id == 0) {
    return Status::InvalidArgument("account_id: must not be 0");
  }
  // Every token takes the same steps, whatever it turns out to be: decode,
  // hash, read the token entry, the link and the customer (keys that do
  // not exist when there is nothing to read), compare. Only the outcome
  // differs, and it is one answer for every failure.
  unsigned char raw[kPortalTokenBytes] = {};
  bool well_formed = DecodeToken(token, raw);
  std::string hash = TokenHash(raw);
  sodium_memzero(raw, sizeof raw);
  auto* db = store_->db();
  rocksdb::ReadOptions ro;

  std::string id_value;
  auto s = db->Get(ro, store_->family(Family::kIndexes),
                   keys::PortalTokenKey(account_id, hash), &id_value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "opening a portal link");
  bool indexed = s.ok() && id_value.size() == 8;
  uint64_t link_id = indexed ? keys::GetBigEndian64(id_value.data()) : 0;

  std::string link_value;
  s = db->Get(
      ro, store_->family(Family::kRecords),
      keys::RecordKey(account_id, keys::RecordTag::kPortalLink, link_id),
      &link_value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "opening a portal link");
  fb::PortalLinkT link;
  bool found = false;
  if (s.ok()) {
    auto decoded = DecodeLink(link_value, link_id);
    if (!decoded.ok()) return decoded.status();
    link = std::move(*decoded);
    found = true;
  }
  std::string stored_hash(kPortalTokenHashBytes, '\0');
  if (link.token_hash.size() == kPortalTokenHashBytes) {
    std::memcpy(stored_hash.data(), link.token_hash.data(),
                kPortalTokenHashBytes);
  }
  bool same = sodium_memcmp(stored_hash.data(), hash.data(),
                            kPortalTokenHashBytes) == 0;

  std::string customer;
  s = db->Get(ro, store_->family(Family::kRecords),
              keys::CustomerKey(account_id, link.customer_id), &customer);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "opening a portal link");
  bool has_customer = s.ok();

  bool opens = well_formed & indexed & found & same & !link.revoked &
               (link.expires_at_ms > now_()) & has_customer;
  if (!opens) return Status::NotFound(kNoPortalLinkMessage);
  std::string storage;
  if (!VerifyRecord<fb::Customer>(
           reinterpret_cast<const uint8_t*>(customer.data()), customer.size(),
           "stored customer", &storage)
           .ok()) {
    return Status::Corruption("customer " + std::to_string(link.customer_id) +
                              ": the stored record is damaged");
  }
  return customer;
}

void ExpectPortalLink(const keys::RecordKeyParts& key, std::string_view value,
                      CheckContext& context) {
  fb::PortalLinkT p;
  if (!UnpackStored<fb::PortalLink>(key, value, context, &p)) return;
  if (p.id != key.id || p.account_id != key.account_id) {
    context.Issue(key.account_id, key.id,
                  "the record's id or account differs from its key");
    return;
  }
  if (!context.HasCustomer(p.account_id, p.customer_id)) {
    context.Issue(p.account_id, p.id,
                  "a portal link of a customer that is missing");
  }
  context.ExpectIndex(keys::ChildKey(p.account_id, p.customer_id,
                                     keys::RecordTag::kPortalLink, p.id));
  if (!p.token.empty()) {
    context.Issue(p.account_id, p.id, "a stored portal link holds its token");
  }
  if (p.revoked) {
    if (!p.token_hash.empty()) {
      context.Issue(p.account_id, p.id,
                    "a revoked portal link keeps its token hash");
    }
    return;
  }
  if (p.token_hash.size() != kPortalTokenHashBytes) {
    context.Issue(p.account_id, p.id,
                  "an active portal link lacks its token hash");
    return;
  }
  context.ExpectIndex(
      keys::PortalTokenKey(
          p.account_id, std::string(p.token_hash.begin(), p.token_hash.end())),
      BigEndian(p.id));
}

}  // namespace custdb
