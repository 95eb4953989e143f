#pragma once
// Number and date formatting shared by every section, so a value reads the
// same in a KPI card, an axis tick, a tooltip and a table.
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::dashboard {

// 1234567.891 -> "1,234,568" with `decimals` digits after the point; NaN -> "n/a".
std::string format_number(double value, int decimals);
// Picks decimals from the magnitude: 0 at or above 100, 1 at or above 1, else 2.
std::string format_amount(double value);
// A fraction as a percentage with one decimal: 0.1234 -> "12.3%".
std::string format_percent(double fraction);
// A signed change: 0.052 -> "+5.2%", -0.1 -> "-10.0%".
std::string format_change(double fraction);
// Milliseconds as "850 ms", "12.3 s" or "4 min 05 s".
std::string format_duration_ms(double ms);
// Shortest text that parses back to exactly `value` (for data-* attributes).
std::string exact_number(double value);

// "YYYY-MM-DD" for days since 1970-01-01.
std::string iso_date(std::int64_t days);
// "Mar 2025", "Mar 3", "Mar" (English month abbreviations; the page is English).
std::string month_year(std::int64_t days);
std::string month_day(std::int64_t days);
std::string month_name(std::int64_t days);
// 0 = Monday ... 6 = Sunday.
int weekday_index(std::int64_t days);
const char* weekday_short(int index);

// "Nice" axis ticks covering [lo, hi]: steps of 1, 2, 2.5 or 5 times a power of 10.
struct Ticks {
  double lo = 0;    // first tick (<= data min)
  double hi = 1;    // last tick (>= data max)
  double step = 1;  // distance between ticks
  int decimals = 0; // digits needed to print a tick exactly
  std::vector<double> values() const;
};
Ticks nice_ticks(double lo, double hi, int target_count);

// Date axis ticks: day/week/month/quarter/year boundaries depending on span.
struct DateTick {
  std::int64_t day;
  std::string label;
};
std::vector<DateTick> date_ticks(std::int64_t first, std::int64_t last, int target_count, bool with_year = true);

}  // namespace sluice::dashboard
