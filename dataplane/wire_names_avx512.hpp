#pragma once
// check_adjacent_names() without a walk: the component boundaries of both names found with
// AVX-512 VBMI byte permutes, on CPUs that have them (Intel Ice Lake and later, AMD Zen 4 and
// later).
//
// Why: the walk is a chain of dependent loads (offset += 1 + name[offset]) whose trip count
// varies from packet to packet: a load latency per component, and a branch miss per packet at
// the loop exit. Here no branch depends on the names.
//
// How. Both names lie back to back: up to 126 octets in two registers (nearly every packet;
// longer pairs take the walk). next[i] = i + 1 + octet[i] is where a component starting at i
// ends; clamped to 127, a position past the names (unequal to either length) that maps to
// itself (octets past the names read as zero, so the chain moves up one at a time after them
// and stays there). The chain of
// component starts 0, next[0], next[next[0]], ... is built by doubling: with its first m
// positions known and jump = next^m, positions m..2m-1 are jump[positions 0..m-1], and
// next^2m = next^m[next^m]. Four rounds give the first 16 positions: both names together may
// have up to 15 components here (more take the walk). The chain strictly rises until it
// reaches 127, so it lands on a length at most once and never after passing it.
// Well formed: the chain lands on the destination's length and on the total, and no component
// before the total is empty (15 components together keep each name within its 32).
//
// The verdict and the ends equal check_adjacent_names()'s; the wire fuzz target checks that on
// every input, and tests/dataplane/wire_names_avx512_test.cpp on generated names.
//
// Callers compile with DMSC_NAMES_AVX512_TARGET so this inlines, and check
// names_avx512_supported() once at start-up.

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "dataplane/wire.hpp"

#define DMSC_NAMES_AVX512_TARGET "avx512f,avx512bw,avx512vl,avx512vbmi,bmi,bmi2,popcnt"

namespace dmsc::wire {

inline bool names_avx512_supported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
}

namespace detail {

inline constexpr std::size_t kAvx512NamesOctets = 126;  // both names, in two registers
inline constexpr char kAvx512ChainSink = 127;            // past them, unequal to any length

// The low 128 bits. (The maskz forms here and below: GCC 12's unmasked ones start from an
// undefined register, which -Wmaybe-uninitialized reports.)
[[gnu::target(DMSC_NAMES_AVX512_TARGET), gnu::always_inline]] inline __m128i low_lane(__m512i value) {
  return _mm512_maskz_extracti32x4_epi32(0xf, value, 0);
}

// 128 octets in two registers, indexed by one byte permute each: table[index] for 16 indexes.
struct Octets128 {
  __m512i low, high;  // positions 0..63, 64..127
};
[[gnu::target(DMSC_NAMES_AVX512_TARGET), gnu::always_inline]] inline __m512i lookup(const Octets128& table, __m512i index) {
  return _mm512_permutex2var_epi8(table.low, index, table.high);
}

// One doubling round: positions m..2m-1 of the chain from positions 0..m-1 and jump = next^m,
// then jump becomes next^2m.
template <int m>
[[gnu::target(DMSC_NAMES_AVX512_TARGET), gnu::always_inline]] inline void chain_round(__m128i& starts, Octets128& jump) {
  const __m128i reached = low_lane(lookup(jump, _mm512_zextsi128_si512(starts)));
  constexpr unsigned kNewLanes = ((1u << (2 * m)) - 1) & ~((1u << m) - 1);
  starts = _mm_mask_mov_epi8(starts, static_cast<__mmask16>(kNewLanes), _mm_bslli_si128(reached, m));
  if constexpr (m < 8) jump = {lookup(jump, jump.low), lookup(jump, jump.high)};
}

[[gnu::target(DMSC_NAMES_AVX512_TARGET)]] inline bool check_adjacent_names_avx512(const std::uint8_t* destination,
                                                                                 std::size_t destination_length,
                                                                                 std::size_t source_length,
                                                                                 PacketHeader& out) {
  const std::size_t total = destination_length + source_length;
  if (total > kAvx512NamesOctets || destination_length == 0) [[unlikely]]
    return check_adjacent_names(destination, destination_length, source_length, out);
  const __m512i lane = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
                                       43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
                                       23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
                                       1, 0);
  // Masked loads: no octet past the names is read (a load with an empty mask reads nothing).
  const std::size_t high_octets = total > 64 ? total - 64 : 0;
  const Octets128 octets = {
      _mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t{0}, total - high_octets), destination),
      _mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t{0}, high_octets), destination + 64)};
  const __m512i sink = _mm512_set1_epi8(kAvx512ChainSink);
  Octets128 jump = {
      _mm512_min_epu8(_mm512_adds_epu8(_mm512_add_epi8(lane, _mm512_set1_epi8(1)), octets.low), sink),
      _mm512_min_epu8(_mm512_adds_epu8(_mm512_add_epi8(lane, _mm512_set1_epi8(65)), octets.high), sink)};
  // Positions 0..2m-1 of the chain, m = 1, 2, 4, 8. All 16 sit in the low 128-bit lane, so
  // moving jump[positions 0..m-1] up to lanes m..2m-1 is an in-lane shift.
  __m128i starts = _mm_setzero_si128();
  chain_round<1>(starts, jump);
  chain_round<2>(starts, jump);
  chain_round<4>(starts, jump);
  chain_round<8>(starts, jump);
  // The length octet of each component.
  const __m128i first_octets = low_lane(lookup(octets, _mm512_zextsi128_si512(starts)));
  const __mmask16 before_total = _mm_cmplt_epu8_mask(starts, _mm_set1_epi8(static_cast<char>(total)));
  const __mmask16 in_destination = _mm_cmplt_epu8_mask(starts, _mm_set1_epi8(static_cast<char>(destination_length)));
  const bool lands = _mm_cmpeq_epu8_mask(starts, _mm_set1_epi8(static_cast<char>(destination_length))) != 0 &&
                     _mm_cmpeq_epu8_mask(starts, _mm_set1_epi8(static_cast<char>(total))) != 0;
  const bool empty_component = _mm_mask_cmpeq_epu8_mask(before_total, first_octets, _mm_setzero_si128()) != 0;
  if (!lands || empty_component) return check_adjacent_names(destination, destination_length, source_length, out);
  // The destination's ends are the chain's positions 1..count.
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out.destination_component_ends), _mm_bsrli_si128(starts, 1));
  out.destination_component_count = static_cast<std::uint8_t>(_mm_popcnt_u32(in_destination));
  return true;
}

}  // namespace detail
}  // namespace dmsc::wire
