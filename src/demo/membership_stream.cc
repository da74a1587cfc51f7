#include "pinsync/demo/membership_stream.h"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <cstdio>

#include "upper_case.h"

namespace pinsync::demo {
namespace {

constexpr std::array<std::pair<const char*, const char*>, 8> kAudiences{{
    {"vip", "VIP shoppers"},
    {"cart_abandoners", "Cart abandoners"},
    {"newsletter", "Newsletter subscribers"},
    {"lapsed", "Lapsed buyers"},
    {"high_ltv", "High lifetime value"},
    {"trial", "Free trial users"},
    {"app_installs", "App installers"},
    {"winback", "Win-back candidates"},
}};
constexpr int kMaxAudiences = 64;

std::string Uuid(std::mt19937_64& rng) {
  std::uniform_int_distribution<uint32_t> nibble(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int group : {8, 4, 4, 4, 12}) {
    if (!out.empty()) out += '-';
    for (int i = 0; i < group; ++i) out += kHex[nibble(rng)];
  }
  return out;
}

// Segment audience keys are snake_cased names ("VIP shoppers": vip_shoppers); Engage names
// the audience by its key, so the lists are named after it.
std::string SnakeCase(const std::string& name) {
  std::string key;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!key.empty() && key.back() != '_') {
      key += '_';
    }
  }
  return key;
}

}  // namespace

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

MembershipStream::MembershipStream(StreamOptions options) : options_(options), rng_(options.seed) {
  const int audience_count = std::clamp(options_.audiences, 1, kMaxAudiences);
  for (int i = 0; i < audience_count; ++i) {
    if (i < static_cast<int>(kAudiences.size())) {
      audiences_.push_back({kAudiences[i].first, kAudiences[i].second});
    } else {  // benchmarks want many lists; past the named ones, numbered segments
      audiences_.push_back({"segment_" + std::to_string(i), "Segment " + std::to_string(i)});
    }
    if (options_.format == EventFormat::kSegment) {
      audiences_.back().name = SnakeCase(audiences_.back().name);
    }
  }
  const size_t user_count =
      options_.users ? options_.users : std::max<size_t>(1, options_.events / 4);
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t i = 0; i < user_count; ++i) {
    User user;
    user.id = "u-" + std::to_string(i);
    user.email = "user" + std::to_string(i) + "." + std::to_string(rng_() % 1000) + "@example" +
                 std::to_string(i % 7) + ".com";
    if (unit(rng_) < 0.5) user.idfa = Uuid(rng_);
    if (unit(rng_) < 0.3) user.gaid = Uuid(rng_);
    user.prehashed_email = unit(rng_) < 0.1;
    users_.push_back(std::move(user));
  }
}

uint64_t MembershipStream::malformed() const {
  uint64_t total = 0;
  for (const auto& [_, n] : dead_letters_) total += n;
  return total;
}

std::optional<GeneratedMessage> MembershipStream::Next() {
  if (produced_ >= options_.events) return std::nullopt;
  ++produced_;
  std::uniform_real_distribution<double> unit(0, 1);
  if (unit(rng_) < options_.malformed_share) return Malformed();
  // Engage's destinations also receive identify calls about other traits: pinsync skips them.
  constexpr double kOtherTraitsShare = 0.02;
  if (options_.format == EventFormat::kSegment && unit(rng_) < kOtherTraitsShare) {
    return SegmentOtherTraits(users_[rng_() % users_.size()]);
  }
  return Valid();
}

std::string MembershipStream::Messy(const std::string& canonical) {
  switch (rng_() % 4) {
    case 0:
      return canonical;
    case 1:
      return Upper(canonical);
    case 2:
      return "  " + canonical + " ";
    default: {
      std::string s = canonical;
      s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
      return s;
    }
  }
}

void MembershipStream::Apply(const std::string& audience, ListType type, const std::string& hex,
                             bool add) {
  ListTruth& list = truth_[{audience, type}];
  if (add) {
    ++list.adds;
    list.members.insert(hex);
  } else {
    ++list.removes;
    list.members.erase(hex);
  }
}

GeneratedMessage MembershipStream::Valid() {
  const User& user = users_[rng_() % users_.size()];
  const Audience& audience = audiences_[rng_() % audiences_.size()];
  std::uniform_real_distribution<double> unit(0, 1);
  const bool add = unit(rng_) >= options_.remove_share;
  switch (options_.format) {
    case EventFormat::kSegment:
      return SegmentCall(user, audience, add);
    case EventFormat::kAvro:
      return AvroRecord(user, audience, add);
    case EventFormat::kNative:
      break;
  }

  std::string ids;
  auto field = [&ids](const char* name, const std::string& value) {
    if (!ids.empty()) ids += ',';
    ids += std::string("\"") + name + "\":\"" + value + "\"";
  };
  const std::string email_hash = Sha256Hex(user.email);
  if (user.prehashed_email) {
    field("email_sha256", Upper(email_hash));
  } else {
    ids += "\"email\":[\"" + Messy(user.email) + "\"]";
  }
  Apply(audience.id, ListType::kEmail, email_hash, add);
  if (!user.idfa.empty()) {
    field("idfa", Upper(user.idfa));  // IDFAs usually arrive upper case
    Apply(audience.id, ListType::kMaid, Sha256Hex(user.idfa), add);
  }
  if (!user.gaid.empty()) {
    field("gaid", Messy(user.gaid));
    Apply(audience.id, ListType::kMaid, Sha256Hex(user.gaid), add);
  }
  // Half the events name the audience; the rest rely on audience_name defaulting to the id...
  // which would name a different list, so every event carries the name, as upstreams do.
  std::string value =
      "{\"audience_id\":\"" + audience.id + "\",\"audience_name\":\"" + audience.name +
      "\",\"op\":\"" + (add ? "add" : "remove") + "\",\"identifiers\":{" + ids +
      "},\"ts\":" + std::to_string(1732300000000 + static_cast<int64_t>(produced_)) + "}";
  // Some producers omit user_id (it falls back to the key); some include it.
  if (produced_ % 3 == 0) value.insert(1, "\"user_id\":\"" + user.id + "\",");
  return GeneratedMessage{user.id, std::move(value), std::nullopt};
}

GeneratedMessage MembershipStream::Malformed() {
  const User& user = users_[rng_() % users_.size()];
  const Audience& audience = audiences_[rng_() % audiences_.size()];
  switch (options_.format) {
    case EventFormat::kSegment:
      return SegmentMalformed(user, audience);
    case EventFormat::kAvro:
      return AvroMalformed(user, audience);
    case EventFormat::kNative:
      break;
  }
  const std::string head = "{\"audience_id\":\"" + audience.id + "\",";
  std::string value;
  std::string reason;
  switch (rng_() % 7) {
    case 0:
      value = head + "\"op\":\"add\",\"identifiers\":{\"email\":\"";  // cut off mid-message
      reason = "malformed_json";
      break;
    case 1:
      value = head + "\"op\":1,\"identifiers\":{\"email\":\"" + user.email + "\"}}";
      reason = "wrong_type";
      break;
    case 2:
      value = head + "\"op\":\"upsert\",\"identifiers\":{\"email\":\"" + user.email + "\"}}";
      reason = "unknown_op";
      break;
    case 3:
      value = head + "\"op\":\"add\",\"identifiers\":{\"email\":\"not-an-email\"}}";
      reason = "invalid_email";
      break;
    case 4:
      value = head + "\"op\":\"add\",\"identifiers\":{\"idfa\":\"12345\"}}";
      reason = "invalid_maid";
      break;
    case 5:
      value = head + "\"op\":\"add\",\"identifiers\":{}}";
      reason = "no_identifiers";
      break;
    default:
      value = head + "\"op\":\"add\",\"identifiers\":{\"email\":\"caf\xC3\x28@example.com\"}}";
      reason = "invalid_utf8";
      break;
  }
  return Rejected(user.id, std::move(value), reason);
}

GeneratedMessage MembershipStream::Rejected(const std::string& key, std::string value,
                                            const std::string& reason) {
  ++dead_letters_[reason];
  return GeneratedMessage{key, std::move(value), reason};
}

}  // namespace pinsync::demo
