// Fuzz target for the control daemon's configuration parser: any text is accepted or refused
// with a message naming the line, never a crash; what is accepted respects the limits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "control/daemon_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dmsc::control;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = parse_daemon_config(text, "fuzz.conf");
  if (!config) {
    if (config.error().rfind("fuzz.conf:", 0) != 0) std::abort();  // errors name the file and line
    return 0;
  }
  const InstanceConfig& instance = config->instance;
  if (instance.areas.empty()) std::abort();
  for (const CircuitConfig& circuit : instance.circuits)
    if (circuit.metric == 0 || circuit.metric > 0xfffffe || circuit.hello_interval == 0 || circuit.hello_multiplier < 2)
      std::abort();
  for (const auto& prefix : instance.service_prefixes)
    if (!dmsc::lsa::service_prefix_encodable(prefix)) std::abort();
  if (instance.timers.lsp_refresh + 300 > instance.timers.lsp_lifetime) std::abort();
  return 0;
}
