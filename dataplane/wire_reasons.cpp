#include "dataplane/wire_reasons.hpp"

namespace dmsc::wire {
namespace {

#define DMSC_WIRE_TABLE_ROW(enumerator, value, name, text) {Enum::enumerator, name, text},

template <typename Enum>
const ReasonInfo<Enum>* find(std::span<const ReasonInfo<Enum>> table, Enum value) {
  for (const ReasonInfo<Enum>& row : table)
    if (row.value == value) return &row;
  return nullptr;
}

}  // namespace

std::span<const ReasonInfo<ParseError>> parse_error_table() {
  using Enum = ParseError;
  static constexpr ReasonInfo<ParseError> kTable[] = {DMSC_WIRE_PARSE_ERRORS(DMSC_WIRE_TABLE_ROW)};
  return kTable;
}

std::span<const ReasonInfo<ErrorReason>> error_reason_table() {
  using Enum = ErrorReason;
  static constexpr ReasonInfo<ErrorReason> kTable[] = {
      DMSC_WIRE_ERROR_REASONS(DMSC_WIRE_TABLE_ROW)};
  return kTable;
}

#undef DMSC_WIRE_TABLE_ROW

// Linear scans: these run when a counter is named or a log line written, never per packet.
const char* parse_error_name(ParseError error) {
  const auto* row = find(parse_error_table(), error);
  return row != nullptr ? row->name : "unknown";
}
const char* parse_error_text(ParseError error) {
  const auto* row = find(parse_error_table(), error);
  return row != nullptr ? row->text : "unknown parse error";
}
const char* error_reason_name(ErrorReason reason) {
  const auto* row = find(error_reason_table(), reason);
  return row != nullptr ? row->name : "unknown";
}
const char* error_reason_text(ErrorReason reason) {
  const auto* row = find(error_reason_table(), reason);
  return row != nullptr ? row->text : "unknown error reason";
}

}  // namespace dmsc::wire
