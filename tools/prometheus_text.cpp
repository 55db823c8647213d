#include "tools/prometheus_text.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>

namespace dmsc::tools {
namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

// HELP escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
}

}  // namespace

std::string metric_name(std::string_view text) {
  std::string name;
  for (const char c : text) name += name_char(c, false) ? c : '_';
  if (name.empty() || !name_char(name[0], true)) name.insert(name.begin(), '_');
  return name;
}

void PrometheusText::family(std::string_view name, MetricType type, std::string_view help) {
  name_ = name;
  text_ += "# HELP ";
  text_ += name_;
  text_ += ' ';
  append_escaped(text_, help, false);
  text_ += "\n# TYPE ";
  text_ += name_;
  text_ += type == MetricType::kCounter ? " counter\n" : " gauge\n";
}

void PrometheusText::sample_prefix(const Labels& labels) {
  text_ += name_;
  if (!labels.empty()) {
    text_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i) text_ += ',';
      text_ += labels[i].first;
      text_ += "=\"";
      append_escaped(text_, labels[i].second, true);
      text_ += '"';
    }
    text_ += '}';
  }
  text_ += ' ';
}

void PrometheusText::sample(const Labels& labels, std::uint64_t value) {
  sample_prefix(labels);
  char number[24];
  std::snprintf(number, sizeof number, "%" PRIu64 "\n", value);
  text_ += number;
}

void PrometheusText::sample(const Labels& labels, double value) {
  sample_prefix(labels);
  char number[40];
  if (std::isnan(value)) std::snprintf(number, sizeof number, "NaN\n");
  else if (std::isinf(value)) std::snprintf(number, sizeof number, value > 0 ? "+Inf\n" : "-Inf\n");
  else std::snprintf(number, sizeof number, "%.17g\n", value);
  text_ += number;
}

}  // namespace dmsc::tools
