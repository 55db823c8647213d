#include "lsa/ids.hpp"

#include <cstdio>

namespace dmsc::lsa {

std::string SystemId::to_string() const {
  char text[16];
  std::snprintf(text, sizeof text, "%02x%02x.%02x%02x.%02x%02x", octets[0], octets[1], octets[2], octets[3],
                octets[4], octets[5]);
  return text;
}

std::optional<SystemId> SystemId::parse(std::string_view text) {
  if (text.size() != 14 || text[4] != '.' || text[9] != '.') return std::nullopt;
  SystemId id;
  std::size_t digit = 0;
  for (char c : text) {
    if (c == '.') continue;
    int value;
    if (c >= '0' && c <= '9') value = c - '0';
    else if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
    else return std::nullopt;
    id.octets[digit / 2] = static_cast<std::uint8_t>(id.octets[digit / 2] << 4 | value);
    ++digit;
  }
  return id;
}

std::string NodeId::to_string() const {
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, ".%02x", pseudonode);
  return system.to_string() + suffix;
}

std::string LspId::to_string() const {
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "-%02x", fragment);
  return node.to_string() + suffix;
}

}  // namespace dmsc::lsa
