#include "lsa/pdu.hpp"

#include "lsa/bytes.hpp"
#include "lsa/checksum.hpp"

namespace dmsc::lsa {

const char* pdu_type_name(PduType type) {
  switch (type) {
    case PduType::kL1LanHello: return "L1 LAN hello";
    case PduType::kL2LanHello: return "L2 LAN hello";
    case PduType::kP2pHello: return "P2P hello";
    case PduType::kL1Lsp: return "L1 LSP";
    case PduType::kL2Lsp: return "L2 LSP";
    case PduType::kL1Csnp: return "L1 CSNP";
    case PduType::kL2Csnp: return "L2 CSNP";
    case PduType::kL1Psnp: return "L1 PSNP";
    case PduType::kL2Psnp: return "L2 PSNP";
  }
  return "unknown PDU";
}

const char* pdu_error_name(PduError error) {
  switch (error) {
    case PduError::kNone: return "none";
    case PduError::kTooShort: return "too_short";
    case PduError::kBadDiscriminator: return "bad_discriminator";
    case PduError::kBadHeaderLength: return "bad_header_length";
    case PduError::kBadVersion: return "bad_version";
    case PduError::kBadIdLength: return "bad_id_length";
    case PduError::kBadMaxAreas: return "bad_max_areas";
    case PduError::kUnsupportedType: return "unsupported_type";
    case PduError::kBadPduLength: return "bad_pdu_length";
    case PduError::kTlvOverrun: return "tlv_overrun";
    case PduError::kBadChecksum: return "bad_checksum";
    case PduError::kCount: break;
  }
  return "unknown";
}

const char* pdu_error_text(PduError error) {
  switch (error) {
    case PduError::kNone: return "no error";
    case PduError::kTooShort: return "shorter than its headers";
    case PduError::kBadDiscriminator: return "first octet is not the IS-IS discriminator 0x83";
    case PduError::kBadHeaderLength: return "header length does not match the PDU type";
    case PduError::kBadVersion: return "version is not 1";
    case PduError::kBadIdLength: return "system id length is neither 0 nor 6";
    case PduError::kBadMaxAreas: return "maximum area addresses is neither 0 nor 3";
    case PduError::kUnsupportedType: return "PDU type not handled (LAN hellos and Level 1 are not supported)";
    case PduError::kBadPduLength: return "PDU length field is below the header or past the frame";
    case PduError::kTlvOverrun: return "a TLV runs past the end of the PDU";
    case PduError::kBadChecksum: return "LSP checksum is wrong";
    case PduError::kCount: break;
  }
  return "unknown error";
}

std::size_t header_length(PduType type) {
  switch (type) {
    case PduType::kP2pHello: return kP2pHelloHeaderLength;
    case PduType::kL1Lsp:
    case PduType::kL2Lsp: return kLspHeaderLength;
    case PduType::kL1Csnp:
    case PduType::kL2Csnp: return kCsnpHeaderLength;
    case PduType::kL1Psnp:
    case PduType::kL2Psnp: return kPsnpHeaderLength;
    case PduType::kL1LanHello:
    case PduType::kL2LanHello: return 27;
  }
  return 0;
}

void write_common_header(std::vector<std::uint8_t>& out, PduType type) {
  ByteWriter w(out);
  w.u8(kIntradomainRoutingDiscriminator);
  w.u8(static_cast<std::uint8_t>(header_length(type)));
  w.u8(1);  // version / protocol id extension
  w.u8(0);  // id length 0: 6 octets
  w.u8(static_cast<std::uint8_t>(type));
  w.u8(1);  // version
  w.u8(0);  // reserved
  w.u8(0);  // maximum area addresses 0: 3
}

namespace {

bool read_system_id(ByteReader& r, SystemId& id) { return r.copy(id.octets.data(), kSystemIdLength); }

bool read_lsp_id(ByteReader& r, LspId& id) {
  return read_system_id(r, id.node.system) && r.u8(id.node.pseudonode) && r.u8(id.fragment);
}

bool tlvs_framed(std::span<const std::uint8_t> area) {
  std::size_t offset = 0;
  while (offset < area.size()) {
    if (area.size() - offset < 2) return false;
    const std::size_t length = area[offset + 1];
    if (length > area.size() - offset - 2) return false;
    offset += 2 + length;
  }
  return true;
}

}  // namespace

PduError decode_pdu(std::span<const std::uint8_t> frame, PduView& out) {
  if (frame.size() < kCommonHeaderLength) return PduError::kTooShort;
  if (frame[0] != kIntradomainRoutingDiscriminator) return PduError::kBadDiscriminator;
  if (frame[2] != 1 || frame[5] != 1) return PduError::kBadVersion;
  if (frame[3] != 0 && frame[3] != kSystemIdLength) return PduError::kBadIdLength;
  if (frame[7] != 0 && frame[7] != 3) return PduError::kBadMaxAreas;
  const auto type = static_cast<PduType>(frame[4] & 0x1f);
  if (type != PduType::kP2pHello && type != PduType::kL2Lsp && type != PduType::kL2Csnp && type != PduType::kL2Psnp)
    return PduError::kUnsupportedType;
  const std::size_t fixed = header_length(type);
  if (frame[1] != fixed) return PduError::kBadHeaderLength;
  if (frame.size() < fixed) return PduError::kTooShort;

  ByteReader r(frame.subspan(kCommonHeaderLength));
  PduView pdu;
  pdu.type = type;
  std::uint16_t pdu_length = 0;
  switch (type) {
    case PduType::kP2pHello:
      r.u8(pdu.hello.circuit_type);
      read_system_id(r, pdu.hello.source);
      r.u16(pdu.hello.holding_time);
      r.u16(pdu_length);
      r.u8(pdu.hello.local_circuit_id);
      break;
    case PduType::kL2Lsp:
      r.u16(pdu_length);
      r.u16(pdu.lsp.remaining_lifetime);
      read_lsp_id(r, pdu.lsp.id);
      r.u32(pdu.lsp.sequence);
      r.u16(pdu.lsp.checksum);
      r.u8(pdu.lsp.flags);
      break;
    case PduType::kL2Csnp:
      r.u16(pdu_length);
      read_system_id(r, pdu.snp.source.system);
      r.u8(pdu.snp.source.pseudonode);
      read_lsp_id(r, pdu.snp.start);
      read_lsp_id(r, pdu.snp.end);
      break;
    case PduType::kL2Psnp:
      r.u16(pdu_length);
      read_system_id(r, pdu.snp.source.system);
      r.u8(pdu.snp.source.pseudonode);
      break;
    default:
      return PduError::kUnsupportedType;
  }
  // The fixed header was checked to fit above, so every read succeeded.
  if (pdu_length < fixed || pdu_length > frame.size()) return PduError::kBadPduLength;
  pdu.bytes = frame.first(pdu_length);
  pdu.tlv_offset = fixed;
  pdu.tlvs = pdu.bytes.subspan(fixed);
  if (!tlvs_framed(pdu.tlvs)) return PduError::kTlvOverrun;
  if (type == PduType::kL2Lsp && pdu.lsp.checksum != 0 && !fletcher_valid(pdu.bytes.subspan(kLspIdOffset)))
    return PduError::kBadChecksum;
  out = pdu;
  return PduError::kNone;
}

void set_lsp_checksum(std::span<std::uint8_t> pdu) {
  const std::uint16_t checksum = fletcher_checksum(pdu.subspan(kLspIdOffset), kLspChecksumOffset - kLspIdOffset);
  pdu[kLspChecksumOffset] = static_cast<std::uint8_t>(checksum >> 8);
  pdu[kLspChecksumOffset + 1] = static_cast<std::uint8_t>(checksum);
}

}  // namespace dmsc::lsa
