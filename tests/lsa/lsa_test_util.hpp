#pragma once
// Shared inputs for the lsa tests and the fuzz target's replay.

#include "lsa/build.hpp"

namespace dmsc::lsa::test {

inline SystemId system_id(std::uint8_t last) { return SystemId{{0, 0, 0, 0, 0, last}}; }

inline LspContent sample_content(std::size_t service_prefixes) {
  LspContent content;
  content.areas = {{0x49, 0x00, 0x01}};
  content.hostname = "sr1";
  content.ipv4_addresses = {{10, 0, 0, 1}};
  content.capability = RouterCapability{{10, 0, 0, 1}, 0, {}};
  content.is_reach = {{{system_id(2), 0}, 10, {}}, {{system_id(3), 0}, 20, {}}};
  content.ip_reach = {{10, false, 32, {10, 0, 0, 1}, {}}, {20, false, 24, {192, 168, 7, 0}, {}}};
  for (std::size_t i = 0; i < service_prefixes; ++i) {
    ServicePrefix prefix;
    prefix.name = *fib::Name::parse("/svc/team" + std::to_string(i % 17) + "/service-" + std::to_string(i));
    prefix.metric = static_cast<std::uint32_t>(i);
    prefix.flags = i % 3 == 0 ? kServicePrefixFlagAnycast : 0;
    content.service_prefixes.push_back(prefix);
  }
  return content;
}

}  // namespace dmsc::lsa::test
