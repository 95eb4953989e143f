// Next fire times: time zones, DST gaps and overlaps, month ends, leap days.
#include <doctest/doctest.h>

#include <chrono>

#include "schedule/cron_next.hpp"

using namespace sluice::engine;

namespace {
SysTime at(const char* iso) { return parse_iso_instant(iso); }

std::string next_in(const char* cron, const char* zone, const char* after) {
  const auto* z = date::locate_zone(zone);
  const auto t = next_fire(CronExpr::parse(cron), z, at(after));
  return t ? format_in_zone(*t, z) : "never";
}

std::vector<std::string> between(const char* cron, const char* zone, const char* from, const char* to) {
  const auto* z = date::locate_zone(zone);
  std::vector<std::string> out;
  for (auto t : fires_between(CronExpr::parse(cron), z, at(from), at(to), 100)) out.push_back(format_in_zone(t, z));
  return out;
}
}  // namespace

TEST_CASE("next fire: UTC basics and strictly-after semantics") {
  CHECK(next_in("0 6 * * *", "UTC", "2024-03-04T05:59:59Z") == "2024-03-04T06:00:00+00:00");
  CHECK(next_in("0 6 * * *", "UTC", "2024-03-04T06:00:00Z") == "2024-03-05T06:00:00+00:00");
  CHECK(next_in("0 6 * * *", "UTC", "2024-03-04T06:00:00.5Z") == "2024-03-05T06:00:00+00:00");
  CHECK(next_in("*/15 * * * *", "UTC", "2024-03-04T06:07:00Z") == "2024-03-04T06:15:00+00:00");
  CHECK(next_in("0 6 * * MON", "Europe/Berlin", "2024-03-04T12:00:00Z") == "2024-03-11T06:00:00+01:00");
  CHECK(next_in("0 0 1 1 *", "UTC", "2024-06-01T00:00:00Z") == "2025-01-01T00:00:00+00:00");
}

TEST_CASE("next fire: month ends and leap days") {
  CHECK(next_in("0 0 31 * *", "UTC", "2024-01-31T00:00:00Z") == "2024-03-31T00:00:00+00:00");
  CHECK(next_in("0 0 31 * *", "UTC", "2024-03-31T00:00:00Z") == "2024-05-31T00:00:00+00:00");
  CHECK(next_in("0 12 29 2 *", "UTC", "2023-01-01T00:00:00Z") == "2024-02-29T12:00:00+00:00");
  CHECK(next_in("0 12 29 2 *", "UTC", "2024-03-01T00:00:00Z") == "2028-02-29T12:00:00+00:00");
  CHECK(next_in("0 0 30 * *", "UTC", "2024-02-01T00:00:00Z") ==
        "2024-03-30T00:00:00+00:00");
  CHECK(next_in("59 23 31 12 *", "UTC", "2024-12-31T23:59:00Z") == "2025-12-31T23:59:00+00:00");
}

TEST_CASE("next fire: @weekly and the Vixie day rule") {
  CHECK(next_in("@weekly", "UTC", "2024-03-06T10:00:00Z") == "2024-03-10T00:00:00+00:00");
  CHECK(next_in("@weekly", "Europe/Berlin", "2024-03-06T10:00:00Z") == "2024-03-10T00:00:00+01:00");
  CHECK(next_in("@monthly", "UTC", "2024-02-15T00:00:00Z") == "2024-03-01T00:00:00+00:00");
  // The 13th OR any Friday.
  CHECK(next_in("0 0 13 * FRI", "UTC", "2024-09-01T00:00:00Z") == "2024-09-06T00:00:00+00:00");
  CHECK(next_in("0 0 13 * FRI", "UTC", "2024-09-06T00:00:00Z") == "2024-09-13T00:00:00+00:00");
  CHECK(next_in("0 0 13 * FRI", "UTC", "2024-10-04T00:00:00Z") == "2024-10-11T00:00:00+00:00");
  CHECK(next_in("0 0 13 * FRI", "UTC", "2024-10-11T00:00:00Z") == "2024-10-13T00:00:00+00:00");
  CHECK(next_in("0 9 * * MON-FRI", "UTC", "2024-03-08T10:00:00Z") == "2024-03-11T09:00:00+00:00");
}

TEST_CASE("next fire: spring-forward gap fires once at the first valid instant (Europe/Berlin)") {
  // 2024-03-31 02:00 CET -> 03:00 CEST: 02:30 does not exist that day.
  CHECK(next_in("30 2 * * *", "Europe/Berlin", "2024-03-30T12:00:00Z") == "2024-03-31T03:00:00+02:00");
  CHECK(next_in("30 2 * * *", "Europe/Berlin", "2024-03-31T01:00:00Z") == "2024-04-01T02:30:00+02:00");
  // Every slot in the gap, and the 03:00 slot, collapse into one fire at 03:00 CEST.
  CHECK(between("*/15 * * * *", "Europe/Berlin", "2024-03-31T00:40:00Z", "2024-03-31T01:20:00Z") ==
        std::vector<std::string>{"2024-03-31T01:45:00+01:00", "2024-03-31T03:00:00+02:00",
                                 "2024-03-31T03:15:00+02:00"});
}

TEST_CASE("next fire: fall-back overlap fires once, at the first occurrence (Europe/Berlin)") {
  // 2024-10-27 03:00 CEST -> 02:00 CET: 02:30 happens twice.
  CHECK(between("30 2 * * *", "Europe/Berlin", "2024-10-26T12:00:00Z", "2024-10-28T12:00:00Z") ==
        std::vector<std::string>{"2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"});
  CHECK(between("0 * * * *", "Europe/Berlin", "2024-10-26T23:30:00Z", "2024-10-27T02:30:00Z") ==
        std::vector<std::string>{"2024-10-27T02:00:00+02:00", "2024-10-27T03:00:00+01:00"});
  // Asking from inside the second pass of the overlap does not fire the repeated wall time again.
  CHECK(next_in("45 2 * * *", "Europe/Berlin", "2024-10-27T01:10:00Z") == "2024-10-28T02:45:00+01:00");
}

TEST_CASE("next fire: America/New_York spring gap and fall overlap") {
  // 2024-03-10 02:00 EST -> 03:00 EDT.
  CHECK(next_in("30 2 * * *", "America/New_York", "2024-03-09T12:00:00Z") == "2024-03-10T03:00:00-04:00");
  CHECK(next_in("30 2 * * *", "America/New_York", "2024-03-10T07:00:00Z") == "2024-03-11T02:30:00-04:00");
  // 2024-11-03 02:00 EDT -> 01:00 EST: 01:30 happens twice, fires once (EDT).
  CHECK(between("30 1 * * *", "America/New_York", "2024-11-02T12:00:00Z", "2024-11-04T12:00:00Z") ==
        std::vector<std::string>{"2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"});
}

TEST_CASE("latest fire at or before") {
  const auto* utc = date::locate_zone("UTC");
  const auto daily = CronExpr::parse("0 6 * * *");
  const auto t = latest_fire_at_or_before(daily, utc, at("2024-03-04T07:00:00Z"), std::chrono::hours(24 * 30));
  REQUIRE(t);
  CHECK(format_utc(*t) == "2024-03-04T06:00:00Z");
  const auto exact = latest_fire_at_or_before(daily, utc, at("2024-03-04T06:00:00Z"), std::chrono::hours(48));
  REQUIRE(exact);
  CHECK(format_utc(*exact) == "2024-03-04T06:00:00Z");
  CHECK_FALSE(latest_fire_at_or_before(daily, utc, at("2024-03-04T05:00:00Z"), std::chrono::hours(12)));
  const auto yearly = latest_fire_at_or_before(CronExpr::parse("@yearly"), utc, at("2024-06-01T00:00:00Z"),
                                               std::chrono::hours(24 * 800));
  REQUIRE(yearly);
  CHECK(format_utc(*yearly) == "2024-01-01T00:00:00Z");
}

TEST_CASE("next fire: sparse schedules are found by skipping fields, not minutes") {
  // Leap days (2100 is not one): each next_fire is a few dozen steps, not millions of minutes.
  const auto* utc = date::locate_zone("UTC");
  const auto leap = CronExpr::parse("0 12 29 2 *");
  const auto start = std::chrono::steady_clock::now();
  SysTime cursor = at("2000-01-01T00:00:00Z");
  for (int i = 0; i < 50; ++i) cursor = *next_fire(leap, utc, cursor);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(format_utc(cursor) == "2204-02-29T12:00:00Z");
  CHECK(elapsed < std::chrono::milliseconds(500));
}

TEST_CASE("format_in_zone uses the zone's offset") {
  const auto t = std::chrono::floor<std::chrono::seconds>(at("2024-07-01T10:00:00Z"));
  CHECK(format_in_zone(t, date::locate_zone("Europe/Berlin")) == "2024-07-01T12:00:00+02:00");
  CHECK(format_in_zone(t, date::locate_zone("America/New_York")) == "2024-07-01T06:00:00-04:00");
  CHECK(format_in_zone(t, date::locate_zone("Asia/Kolkata")) == "2024-07-01T15:30:00+05:30");
}
