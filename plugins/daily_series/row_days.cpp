#include "row_days.hpp"

#include <limits>

#include <date/tz.h>

#include <sluice/errors.hpp>

#include "iso_timestamp.hpp"

namespace sluice::daily {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// UTC instant -> local day in one zone. Offsets change rarely, so the current
// offset interval is cached and the zone database is consulted only at transitions.
class ZoneDays {
 public:
  explicit ZoneDays(const date::time_zone* zone) : zone_(zone) {}

  std::int64_t day_of(std::int64_t utc_micros) {
    const std::int64_t secs = floor_div(utc_micros, 1'000'000);
    if (secs < begin_ || secs >= end_) refresh(secs);
    return floor_div(utc_micros + offset_micros_, kMicrosPerDay);
  }

 private:
  void refresh(std::int64_t secs) {
    const auto info = zone_->get_info(date::sys_seconds{std::chrono::seconds{secs}});
    begin_ = info.begin.time_since_epoch().count();
    end_ = info.end.time_since_epoch().count();
    offset_micros_ = static_cast<std::int64_t>(info.offset.count()) * 1'000'000;
  }

  const date::time_zone* zone_;
  std::int64_t begin_ = 1, end_ = 0, offset_micros_ = 0;  // empty interval: refresh on first use
};

std::int32_t checked_day(std::int64_t day, std::size_t row, const Column& ts) {
  if (day < std::numeric_limits<std::int32_t>::min() || day > std::numeric_limits<std::int32_t>::max()) {
    throw Error("row " + std::to_string(row + 1) + ": column '" + ts.name() + "' is out of the supported date range");
  }
  return static_cast<std::int32_t>(day);
}

[[noreturn]] void null_timestamp(const Column& ts, std::size_t row) {
  throw Error("row " + std::to_string(row + 1) + ": column '" + ts.name() +
              "' is null; every row needs a timestamp (filter such rows out upstream)");
}

void string_days(const Column& ts, const DayRule& rule, std::vector<std::int32_t>& out) {
  ZoneDays zone(rule.zone());
  IsoTimestamp parsed;
  for (std::size_t r = 0; r < ts.size(); ++r) {
    if (ts.is_null(r)) null_timestamp(ts, r);
    const std::string_view text = ts.string_at(r);
    if (!parse_iso_timestamp(text, parsed)) {
      throw Error("row " + std::to_string(r + 1) + ": cannot parse '" + std::string(text.substr(0, 80)) + "' in column '" +
                  ts.name() + "' as a timestamp (expected ISO-8601 such as 2024-03-31, 2024-03-31 14:05:00 or 2024-03-31T12:05:00Z)");
    }
    std::int64_t day;
    if (rule.is_local()) {
      day = parsed.days;
    } else {
      const std::int64_t wall = parsed.days * kMicrosPerDay + parsed.micros_of_day;
      day = zone.day_of(wall - parsed.offset_micros);
    }
    out[r] = checked_day(day, r, ts);
  }
}

}  // namespace

DayRule::DayRule(const std::string& timezone) {
  if (timezone == "local") return;
  try {
    zone_ = date::locate_zone(timezone);
  } catch (const std::exception&) {
    throw param_error("timezone", "'" + timezone +
                                      "' is not a known IANA time zone; use \"local\" (wall-clock timestamps) or a name "
                                      "such as \"UTC\" or \"Europe/Berlin\" (UTC timestamps, days in that zone)");
  }
}

std::vector<std::int32_t> row_days(const Column& ts, const DayRule& rule) {
  std::vector<std::int32_t> out(ts.size());
  switch (ts.type()) {
    case ColumnType::Date:
      for (std::size_t r = 0; r < ts.size(); ++r) {
        if (ts.is_null(r)) null_timestamp(ts, r);
        out[r] = checked_day(ts.int_at(r), r, ts);
      }
      break;
    case ColumnType::Timestamp: {
      ZoneDays zone(rule.zone());
      const auto& micros = ts.ints();
      for (std::size_t r = 0; r < ts.size(); ++r) {
        if (ts.is_null(r)) null_timestamp(ts, r);
        const std::int64_t day = rule.is_local() ? floor_div(micros[r], kMicrosPerDay) : zone.day_of(micros[r]);
        out[r] = checked_day(day, r, ts);
      }
      break;
    }
    case ColumnType::String: string_days(ts, rule, out); break;
    default:
      throw Error("column '" + ts.name() + "' has type " + std::string(to_string(ts.type())) +
                  "; ts must name a timestamp, date or string (ISO-8601) column");
  }
  return out;
}

}  // namespace sluice::daily
