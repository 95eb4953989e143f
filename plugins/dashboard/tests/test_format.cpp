#include <doctest/doctest.h>

#include <cmath>
#include <sluice/table.hpp>

#include "format.hpp"

using namespace sluice;
using namespace sluice::dashboard;

TEST_CASE("format_number groups thousands and rounds") {
  CHECK(format_number(1234567.891, 0) == "1,234,568");
  CHECK(format_number(1234.5, 2) == "1,234.50");
  CHECK(format_number(999.4, 0) == "999");
  CHECK(format_number(-1234.0, 0) == "-1,234");
  CHECK(format_number(-0.004, 2) == "0.00");  // no "-0.00"
  CHECK(format_number(0, 0) == "0");
  CHECK(format_number(NAN, 1) == "n/a");
  CHECK(format_number(1e12, 0) == "1,000,000,000,000");
}

TEST_CASE("format_amount picks decimals by magnitude, percentages and changes") {
  CHECK(format_amount(123456.7) == "123,457");
  CHECK(format_amount(12.345) == "12.3");
  CHECK(format_amount(0.1234) == "0.12");
  CHECK(format_percent(0.1234) == "12.3%");
  CHECK(format_percent(NAN) == "n/a");
  CHECK(format_change(0.052) == "+5.2%");
  CHECK(format_change(-0.1) == "-10.0%");
  CHECK(format_change(0.0) == "0.0%");
}

TEST_CASE("durations read naturally") {
  CHECK(format_duration_ms(850) == "850 ms");
  CHECK(format_duration_ms(12'340) == "12.3 s");
  CHECK(format_duration_ms(245'000) == "4 min 05 s");
  CHECK(format_duration_ms(-1) == "n/a");
}

TEST_CASE("exact_number round-trips") {
  const double v = 1234567.0123456789;
  CHECK(std::strtod(exact_number(v).c_str(), nullptr) == v);
  CHECK(exact_number(NAN).empty());
}

TEST_CASE("nice_ticks uses 1-2-2.5-5 steps and covers the data") {
  const Ticks t = nice_ticks(3.2, 97.0, 5);
  CHECK(t.step == 20);
  CHECK(t.lo == 0);
  CHECK(t.hi == 100);
  CHECK(t.values().size() == 6);
  const Ticks q = nice_ticks(0, 1.0, 4);
  CHECK(q.step == doctest::Approx(0.25));
  CHECK(q.decimals == 2);
  const Ticks flat = nice_ticks(50, 50, 5);
  CHECK(flat.lo < 50);
  CHECK(flat.hi > 50);
  const Ticks big = nice_ticks(0, 1'234'567, 5);
  CHECK(big.step == 250'000);
  CHECK(big.decimals == 0);
}

TEST_CASE("date ticks follow the span") {
  const auto jan1 = days_from_civil(2025, 1, 1);
  const auto month_ticks = date_ticks(jan1 - 200, jan1 + 160, 12);
  REQUIRE(!month_ticks.empty());
  for (const auto& t : month_ticks) {
    int y;
    unsigned m, d;
    civil_from_days(t.day, y, m, d);
    CHECK(d == 1);
  }
  bool saw_year_label = false;
  for (const auto& t : month_ticks) saw_year_label = saw_year_label || t.label == "Jan 2025";
  CHECK(saw_year_label);
  const auto week_ticks = date_ticks(jan1, jan1 + 60, 10);
  REQUIRE(!week_ticks.empty());
  for (const auto& t : week_ticks) CHECK(weekday_index(t.day) == 0);  // Mondays
  CHECK(date_ticks(jan1, jan1 + 365 * 6, 6).front().label.size() == 4);  // years
  CHECK(date_ticks(jan1, jan1 + 200, 8, /*with_year=*/false).front().label.size() == 3);
}

TEST_CASE("weekday_index: 1970-01-01 was a Thursday, 2025-06-30 a Monday") {
  CHECK(weekday_index(0) == 3);
  CHECK(weekday_index(days_from_civil(2025, 6, 30)) == 0);
  CHECK(weekday_index(-1) == 2);
  CHECK(std::string(weekday_short(6)) == "Sun");
}
