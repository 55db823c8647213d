#include "lsa/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

#include "lsa/pdu.hpp"

namespace dmsc::lsa {

const char* auth_mode_name(AuthMode mode) {
  switch (mode) {
    case AuthMode::kNone: return "none";
    case AuthMode::kHmacMd5: return "hmac-md5";
    case AuthMode::kHmacSha256: return "hmac-sha-256";
  }
  return "unknown";
}

const char* auth_result_text(AuthResult result) {
  switch (result) {
    case AuthResult::kOk: return "authenticated";
    case AuthResult::kNotRequired: return "no authentication configured";
    case AuthResult::kMissing: return "authentication TLV missing";
    case AuthResult::kWrongType: return "authentication of another type";
    case AuthResult::kBadLength: return "authentication digest of the wrong length";
    case AuthResult::kWrongKeyId: return "authentication key id not configured";
    case AuthResult::kBadDigest: return "authentication digest mismatch (wrong key or altered PDU)";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kMd5Length = 16;
constexpr std::size_t kSha256Length = 32;
constexpr std::array<std::uint8_t, 4> kApad = {0x87, 0x8f, 0xe1, 0xf3};  // RFC 5310 §3.3

std::size_t digest_length(AuthMode mode) { return mode == AuthMode::kHmacMd5 ? kMd5Length : kSha256Length; }
// Octets of TLV 10's value before the digest: type, and for RFC 5310 the key id.
std::size_t digest_prefix(AuthMode mode) { return mode == AuthMode::kHmacMd5 ? 1 : 3; }

void blank_digest(std::uint8_t* digest, AuthMode mode) {
  const std::size_t length = digest_length(mode);
  for (std::size_t i = 0; i < length; ++i) digest[i] = mode == AuthMode::kHmacMd5 ? 0 : kApad[i % 4];
}

// HMAC over `text`. RFC 5310 §3.3 first hashes a key longer than the digest (standard HMAC
// only one longer than the block), so that case differs from plain HMAC.
void compute_digest(const AuthKey& key, std::span<const std::uint8_t> text, std::uint8_t* out) {
  const EVP_MD* md = key.mode == AuthMode::kHmacMd5 ? EVP_md5() : EVP_sha256();
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> hashed_key;
  const auto* secret = reinterpret_cast<const std::uint8_t*>(key.secret.data());
  std::size_t secret_length = key.secret.size();
  if (key.mode == AuthMode::kHmacSha256 && secret_length > kSha256Length) {
    unsigned int length = 0;
    EVP_Digest(secret, secret_length, hashed_key.data(), &length, md, nullptr);
    secret = hashed_key.data();
    secret_length = length;
  }
  unsigned int length = 0;
  HMAC(md, secret, static_cast<int>(secret_length), text.data(), text.size(), out, &length);
}

// The PDU as the digest covers it: digest blanked, and an LSP's lifetime and checksum zero.
std::vector<std::uint8_t> digest_text(std::span<const std::uint8_t> pdu, std::size_t digest_offset, AuthMode mode,
                                      bool is_lsp) {
  std::vector<std::uint8_t> text(pdu.begin(), pdu.end());
  blank_digest(text.data() + digest_offset, mode);
  if (is_lsp) {
    text[kLspLifetimeOffset] = text[kLspLifetimeOffset + 1] = 0;
    text[kLspChecksumOffset] = text[kLspChecksumOffset + 1] = 0;
  }
  return text;
}

}  // namespace

std::size_t auth_tlv_size(const AuthKey& key) {
  if (key.mode == AuthMode::kNone) return 0;
  return 2 + digest_prefix(key.mode) + digest_length(key.mode);
}

std::size_t append_auth_tlv(std::vector<std::uint8_t>& pdu, const AuthKey& key) {
  if (key.mode == AuthMode::kNone) return 0;
  pdu.push_back(kTlvAuthentication);
  pdu.push_back(static_cast<std::uint8_t>(digest_prefix(key.mode) + digest_length(key.mode)));
  if (key.mode == AuthMode::kHmacMd5) {
    pdu.push_back(kAuthTypeHmacMd5);
  } else {
    pdu.push_back(kAuthTypeCryptographic);
    pdu.push_back(static_cast<std::uint8_t>(key.key_id >> 8));
    pdu.push_back(static_cast<std::uint8_t>(key.key_id));
  }
  const std::size_t digest_offset = pdu.size();
  pdu.resize(pdu.size() + digest_length(key.mode));
  blank_digest(pdu.data() + digest_offset, key.mode);
  return digest_offset;
}

void sign_pdu(std::span<std::uint8_t> pdu, std::size_t digest_offset, const AuthKey& key, bool is_lsp) {
  if (key.mode != AuthMode::kNone) {
    const std::vector<std::uint8_t> text = digest_text(pdu, digest_offset, key.mode, is_lsp);
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest;
    compute_digest(key, text, digest.data());
    std::copy_n(digest.begin(), digest_length(key.mode), pdu.begin() + static_cast<std::ptrdiff_t>(digest_offset));
  }
  if (is_lsp) set_lsp_checksum(pdu);
}

AuthResult verify_pdu(std::span<const std::uint8_t> pdu, std::size_t tlv_offset, const Authentication* auth,
                      const AuthKey& key, bool is_lsp) {
  if (key.mode == AuthMode::kNone) return AuthResult::kNotRequired;
  if (auth == nullptr) return AuthResult::kMissing;
  const std::uint8_t want_type = key.mode == AuthMode::kHmacMd5 ? kAuthTypeHmacMd5 : kAuthTypeCryptographic;
  if (auth->type != want_type) return AuthResult::kWrongType;
  const std::size_t prefix = digest_prefix(key.mode) - 1;  // octets of auth->value before the digest
  if (auth->value.size() != prefix + digest_length(key.mode)) return AuthResult::kBadLength;
  if (key.mode == AuthMode::kHmacSha256 && ((auth->value[0] << 8) | auth->value[1]) != key.key_id)
    return AuthResult::kWrongKeyId;
  // TLV header (2) + type octet (1) + prefix, from the TLV's start.
  const std::size_t digest_offset = tlv_offset + auth->offset + 3 + prefix;
  const std::vector<std::uint8_t> text = digest_text(pdu, digest_offset, key.mode, is_lsp);
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest;
  compute_digest(key, text, digest.data());
  if (CRYPTO_memcmp(digest.data(), pdu.data() + digest_offset, digest_length(key.mode)) != 0)
    return AuthResult::kBadDigest;
  return AuthResult::kOk;
}

}  // namespace dmsc::lsa
