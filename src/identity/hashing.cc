#include "pinsync/identity/hashing.h"

#include <array>
#include <cstdint>

#include <openssl/crypto.h>

namespace pinsync::identity {

namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The normalized plaintext lives only here, and is wiped when the hash is taken.
class ScratchText {
 public:
  ~ScratchText() { OPENSSL_cleanse(buffer_.data(), size_); }
  void Push(char c) { buffer_[size_++] = c; }
  std::string_view view() const { return {buffer_.data(), size_}; }

 private:
  std::array<char, kMaxEmailLength> buffer_;
  size_t size_ = 0;
};

bool IsPlausibleDomain(std::string_view domain) {
  const size_t dot = domain.find('.');
  return dot != std::string_view::npos && domain.front() != '.' && domain.back() != '.';
}

constexpr size_t kMaidLength = 36;  // 8-4-4-4-12
constexpr uint64_t kMaidDashPositions = (1ull << 8) | (1ull << 13) | (1ull << 18) | (1ull << 23);

// 1 for 0-9, a-f, A-F.
constexpr std::array<uint8_t, 256> kIsHexDigit = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = HexValue(static_cast<char>(c)) >= 0 ? 1 : 0;
  return table;
}();

}  // namespace

Result<HashedId, IdentifierErrc> HashEmail(std::string_view email, HashAlgorithm algorithm) {
  email = Trim(email);
  if (email.empty() || email.size() > kMaxEmailLength) {
    return Unexpected{IdentifierErrc::kInvalidEmail};
  }
  ScratchText text;
  size_t at = std::string_view::npos;
  for (size_t i = 0; i < email.size(); ++i) {
    const char c = email[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return Unexpected{IdentifierErrc::kInvalidEmail};
    if (c == '@') {
      if (at != std::string_view::npos) return Unexpected{IdentifierErrc::kInvalidEmail};
      at = i;
    }
    text.Push(LowerAscii(c));
  }
  if (at == std::string_view::npos || at == 0 || !IsPlausibleDomain(text.view().substr(at + 1))) {
    return Unexpected{IdentifierErrc::kInvalidEmail};
  }
  return Digest(text.view(), algorithm);
}

Result<HashedId, IdentifierErrc> HashMaid(std::string_view maid, HashAlgorithm algorithm) {
  maid = Trim(maid);
  if (maid.size() != kMaidLength) return Unexpected{IdentifierErrc::kInvalidMaid};
  // No branch per character: ids are random hex, so per-character branches mispredict (this
  // loop was ~3% of the connector's CPU with them). `c | 0x20` lowercases A-F and leaves digits
  // and '-' as they are; anything else is rejected.
  ScratchText text;
  unsigned valid = 1;
  unsigned nonzero = 0;
  for (size_t i = 0; i < kMaidLength; ++i) {
    const auto c = static_cast<unsigned char>(maid[i]);
    const unsigned dash = (kMaidDashPositions >> i) & 1u;
    valid &= (dash & unsigned{c == '-'}) | (~dash & unsigned{kIsHexDigit[c]});
    nonzero |= ~dash & unsigned{c != '0'};
    text.Push(static_cast<char>(c | 0x20));
  }
  if ((valid & nonzero & 1u) == 0) return Unexpected{IdentifierErrc::kInvalidMaid};
  return Digest(text.view(), algorithm);
}

Result<HashedId, IdentifierErrc> ParseSha256Hex(std::string_view hex) {
  hex = Trim(hex);
  HashedId id;
  if (hex.size() != 2 * 32) return Unexpected{IdentifierErrc::kInvalidHash};
  for (size_t i = 0; i < 32; ++i) {
    const int high = HexValue(hex[2 * i]);
    const int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return Unexpected{IdentifierErrc::kInvalidHash};
    id.bytes[i] = static_cast<uint8_t>(high << 4 | low);
  }
  id.length = 32;
  return id;
}

}  // namespace pinsync::identity
