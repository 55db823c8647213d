// The DMSC packet: byte-exact vectors, round trips, and every header parse error by name.

#include "dataplane/wire.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include "tests/dataplane/wire_test_util.hpp"

namespace dmsc::wire {
namespace {

using test::Bytes;
using test::kKnownPacket;
using test::name;

std::string_view view_of(fib::NameView view) {
  return {reinterpret_cast<const char*>(view.bytes), view.length};
}

std::string text_of(fib::NameView view) {
  return test::value_or_abort(fib::Name::from_wire({view.bytes, view.length})).to_string();
}

PacketFields known_fields(std::span<const std::uint8_t> payload) {
  PacketFields fields;
  fields.type = PacketType::kRequest;
  fields.flags = kFlagAffinity;
  fields.hop_limit = 64;
  fields.flow_key = 0x01020304;
  fields.destination = name("/svc/payments");
  fields.source = name("/sg/a");
  fields.payload = payload;
  return fields;
}

const std::uint8_t kPing[] = {'p', 'i', 'n', 'g'};

TEST(WirePacket, EncodesTheKnownPacketByteForByte) {
  auto packet = encode_packet(known_fields(kPing));
  ASSERT_TRUE(packet.ok()) << packet.error();
  EXPECT_EQ(*packet, kKnownPacket);
}

TEST(WirePacket, ParsesTheKnownPacket) {
  PacketHeader header;
  ASSERT_EQ(parse_header(kKnownPacket.data(), kKnownPacket.size(), header), ParseError::kNone);
  EXPECT_EQ(header.version, 1);
  EXPECT_EQ(header.type, PacketType::kRequest);
  EXPECT_EQ(header.flags, 0x80);
  EXPECT_TRUE(header.affinity());
  EXPECT_EQ(header.hop_limit, 64);
  EXPECT_EQ(header.flow_key, 0x01020304u);
  EXPECT_EQ(header.header_length_bytes, 32);
  EXPECT_EQ(header.payload_offset(), 32u);
  EXPECT_EQ(header.payload_length, 4);
  EXPECT_EQ(text_of(header.destination), "/svc/payments");
  EXPECT_EQ(text_of(header.source), "/sg/a");
  EXPECT_EQ(header.destination.bytes, kKnownPacket.data() + 12);  // a view, not a copy
  ASSERT_EQ(header.destination_component_count, 2);
  EXPECT_EQ(header.destination_component_ends[0], 4);   // after "\x03svc"
  EXPECT_EQ(header.destination_component_ends[1], 13);  // after "\x08payments"
  EXPECT_EQ(header.name_error, fib::NameError::kNone);
}

TEST(WirePacket, IgnoresOctetsAfterThePayload) {
  Bytes padded = kKnownPacket;
  padded.resize(60, 0);  // Ethernet minimum-frame padding
  PacketHeader header;
  ASSERT_EQ(parse_header(padded.data(), padded.size(), header), ParseError::kNone);
  EXPECT_EQ(header.payload_length, 4);
}

TEST(WirePacket, EncodeParseEncodeRoundTrips) {
  std::string max_component(fib::kMaxComponentLength, 'x');
  std::string thirty_two = "";
  for (int i = 0; i < 32; ++i) thirty_two += "/c";
  const Bytes big_payload(kMaxPayloadLength, 0xa5);
  struct Case {
    PacketType type;
    std::uint8_t flags;
    const char* destination;
    const char* source;
    std::size_t payload_length;
  };
  const std::string longest = "/" + max_component;
  const Case cases[] = {
      {PacketType::kRequest, 0, "/a", "/", 0},
      {PacketType::kResponse, kFlagAffinity, "/sg/a", "/svc/payments/instance-3", 17},
      {PacketType::kProbe, 0x7f, "/svc", "/sg/b", 3},  // reserved flags travel unchanged
      {PacketType::kProbeReply, 0xff, "/%00%FF/x", "/%2F", 1},
      {PacketType::kError, 0, thirty_two.c_str(), thirty_two.c_str(), 5},
      {PacketType::kRequest, 0, longest.c_str(), longest.c_str(), kMaxPayloadLength},
  };
  for (const Case& c : cases) {
    PacketFields fields;
    fields.type = c.type;
    fields.flags = c.flags;
    fields.hop_limit = 7;
    fields.flow_key = 0xdeadbeef;
    fields.destination = name(c.destination);
    fields.source = name(c.source);
    fields.payload = std::span(big_payload).first(c.payload_length);
    auto packet = encode_packet(fields);
    ASSERT_TRUE(packet.ok()) << c.destination << ": " << packet.error();
    EXPECT_EQ(packet->size() % 4, c.payload_length % 4) << "header is a multiple of 4";

    PacketHeader header;
    ASSERT_EQ(parse_header(packet->data(), packet->size(), header), ParseError::kNone)
        << c.destination;
    EXPECT_EQ(header.type, c.type);
    EXPECT_EQ(header.flags, c.flags);
    EXPECT_EQ(header.hop_limit, 7);
    EXPECT_EQ(header.flow_key, 0xdeadbeefu);
    EXPECT_EQ(header.payload_length, c.payload_length);
    EXPECT_EQ(view_of(header.destination), view_of(fields.destination.view()));
    EXPECT_EQ(view_of(header.source), view_of(fields.source.view()));
    EXPECT_EQ(header.destination_component_count, fields.destination.component_count());

    Bytes again(header.header_length_bytes);
    ASSERT_EQ(encode_header(header_fields(header), again.data(), again.size()), again.size());
    EXPECT_TRUE(std::equal(again.begin(), again.end(), packet->begin())) << c.destination;
  }
}

TEST(WirePacket, EncoderRefusesWhatCannotBeSent) {
  PacketFields fields = known_fields(kPing);
  fields.destination = name("/");
  auto packet = encode_packet(fields);
  ASSERT_FALSE(packet.ok());
  EXPECT_NE(packet.error().find("root name"), std::string::npos);

  for (int type : {0, 6, 15}) {
    fields = known_fields(kPing);
    fields.type = static_cast<PacketType>(type);
    packet = encode_packet(fields);
    ASSERT_FALSE(packet.ok()) << type;
    EXPECT_NE(packet.error().find("packet type"), std::string::npos);
  }

  const Bytes too_big(kMaxPayloadLength + 1);
  packet = encode_packet(known_fields(too_big));
  ASSERT_FALSE(packet.ok());
  EXPECT_NE(packet.error().find("65535"), std::string::npos);

  const fib::Name destination = name("/svc/payments");
  HeaderFields header;
  header.destination = destination.view();
  std::uint8_t out[kMaxHeaderLength];
  EXPECT_EQ(encode_header(header, out, 27), 0u);  // needs 28
  EXPECT_EQ(encode_header(header, out, 28), 28u);
}

// One crafted packet per header error, each named, so a renamed or renumbered reason shows up.
struct BadPacket {
  const char* what;
  Bytes bytes;
  ParseError error;
  fib::NameError name_error = fib::NameError::kNone;
};

Bytes patched(std::initializer_list<std::pair<std::size_t, std::uint8_t>> patches,
              std::size_t length = kKnownPacket.size()) {
  Bytes bytes = kKnownPacket;
  for (const auto& [offset, value] : patches) bytes[offset] = value;
  bytes.resize(length);
  return bytes;
}

Bytes too_many_destination_components() {
  // 33 one-octet components: 66 octets, so Header Length = (12 + 66 + 0 + 2) / 4 = 20.
  Bytes bytes = {0x11, 0x00, 0x40, 20, 0, 0, 0, 0, 0, 0, 66, 0};
  for (int i = 0; i < 33; ++i) bytes.insert(bytes.end(), {1, 'c'});
  bytes.insert(bytes.end(), {0, 0});
  return bytes;
}

std::vector<BadPacket> bad_packets() {
  using NE = fib::NameError;
  return {
      {"shorter than the fixed header", patched({}, 11), ParseError::kTruncatedHeader},
      {"empty", Bytes{}, ParseError::kTruncatedHeader},
      {"shorter than Header Length * 4", patched({}, 31), ParseError::kTruncatedHeader},
      {"version 2", patched({{0, 0x21}}), ParseError::kBadVersion},
      {"version 0", patched({{0, 0x01}}), ParseError::kBadVersion},
      {"type 0", patched({{0, 0x10}}), ParseError::kBadPacketType},
      {"type 6", patched({{0, 0x16}}), ParseError::kBadPacketType},
      {"type 15", patched({{0, 0x1f}}), ParseError::kBadPacketType},
      {"destination length 0", patched({{10, 0}}), ParseError::kEmptyDestination},
      {"Header Length 0", patched({{3, 0}}), ParseError::kBadHeaderLength},
      {"Header Length 2", patched({{3, 2}}), ParseError::kBadHeaderLength},
      {"names overrun Header Length", patched({{3, 7}}), ParseError::kBadHeaderLength},
      {"4 octets of padding", patched({{3, 9}}), ParseError::kBadHeaderLength},
      {"source longer than the header says", patched({{11, 8}}), ParseError::kBadHeaderLength},
      {"non-zero padding", patched({{31, 0x01}}), ParseError::kBadPadding},
      {"empty destination component", patched({{12, 0}}), ParseError::kBadDestinationName,
       NE::kEmptyComponent},
      {"destination component overrun", patched({{16, 9}}), ParseError::kBadDestinationName,
       NE::kComponentOverrun},
      {"33 destination components", too_many_destination_components(),
       ParseError::kBadDestinationName, NE::kTooManyComponents},
      {"empty source component", patched({{25, 0}}), ParseError::kBadSourceName,
       NE::kEmptyComponent},
      {"source component overrun", patched({{28, 2}}), ParseError::kBadSourceName,
       NE::kComponentOverrun},
      {"payload longer than the packet", patched({{9, 5}}), ParseError::kTruncatedPayload},
      {"payload cut short", patched({}, 35), ParseError::kTruncatedPayload},
  };
}

TEST(WirePacket, EveryMalformedHeaderHasItsNamedReason) {
  for (const BadPacket& bad : bad_packets()) {
    PacketHeader header;
    const ParseError error = parse_header(bad.bytes.data(), bad.bytes.size(), header);
    EXPECT_STREQ(parse_error_name(error), parse_error_name(bad.error)) << bad.what;
    if (error == ParseError::kBadDestinationName || error == ParseError::kBadSourceName) {
      EXPECT_EQ(header.name_error, bad.name_error) << bad.what;
    }
  }
}

TEST(WirePacket, ErrorPacketsCarryTheOffendingHeader) {
  PacketHeader offending;
  ASSERT_EQ(parse_header(kKnownPacket.data(), kKnownPacket.size(), offending), ParseError::kNone);
  ASSERT_TRUE(may_report_error(offending));

  std::uint8_t payload[kErrorPreambleLength + kMaxHeaderLength];
  const std::span<const std::uint8_t> header_bytes(kKnownPacket.data(),
                                                   offending.header_length_bytes);
  EXPECT_EQ(encode_error_payload(ErrorReason::kPacketTooBig, 1400, header_bytes, payload, 35),
            0u);
  const std::size_t length = encode_error_payload(ErrorReason::kPacketTooBig, 1400, header_bytes,
                                                  payload, sizeof(payload));
  ASSERT_EQ(length, 36u);
  EXPECT_EQ(payload[0], 3);  // packet_too_big
  EXPECT_EQ(payload[1], 0);
  EXPECT_EQ(payload[2], 0x05);  // 1400
  EXPECT_EQ(payload[3], 0x78);
  EXPECT_TRUE(std::equal(header_bytes.begin(), header_bytes.end(), payload + 4));

  PacketFields fields;
  fields.type = PacketType::kError;
  fields.destination = name("/sg/a");  // the offending packet's source
  fields.source = name("/router/r1");
  fields.payload = std::span(payload, length);
  const Bytes error_packet = test::value_or_abort(encode_packet(fields));

  PacketHeader header;
  ASSERT_EQ(parse_header(error_packet.data(), error_packet.size(), header), ParseError::kNone);
  EXPECT_FALSE(may_report_error(header)) << "no Error about an Error";
  ErrorReport report;
  ASSERT_EQ(parse_error_payload(error_packet.data() + header.payload_offset(),
                                header.payload_length, report),
            ParseError::kNone);
  EXPECT_EQ(report.reason, ErrorReason::kPacketTooBig);
  EXPECT_EQ(report.detail, 1400);
  EXPECT_EQ(text_of(report.offending.destination), "/svc/payments");
  EXPECT_EQ(report.offending.flow_key, 0x01020304u);
  EXPECT_EQ(report.offending.payload_length, 4) << "as received, though the payload is absent";

  EXPECT_EQ(parse_error_payload(payload, 3, report), ParseError::kTruncatedErrorPayload);
  payload[kErrorPreambleLength] = 0x21;
  EXPECT_EQ(parse_error_payload(payload, length, report), ParseError::kBadVersion);

  PacketHeader anonymous = offending;
  anonymous.source = {};
  EXPECT_FALSE(may_report_error(anonymous)) << "an anonymous sender cannot be answered";
}

}  // namespace

std::vector<ParseError> test::packet_reasons_tested() {
  std::vector<ParseError> reasons = {ParseError::kTruncatedErrorPayload};
  for (const BadPacket& bad : bad_packets()) reasons.push_back(bad.error);
  return reasons;
}

namespace {

TEST(WireReasons, NamesAndValuesAreStable) {
  // Counter names and Error reason codes are an interface: these must never change.
  EXPECT_EQ(static_cast<int>(ParseError::kTruncatedPayload), 9);
  EXPECT_EQ(static_cast<int>(ParseError::kTruncatedEthernet), 32);
  EXPECT_EQ(static_cast<int>(ParseError::kZeroUdpChecksumIpv6), 44);
  EXPECT_EQ(static_cast<int>(ErrorReason::kHopLimitExceeded), 2);
  EXPECT_STREQ(parse_error_name(ParseError::kBadHeaderLength), "bad_header_length");
  EXPECT_STREQ(parse_error_name(ParseError::kUnsupportedIpv6ExtensionHeader),
               "unsupported_ipv6_extension_header");
  EXPECT_STREQ(error_reason_name(ErrorReason::kNoRoute), "no_route");
  EXPECT_STREQ(parse_error_name(static_cast<ParseError>(200)), "unknown");
  EXPECT_STREQ(error_reason_text(static_cast<ErrorReason>(0)), "unknown error reason");
  EXPECT_STREQ(packet_type_name(PacketType::kProbeReply), "probe_reply");
  EXPECT_STREQ(packet_type_name(static_cast<PacketType>(9)), "invalid");

  std::set<std::string> names;
  for (const auto& row : parse_error_table()) {
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate " << row.name;
    for (const char* c = row.name; *c != '\0'; ++c)
      EXPECT_TRUE((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_') << row.name;
    EXPECT_STRNE(parse_error_text(row.value), "unknown parse error");
  }
  for (const auto& row : error_reason_table()) EXPECT_TRUE(names.insert(row.name).second);
}

}  // namespace
}  // namespace dmsc::wire
