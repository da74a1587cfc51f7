#include "pinsync/pinterest/access_token_source.h"

#include <spdlog/spdlog.h>

#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/token_store.h"

namespace pinsync::pinterest {

Result<std::unique_ptr<AccessTokenSource>> AccessTokenSource::Create(
    const config::PinterestConfig& config, const Clock& clock, HttpTransport& transport,
    PinterestStats& stats, uint64_t seed, CredentialLineage* lineage) {
  std::unique_ptr<AccessTokenSource> source(
      new AccessTokenSource(config, clock, transport, stats, seed));
  source->lineage_ = lineage;
  source->refresh_token_ = config.refresh_token;
  if (!config.token_store.empty()) {
    auto stored = ReadTokenStore(config.token_store);
    if (!stored) return Unexpected{stored.error()};
    if (stored->has_value()) {
      // The store holds the newest rotation: the configured token may already be spent.
      source->refresh_token_ = **stored;
      spdlog::info("pinterest: using the refresh token from the token store {}",
                   config.token_store);
    }
  }
  source->refresh_flow_ = !source->refresh_token_.empty();
  if (source->refresh_flow_ && (config.app_id.empty() || config.app_secret.empty())) {
    return MakeError(
        "pinterest: the refresh-token flow needs pinterest.app_id and the app secret "
        "(PINTEREST_APP_SECRET or pinterest.app_secret_file); set them or use a static "
        "access token instead");
  }
  if (!source->refresh_flow_ && config.access_token.empty()) {
    return MakeError(
        "pinterest: no credentials: set PINTEREST_ACCESS_TOKEN (or pinterest.access_token_file), "
        "or the refresh-token flow (pinterest.app_id, app secret, refresh token)");
  }
  // A configured access token is used until it expires or draws a 401, even in the refresh flow.
  source->access_token_ = config.access_token;
  return source;
}

AccessTokenSource::AccessTokenSource(const config::PinterestConfig& config, const Clock& clock,
                                     HttpTransport& transport, PinterestStats& stats, uint64_t seed)
    : config_(config),
      clock_(clock),
      transport_(transport),
      stats_(stats),
      backoff_(config.retry_initial_backoff, config.retry_max_backoff, seed) {}

const std::string* AccessTokenSource::Current() {
  // Until the lineage is read, the configured token may be one another member already spent.
  if (lineage_ != nullptr && refresh_flow_ && !lineage_->CredentialsCaughtUp()) return nullptr;
  if (access_token_.empty()) return nullptr;
  if (has_expiry_ && clock_.Now() >= expires_at_) return nullptr;
  return &access_token_;
}

void AccessTokenSource::OnUnauthorized(uint64_t generation) {
  // A static token cannot be renewed: the engine holds the account that refused it.
  if (!refresh_flow_) return;
  if (generation != generation_) return;  // a newer token is already in use
  access_token_.clear();
  ++generation_;
  refresh_needed_ = true;
}

bool AccessTokenSource::held() const {
  return refresh_rejected_ &&
         (access_token_.empty() || (has_expiry_ && clock_.Now() >= expires_at_));
}

SteadyTime AccessTokenSource::NextRefreshAt() const {
  if (!refresh_flow_ || refresh_rejected_ || refreshing_) return SteadyTime::max();
  if (refresh_needed_ || access_token_.empty()) return retry_not_before_;
  return has_expiry_ ? refresh_at_ : SteadyTime::max();
}

void AccessTokenSource::Pump() {
  if (!refresh_flow_) return;
  if (lineage_ != nullptr) {
    if (!lineage_->CredentialsCaughtUp()) return;
    AdoptNewerCredentials();
  }
  if (refresh_rejected_ || refreshing_) return;
  const SteadyTime now = clock_.Now();
  bool due = refresh_needed_ || access_token_.empty() || (has_expiry_ && now >= refresh_at_);
  if (!due || now < retry_not_before_) return;
  if (lineage_ != nullptr) {
    const ClaimStatus status = lineage_->ClaimRefresh(lineage_generation_);
    if (status == ClaimStatus::kSettled) {
      AdoptNewerCredentials();
      return;
    }
    if (status != ClaimStatus::kWon && status != ClaimStatus::kWonTakingOver) {
      if (now >= next_wait_log_) {
        next_wait_log_ = now + std::chrono::seconds(30);
        spdlog::info(
            "pinterest: another member of the group refreshes the access token (generation {}); "
            "waiting for its credentials through the registry topic",
            lineage_generation_);
      }
      return;
    }
  }
  StartRefresh();
}

void AccessTokenSource::AdoptNewerCredentials() {
  auto latest = lineage_->LatestCredentials();
  if (!latest || latest->generation <= lineage_generation_) return;
  const SteadyTime now = clock_.Now();
  const bool rotated = latest->refresh_token != refresh_token_;
  refresh_token_ = latest->refresh_token;
  access_token_ = latest->access_token;
  ++generation_;
  lineage_generation_ = latest->generation;
  lifetime_seconds_ = latest->lifetime_seconds;
  refresh_needed_ = false;
  refresh_rejected_ = false;
  refresh_attempts_ = 0;
  retry_not_before_ = {};
  has_expiry_ = latest->expires_at_unix_ms > 0;
  if (has_expiry_) {
    const auto remaining =
        std::chrono::milliseconds(latest->expires_at_unix_ms - clock_.WallMillis());
    expires_at_ = now + remaining;
    const Duration ahead = lifetime_seconds_ > 0
                               ? Duration(std::chrono::seconds(lifetime_seconds_)) / 5
                               : Duration(remaining) / 5;
    refresh_at_ = expires_at_ - ahead;
  }
  if (rotated) StoreRefreshToken();
  spdlog::info(
      "pinterest: using the group's credentials of generation {} (refreshed by another "
      "member)",
      lineage_generation_);
}

void AccessTokenSource::StoreRefreshToken() {
  if (config_.token_store.empty()) return;
  auto written = WriteTokenStore(config_.token_store, refresh_token_);
  if (!written) {
    spdlog::error("{}", written.error().message);
  } else {
    spdlog::info("pinterest: stored the rotated refresh token in {}", config_.token_store);
  }
}

void AccessTokenSource::StartRefresh() {
  refreshing_ = true;
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = config_.api_base_url + "/oauth/token";
  request.headers = {
      {"Authorization", "Basic " + Base64(config_.app_id + ":" + config_.app_secret)},
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Accept", "application/json"},
  };
  request.body = RefreshTokenForm(refresh_token_);
  request.connect_timeout = config_.connect_timeout;
  request.total_timeout = config_.request_timeout;
  transport_.Start(std::move(request), [this](HttpResponse r) { OnRefreshResponse(std::move(r)); });
}

void AccessTokenSource::OnRefreshResponse(HttpResponse response) {
  refreshing_ = false;
  const SteadyTime now = clock_.Now();
  stats_.Request("oauth_token", StatusClassLabel(response)).Increment();
  auto retry_later = [&](Duration at_least) {
    stats_.token_refreshes.Add({{"result", "retry"}}).Increment();
    retry_not_before_ = now + std::max(at_least, backoff_.Next(refresh_attempts_++));
  };
  const ResponseClass cls = Classify(response);
  switch (cls) {
    case ResponseClass::kSuccess: {
      auto grant = ParseTokenGrant(response.body);
      if (!grant) {
        spdlog::warn("{}; retrying the refresh later", grant.error().message);
        retry_later(Duration::zero());
        return;
      }
      access_token_ = grant->access_token;
      ++generation_;
      refresh_needed_ = false;
      refresh_attempts_ = 0;
      has_expiry_ = grant->expires_in_seconds > 0;
      if (has_expiry_) {
        const Duration lifetime = std::chrono::seconds(grant->expires_in_seconds);
        expires_at_ = now + lifetime;
        refresh_at_ = now + lifetime * 4 / 5;  // ahead of expiry, so requests never wait for it
      }
      stats_.token_refreshes.Add({{"result", "ok"}}).Increment();
      if (!grant->refresh_token.empty() && grant->refresh_token != refresh_token_) {
        refresh_token_ = grant->refresh_token;
        if (!config_.token_store.empty()) {
          StoreRefreshToken();
        } else if (lineage_ == nullptr) {
          spdlog::warn(
              "pinterest: Pinterest rotated the refresh token but pinterest.token_store is not "
              "set; after a restart the configured (older) refresh token will be used");
        }
      }
      lifetime_seconds_ = grant->expires_in_seconds;
      if (lineage_ != nullptr) {
        ++lineage_generation_;
        lineage_->PublishCredentials(SharedCredentials{
            lineage_generation_, refresh_token_, access_token_,
            has_expiry_ ? clock_.WallMillis() + grant->expires_in_seconds * 1000 : 0,
            grant->expires_in_seconds});
      }
      spdlog::info("pinterest: access token refreshed (expires in {} s)",
                   grant->expires_in_seconds);
      return;
    }
    case ResponseClass::kRateLimited:
      retry_later(ParseRetryAfter(response).value_or(Duration::zero()));
      return;
    case ResponseClass::kRetryable:
      spdlog::warn("pinterest: token refresh failed ({} {}); retrying",
                   response.error == TransportError::kNone ? std::to_string(response.status)
                                                           : std::string(ToString(response.error)),
                   response.error == TransportError::kNone ? SafeErrorExcerpt(response.body)
                                                           : response.error_detail);
      retry_later(Duration::zero());
      return;
    case ResponseClass::kBadRequest:
    case ResponseClass::kUnauthorized:
    case ResponseClass::kForbidden:
    case ResponseClass::kNotFound:
    case ResponseClass::kPermanent:
      refresh_rejected_ = true;
      stats_.token_refreshes.Add({{"result", "rejected"}}).Increment();
      spdlog::error(
          "pinterest: {}/oauth/token refused the refresh (HTTP {}: {}); delivery is held once the "
          "current access token expires. Check pinterest.app_id and the app secret, get a new "
          "refresh token (docs/pinterest.md) and restart",
          config_.api_base_url, response.status, SafeErrorExcerpt(response.body));
      return;
  }
}

}  // namespace pinsync::pinterest
