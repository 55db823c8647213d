#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line is a
// HELP, a TYPE or a sample; each family has one HELP and one TYPE before its samples, which are
// contiguous; names and label names are valid, label values correctly escaped, label sets not
// repeated, values numbers; the text ends with a newline. Anything else is an error naming the
// line.

#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dmsc::tools::test {

struct Sample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Family {
  std::string help;
  std::string type;
  std::vector<Sample> samples;
};

struct Exposition {
  std::map<std::string, Family> families;
  std::vector<std::string> order;  // family names as they appeared
  std::string error;               // empty: the text is valid

  // The sum of a family's samples whose labels include `match`.
  double sum(const std::string& family, const std::map<std::string, std::string>& match = {}) const {
    double total = 0;
    const auto found = families.find(family);
    if (found == families.end()) return -1;
    for (const Sample& sample : found->second.samples) {
      bool matches = true;
      for (const auto& [key, value] : match) {
        const auto label = sample.labels.find(key);
        matches = matches && label != sample.labels.end() && label->second == value;
      }
      if (matches) total += sample.value;
    }
    return total;
  }
};

inline bool valid_metric_name(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

inline bool valid_label_name(const std::string& name) {
  return valid_metric_name(name) && name.find(':') == std::string::npos && name.rfind("__", 0) != 0;
}

inline std::optional<double> parse_value(const std::string& text) {
  if (text == "NaN") return 0.0;
  if (text == "+Inf" || text == "-Inf") return text[0] == '+' ? 1e308 : -1e308;
  if (text.empty()) return {};
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return {};
  return value;
}

inline Exposition parse_exposition(const std::string& text) {
  Exposition out;
  std::string current;  // family whose samples are being read
  std::set<std::string> closed;
  std::map<std::string, std::set<std::map<std::string, std::string>>> seen_labels;
  if (text.empty() || text.back() != '\n') {
    out.error = "text does not end with a newline";
    return out;
  }
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const auto fail = [&](const std::string& why) {
      out.error = "line " + std::to_string(line_number) + ": " + why + ": " + line;
      return out;
    };
    if (line.empty()) return fail("empty line");
    if (line[0] == '#') {
      const bool help = line.rfind("# HELP ", 0) == 0, type = line.rfind("# TYPE ", 0) == 0;
      if (!help && !type) return fail("a comment that is neither HELP nor TYPE");
      const std::size_t name_end = line.find(' ', 7);
      const std::string name = line.substr(7, name_end == std::string::npos ? std::string::npos : name_end - 7);
      const std::string rest = name_end == std::string::npos ? "" : line.substr(name_end + 1);
      if (!valid_metric_name(name)) return fail("bad metric name");
      if (name != current) {
        if (!current.empty()) closed.insert(current);
        if (closed.count(name) || out.families.count(name)) return fail("family declared twice");
        current = name;
        out.families[name];
        out.order.push_back(name);
      }
      Family& family = out.families[name];
      if (!family.samples.empty()) return fail("HELP or TYPE after samples");
      if (help) {
        if (!family.help.empty() || !family.type.empty()) return fail("HELP twice or after TYPE");
        for (std::size_t i = 0; i < rest.size(); ++i)
          if (rest[i] == '\\' && (i + 1 >= rest.size() || (rest[i + 1] != '\\' && rest[i + 1] != 'n')))
            return fail("bad escape in HELP");
          else if (rest[i] == '\\') ++i;
        family.help = rest.empty() ? " " : rest;
      } else {
        if (!family.type.empty()) return fail("TYPE twice");
        if (rest != "counter" && rest != "gauge" && rest != "untyped" && rest != "histogram" && rest != "summary")
          return fail("unknown type");
        family.type = rest;
      }
      continue;
    }
    // A sample: name[{labels}] value
    std::size_t at = 0;
    while (at < line.size() && line[at] != '{' && line[at] != ' ') ++at;
    const std::string name = line.substr(0, at);
    if (!valid_metric_name(name)) return fail("bad metric name");
    if (name != current || out.families[name].type.empty() || out.families[name].help.empty())
      return fail("sample outside its family, or before its HELP and TYPE");
    Sample sample;
    if (at < line.size() && line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        const std::size_t equals = line.find('=', at);
        if (equals == std::string::npos) return fail("label without '='");
        const std::string label = line.substr(at, equals - at);
        if (!valid_label_name(label)) return fail("bad label name");
        at = equals + 1;
        if (at >= line.size() || line[at] != '"') return fail("label value not quoted");
        std::string value;
        for (++at; at < line.size() && line[at] != '"'; ++at) {
          if (line[at] == '\\') {
            if (++at >= line.size()) return fail("escape at end");
            if (line[at] == 'n') value += '\n';
            else if (line[at] == '\\' || line[at] == '"') value += line[at];
            else return fail("bad escape in label value");
          } else value += line[at];
        }
        if (at >= line.size()) return fail("unterminated label value");
        ++at;
        if (!sample.labels.emplace(label, value).second) return fail("label repeated");
        if (at < line.size() && line[at] == ',') ++at;
        else if (at >= line.size() || line[at] != '}') return fail("expected ',' or '}'");
      }
      if (at >= line.size()) return fail("unterminated label set");
      ++at;
    }
    if (at >= line.size() || line[at] != ' ') return fail("expected a space before the value");
    std::string value_text = line.substr(at + 1);
    if (const std::size_t space = value_text.find(' '); space != std::string::npos) {
      // An optional timestamp: an integer.
      const std::string timestamp = value_text.substr(space + 1);
      if (timestamp.empty() || timestamp.find_first_not_of("-0123456789") != std::string::npos)
        return fail("bad timestamp");
      value_text.resize(space);
    }
    const auto value = parse_value(value_text);
    if (!value) return fail("bad value");
    sample.value = *value;
    if (!seen_labels[name].insert(sample.labels).second) return fail("label set repeated");
    out.families[name].samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace dmsc::tools::test
