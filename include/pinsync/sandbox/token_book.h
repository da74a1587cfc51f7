#pragma once
// Which bearer tokens the sandbox accepts, and the OAuth refresh flow that issues new ones.
// Any non-empty token is accepted unless a required token is set; tokens issued by a refresh are
// always accepted. With expire_after N, each token works for N requests and then gets 401 until
// a refresh issues a new one. With rotation, a refresh also issues a new refresh token and the
// one used is superseded (rejected from then on), so a client that forgets to persist the new
// one fails loudly.

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "pinsync/common/result.h"
#include "pinsync/sandbox/api_error.h"

namespace pinsync::sandbox {

enum class TokenVerdict { kAccepted, kMissing, kUnknown, kExpired };

std::string_view ToString(TokenVerdict verdict);

struct IssuedTokens {
  std::string access_token;
  std::optional<std::string> refresh_token;  // set when rotating
};

class TokenBook {
 public:
  TokenBook(std::string required_token, bool rotate_refresh_tokens, uint64_t seed);

  void SetExpireAfter(int requests);
  // Checks a bearer token and counts the request against it.
  TokenVerdict Admit(std::string_view token);
  // grant_type=refresh_token: 400 for an empty or superseded refresh token.
  Result<IssuedTokens, ApiError> Refresh(std::string_view refresh_token);

  int64_t refreshes() const;
  // Refreshes refused because they presented a refresh token a rotation had superseded.
  int64_t refused_superseded() const;
  void Reset();

 private:
  std::string NewToken(std::string_view prefix);  // requires mutex_

  const std::string required_token_;
  const bool rotate_;
  mutable std::mutex mutex_;
  std::mt19937_64 rng_;
  int expire_after_ = 0;
  int64_t refreshes_ = 0;
  std::unordered_set<std::string> issued_;              // access tokens from refreshes
  std::unordered_map<std::string, int64_t> uses_;       // requests per access token
  std::unordered_set<std::string> superseded_refresh_;  // rotated away
  int64_t refused_superseded_ = 0;
};

}  // namespace pinsync::sandbox
