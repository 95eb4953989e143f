#pragma once
// Allocation-free ISO-8601 parsing for timestamp strings, used per row on large
// inputs (sluice::parse_timestamp builds exception messages, too slow here).
#include <cstdint>
#include <string_view>

namespace sluice::daily {

struct IsoTimestamp {
  std::int64_t days = 0;           // civil date as days since 1970-01-01
  std::int64_t micros_of_day = 0;  // wall-clock time of day
  bool has_offset = false;         // a trailing Z or +HH:MM / -HH:MM / +HHMM
  std::int64_t offset_micros = 0;  // local = UTC + offset
};

// Accepts YYYY-MM-DD, optionally followed by [T or space]HH:MM[:SS[.fraction]] and
// an optional Z or numeric offset. Returns false on anything else.
bool parse_iso_timestamp(std::string_view text, IsoTimestamp& out);

}  // namespace sluice::daily
