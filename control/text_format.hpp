#pragma once
// The few text forms the local API's answers share (show.cpp, daemon_config_format.cpp,
// reload.cpp): JSON strings, lists, IPv4 addresses and prefixes.

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "lsa/tlv.hpp"

namespace dmsc::control {

inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// (Appends rather than `(first ? "" : ",") + text`, on which GCC 12 warns wrongly.)
inline std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) text += separator;
    text += parts[i];
  }
  return text;
}

inline std::string ipv4_text(const std::array<std::uint8_t, 4>& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
}

inline std::string ip_prefix_text(const lsa::IpReach& reach) {
  return ipv4_text(reach.prefix) + "/" + std::to_string(reach.prefix_length);
}

}  // namespace dmsc::control
