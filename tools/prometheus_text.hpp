#pragma once
// Prometheus text exposition format 0.0.4: families of samples, each family's HELP and TYPE
// once, its samples together, label values and help text escaped. No I/O, no globals.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmsc::tools {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge };

class PrometheusText {
 public:
  // Starts a family; the samples added next belong to it. A name is [a-zA-Z_:][a-zA-Z0-9_:]*
  // (metric_name() makes one from any text).
  void family(std::string_view name, MetricType type, std::string_view help);
  void sample(const Labels& labels, std::uint64_t value);
  void sample(const Labels& labels, double value);

  const std::string& text() const { return text_; }

 private:
  void sample_prefix(const Labels& labels);
  std::string text_;
  std::string name_;
};

// `text` with every character outside [a-zA-Z0-9_:] replaced by '_' (and a leading digit
// prefixed by '_').
std::string metric_name(std::string_view text);

}  // namespace dmsc::tools
