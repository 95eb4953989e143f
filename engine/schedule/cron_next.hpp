#pragma once
// When does a cron expression fire next, in an IANA time zone?
//
// Fields are matched against the zone's wall clock. Daylight-saving rules:
// - A wall time skipped by a spring-forward gap (02:30 in Berlin on the last
//   Sunday of March) fires once, at the first valid instant after the gap
//   (03:00 CEST). Several slots in one gap, and a slot at that instant, fire once.
// - A wall time that occurs twice at a fall-back overlap fires once, at its
//   first occurrence (the earlier, summer-time instant).
#include <date/tz.h>

#include <optional>
#include <vector>

#include "schedule/clock.hpp"
#include "schedule/cron.hpp"

namespace sluice::engine {

// The first fire instant strictly after `after`; nullopt if none within 8 years
// (only possible for expressions like "0 0 29 2 MON-FRI"... which do fire, so in practice never).
std::optional<SysSeconds> next_fire(const CronExpr& expr, const date::time_zone* zone, SysTime after);

// Fire instants in (from, to], oldest first, at most `limit` of them.
std::vector<SysSeconds> fires_between(const CronExpr& expr, const date::time_zone* zone, SysTime from, SysTime to,
                                      std::size_t limit);

// The latest fire instant <= `at`, searching back at most `horizon`; nullopt if none.
std::optional<SysSeconds> latest_fire_at_or_before(const CronExpr& expr, const date::time_zone* zone, SysTime at,
                                                   std::chrono::hours horizon);

// "2024-03-31T03:00:00+02:00": the instant in the zone's local time with its UTC offset.
std::string format_in_zone(SysSeconds t, const date::time_zone* zone);

}  // namespace sluice::engine
