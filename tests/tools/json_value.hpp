#pragma once
// A small, strict JSON reader for tests: what dmscctl --json and the forwarder's control socket
// print must parse as JSON, and tests then look values up by key. Numbers are kept as doubles
// and as their text (counters beyond 2^53 compare by text).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dmsc::tools::test {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;  // a string's value, a number's text
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> members;

  bool is_null() const { return kind == Kind::kNull; }
  bool has(const std::string& key) const { return kind == Kind::kObject && members.count(key) != 0; }
  // A missing key or index gives a null value (so chains of lookups read well in tests).
  const JsonValue& operator[](const std::string& key) const {
    static const JsonValue null;
    const auto it = members.find(key);
    return kind == Kind::kObject && it != members.end() ? it->second : null;
  }
  const JsonValue& operator[](std::size_t index) const {
    static const JsonValue null;
    return kind == Kind::kArray && index < items.size() ? items[index] : null;
  }
  std::uint64_t u64() const { return kind == Kind::kNumber ? std::stoull(text) : 0; }
  std::size_t size() const { return kind == Kind::kArray ? items.size() : members.size(); }
};

namespace detail {

class JsonReader {
 public:
  explicit JsonReader(const std::string& text) : text_(text) {}

  std::optional<JsonValue> document() {
    JsonValue value;
    if (!read(value)) return std::nullopt;
    skip_space();
    if (position_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' || text_[position_] == '\t' ||
                                        text_[position_] == '\r'))
      ++position_;
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (text_.compare(position_, w.size(), w) != 0) return false;
    position_ += w.size();
    return true;
  }
  bool read_string(std::string& out) {
    if (position_ >= text_.size() || text_[position_] != '"') return false;
    ++position_;
    while (position_ < text_.size() && text_[position_] != '"') {
      char c = text_[position_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (position_ >= text_.size()) return false;
        const char e = text_[position_++];
        switch (e) {
          case '"': case '\\': case '/': out += e; break;
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u': {
            if (position_ + 4 > text_.size()) return false;
            const unsigned code = static_cast<unsigned>(std::stoul(text_.substr(position_, 4), nullptr, 16));
            position_ += 4;
            if (code < 0x80) out += static_cast<char>(code);
            else out += '?';  // tests only meet ASCII
            break;
          }
          default: return false;
        }
      } else {
        out += c;
      }
    }
    if (position_ >= text_.size()) return false;
    ++position_;
    return true;
  }
  bool read(JsonValue& value) {
    skip_space();
    if (position_ >= text_.size()) return false;
    const char c = text_[position_];
    if (c == '{') {
      value.kind = JsonValue::Kind::kObject;
      ++position_;
      skip_space();
      if (position_ < text_.size() && text_[position_] == '}') return ++position_, true;
      for (;;) {
        skip_space();
        std::string key;
        if (!read_string(key)) return false;
        skip_space();
        if (position_ >= text_.size() || text_[position_++] != ':') return false;
        JsonValue member;
        if (!read(member) || value.members.count(key) != 0) return false;  // duplicate keys are a bug here
        value.members.emplace(key, std::move(member));
        skip_space();
        if (position_ >= text_.size()) return false;
        if (text_[position_] == ',') { ++position_; continue; }
        if (text_[position_] == '}') return ++position_, true;
        return false;
      }
    }
    if (c == '[') {
      value.kind = JsonValue::Kind::kArray;
      ++position_;
      skip_space();
      if (position_ < text_.size() && text_[position_] == ']') return ++position_, true;
      for (;;) {
        JsonValue item;
        if (!read(item)) return false;
        value.items.push_back(std::move(item));
        skip_space();
        if (position_ >= text_.size()) return false;
        if (text_[position_] == ',') { ++position_; continue; }
        if (text_[position_] == ']') return ++position_, true;
        return false;
      }
    }
    if (c == '"') {
      value.kind = JsonValue::Kind::kString;
      return read_string(value.text);
    }
    if (literal("true")) return value.kind = JsonValue::Kind::kBool, value.boolean = true, true;
    if (literal("false")) return value.kind = JsonValue::Kind::kBool, value.boolean = false, true;
    if (literal("null")) return value.kind = JsonValue::Kind::kNull, true;
    const std::size_t start = position_;
    if (text_[position_] == '-') ++position_;
    while (position_ < text_.size() && std::string("0123456789.eE+-").find(text_[position_]) != std::string::npos) ++position_;
    if (position_ == start) return false;
    value.kind = JsonValue::Kind::kNumber;
    value.text = text_.substr(start, position_ - start);
    try {
      value.number = std::stod(value.text);
    } catch (...) {
      return false;
    }
    return true;
  }

  const std::string& text_;
  std::size_t position_ = 0;
};

}  // namespace detail

// nullopt when `text` is not exactly one JSON value (surrounding white space aside).
inline std::optional<JsonValue> parse_json(const std::string& text) { return detail::JsonReader(text).document(); }

}  // namespace dmsc::tools::test
