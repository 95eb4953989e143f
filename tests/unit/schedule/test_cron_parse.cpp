// Cron expression parsing: every syntax form and every error message.
#include <doctest/doctest.h>

#include "schedule/cron.hpp"

using sluice::engine::CronError;
using sluice::engine::CronExpr;

namespace {
template <std::size_t N>
std::string bits(const std::bitset<N>& b) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i)
    if (b[i]) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

std::string error_of(const std::string& expr) {
  try {
    CronExpr::parse(expr);
  } catch (const CronError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("cron: star, single values, lists, ranges and steps") {
  const auto e = CronExpr::parse("*/15 9-17 1,15 * *");
  CHECK(bits(e.minutes) == "0,15,30,45");
  CHECK(bits(e.hours) == "9,10,11,12,13,14,15,16,17");
  CHECK(bits(e.days_of_month) == "1,15");
  CHECK(e.months.count() == 12);
  CHECK(e.days_of_week.count() == 7);
  CHECK(e.dom_restricted);
  CHECK_FALSE(e.dow_restricted);

  CHECK(bits(CronExpr::parse("0-30/10 * * * *").minutes) == "0,10,20,30");
  CHECK(bits(CronExpr::parse("5/20 * * * *").minutes) == "5,25,45");
  CHECK(bits(CronExpr::parse("1,2,5-7 * * * *").minutes) == "1,2,5,6,7");
  CHECK(bits(CronExpr::parse("  0   6  * * *  ").hours) == "6");
}

TEST_CASE("cron: month and weekday names, case-insensitive, 7 is Sunday") {
  const auto e = CronExpr::parse("0 6 * jan-Mar,DEC MON-FRI");
  CHECK(bits(e.months) == "1,2,3,12");
  CHECK(bits(e.days_of_week) == "1,2,3,4,5");
  CHECK(e.dow_restricted);
  CHECK(bits(CronExpr::parse("0 0 * * 7").days_of_week) == "0");
  CHECK(bits(CronExpr::parse("0 0 * * 5-7").days_of_week) == "0,5,6");
  CHECK(bits(CronExpr::parse("0 0 * * sun,sat").days_of_week) == "0,6");
  CHECK(bits(CronExpr::parse("0 0 * * */2").days_of_week) == "0,2,4,6");
}

TEST_CASE("cron: macros") {
  CHECK(bits(CronExpr::parse("@hourly").minutes) == "0");
  CHECK(CronExpr::parse("@hourly").hours.count() == 24);
  const auto daily = CronExpr::parse("@daily");
  CHECK(bits(daily.minutes) == "0");
  CHECK(bits(daily.hours) == "0");
  CHECK(bits(CronExpr::parse("@weekly").days_of_week) == "0");
  CHECK(bits(CronExpr::parse("@monthly").days_of_month) == "1");
  const auto yearly = CronExpr::parse("@yearly");
  CHECK(bits(yearly.months) == "1");
  CHECK(bits(yearly.days_of_month) == "1");
  CHECK(bits(CronExpr::parse("@annually").months) == "1");
  CHECK(bits(CronExpr::parse("@midnight").hours) == "0");
  CHECK(CronExpr::parse("@Daily").text == "@Daily");
}

TEST_CASE("cron: Vixie day rule (either day field matches when both are restricted)") {
  const auto both = CronExpr::parse("0 0 13 * FRI");
  CHECK(both.day_matches(1, 13, 2));   // the 13th, a Tuesday
  CHECK(both.day_matches(1, 10, 5));   // a Friday the 10th
  CHECK_FALSE(both.day_matches(1, 11, 6));
  const auto dom_only = CronExpr::parse("0 0 13 * *");
  CHECK(dom_only.day_matches(1, 13, 2));
  CHECK_FALSE(dom_only.day_matches(1, 10, 5));
  // A step starting with '*' leaves the field unrestricted for the rule: both must match.
  const auto stepped = CronExpr::parse("0 0 */2 * MON");
  CHECK(stepped.day_matches(1, 3, 1));
  CHECK_FALSE(stepped.day_matches(1, 2, 1));
  CHECK_FALSE(stepped.day_matches(1, 3, 2));
  CHECK_FALSE(CronExpr::parse("0 0 * 2 *").day_matches(3, 1, 0));
}

TEST_CASE("cron: error messages name the field, the text and its column") {
  CHECK(error_of("0 25 * * *") == "cron hour field: \"25\" at column 3: 25 is out of range (hours are 0-23)");
  CHECK(error_of("60 * * * *") == "cron minute field: \"60\" at column 1: 60 is out of range (minutes are 0-59)");
  CHECK(error_of("0 0 0 * *") ==
        "cron day-of-month field: \"0\" at column 5: 0 is out of range (days of the month are 1-31)");
  CHECK(error_of("0 0 * 13 *") ==
        "cron month field: \"13\" at column 7: 13 is out of range (months are 1-12 or JAN-DEC)");
  CHECK(error_of("0 0 * * 8") == "cron day-of-week field: \"8\" at column 9: 8 is out of range (days of the week "
                                 "are 0-7 or SUN-SAT (0 and 7 are Sunday))");
  CHECK(error_of("1,2,x * * * *") ==
        "cron minute field: \"x\" at column 5: \"x\" is not a number (minutes are 0-59)");
  CHECK(error_of("0 6 * JAM *") ==
        "cron month field: \"JAM\" at column 7: \"JAM\" is not a month (months are 1-12 or JAN-DEC)");
  CHECK(error_of("0 6 * * MON-FUN") == "cron day-of-week field: \"FUN\" at column 13: \"FUN\" is not a day of the "
                                       "week (days of the week are 0-7 or SUN-SAT (0 and 7 are Sunday))");
  CHECK(error_of("MON * * * *") ==
        "cron minute field: \"MON\" at column 1: \"MON\" is not a number (minutes are 0-59)");
  CHECK(error_of("0 17-9 * * *") == "cron hour field: \"17-9\" at column 3: the range runs backwards (17 > 9); "
                                    "write it low-high, or split a wrap-around into two ranges joined by ','");
  CHECK(error_of("*/0 * * * *") == "cron minute field: \"0\" at column 3: the step after '/' must be a whole "
                                   "number of at least 1, e.g. */15");
  CHECK(error_of("0 */x * * *") == "cron hour field: \"x\" at column 5: the step after '/' must be a whole number "
                                   "of at least 1, e.g. */15");
  CHECK(error_of("1,,2 * * * *") ==
        "cron minute field: \"1,,2\" at column 1: empty item in the list (remove the extra comma)");
  CHECK(error_of("0 6 * *") == "cron expression \"0 6 * *\": expected 5 fields (minute hour day-of-month month "
                               "day-of-week) but found 4; e.g. \"0 6 * * MON\" is 06:00 every Monday");
  CHECK(error_of("0 0 6 * * *") ==
        "cron expression \"0 0 6 * * *\": expected 5 fields (minute hour day-of-month month day-of-week) but found "
        "6; seconds and year fields are not supported; e.g. \"0 6 * * MON\" is 06:00 every Monday");
  CHECK(error_of("") == "cron expression \"\": expected 5 fields (minute hour day-of-month month day-of-week) but "
                        "found 0; e.g. \"0 6 * * MON\" is 06:00 every Monday");
  CHECK(error_of("@fortnightly") == "cron expression \"@fortnightly\": unknown macro; use @yearly, @annually, "
                                    "@monthly, @weekly, @daily, @midnight or @hourly, or five fields");
  CHECK(error_of("@reboot") ==
        "cron expression \"@reboot\": @reboot is not a time; start the pipeline from your init system instead");
  CHECK(error_of("0 0 30 2 *") == "cron day-of-month field: \"30\" at column 5: day 30 never occurs in the "
                                  "selected months, so the schedule would never fire");
  CHECK(error_of("0 0 5- * *") ==
        "cron day-of-month field: \"5-\" at column 5: a value is missing around '-'");
}

TEST_CASE("cron: CronError exposes the parts used for file:line:col messages") {
  try {
    CronExpr::parse("0 6 * * MON-FUN");
    FAIL("expected an error");
  } catch (const CronError& e) {
    CHECK(e.field() == "day-of-week");
    CHECK(e.text() == "FUN");
    CHECK(e.offset() == 12);
  }
  CHECK_NOTHROW(CronExpr::parse("0 0 29 2 *"));  // Feb 29 exists in leap years
  CHECK_NOTHROW(CronExpr::parse("0 0 30 2 MON"));  // either day field may match
}
