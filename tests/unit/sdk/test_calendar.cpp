// Calendar helpers behind Date and Timestamp columns: civil days, parsing,
// formatting, leap years and the messages for bad input.
#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/table.hpp>

using namespace sluice;

namespace {
// What `parse` makes of `text`: its value, or the message of the std::invalid_argument it throws.
template <class Parse>
std::string outcome(Parse&& parse, std::string_view text) {
  try {
    return std::to_string(parse(text));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}
}  // namespace

TEST_CASE("days_from_civil matches known dates") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2000, 3, 1) == 11'017);
  CHECK(days_from_civil(2024, 1, 1) == 19'723);
  CHECK(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28) == 1);  // 1900 is not a leap year
  CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28) == 2);  // 2000 is
  CHECK(days_from_civil(1600, 1, 1) == -135'140);
}

TEST_CASE("civil_from_days inverts days_from_civil across eras") {
  for (std::int64_t z = -800'000; z <= 800'000; z += 97) {
    int y;
    unsigned m, d;
    civil_from_days(z, y, m, d);
    REQUIRE(days_from_civil(y, m, d) == z);
    REQUIRE(m >= 1);
    REQUIRE(m <= 12);
    REQUIRE(d >= 1);
    REQUIRE(d <= 31);
  }
}

TEST_CASE("parse_date and format_date round-trip, leap days included") {
  for (const char* text : {"1970-01-01", "1969-12-31", "2000-02-29", "2024-02-29", "1999-12-31", "2100-12-31"}) {
    CHECK(format_date(parse_date(text)) == text);
  }
  CHECK(parse_date("2024-03-01") - parse_date("2024-02-28") == 2);
  CHECK(parse_date("2023-03-01") - parse_date("2023-02-28") == 1);
}

TEST_CASE("format_date writes what printf's %04d-%02u-%02u writes, for every day of years -20 to 10020") {
  const auto reference = [](std::int64_t days) {
    int y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return std::string(buf);
  };
  int differing = 0;
  for (std::int64_t z = days_from_civil(-20, 1, 1); z <= days_from_civil(10020, 12, 31); ++z)
    differing += format_date(z) == reference(z) ? 0 : 1;
  CHECK(differing == 0);
  CHECK(format_date(days_from_civil(9999, 12, 31)) == "9999-12-31");
  CHECK(format_date(days_from_civil(10000, 1, 1)) == "10000-01-01");
  CHECK(format_date(days_from_civil(0, 3, 1)) == "0000-03-01");
  CHECK(format_date(days_from_civil(-1, 12, 31)) == "-001-12-31");
}

TEST_CASE("parse_date explains what is wrong") {
  auto message = [](const char* text) { return outcome(parse_date, text); };
  CHECK(message("2023-02-29") == "invalid date '2023-02-29': no such calendar day");
  CHECK(message("1900-02-29") == "invalid date '1900-02-29': no such calendar day");
  CHECK(message("2024-04-31") == "invalid date '2024-04-31': no such calendar day");
  CHECK(message("2024-13-01") == "invalid date '2024-13-01': no such calendar day");
  CHECK(message("2024-00-10") == "invalid date '2024-00-10': no such calendar day");
  CHECK(message("2024-1-01") == "invalid date '2024-1-01': expected YYYY-MM-DD");
  CHECK(message("2024/01/01") == "invalid date '2024/01/01': expected YYYY-MM-DD");
  CHECK(message("") == "invalid date '': expected YYYY-MM-DD");
  CHECK(message("20x4-01-01") == "invalid date '20x4-01-01': bad year");
  CHECK(message("2024-ab-01") == "invalid date '2024-ab-01': bad month");
  CHECK(message("2024-01-0x") == "invalid date '2024-01-0x': bad day");
  CHECK(message("2024-01-01x") == "invalid date '2024-01-01x': trailing characters");
}

TEST_CASE("parse_timestamp accepts the documented forms") {
  const std::int64_t day = parse_date("2024-03-10") * kMicrosPerDay;
  const std::int64_t hms = (12 * 3600 + 34 * 60 + 56) * 1'000'000LL;
  CHECK(parse_timestamp("2024-03-10") == day);
  CHECK(parse_timestamp("2024-03-10 12:34") == day + (12 * 3600 + 34 * 60) * 1'000'000LL);
  CHECK(parse_timestamp("2024-03-10T12:34:56") == day + hms);
  CHECK(parse_timestamp("2024-03-10 12:34:56Z") == day + hms);
  CHECK(parse_timestamp("2024-03-10 12:34:56.5") == day + hms + 500'000);
  CHECK(parse_timestamp("2024-03-10 12:34:56.000001") == day + hms + 1);
  CHECK(parse_timestamp("2024-03-10 12:34:56.1234567") == day + hms + 123'456);  // beyond microseconds: truncated
  CHECK(parse_timestamp("1969-12-31 23:59:59") == -1'000'000);
}

TEST_CASE("parse_timestamp explains what is wrong") {
  auto message = [](const char* text) { return outcome(parse_timestamp, text); };
  CHECK(message("2024-03-10 12:34:56+01:00") ==
        "invalid timestamp '2024-03-10 12:34:56+01:00': unexpected trailing text (time zone offsets are not accepted)");
  CHECK(message("2024-03-10 24:00") == "invalid timestamp '2024-03-10 24:00': time out of range");
  CHECK(message("2024-03-10 12:60") == "invalid timestamp '2024-03-10 12:60': time out of range");
  CHECK(message("2024-03-10 12:34:56.") == "invalid timestamp '2024-03-10 12:34:56.': empty fraction");
  CHECK(message("2024-03-10 12") == "invalid timestamp '2024-03-10 12': expected YYYY-MM-DD HH:MM[:SS[.ffffff]]");
  CHECK(message("2024-03-10x12:34") == "invalid timestamp '2024-03-10x12:34': expected YYYY-MM-DD HH:MM[:SS[.ffffff]]");
  CHECK(message("2024-03-10 1a:34") == "invalid timestamp '2024-03-10 1a:34': bad hour");
  // A bad date part is reported as a date, naming the date text.
  CHECK(message("2023-02-29 10:00") == "invalid date '2023-02-29': no such calendar day");
}

TEST_CASE("format_timestamp prints microseconds only when present, before 1970 too") {
  CHECK(format_timestamp(0) == "1970-01-01 00:00:00");
  CHECK(format_timestamp(-1) == "1969-12-31 23:59:59.999999");
  CHECK(format_timestamp(parse_timestamp("2024-02-29 23:59:59.25")) == "2024-02-29 23:59:59.250000");
  for (const char* text : {"2000-01-01 00:00:00", "2024-12-31 23:59:59.999999", "1901-06-15 08:07:06.000500"}) {
    CHECK(format_timestamp(parse_timestamp(text)) == text);
  }
}

TEST_CASE("date and time fields take digits only: no signs, no spaces") {
  auto message = [](const char* text) { return outcome(parse_timestamp, text); };
  CHECK(message("2024-03-10 -1:00") == "invalid timestamp '2024-03-10 -1:00': bad hour");
  CHECK(message("2024-03-10 12:-5") == "invalid timestamp '2024-03-10 12:-5': bad minute");
  CHECK(message("2024-03-10 12:00:+1") == "invalid timestamp '2024-03-10 12:00:+1': bad second");
  CHECK(message("2024-03-10 12:00:5") == "invalid timestamp '2024-03-10 12:00:5': truncated second");
  CHECK(message("2024-03-10 12:0a:05") == "invalid timestamp '2024-03-10 12:0a:05': bad minute");
  CHECK(message("-024-03-10 12:00") == "invalid date '-024-03-10': bad year");
  CHECK(message("2024-03- 1 12:00") == "invalid date '2024-03- 1': bad day");
}

TEST_CASE("TimestampParser gives parse_timestamp's values and errors, its remembered date included") {
  const std::vector<std::string> inputs = {
      "2024-03-10 12:34:56", "2024-03-10 12:34:57.25", "2024-03-10T00:00", "2024-03-10", "2024-03-10 24:00",
      "2024-03-10 12:34:56+01:00", "2024-03-11 00:00:01Z", "2024-03-10 23:59:59", "2023-02-29 10:00", "2023-02-29 10:00",
      "2023-02-28 10:00", "2024-03-1", "2024-03-10x12:34", "1969-12-31 23:59:59.999999", "1969-12-31", "", "2024-03-10 1a:00",
      "2024-03-10 12:34", "2024-03-10 -1:00"};
  TimestampParser parser;
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& text : inputs) {
      CAPTURE(text);
      CHECK(outcome(parser, text) == outcome(parse_timestamp, text));
    }
}
