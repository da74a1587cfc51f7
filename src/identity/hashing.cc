#include "pinsync/identity/hashing.h"

#include <array>

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

int HexValue(char c) {
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
bool IsMaidDashPosition(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

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
  ScratchText text;
  bool all_zero = true;
  for (size_t i = 0; i < maid.size(); ++i) {
    const char c = maid[i];
    if (IsMaidDashPosition(i)) {
      if (c != '-') return Unexpected{IdentifierErrc::kInvalidMaid};
    } else {
      if (HexValue(c) < 0) return Unexpected{IdentifierErrc::kInvalidMaid};
      all_zero = all_zero && c == '0';
    }
    text.Push(LowerAscii(c));
  }
  if (all_zero) return Unexpected{IdentifierErrc::kInvalidMaid};
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
