#pragma once
// IS-IS identifiers: system id (6 octets), node id (+ pseudonode octet), LSP id (+ fragment).

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmsc::lsa {

inline constexpr std::size_t kSystemIdLength = 6;

struct SystemId {
  std::array<std::uint8_t, kSystemIdLength> octets{};
  friend auto operator<=>(const SystemId&, const SystemId&) = default;
  friend bool operator==(const SystemId&, const SystemId&) = default;
  std::string to_string() const;  // "0000.0000.0001"
  // Parses "0000.0000.0001" (three dot-separated groups of four hex digits).
  static std::optional<SystemId> parse(std::string_view text);
};

// A router (pseudonode 0) or a LAN's pseudonode.
struct NodeId {
  SystemId system;
  std::uint8_t pseudonode = 0;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
  friend bool operator==(const NodeId&, const NodeId&) = default;
  std::string to_string() const;  // "0000.0000.0001.00"
};

struct LspId {
  NodeId node;
  std::uint8_t fragment = 0;
  friend auto operator<=>(const LspId&, const LspId&) = default;
  friend bool operator==(const LspId&, const LspId&) = default;
  std::string to_string() const;  // "0000.0000.0001.00-00"
};

}  // namespace dmsc::lsa
