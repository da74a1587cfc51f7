#include "pinsync/sandbox/token_book.h"

namespace pinsync::sandbox {

std::string_view ToString(TokenVerdict verdict) {
  switch (verdict) {
    case TokenVerdict::kAccepted:
      return "accepted";
    case TokenVerdict::kMissing:
      return "missing";
    case TokenVerdict::kUnknown:
      return "unknown";
    case TokenVerdict::kExpired:
      return "expired";
  }
  return "?";
}

TokenBook::TokenBook(std::string required_token, bool rotate_refresh_tokens, uint64_t seed)
    : required_token_(std::move(required_token)),
      rotate_(rotate_refresh_tokens),
      rng_(seed ^ 0x5a17'b0c5'0000'0001ULL) {}

void TokenBook::SetExpireAfter(int requests) {
  std::lock_guard lock(mutex_);
  expire_after_ = requests;
}

TokenVerdict TokenBook::Admit(std::string_view token) {
  if (token.empty()) return TokenVerdict::kMissing;
  std::lock_guard lock(mutex_);
  std::string key(token);
  if (!required_token_.empty() && key != required_token_ && !issued_.contains(key)) {
    return TokenVerdict::kUnknown;
  }
  int64_t& uses = uses_[key];
  if (expire_after_ > 0 && uses >= expire_after_) return TokenVerdict::kExpired;
  ++uses;
  return TokenVerdict::kAccepted;
}

Result<IssuedTokens, ApiError> TokenBook::Refresh(std::string_view refresh_token) {
  if (refresh_token.empty()) {
    return Failed(MakeApiError(ApiErrc::kBadRequest,
                               "form field 'refresh_token' is missing or empty; send the "
                               "refresh token with grant_type=refresh_token"));
  }
  std::lock_guard lock(mutex_);
  std::string key(refresh_token);
  if (superseded_refresh_.contains(key)) {
    ++refused_superseded_;
    return Failed(MakeApiError(ApiErrc::kBadRequest,
                               "the refresh token was superseded by a rotation; use the "
                               "refresh_token returned by the last refresh"));
  }
  IssuedTokens out;
  out.access_token = NewToken("pina_");
  issued_.insert(out.access_token);
  if (rotate_) {
    out.refresh_token = NewToken("pinr_");
    superseded_refresh_.insert(std::move(key));
  }
  ++refreshes_;
  return out;
}

int64_t TokenBook::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

int64_t TokenBook::refused_superseded() const {
  std::lock_guard lock(mutex_);
  return refused_superseded_;
}

void TokenBook::Reset() {
  std::lock_guard lock(mutex_);
  issued_.clear();
  uses_.clear();
  superseded_refresh_.clear();
  refreshes_ = 0;
  refused_superseded_ = 0;
}

std::string TokenBook::NewToken(std::string_view prefix) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string token(prefix);
  for (int i = 0; i < 4; ++i) {
    uint64_t bits = rng_();
    for (int j = 0; j < 16; ++j, bits >>= 4) token.push_back(kDigits[bits & 0xf]);
  }
  return token;
}

}  // namespace pinsync::sandbox
