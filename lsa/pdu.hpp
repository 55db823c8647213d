#pragma once
// IS-IS PDUs (ISO 10589 §9): the common header, the fixed headers of point-to-point hellos,
// LSPs, CSNPs and PSNPs, and a bounded decoder that checks them and borrows the TLV area.
// Frames reach this code without their 802.3/LLC framing (control/ strips it).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lsa/ids.hpp"

namespace dmsc::lsa {

inline constexpr std::uint8_t kIntradomainRoutingDiscriminator = 0x83;
inline constexpr std::size_t kCommonHeaderLength = 8;
inline constexpr std::size_t kP2pHelloHeaderLength = 20;
inline constexpr std::size_t kLspHeaderLength = 27;
inline constexpr std::size_t kCsnpHeaderLength = 33;
inline constexpr std::size_t kPsnpHeaderLength = 17;
// Where the LSP's fields sit in the PDU (checksum range starts at the LSP ID).
inline constexpr std::size_t kLspLifetimeOffset = 10;
inline constexpr std::size_t kLspIdOffset = 12;
inline constexpr std::size_t kLspSequenceOffset = 20;
inline constexpr std::size_t kLspChecksumOffset = 24;
inline constexpr std::size_t kMaxPduLength = 1497;  // FRR's default lsp-mtu and hello size

enum class PduType : std::uint8_t {
  kL1LanHello = 15,
  kL2LanHello = 16,
  kP2pHello = 17,
  kL1Lsp = 18,
  kL2Lsp = 20,
  kL1Csnp = 24,
  kL2Csnp = 25,
  kL1Psnp = 26,
  kL2Psnp = 27,
};
const char* pdu_type_name(PduType type);

// Why a PDU was dropped. Stable values: they index counters.
enum class PduError : std::uint8_t {
  kNone = 0,
  kTooShort,            // shorter than its headers
  kBadDiscriminator,    // first octet not 0x83
  kBadHeaderLength,     // header length octet does not match the PDU type
  kBadVersion,          // version / protocol id extension not 1
  kBadIdLength,         // system id length neither 0 nor 6
  kBadMaxAreas,         // maximum area addresses neither 0 nor 3
  kUnsupportedType,     // a PDU type we do not handle (LAN hello, Level 1, unknown)
  kBadPduLength,        // the PDU length field is below the header or past the frame
  kTlvOverrun,          // a TLV's length runs past the PDU
  kBadChecksum,         // LSP checksum wrong
  kCount,
};
inline constexpr std::size_t kPduErrorCount = static_cast<std::size_t>(PduError::kCount);
const char* pdu_error_name(PduError error);  // counter name, e.g. "bad_checksum"
const char* pdu_error_text(PduError error);  // for logs

struct P2pHelloHeader {
  std::uint8_t circuit_type = 0;  // 1 L1, 2 L2, 3 L1L2
  SystemId source;
  std::uint16_t holding_time = 0;
  std::uint8_t local_circuit_id = 0;
};

struct LspHeader {
  std::uint16_t remaining_lifetime = 0;
  LspId id;
  std::uint32_t sequence = 0;
  std::uint16_t checksum = 0;
  std::uint8_t flags = 0;  // P, ATT, OL (0x04), IS type (0x03)
};
inline constexpr std::uint8_t kLspFlagOverload = 0x04;
inline constexpr std::uint8_t kLspFlagLevel2 = 0x03;

struct SnpHeader {
  NodeId source;  // CSNP and PSNP: source id + circuit octet
  LspId start;    // CSNP only
  LspId end;      // CSNP only
};

// A decoded PDU; it borrows the frame it was decoded from.
struct PduView {
  PduType type{};
  std::span<const std::uint8_t> bytes;  // the PDU, pdu-length octets (padding after it cut off)
  std::span<const std::uint8_t> tlvs;   // the TLV area
  std::size_t tlv_offset = 0;           // where it starts within `bytes`
  P2pHelloHeader hello;                 // kP2pHello
  LspHeader lsp;                        // kL2Lsp
  SnpHeader snp;                        // kL2Csnp, kL2Psnp
};

// Checks the common and fixed headers, the length field and the TLV framing (not the TLVs'
// contents), and the LSP checksum. Accepts P2P hellos and Level 2 LSPs, CSNPs and PSNPs.
// A zero checksum is accepted on an LSP, as FRR does (ISO 10589 §7.3.14.2 lets a purge carry it).
PduError decode_pdu(std::span<const std::uint8_t> frame, PduView& out);

// Writes the 8-octet common header for `type`.
void write_common_header(std::vector<std::uint8_t>& out, PduType type);
std::size_t header_length(PduType type);

// Recomputes an LSP's checksum in place (lifetime and everything else as they are).
void set_lsp_checksum(std::span<std::uint8_t> pdu);

}  // namespace dmsc::lsa
