#pragma once
// Helpers shared by the benchmarks: options, clocks, memory and machine description.
// Every benchmark prints human-readable lines on stderr and one JSON object as the last line
// of stdout (the stable interface of tools/bench).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>

namespace dmsc::tools {

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Resident set size in bytes, from /proc/self/statm.
inline std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t total = 0, resident = 0;
  statm >> total >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

inline std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

inline std::string read_first_line(const char* path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

inline std::string json_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
  }
  return out;
}

// "--name value" options; unknown options are an error with the usage text.
class Options {
 public:
  Options(int argc, char** argv, const char* usage) : argc_(argc), argv_(argv), usage_(usage) {
    for (int i = 1; i < argc; ++i)
      if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
        std::fprintf(stderr, "%s", usage);
        std::exit(0);
      }
  }
  double number(const char* name, double fallback) {
    for (int i = 1; i + 1 < argc_; ++i)
      if (std::strcmp(argv_[i], name) == 0) {
        char* end = nullptr;
        const double value = std::strtod(argv_[i + 1], &end);
        if (end == argv_[i + 1] || *end != '\0') fail(std::string("bad number for ") + name);
        used_ += 2;
        return value;
      }
    return fallback;
  }
  void check_all_used() {
    if (used_ != argc_ - 1) fail("unknown or repeated option");
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "error: %s\n%s", why.c_str(), usage_);
    std::exit(2);
  }
  int argc_;
  char** argv_;
  const char* usage_;
  int used_ = 0;
};

}  // namespace dmsc::tools
