#pragma once
// PDU authentication in TLV 10: HMAC-MD5 (RFC 5304) and HMAC-SHA256 (RFC 5310).
//
// The digest covers the whole PDU with the digest field blanked (zeros for HMAC-MD5, Apad for
// RFC 5310) and, in an LSP, the Remaining Lifetime and Checksum fields zero; the LSP checksum
// is computed afterwards, over the digest. Keys are compared in constant time.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lsa/tlv.hpp"

namespace dmsc::lsa {

enum class AuthMode : std::uint8_t { kNone, kHmacMd5, kHmacSha256 };
inline constexpr std::uint8_t kAuthTypeCryptographic = 3;  // RFC 5310
inline constexpr std::uint8_t kAuthTypeHmacMd5 = 54;       // RFC 5304

struct AuthKey {
  AuthMode mode = AuthMode::kNone;
  std::string secret;
  std::uint16_t key_id = 1;  // RFC 5310 only
};

const char* auth_mode_name(AuthMode mode);

// Octets the TLV 10 for `key` takes (0 without authentication).
std::size_t auth_tlv_size(const AuthKey& key);

// Appends a TLV 10 with its digest blanked; returns the offset of the digest in `pdu` (0 when
// the key is kNone and nothing was appended). Call before the PDU length is final.
std::size_t append_auth_tlv(std::vector<std::uint8_t>& pdu, const AuthKey& key);

// Computes and writes the digest of a complete PDU (length field set). For an LSP it then sets
// the checksum.
void sign_pdu(std::span<std::uint8_t> pdu, std::size_t digest_offset, const AuthKey& key, bool is_lsp);

enum class AuthResult : std::uint8_t {
  kOk = 0,
  kNotRequired,   // no key configured: the PDU is accepted whatever it carries
  kMissing,       // a key is configured and the PDU has no TLV 10
  kWrongType,     // TLV 10 of another authentication type
  kBadLength,     // digest length wrong for the type
  kWrongKeyId,    // RFC 5310 key id not the configured one
  kBadDigest,     // digest does not match: wrong key or altered PDU
};
const char* auth_result_text(AuthResult result);

// Checks a received PDU against `key`. `tlv_offset` is where the TLV area starts in `pdu` and
// `auth` the decoded TLV 10 (its offset relative to the TLV area), if any.
AuthResult verify_pdu(std::span<const std::uint8_t> pdu, std::size_t tlv_offset, const Authentication* auth,
                      const AuthKey& key, bool is_lsp);

}  // namespace dmsc::lsa
