#include "schedule/cron_next.hpp"

#include <cstdlib>

namespace sluice::engine {
namespace {

using namespace std::chrono;
using LocalMinutes = date::local_time<minutes>;

// The first local minute >= `from` whose fields match. Skips whole months, days
// and hours that cannot match, so even sparse schedules take a few dozen steps.
std::optional<LocalMinutes> next_local_match(const CronExpr& e, LocalMinutes from) {
  const auto limit_year = date::year_month_day(floor<date::days>(from)).year() + date::years(8);
  LocalMinutes t = from;
  while (true) {
    const auto day = floor<date::days>(t);
    const date::year_month_day ymd(day);
    if (ymd.year() > limit_year) return std::nullopt;
    const unsigned month = static_cast<unsigned>(ymd.month());
    if (!e.months[month]) {
      const auto next_month = date::year_month(ymd.year(), ymd.month()) + date::months(1);
      t = LocalMinutes(date::local_days(next_month / 1));
      continue;
    }
    const unsigned weekday = date::weekday(day).c_encoding();
    if (!e.day_matches(month, static_cast<unsigned>(ymd.day()), weekday)) {
      t = LocalMinutes(day + date::days(1));
      continue;
    }
    const date::hh_mm_ss<minutes> tod(t - day);
    unsigned hour = static_cast<unsigned>(tod.hours().count());
    unsigned minute = static_cast<unsigned>(tod.minutes().count());
    if (!e.hours[hour]) {
      while (hour < 24 && !e.hours[hour]) ++hour;
      if (hour == 24) {
        t = LocalMinutes(day + date::days(1));
        continue;
      }
      minute = 0;
    }
    while (minute < 60 && !e.minutes[minute]) ++minute;
    if (minute == 60) {
      t = LocalMinutes(day) + hours(hour + 1);
      continue;
    }
    return LocalMinutes(day) + hours(hour) + minutes(minute);
  }
}

// Where a matching wall time lands in absolute time (see the DST rules in the header).
SysSeconds to_instant(const date::time_zone* zone, LocalMinutes local) {
  const auto info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // first occurrence: the earlier offset
      return date::sys_seconds(local.time_since_epoch() - info.first.offset);
    case date::local_info::nonexistent:
    default:
      return info.second.begin;  // the first instant after the gap
  }
}

}  // namespace

std::optional<SysSeconds> next_fire(const CronExpr& expr, const date::time_zone* zone, SysTime after) {
  const auto after_s = floor<seconds>(after);
  // Start from the wall-clock minute after `after`; walk forward until a match lands later than `after`
  // (during a fall-back overlap a match may map to an instant already passed).
  auto local = floor<minutes>(zone->to_local(after_s)) + minutes(1);
  for (int guard = 0; guard < 100'000; ++guard) {
    const auto match = next_local_match(expr, local);
    if (!match) return std::nullopt;
    const auto instant = to_instant(zone, *match);
    if (instant > after_s) return instant;
    local = *match + minutes(1);
  }
  return std::nullopt;
}

std::vector<SysSeconds> fires_between(const CronExpr& expr, const date::time_zone* zone, SysTime from, SysTime to,
                                      std::size_t limit) {
  std::vector<SysSeconds> out;
  SysTime cursor = from;
  while (out.size() < limit) {
    const auto next = next_fire(expr, zone, cursor);
    if (!next || *next > to) break;
    out.push_back(*next);
    cursor = *next;
  }
  return out;
}

std::optional<SysSeconds> latest_fire_at_or_before(const CronExpr& expr, const date::time_zone* zone, SysTime at,
                                                   std::chrono::hours horizon) {
  // Look back through a window that doubles until it holds a fire (1h, 2h, 4h, ...), then walk
  // forward inside it: a minutely schedule costs ~60 steps, a yearly one ~14 windows.
  const SysTime earliest = at - horizon;
  for (SysTime::duration window = hours(1);; window *= 2) {
    const SysTime from = std::max(earliest, at - window);
    std::optional<SysSeconds> latest;
    for (auto next = next_fire(expr, zone, from); next && *next <= at; next = next_fire(expr, zone, *next))
      latest = next;
    if (latest || from == earliest) return latest;
  }
}

std::string format_in_zone(SysSeconds t, const date::time_zone* zone) {
  const date::zoned_time<seconds> zt(zone, t);
  std::string s = date::format("%Y-%m-%dT%H:%M:%S%z", zt);
  s.insert(s.size() - 2, ":");  // +0200 -> +02:00 (ISO-8601 extended)
  return s;
}

}  // namespace sluice::engine
