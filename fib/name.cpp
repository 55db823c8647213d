#include "fib/name.hpp"

namespace dmsc::fib {

const char* name_error_text(NameError error) {
  switch (error) {
    case NameError::kNone: return "ok";
    case NameError::kTooLong: return "name longer than 255 octets in wire form";
    case NameError::kEmptyComponent: return "empty name component";
    case NameError::kComponentOverrun: return "name component runs past the end of the name";
    case NameError::kTooManyComponents: return "more than 32 name components";
  }
  return "unknown name error";
}

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Error parse_error(std::string_view text, std::size_t offset, const std::string& what) {
  return Error{"bad name \"" + std::string(text) + "\" at offset " + std::to_string(offset) +
               ": " + what};
}

}  // namespace

Expected<Name> Name::parse(std::string_view text) {
  if (text.empty() || text[0] != '/') return parse_error(text, 0, "a name starts with '/'");
  Name name;
  if (text.size() == 1) return name;
  std::size_t offset = 1;
  while (true) {
    const std::size_t component_start = offset;
    std::string component;
    while (offset < text.size() && text[offset] != '/') {
      const unsigned char c = static_cast<unsigned char>(text[offset]);
      if (c == '%') {
        if (offset + 2 >= text.size())
          return parse_error(text, offset, "'%' must be followed by two hex digits");
        const int high = hex_value(text[offset + 1]);
        const int low = hex_value(text[offset + 2]);
        if (high < 0 || low < 0)
          return parse_error(text, offset, "'%' must be followed by two hex digits");
        component.push_back(static_cast<char>(high * 16 + low));
        offset += 3;
      } else if (c <= 0x20 || c >= 0x7f) {
        return parse_error(text, offset,
                           "space, control and non-ASCII bytes must be written as %XX");
      } else {
        component.push_back(static_cast<char>(c));
        ++offset;
      }
    }
    if (component.empty())
      return parse_error(text, component_start,
                         offset == text.size() ? "trailing '/' (empty component)"
                                               : "empty component ('//')");
    if (component.size() > kMaxComponentLength)
      return parse_error(text, component_start,
                         "component of " + std::to_string(component.size()) +
                             " bytes, limit " + std::to_string(kMaxComponentLength));
    if (name.component_count_ == kMaxNameComponents)
      return parse_error(text, component_start,
                         "more than " + std::to_string(kMaxNameComponents) + " components");
    if (name.wire_.size() + 1 + component.size() > kMaxEncodedNameLength)
      return parse_error(text, component_start,
                         "name longer than " + std::to_string(kMaxEncodedNameLength) +
                             " octets in wire form");
    name.wire_.push_back(static_cast<char>(component.size()));
    name.wire_ += component;
    ++name.component_count_;
    if (offset == text.size()) return name;
    ++offset;  // skip '/'
  }
}

Expected<Name> Name::from_wire(std::span<const std::uint8_t> bytes) {
  std::size_t count = 0;
  const NameError error = check_wire_name(bytes.data(), bytes.size(), nullptr, &count);
  if (error != NameError::kNone) return Error{std::string("bad wire name: ") + name_error_text(error)};
  Name name;
  name.wire_.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  name.component_count_ = count;
  return name;
}

std::string Name::to_string() const {
  if (wire_.empty()) return "/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  std::size_t offset = 0;
  while (offset < wire_.size()) {
    const std::size_t length = static_cast<unsigned char>(wire_[offset]);
    text.push_back('/');
    for (std::size_t i = 0; i < length; ++i) {
      const unsigned char c = static_cast<unsigned char>(wire_[offset + 1 + i]);
      if (is_unreserved(c)) {
        text.push_back(static_cast<char>(c));
      } else {
        text.push_back('%');
        text.push_back(kHex[c >> 4]);
        text.push_back(kHex[c & 15]);
      }
    }
    offset += 1 + length;
  }
  return text;
}

std::string_view Name::component(std::size_t index) const {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < index; ++i) offset += 1 + static_cast<unsigned char>(wire_[offset]);
  const std::size_t length = static_cast<unsigned char>(wire_[offset]);
  return std::string_view(wire_).substr(offset + 1, length);
}

Name Name::prefix(std::size_t count) const {
  Name result;
  std::size_t offset = 0;
  for (std::size_t i = 0; i < count && i < component_count_; ++i) {
    offset += 1 + static_cast<unsigned char>(wire_[offset]);
    ++result.component_count_;
  }
  result.wire_ = wire_.substr(0, offset);
  return result;
}

bool Name::is_prefix_of(const Name& other) const {
  return component_count_ <= other.component_count_ &&
         other.wire_.compare(0, wire_.size(), wire_) == 0;
}

Status Name::append(std::string_view component) {
  if (component.empty()) return Error{"empty name component"};
  if (component.size() > kMaxComponentLength)
    return Error{"component of " + std::to_string(component.size()) + " bytes, limit " +
                 std::to_string(kMaxComponentLength)};
  if (component_count_ == kMaxNameComponents)
    return Error{"more than " + std::to_string(kMaxNameComponents) + " components"};
  if (wire_.size() + 1 + component.size() > kMaxEncodedNameLength)
    return Error{"name longer than " + std::to_string(kMaxEncodedNameLength) +
                 " octets in wire form"};
  wire_.push_back(static_cast<char>(component.size()));
  wire_ += component;
  ++component_count_;
  return ok_status();
}

}  // namespace dmsc::fib
