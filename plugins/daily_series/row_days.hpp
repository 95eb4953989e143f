#pragma once
// Maps each row's timestamp to its calendar day, under the stage's time zone rule:
//  - "local": timestamps are wall-clock times; the day is their date part.
//  - an IANA zone: timestamps are UTC instants; the day is the date in that zone
//    (strings with an explicit Z/offset are converted to UTC first).
// Date columns are days already and pass through unchanged.
#include <cstdint>
#include <string>
#include <vector>

#include <sluice/table.hpp>

namespace date {
class time_zone;
}

namespace sluice::daily {

class DayRule {
 public:
  // "local" or an IANA name; throws ParamError("timezone", ...) for an unknown zone.
  explicit DayRule(const std::string& timezone);
  bool is_local() const { return zone_ == nullptr; }
  const date::time_zone* zone() const { return zone_; }

 private:
  const date::time_zone* zone_ = nullptr;
};

// Days since 1970-01-01, one per row. Throws Error naming the row for a null or
// unparsable timestamp, and for a column type that is not a timestamp, date or string.
std::vector<std::int32_t> row_days(const Column& ts, const DayRule& rule);

}  // namespace sluice::daily
