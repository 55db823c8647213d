// Our decoder against real FRR 8.4 PDUs (tests/lsa/data, captured by make_frr_captures.sh):
// every frame decodes without a skipped TLV, FRR's LSP checksums check, and FRR's HMAC-MD5
// digests verify with its keys and fail with another.
#include <gtest/gtest.h>

#include <map>

#include "control/packet_io.hpp"
#include "lsa/auth.hpp"
#include "lsa/pdu.hpp"
#include "lsa/tlv.hpp"
#include "tools/pcap_file.hpp"

namespace dmsc::lsa {
namespace {

struct Decoded {
  PduView pdu;
  TlvSet tlvs;
};

std::vector<std::vector<std::uint8_t>> frames_of(const std::string& name) {
  auto frames = tools::read_pcap(std::string(DMSC_LSA_DATA_DIR) + "/" + name);
  EXPECT_TRUE(frames.ok()) << frames.error();
  return frames.ok() ? *frames : std::vector<std::vector<std::uint8_t>>{};
}

// Decodes every IS-IS frame of a capture, expecting each to be clean.
std::vector<Decoded> decode_capture(const std::vector<std::vector<std::uint8_t>>& frames) {
  std::vector<Decoded> decoded;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    control::ReceivedPdu received;
    if (control::parse_isis_frame(frames[i], control::kAllIss, received) != control::FrameDrop::kNone) continue;
    Decoded d;
    const PduError error = decode_pdu(received.pdu, d.pdu);
    EXPECT_EQ(error, PduError::kNone) << "frame " << i << ": " << pdu_error_text(error);
    if (error != PduError::kNone) continue;
    const PduContext context = d.pdu.type == PduType::kP2pHello ? PduContext::kHello
                               : d.pdu.type == PduType::kL2Lsp  ? PduContext::kLsp
                                                                : PduContext::kSnp;
    d.tlvs = decode_tlvs(d.pdu.tlvs, context);
    for (const TlvIssue& issue : d.tlvs.issues)
      ADD_FAILURE() << "frame " << i << ": TLV " << int{issue.type} << " " << tlv_error_name(issue.error) << " "
                    << issue.detail;
    decoded.push_back(std::move(d));
  }
  return decoded;
}

TEST(FrrCapture, PlainPdusDecodeCleanly) {
  const auto frames = frames_of("frr-p2p-plain.pcap");
  const auto decoded = decode_capture(frames);
  std::map<PduType, int> types;
  for (const Decoded& d : decoded) {
    ++types[d.pdu.type];
    if (d.pdu.type == PduType::kP2pHello) {
      EXPECT_FALSE(d.tlvs.area_addresses.empty());
      EXPECT_FALSE(d.tlvs.protocols_supported.empty());
      EXPECT_TRUE(d.tlvs.three_way.has_value());
      EXPECT_FALSE(d.tlvs.ipv4_interface_addresses.empty());
    }
    if (d.pdu.type == PduType::kL2Lsp && d.pdu.lsp.remaining_lifetime != 0) {
      EXPECT_NE(d.pdu.lsp.checksum, 0);  // checked by decode_pdu
      EXPECT_TRUE(d.tlvs.hostname.has_value());
    }
  }
  EXPECT_GT(types[PduType::kP2pHello], 0);
  EXPECT_GT(types[PduType::kL2Lsp], 0);
  EXPECT_GT(types[PduType::kL2Csnp], 0);
  EXPECT_GT(types[PduType::kL2Psnp], 0);
  // Some LSP advertises a neighbour (TLV 22) and an IP prefix (TLV 135).
  bool is_reach = false, ip_reach = false;
  for (const Decoded& d : decoded) {
    is_reach |= !d.tlvs.is_reach.empty();
    ip_reach |= !d.tlvs.ip_reach.empty();
  }
  EXPECT_TRUE(is_reach);
  EXPECT_TRUE(ip_reach);
}

TEST(FrrCapture, Md5DigestsVerifyWithFrrsKeysOnly) {
  const AuthKey hello_key{AuthMode::kHmacMd5, "dmsc-iih-key", 0};
  const AuthKey lsp_key{AuthMode::kHmacMd5, "dmsc-lsp-key", 0};
  const AuthKey wrong{AuthMode::kHmacMd5, "not-the-key", 0};
  int verified = 0;
  const auto frames = frames_of("frr-p2p-md5.pcap");  // the decoded PDUs borrow these
  for (const Decoded& d : decode_capture(frames)) {
    ASSERT_TRUE(d.tlvs.authentication.has_value()) << pdu_type_name(d.pdu.type);
    EXPECT_EQ(d.tlvs.authentication->type, kAuthTypeHmacMd5);
    const bool is_lsp = d.pdu.type == PduType::kL2Lsp;
    const AuthKey& key = d.pdu.type == PduType::kP2pHello ? hello_key : lsp_key;
    EXPECT_EQ(verify_pdu(d.pdu.bytes, d.pdu.tlv_offset, &*d.tlvs.authentication, key, is_lsp), AuthResult::kOk)
        << pdu_type_name(d.pdu.type);
    EXPECT_EQ(verify_pdu(d.pdu.bytes, d.pdu.tlv_offset, &*d.tlvs.authentication, wrong, is_lsp), AuthResult::kBadDigest);
    ++verified;
  }
  EXPECT_GT(verified, 4);
}

TEST(FrrCapture, FragmentedLspsDecode) {
  int fragments_above_zero = 0;
  std::size_t prefixes = 0;
  const auto frames = frames_of("frr-lsp-fragments.pcap");
  for (const Decoded& d : decode_capture(frames)) {
    if (d.pdu.type != PduType::kL2Lsp) continue;
    fragments_above_zero += d.pdu.lsp.id.fragment > 0;
    prefixes += d.tlvs.ip_reach.size();
    EXPECT_LE(d.pdu.bytes.size(), kMaxPduLength);
  }
  EXPECT_GT(fragments_above_zero, 0);
  EXPECT_GT(prefixes, 100u);
}

}  // namespace
}  // namespace dmsc::lsa
