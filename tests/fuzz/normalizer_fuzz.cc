// Fuzzes the identifier normalizer and the single-identifier hash functions. Input: lines; the
// first byte of a line picks the identifier kind (byte % 5; the seeds use d=email, e=idfa,
// f=gaid, g=email_sha256, h=maid_sha256), the rest is the value.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pinsync/identity/hashing.h"
#include "pinsync/identity/identifier_normalizer.h"

namespace {

using pinsync::HashAlgorithm;
using pinsync::HashedId;
using namespace pinsync::identity;

void Require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that broke the invariant
}

uint8_t DigestLength(HashAlgorithm a) {
  switch (a) {
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha1:
      return 20;
    case HashAlgorithm::kMd5:
      return 16;
  }
  return 0;
}

// What normalization must ignore: ASCII case and surrounding whitespace.
std::string Messier(std::string_view s) {
  std::string out = " \t";
  for (char c : s) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out + "\n ";
}

void CheckSingle(std::string_view value, HashAlgorithm a) {
  if (auto email = HashEmail(value, a); email.ok()) {
    Require(email->length == DigestLength(a));
    auto messier = HashEmail(Messier(value), a);
    Require(messier.ok() && *messier == *email);
  } else {
    Require(email.error() == IdentifierErrc::kInvalidEmail);
  }
  if (auto maid = HashMaid(value, a); maid.ok()) {
    Require(maid->length == DigestLength(a));
    auto messier = HashMaid(Messier(value), a);
    Require(messier.ok() && *messier == *maid);
  } else {
    Require(maid.error() == IdentifierErrc::kInvalidMaid);
  }
}

void CheckPreHashed(std::string_view value) {
  auto hash = ParseSha256Hex(value);
  if (!hash.ok()) {
    Require(hash.error() == IdentifierErrc::kInvalidHash);
    return;
  }
  Require(hash->length == 32);
  // Decoding then re-encoding gives the normalized input back.
  std::string lower;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    lower += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  Require(hash->Hex() == lower);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  pinsync::decode::RawIdentifiers raw;
  size_t lines = 0;
  while (!input.empty() && lines < 256) {
    const size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    ++lines;
    if (line.empty()) continue;
    const auto kind = static_cast<uint8_t>(line[0]) % 5;
    line.remove_prefix(1);
    const auto algorithm = static_cast<HashAlgorithm>(lines % 3);
    CheckSingle(line, algorithm);
    CheckPreHashed(line);
    switch (kind) {
      case 0:
        raw.email.emplace_back(line);
        break;
      case 1:
        raw.idfa.emplace_back(line);
        break;
      case 2:
        raw.gaid.emplace_back(line);
        break;
      case 3:
        raw.email_sha256.emplace_back(line);
        break;
      default:
        raw.maid_sha256.emplace_back(line);
        break;
    }
  }

  for (auto algorithm : {HashAlgorithm::kSha256, HashAlgorithm::kMd5}) {
    const NormalizedIdentifiers out = IdentifierNormalizer(algorithm).Normalize(raw);
    // Every raw identifier is accounted for exactly once.
    Require(out.email.size() + out.maid.size() + out.invalid_email + out.invalid_maid +
                out.invalid_hash + out.duplicates ==
            raw.size());
    Require(out.email.size() <= raw.email.size() + raw.email_sha256.size());
    Require(out.maid.size() <= raw.idfa.size() + raw.gaid.size() + raw.maid_sha256.size());
    const bool any_invalid = out.invalid_email + out.invalid_maid + out.invalid_hash > 0;
    Require(out.first_invalid.has_value() == any_invalid);
    Require(!out.FirstInvalidReason().empty());
    for (size_t i = 0; i < out.email.size(); ++i) {
      for (size_t j = i + 1; j < out.email.size() && j < i + 64; ++j) {
        Require(!(out.email[i] == out.email[j]));
      }
    }
  }
  return 0;
}
