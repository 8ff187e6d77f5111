// Resume tokens: the saved position of a cursor, handed to the host and
// back, so that "load more" needs no cursor kept between requests.
//
// Layout (version 2): version byte, list kind byte, account id, a 64-bit
// keyed hash of the query (Store::QueryHash), the position (opaque bytes,
// the list's own), and an xxHash64 checksum of everything before it. The
// checksum catches damage, not forgery: a forged token can only move a
// cursor within the account and query the caller names anyway. The query
// is present only as a hash keyed with the store's secret, so a token
// does not give away the phone or email it was made for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace custdb {

struct ResumePosition {
  uint8_t list_kind = 0;  // which call made it
  uint64_t account_id = 0;
  uint64_t query_hash = 0;
  std::string position;
};

std::string EncodeResumeToken(const ResumePosition& position);

// Decodes a token and checks that it belongs to `list_kind`,
// `account_id` and `query_hash`. Any mismatch or damage is
// kInvalidArgument.
Result<ResumePosition> DecodeResumeToken(std::string_view token,
                                         uint8_t list_kind, uint64_t account_id,
                                         uint64_t query_hash);

}  // namespace custdb
