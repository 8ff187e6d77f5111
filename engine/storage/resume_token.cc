#include "engine/storage/resume_token.h"

#include <xxhash.h>

#include "engine/storage/keys.h"

namespace custdb {
namespace {

// Version 2: a search's position of a customer's own phone or email entry
// appends source 0, where version 1 appended the customer.
constexpr uint8_t kTokenVersion = 2;
constexpr uint64_t kChecksumSeed = 0x637573746462746bULL;  // "custdbtk"
constexpr size_t kHeaderBytes = 1 + 1 + 8 + 8;
constexpr size_t kMaxPositionBytes = 1024;

}  // namespace

std::string EncodeResumeToken(const ResumePosition& p) {
  std::string token;
  token.push_back(static_cast<char>(kTokenVersion));
  token.push_back(static_cast<char>(p.list_kind));
  keys::PutBigEndian64(&token, p.account_id);
  keys::PutBigEndian64(&token, p.query_hash);
  token += p.position;
  keys::PutBigEndian64(&token,
                       XXH64(token.data(), token.size(), kChecksumSeed));
  return token;
}

Result<ResumePosition> DecodeResumeToken(std::string_view token,
                                         uint8_t list_kind, uint64_t account_id,
                                         uint64_t query_hash) {
  if (token.size() < kHeaderBytes + 8 ||
      token.size() > kHeaderBytes + kMaxPositionBytes + 8) {
    return Status::InvalidArgument("resume_token: has the wrong length");
  }
  std::string_view body = token.substr(0, token.size() - 8);
  uint64_t checksum = keys::GetBigEndian64(token.data() + body.size());
  if (XXH64(body.data(), body.size(), kChecksumSeed) != checksum) {
    return Status::InvalidArgument("resume_token: is damaged");
  }
  if (static_cast<uint8_t>(body[0]) != kTokenVersion) {
    return Status::InvalidArgument(
        "resume_token: was made by another version of custdb");
  }
  ResumePosition p;
  p.list_kind = static_cast<uint8_t>(body[1]);
  p.account_id = keys::GetBigEndian64(body.data() + 2);
  p.query_hash = keys::GetBigEndian64(body.data() + 10);
  p.position = std::string(body.substr(kHeaderBytes));
  if (p.list_kind != list_kind) {
    return Status::InvalidArgument("resume_token: belongs to another list");
  }
  if (p.account_id != account_id) {
    return Status::InvalidArgument("resume_token: belongs to another account");
  }
  if (p.query_hash != query_hash) {
    return Status::InvalidArgument("resume_token: belongs to another query");
  }
  return p;
}

}  // namespace custdb
