#include "demo/holidays.hpp"

#include <algorithm>
#include <sluice/table.hpp>

namespace sluice::demo {

int weekday_of(std::int64_t day) {
  // 1970-01-01 was a Thursday (weekday 3).
  const std::int64_t w = (day + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

std::int64_t nth_weekday_of_month(int year, unsigned month, int weekday, int n) {
  if (n > 0) {
    const std::int64_t first = days_from_civil(year, month, 1);
    const int offset = (weekday - weekday_of(first) + 7) % 7;
    return first + offset + 7 * (n - 1);
  }
  const std::int64_t next_first = month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
  const std::int64_t last = next_first - 1;
  const int back = (weekday_of(last) - weekday + 7) % 7;
  return last - back;
}

std::vector<Holiday> us_federal_holidays(int year) {
  constexpr int kMonday = 0, kThursday = 3;
  std::vector<Holiday> list = {
      {days_from_civil(year, 1, 1), "New Year's Day"},
      {nth_weekday_of_month(year, 1, kMonday, 3), "Martin Luther King Jr. Day"},
      {nth_weekday_of_month(year, 2, kMonday, 3), "Washington's Birthday"},
      {nth_weekday_of_month(year, 5, kMonday, -1), "Memorial Day"},
      {days_from_civil(year, 6, 19), "Juneteenth"},
      {days_from_civil(year, 7, 4), "Independence Day"},
      {nth_weekday_of_month(year, 9, kMonday, 1), "Labor Day"},
      {nth_weekday_of_month(year, 10, kMonday, 2), "Columbus Day"},
      {days_from_civil(year, 11, 11), "Veterans Day"},
      {nth_weekday_of_month(year, 11, kThursday, 4), "Thanksgiving Day"},
      {days_from_civil(year, 12, 25), "Christmas Day"},
  };
  std::sort(list.begin(), list.end(), [](const Holiday& a, const Holiday& b) { return a.day < b.day; });
  return list;
}

}  // namespace sluice::demo
