// Unit tests of lsa/: checksum, PDU headers, TLVs, the Service Prefix TLV, authentication and
// LSP fragment packing.
#include <gtest/gtest.h>

#include <set>

#include "lsa/build.hpp"
#include "lsa/checksum.hpp"
#include "tests/lsa/lsa_test_util.hpp"

namespace dmsc::lsa {
namespace {

using test::sample_content;
using test::system_id;

PduView decode_ok(const std::vector<std::uint8_t>& bytes) {
  PduView pdu;
  const PduError error = decode_pdu(bytes, pdu);
  EXPECT_EQ(error, PduError::kNone) << pdu_error_text(error);
  return pdu;
}

TEST(Checksum, ComputedChecksumVerifiesAndAnyFlipBreaksIt) {
  std::vector<std::uint8_t> range(100);
  for (std::size_t i = 0; i < range.size(); ++i) range[i] = static_cast<std::uint8_t>(i * 37 + 5);
  const std::uint16_t checksum = fletcher_checksum(range, 12);
  range[12] = checksum >> 8;
  range[13] = checksum & 0xff;
  EXPECT_TRUE(fletcher_valid(range));
  for (std::size_t i = 0; i < range.size(); ++i) {
    auto damaged = range;
    damaged[i] ^= 0x10;
    EXPECT_FALSE(fletcher_valid(damaged)) << "flip at " << i;
  }
}

TEST(Checksum, NeitherOctetIsZero) {
  // ISO 8473: X and Y are never 0 (0 means "no checksum").
  for (int seed = 0; seed < 2000; ++seed) {
    std::vector<std::uint8_t> range(40, static_cast<std::uint8_t>(seed));
    range[0] = static_cast<std::uint8_t>(seed >> 8);
    const std::uint16_t checksum = fletcher_checksum(range, 12);
    EXPECT_NE(checksum >> 8, 0);
    EXPECT_NE(checksum & 0xff, 0);
  }
}

TEST(Hello, RoundTripsAndIsPaddedToTheMtu) {
  HelloParams params;
  params.source = system_id(7);
  params.holding_time = 9;
  params.local_circuit_id = 3;
  params.areas = {{0x49, 0x00, 0x01}};
  params.ipv4_addresses = {{10, 1, 2, 3}};
  params.three_way = {kAdjacencyInitializing, 5, system_id(8), 6};
  const auto bytes = build_p2p_hello(params, {});
  EXPECT_EQ(bytes.size(), kMaxPduLength);
  const PduView pdu = decode_ok(bytes);
  EXPECT_EQ(pdu.type, PduType::kP2pHello);
  EXPECT_EQ(pdu.hello.source, system_id(7));
  EXPECT_EQ(pdu.hello.holding_time, 9);
  EXPECT_EQ(pdu.hello.local_circuit_id, 3);
  EXPECT_EQ(pdu.hello.circuit_type, 2);
  const TlvSet tlvs = decode_tlvs(pdu.tlvs, PduContext::kHello);
  EXPECT_TRUE(tlvs.issues.empty());
  EXPECT_EQ(tlvs.area_addresses, params.areas);
  EXPECT_EQ(tlvs.protocols_supported, std::vector<std::uint8_t>{kNlpidIpv4});
  EXPECT_EQ(tlvs.ipv4_interface_addresses, params.ipv4_addresses);
  ASSERT_TRUE(tlvs.three_way);
  EXPECT_EQ(*tlvs.three_way, params.three_way);
  EXPECT_TRUE(tlvs.unknown.empty());
}

TEST(Pdu, EveryHeaderErrorHasItsReason) {
  HelloParams params;
  params.source = system_id(1);
  params.pad_to = 0;
  const auto good = build_p2p_hello(params, {});
  const auto expect = [&](auto mutate, PduError want) {
    auto bytes = good;
    mutate(bytes);
    PduView pdu;
    EXPECT_EQ(decode_pdu(bytes, pdu), want) << pdu_error_name(want);
  };
  expect([](auto& b) { b.resize(5); }, PduError::kTooShort);
  expect([](auto& b) { b.resize(15); }, PduError::kTooShort);
  expect([](auto& b) { b[0] = 0x82; }, PduError::kBadDiscriminator);
  expect([](auto& b) { b[1] = 27; }, PduError::kBadHeaderLength);
  expect([](auto& b) { b[2] = 2; }, PduError::kBadVersion);
  expect([](auto& b) { b[5] = 0; }, PduError::kBadVersion);
  expect([](auto& b) { b[3] = 4; }, PduError::kBadIdLength);
  expect([](auto& b) { b[7] = 2; }, PduError::kBadMaxAreas);
  expect([](auto& b) { b[4] = 16; }, PduError::kUnsupportedType);
  expect([](auto& b) { b[4] = 18; }, PduError::kUnsupportedType);
  expect([](auto& b) { b[4] = 3; }, PduError::kUnsupportedType);
  // The PDU length field is at offsets 17-18 of a hello.
  expect([](auto& b) { b[17] = 0xff; }, PduError::kBadPduLength);  // past the frame
  expect([](auto& b) { b[17] = 0; b[18] = 19; }, PduError::kBadPduLength);  // below the header
  expect([](auto& b) { b.push_back(1); b.push_back(9); b[17] = 0; b[18] = static_cast<std::uint8_t>(b.size()); },
         PduError::kTlvOverrun);
  // Frame padding after the PDU (Ethernet minimum size) is not an error.
  auto padded = good;
  padded.resize(good.size() + 20, 0);
  PduView pdu;
  EXPECT_EQ(decode_pdu(padded, pdu), PduError::kNone);
  EXPECT_EQ(pdu.bytes.size(), good.size());
}

TEST(Lsp, ChecksumIsSetAndCheckedAndLifetimeIsOutsideIt) {
  const auto fragments = pack_lsp_fragments(sample_content(3), kMaxPduLength, {});
  ASSERT_EQ(fragments.size(), 1u);
  LspHeader header;
  header.id = {{system_id(1), 0}, 0};
  header.sequence = 0x1234;
  header.remaining_lifetime = 1200;
  header.flags = kLspFlagLevel2;
  auto bytes = build_lsp(header, fragments[0], {});
  PduView pdu = decode_ok(bytes);
  EXPECT_EQ(pdu.lsp.id, header.id);
  EXPECT_EQ(pdu.lsp.sequence, 0x1234u);
  EXPECT_NE(pdu.lsp.checksum, 0);
  // Ageing rewrites the lifetime, which the checksum does not cover.
  bytes[kLspLifetimeOffset] = 0;
  bytes[kLspLifetimeOffset + 1] = 7;
  decode_ok(bytes);
  bytes[kLspSequenceOffset + 3] ^= 1;
  EXPECT_EQ(decode_pdu(bytes, pdu), PduError::kBadChecksum);
}

TEST(Lsp, TlvsRoundTrip) {
  const LspContent content = sample_content(5);
  const auto fragments = pack_lsp_fragments(content, kMaxPduLength, {});
  ASSERT_EQ(fragments.size(), 1u);
  const TlvSet tlvs = decode_tlvs(fragments[0], PduContext::kLsp);
  EXPECT_TRUE(tlvs.issues.empty());
  EXPECT_EQ(tlvs.area_addresses, content.areas);
  EXPECT_EQ(tlvs.hostname, content.hostname);
  EXPECT_EQ(tlvs.ipv4_interface_addresses, content.ipv4_addresses);
  EXPECT_EQ(tlvs.router_capability, content.capability);
  EXPECT_EQ(tlvs.is_reach, content.is_reach);
  EXPECT_EQ(tlvs.ip_reach, content.ip_reach);
  EXPECT_EQ(tlvs.service_prefixes, content.service_prefixes);
}

TEST(Lsp, ManyPrefixesSpreadOverFragmentsThatEachFitTheMtu) {
  const LspContent content = sample_content(400);
  bool truncated = true;
  const AuthKey auth{AuthMode::kHmacMd5, "secret", 1};
  const auto fragments = pack_lsp_fragments(content, kMaxPduLength, auth, &truncated);
  EXPECT_FALSE(truncated);
  EXPECT_GT(fragments.size(), 5u);
  std::vector<ServicePrefix> decoded;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    LspHeader header;
    header.id = {{system_id(1), 0}, static_cast<std::uint8_t>(i)};
    header.sequence = 1;
    header.remaining_lifetime = 1200;
    const auto bytes = build_lsp(header, fragments[i], auth);
    EXPECT_LE(bytes.size(), kMaxPduLength);
    const PduView pdu = decode_ok(bytes);
    const TlvSet tlvs = decode_tlvs(pdu.tlvs, PduContext::kLsp);
    EXPECT_TRUE(tlvs.issues.empty());
    EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, tlvs.authentication ? &*tlvs.authentication : nullptr, auth, true),
              AuthResult::kOk);
    decoded.insert(decoded.end(), tlvs.service_prefixes.begin(), tlvs.service_prefixes.end());
  }
  EXPECT_EQ(decoded, content.service_prefixes);
}

TEST(Lsp, FragmentsRunOutAt256) {
  const LspContent content = sample_content(30000);
  bool truncated = false;
  const auto fragments = pack_lsp_fragments(content, kMaxPduLength, {}, &truncated);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(fragments.size(), 256u);
}

TEST(Tlv, MalformedTlvIsSkippedWithItsReasonAndTheRestDecodes) {
  std::vector<std::uint8_t> area;
  encode_hostname(area, "r1");
  // TLV 135 with prefix length 40.
  area.insert(area.end(), {135, 5, 0, 0, 0, 10, 40});
  // TLV 22 whose entry is cut short.
  area.insert(area.end(), {22, 4, 0, 0, 0, 2});
  // TLV 132 of 5 octets.
  area.insert(area.end(), {132, 5, 10, 0, 0, 1, 9});
  // Unknown TLV 200, kept verbatim.
  area.insert(area.end(), {200, 2, 0xab, 0xcd});
  // Padding (hello only) in an LSP.
  area.insert(area.end(), {8, 1, 0});
  encode_protocols_supported(area, std::vector<std::uint8_t>{kNlpidIpv4});
  const TlvSet tlvs = decode_tlvs(area, PduContext::kLsp);
  EXPECT_EQ(tlvs.hostname, "r1");
  EXPECT_EQ(tlvs.protocols_supported, std::vector<std::uint8_t>{kNlpidIpv4});
  ASSERT_EQ(tlvs.unknown.size(), 1u);
  EXPECT_EQ(tlvs.unknown[0], (RawTlv{200, {0xab, 0xcd}}));
  std::multiset<std::pair<int, TlvError>> issues;
  for (const auto& issue : tlvs.issues) issues.insert({issue.type, issue.error});
  EXPECT_EQ(issues, (std::multiset<std::pair<int, TlvError>>{{135, TlvError::kBadValue},
                                                             {22, TlvError::kEntryOverrun},
                                                             {132, TlvError::kBadLength},
                                                             {8, TlvError::kNotInContext}}));
  EXPECT_TRUE(tlvs.ip_reach.empty());
  EXPECT_TRUE(tlvs.is_reach.empty());
}

TEST(Tlv, ThreeWayAdjacencyLengths) {
  for (std::size_t length : {1u, 5u, 11u, 15u}) {
    std::vector<std::uint8_t> area = {240, static_cast<std::uint8_t>(length)};
    area.resize(2 + length, 0);
    const TlvSet tlvs = decode_tlvs(area, PduContext::kHello);
    ASSERT_TRUE(tlvs.three_way) << length;
    EXPECT_EQ(tlvs.three_way->extended_local_circuit_id.has_value(), length >= 5);
    EXPECT_EQ(tlvs.three_way->neighbor_system.has_value(), length >= 11);
    EXPECT_EQ(tlvs.three_way->neighbor_extended_circuit_id.has_value(), length >= 15);
  }
  const TlvSet bad = decode_tlvs(std::vector<std::uint8_t>{240, 3, 0, 0, 0}, PduContext::kHello);
  EXPECT_FALSE(bad.three_way);
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].error, TlvError::kBadLength);
}

TEST(Snp, CsnpAndPsnpRoundTrip) {
  std::vector<LspEntry> entries;
  for (std::uint8_t i = 0; i < 40; ++i) entries.push_back({1200, {{system_id(i), 0}, i}, 100u + i, static_cast<std::uint16_t>(i * 3)});
  const AuthKey auth{AuthMode::kHmacSha256, "k", 7};
  const LspId start{}, end{{SystemId{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, 0xff}, 0xff};
  const auto csnp = build_csnp({system_id(1), 0}, start, end, entries, auth);
  PduView pdu = decode_ok(csnp);
  EXPECT_EQ(pdu.type, PduType::kL2Csnp);
  EXPECT_EQ(pdu.snp.end, end);
  TlvSet tlvs = decode_tlvs(pdu.tlvs, PduContext::kSnp);
  EXPECT_EQ(tlvs.lsp_entries, entries);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, auth, false), AuthResult::kOk);
  const auto psnp = build_psnp({system_id(1), 0}, std::span(entries).first(3), {});
  pdu = decode_ok(psnp);
  EXPECT_EQ(pdu.type, PduType::kL2Psnp);
  EXPECT_EQ(decode_tlvs(pdu.tlvs, PduContext::kSnp).lsp_entries, std::vector<LspEntry>(entries.begin(), entries.begin() + 3));
  // Capacity: a full CSNP fits the MTU, one more entry would not.
  const std::size_t capacity = snp_capacity(true, kMaxPduLength, auth);
  std::vector<LspEntry> many(capacity, entries[0]);
  EXPECT_LE(build_csnp({system_id(1), 0}, start, end, many, auth).size(), kMaxPduLength);
  many.push_back(entries[0]);
  EXPECT_GT(build_csnp({system_id(1), 0}, start, end, many, auth).size(), kMaxPduLength);
}

TEST(ServicePrefix, MatchesTheSpecExample) {
  // docs/service-prefix-tlv.md §5.
  ServicePrefix prefix{*fib::Name::parse("/svc/payments"), 10, 0};
  std::vector<std::uint8_t> out;
  encode_geninfo_tlv(out, std::span(&prefix, 1));
  const std::vector<std::uint8_t> want = {0xfb, 0x18, 0x00, 0x0d, 0x35, 0x01, 0x13, 0x00, 0x00, 0x00, 0x00,
                                          0x0a, 0x0d, 0x03, 0x73, 0x76, 0x63, 0x08, 0x70, 0x61, 0x79, 0x6d,
                                          0x65, 0x6e, 0x74, 0x73};
  EXPECT_EQ(out, want);
}

std::vector<std::uint8_t> geninfo(std::vector<std::uint8_t> subtlvs, std::uint8_t flags = 0,
                                  std::uint16_t application = kServicePrefixApplicationId) {
  std::vector<std::uint8_t> value = {flags, static_cast<std::uint8_t>(application >> 8),
                                     static_cast<std::uint8_t>(application)};
  if (flags & kGenInfoFlagI) value.insert(value.end(), {10, 0, 0, 1});
  value.insert(value.end(), subtlvs.begin(), subtlvs.end());
  return value;
}

TEST(ServicePrefix, DecodeRulesOfTheSpec) {
  const std::vector<std::uint8_t> svc = {1, 10, 0x01, 0, 0, 0, 5, 4, 3, 's', 'v', 'c'};  // /svc anycast metric 5
  // Good, with an IPv4 address to skip, an unknown sub-TLV and a per-prefix sub-sub-TLV.
  std::vector<std::uint8_t> with_extra = {1, 13, 0x81, 0, 0, 0, 5, 4, 3, 's', 'v', 'c', 9, 1, 0};
  auto decoded = decode_geninfo(geninfo({7, 1, 0xee, 1, 10, 0x01, 0, 0, 0, 5, 4, 3, 's', 'v', 'c'}, kGenInfoFlagI),
                                kServicePrefixApplicationId);
  EXPECT_TRUE(decoded.ours);
  EXPECT_EQ(decoded.error, ServicePrefixError::kNone);
  EXPECT_EQ(decoded.unknown_sub_tlvs, 1u);
  ASSERT_EQ(decoded.prefixes.size(), 1u);
  EXPECT_EQ(decoded.prefixes[0].name.to_string(), "/svc");
  EXPECT_EQ(decoded.prefixes[0].metric, 5u);
  EXPECT_TRUE(decoded.prefixes[0].anycast());
  decoded = decode_geninfo(geninfo(with_extra), kServicePrefixApplicationId);
  ASSERT_EQ(decoded.prefixes.size(), 1u);
  EXPECT_EQ(decoded.prefixes[0].flags, kServicePrefixFlagAnycast);  // unknown flag bit dropped
  // Another application's GENINFO is not ours.
  decoded = decode_geninfo(geninfo(svc, 0, 0x1234), kServicePrefixApplicationId);
  EXPECT_FALSE(decoded.ours);
  // Malformed: the good prefix before it stays, nothing after it is read.
  const auto expect_error = [&](std::vector<std::uint8_t> bad, ServicePrefixError want) {
    std::vector<std::uint8_t> subtlvs = svc;
    subtlvs.insert(subtlvs.end(), bad.begin(), bad.end());
    subtlvs.insert(subtlvs.end(), svc.begin(), svc.end());
    const auto result = decode_geninfo(geninfo(subtlvs), kServicePrefixApplicationId);
    EXPECT_EQ(result.error, want) << service_prefix_error_text(want);
    EXPECT_EQ(result.prefixes.size(), 1u);
  };
  expect_error({1, 3, 0, 0, 0}, ServicePrefixError::kShortValue);
  expect_error({1, 7, 0, 0, 0, 0, 1, 9, 3}, ServicePrefixError::kNameOverrun);
  expect_error({1, 8, 0, 0, 0, 0, 1, 2, 0, 1}, ServicePrefixError::kBadName);  // empty component
  expect_error({1, 8, 0, 0xfe, 0, 0, 1, 2, 1, 'a'}, ServicePrefixError::kMetricTooLarge);
  expect_error({1, 9, 0, 0, 0, 0, 1, 2, 1, 'a', 9}, ServicePrefixError::kSubTlvOverrun);  // sub-sub-TLV cut
  {
    std::vector<std::uint8_t> subtlvs = svc;
    subtlvs.insert(subtlvs.end(), {1, 40, 0});
    EXPECT_EQ(decode_geninfo(geninfo(subtlvs), kServicePrefixApplicationId).error, ServicePrefixError::kSubTlvOverrun);
  }
  EXPECT_EQ(decode_geninfo(std::vector<std::uint8_t>{0, 0x0d}, kServicePrefixApplicationId).error,
            ServicePrefixError::kTruncated);
  EXPECT_EQ(decode_geninfo(std::vector<std::uint8_t>{kGenInfoFlagV, 0x0d, 0x35, 1, 2}, kServicePrefixApplicationId).error,
            ServicePrefixError::kTruncated);
}

TEST(ServicePrefix, InAnLspAMalformedGenInfoIsAnIssueAndOthersStay) {
  std::vector<std::uint8_t> area;
  ServicePrefix a{*fib::Name::parse("/a"), 1, 0}, b{*fib::Name::parse("/b/c"), 2, 1};
  encode_geninfo_tlv(area, std::span(&a, 1));
  const auto bad = geninfo({1, 3, 0, 0, 0});
  area.push_back(251);
  area.push_back(static_cast<std::uint8_t>(bad.size()));
  area.insert(area.end(), bad.begin(), bad.end());
  encode_geninfo_tlv(area, std::span(&b, 1));
  const auto other = geninfo({1, 2, 3, 4}, 0, 0x4242);
  area.push_back(251);
  area.push_back(static_cast<std::uint8_t>(other.size()));
  area.insert(area.end(), other.begin(), other.end());
  const TlvSet tlvs = decode_tlvs(area, PduContext::kLsp);
  EXPECT_EQ(tlvs.service_prefixes, (std::vector<ServicePrefix>{a, b}));
  ASSERT_EQ(tlvs.issues.size(), 1u);
  EXPECT_EQ(tlvs.issues[0].error, TlvError::kServicePrefix);
  ASSERT_EQ(tlvs.unknown.size(), 1u);
  EXPECT_EQ(tlvs.unknown[0].value, other);
  // A different application id configured: ours become someone else's.
  const TlvSet foreign = decode_tlvs(area, PduContext::kLsp, {0x4242});
  EXPECT_TRUE(foreign.service_prefixes.empty());
}

TEST(ServicePrefix, LongestAdvertisableName) {
  ServicePrefix prefix;
  std::string text;
  while (prefix.name.wire_length() + 11 <= kMaxAdvertisedNameLength) ASSERT_TRUE(prefix.name.append("0123456789").ok());
  while (prefix.name.wire_length() + 2 <= kMaxAdvertisedNameLength) ASSERT_TRUE(prefix.name.append("x").ok());
  EXPECT_TRUE(service_prefix_encodable(prefix));
  std::vector<std::uint8_t> out;
  encode_geninfo_tlv(out, std::span(&prefix, 1));
  EXPECT_LE(out.size(), 257u);
  EXPECT_EQ(decode_tlvs(out, PduContext::kLsp).service_prefixes, std::vector<ServicePrefix>{prefix});
  ASSERT_TRUE(prefix.name.append("y").ok());
  ASSERT_GT(prefix.name.wire_length(), kMaxAdvertisedNameLength);
  EXPECT_FALSE(service_prefix_encodable(prefix));
  prefix.name = *fib::Name::parse("/a");
  prefix.metric = kMaxServicePrefixMetric + 1;
  EXPECT_FALSE(service_prefix_encodable(prefix));
}

class AuthTest : public ::testing::TestWithParam<AuthMode> {};

TEST_P(AuthTest, SignedPdusVerifyAndWrongKeysOrChangesAreRejected) {
  const AuthKey key{GetParam(), "correct horse battery staple and then some more octets", 3};
  AuthKey wrong = key;
  wrong.secret = "incorrect";
  HelloParams params;
  params.source = system_id(4);
  params.areas = {{0x49, 0x00, 0x01}};
  const auto hello = build_p2p_hello(params, key);
  PduView pdu = decode_ok(hello);
  TlvSet tlvs = decode_tlvs(pdu.tlvs, PduContext::kHello);
  ASSERT_TRUE(tlvs.authentication);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, key, false), AuthResult::kOk);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, wrong, false), AuthResult::kBadDigest);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, nullptr, key, false), AuthResult::kMissing);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, AuthKey{}, false), AuthResult::kNotRequired);
  AuthKey other_mode = key;
  other_mode.mode = key.mode == AuthMode::kHmacMd5 ? AuthMode::kHmacSha256 : AuthMode::kHmacMd5;
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, other_mode, false), AuthResult::kWrongType);
  if (key.mode == AuthMode::kHmacSha256) {
    AuthKey other_id = key;
    other_id.key_id = 4;
    EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, other_id, false), AuthResult::kWrongKeyId);
  }
  auto altered = hello;
  altered[12] ^= 1;  // holding time
  pdu = decode_ok(altered);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, key, false), AuthResult::kBadDigest);

  // LSP: the lifetime is outside the digest (it ages in flight), the sequence is not.
  LspHeader header;
  header.id = {{system_id(4), 0}, 0};
  header.sequence = 9;
  header.remaining_lifetime = 1200;
  auto lsp = build_lsp(header, pack_lsp_fragments(sample_content(2), kMaxPduLength, key)[0], key);
  pdu = decode_ok(lsp);
  tlvs = decode_tlvs(pdu.tlvs, PduContext::kLsp);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, key, true), AuthResult::kOk);
  lsp[kLspLifetimeOffset + 1] ^= 0x55;
  pdu = decode_ok(lsp);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, key, true), AuthResult::kOk);
  lsp[kLspSequenceOffset + 3] ^= 1;
  set_lsp_checksum(lsp);
  pdu = decode_ok(lsp);
  EXPECT_EQ(verify_pdu(pdu.bytes, pdu.tlv_offset, &*tlvs.authentication, key, true), AuthResult::kBadDigest);
}

INSTANTIATE_TEST_SUITE_P(Modes, AuthTest, ::testing::Values(AuthMode::kHmacMd5, AuthMode::kHmacSha256));

}  // namespace
}  // namespace dmsc::lsa
