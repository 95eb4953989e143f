// Catch-up planning after downtime: a pure function of (last slot, now, policy).
#include <doctest/doctest.h>

#include "schedule/catchup.hpp"

using namespace sluice::engine;

namespace {
std::vector<std::string> plan(const char* cron, std::optional<const char*> last, const char* now, bool catchup,
                              std::size_t max = 1000) {
  std::optional<SysTime> last_slot;
  if (last) last_slot = parse_iso_instant(*last);
  std::vector<std::string> out;
  for (auto t : due_slots(CronExpr::parse(cron), date::locate_zone("UTC"), last_slot, parse_iso_instant(now), catchup, max))
    out.push_back(format_utc(t));
  return out;
}
using V = std::vector<std::string>;
}  // namespace

TEST_CASE("catch-up off: one run for the latest missed slot") {
  CHECK(plan("0 6 * * *", "2024-03-01T06:00:00Z", "2024-03-04T07:00:00Z", false) == V{"2024-03-04T06:00:00Z"});
}

TEST_CASE("catch-up on: every missed slot, oldest first") {
  CHECK(plan("0 6 * * *", "2024-03-01T06:00:00Z", "2024-03-04T07:00:00Z", true) ==
        V{"2024-03-02T06:00:00Z", "2024-03-03T06:00:00Z", "2024-03-04T06:00:00Z"});
  CHECK(plan("* * * * *", "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z", true, 3) ==
        V{"2024-03-01T00:01:00Z", "2024-03-01T00:02:00Z", "2024-03-01T00:03:00Z"});
}

TEST_CASE("nothing due when the last slot is the latest one") {
  CHECK(plan("0 6 * * *", "2024-03-04T06:00:00Z", "2024-03-04T07:00:00Z", false).empty());
  CHECK(plan("0 6 * * *", "2024-03-04T06:00:00Z", "2024-03-04T07:00:00Z", true).empty());
  CHECK(plan("0 6 * * *", "2024-03-04T06:00:00Z", "2024-03-04T06:00:00Z", true).empty());
}

TEST_CASE("a slot exactly at now is due") {
  CHECK(plan("0 6 * * *", "2024-03-03T06:00:00Z", "2024-03-04T06:00:00Z", false) == V{"2024-03-04T06:00:00Z"});
}

TEST_CASE("never ran: only a slot within the first-run grace is due") {
  CHECK(plan("0 6 * * *", std::nullopt, "2024-03-04T06:00:00Z", true) == V{"2024-03-04T06:00:00Z"});
  CHECK(plan("0 6 * * *", std::nullopt, "2024-03-04T06:04:59Z", false) == V{"2024-03-04T06:00:00Z"});
  CHECK(plan("0 6 * * *", std::nullopt, "2024-03-04T06:05:01Z", false).empty());
  CHECK(plan("* * * * *", std::nullopt, "2024-03-04T06:10:30Z", true) == V{"2024-03-04T06:10:00Z"});
}

TEST_CASE("catch-up off after a long downtime is cheap for a minutely schedule") {
  const auto start = std::chrono::steady_clock::now();
  CHECK(plan("* * * * *", "2023-01-01T00:00:00Z", "2024-03-04T06:10:30Z", false) == V{"2024-03-04T06:10:00Z"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200));
}
