#include "pinsync/registry/token_envelope.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <string_view>
#include <vector>

#include "pinsync/common/hex.h"

namespace pinsync::registry {

namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr std::string_view kSalt = "pinsync registry credentials v1";

using Key = std::array<unsigned char, kKeyBytes>;

struct KdfDeleter {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

bool DeriveKey(const std::string& app_id, const std::string& app_secret, Key& key) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return false;
  std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return false;
  std::string digest = "SHA256";
  std::string secret = app_secret;
  std::string salt(kSalt);
  std::string info = app_id;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret.data(), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt.data(), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end()};
  return EVP_KDF_derive(ctx.get(), key.data(), key.size(), params) == 1;
}

std::string AssociatedData(const std::string& app_id, uint64_t generation) {
  return app_id + '\0' + std::to_string(generation);
}

bool Unhex(const std::string& hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.resize(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace

Result<std::string> SealCredentials(const std::string& app_id, const std::string& app_secret,
                                    uint64_t generation, const std::string& plaintext) {
  if (app_secret.empty()) return MakeError("cannot seal credentials without the app secret");
  Key key{};
  if (!DeriveKey(app_id, app_secret, key)) return MakeError("HKDF-SHA256 is not available");
  std::vector<unsigned char> out(kNonceBytes + plaintext.size() + kTagBytes);
  if (RAND_bytes(out.data(), static_cast<int>(kNonceBytes)) != 1) {
    return MakeError("no random bytes for the nonce");
  }
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  const std::string aad = AssociatedData(app_id, generation);
  int len = 0;
  bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                               reinterpret_cast<const unsigned char*>(aad.data()),
                               static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len,
                               reinterpret_cast<const unsigned char*>(plaintext.data()),
                               static_cast<int>(plaintext.size())) == 1;
  int tail = 0;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + len, &tail) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                 out.data() + kNonceBytes + plaintext.size()) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) return MakeError("AES-256-GCM sealing failed");
  return ToHex(out);
}

Result<std::string> OpenCredentials(const std::string& app_id, const std::string& app_secret,
                                    uint64_t generation, const std::string& sealed_hex) {
  std::vector<unsigned char> in;
  if (!Unhex(sealed_hex, in) || in.size() < kNonceBytes + kTagBytes) {
    return MakeError("sealed credentials are not hex of nonce, ciphertext and tag");
  }
  Key key{};
  if (!DeriveKey(app_id, app_secret, key)) return MakeError("HKDF-SHA256 is not available");
  const size_t text_bytes = in.size() - kNonceBytes - kTagBytes;
  std::string plaintext(text_bytes, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  const std::string aad = AssociatedData(app_id, generation);
  int len = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), in.data()) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                               reinterpret_cast<const unsigned char*>(aad.data()),
                               static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &len,
                               in.data() + kNonceBytes, static_cast<int>(text_bytes)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                                 in.data() + kNonceBytes + text_bytes) == 1;
  int tail = 0;
  ok = ok && EVP_DecryptFinal_ex(
                 ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + len, &tail) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return MakeError(
        "sealed credentials do not open with this app's secret (written with another secret, or "
        "altered)");
  }
  return plaintext;
}

}  // namespace pinsync::registry
