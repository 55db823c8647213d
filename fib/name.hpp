#pragma once
// Service names: their limits, wire form, text form and the errors a bad name gives.
//
// Wire form (docs/wire-format.md §3): the components one after another, each as one length
// octet (1..kMaxComponentLength) followed by that many opaque bytes. The wire form is the
// canonical form: two names are equal exactly when their wire forms are equal bytes.
// Text form: "/" then components separated by "/"; bytes outside [A-Za-z0-9-._~] are written
// %XX (upper-case hex). "/" alone is the root name (zero components): as a FIB prefix it is the
// default route.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fib/expected.hpp"

namespace dmsc::fib {

inline constexpr std::size_t kMaxNameComponents = 32;
inline constexpr std::size_t kMaxEncodedNameLength = 255;  // fits the one-octet header field
inline constexpr std::size_t kMaxComponentLength = kMaxEncodedNameLength - 1;

// Why a wire-form name is malformed. Values are stable: they name counters and drop reasons.
enum class NameError : std::uint8_t {
  kNone = 0,
  kTooLong,            // encoded length above kMaxEncodedNameLength
  kEmptyComponent,     // a component length octet of zero
  kComponentOverrun,   // a component runs past the end of the name
  kTooManyComponents,  // more than kMaxNameComponents components
};
const char* name_error_text(NameError error);

// Checks a wire-form name in one bounded pass. When `component_ends` is not null it receives
// the offset just past each component (kMaxNameComponents entries at most).
// Inline: the forwarder validates two names per packet with it.
inline NameError check_wire_name(const std::uint8_t* bytes, std::size_t length,
                                 std::uint8_t* component_ends, std::size_t* component_count) {
  if (length > kMaxEncodedNameLength) return NameError::kTooLong;
  std::size_t offset = 0;
  std::size_t count = 0;
  while (offset < length) {
    const std::size_t component_length = bytes[offset];
    if (component_length == 0) return NameError::kEmptyComponent;
    if (component_length > length - offset - 1) return NameError::kComponentOverrun;
    if (count == kMaxNameComponents) return NameError::kTooManyComponents;
    offset += 1 + component_length;
    if (component_ends != nullptr) component_ends[count] = static_cast<std::uint8_t>(offset);
    ++count;
  }
  if (component_count != nullptr) *component_count = count;
  return NameError::kNone;
}

// A borrowed, already validated wire-form name: what the forwarding path passes around.
struct NameView {
  const std::uint8_t* bytes = nullptr;
  std::uint8_t length = 0;
};

// A valid wire-form name with the offset just past each of its components, as
// check_wire_name() reports them. The forwarder's packet parser validates every name that way
// anyway; handing the boundaries on lets a FIB burst skip walking the name a second time.
struct ParsedNameView {
  const std::uint8_t* bytes = nullptr;
  const std::uint8_t* component_ends = nullptr;  // `components` offsets, increasing
  std::uint8_t length = 0;
  std::uint8_t components = 0;
};

// An owned, valid name. Cheap to copy (small-string sized for typical service names).
class Name {
 public:
  Name() = default;  // the root name "/"

  static Expected<Name> parse(std::string_view text);
  static Expected<Name> from_wire(std::span<const std::uint8_t> bytes);

  std::string to_string() const;
  std::span<const std::uint8_t> wire() const {
    return {reinterpret_cast<const std::uint8_t*>(wire_.data()), wire_.size()};
  }
  NameView view() const {
    return {reinterpret_cast<const std::uint8_t*>(wire_.data()),
            static_cast<std::uint8_t>(wire_.size())};
  }
  std::size_t component_count() const { return component_count_; }
  std::size_t wire_length() const { return wire_.size(); }
  bool is_root() const { return wire_.empty(); }

  // The bytes of component `index` (0-based), without its length octet.
  std::string_view component(std::size_t index) const;
  // The first `count` components of this name.
  Name prefix(std::size_t count) const;
  bool is_prefix_of(const Name& other) const;
  // Appends a component; fails when a limit would be exceeded or the component is empty.
  Status append(std::string_view component);

  friend bool operator==(const Name&, const Name&) = default;
  friend auto operator<=>(const Name& a, const Name& b) { return a.wire_ <=> b.wire_; }

 private:
  std::string wire_;
  std::size_t component_count_ = 0;
};

}  // namespace dmsc::fib
