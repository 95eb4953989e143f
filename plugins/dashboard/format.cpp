#include "format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sluice/table.hpp>

namespace sluice::dashboard {

namespace {
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};
Civil civil(std::int64_t days) {
  Civil c{};
  civil_from_days(days, c.year, c.month, c.day);
  return c;
}
}  // namespace

std::string format_number(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  const double scale = std::pow(10.0, decimals);
  double rounded = std::round(std::fabs(value) * scale) / scale;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, rounded);
  std::string digits(buf);
  const auto point = digits.find('.');
  std::string int_part = digits.substr(0, point);
  const std::string frac = point == std::string::npos ? "" : digits.substr(point);
  const std::string grouped = group_thousands(int_part);
  // "-0" would read as a real negative; only a value that stays non-zero after rounding gets a sign.
  const bool negative = value < 0 && rounded != 0.0;
  return (negative ? "-" : "") + grouped + frac;
}

std::string format_amount(double value) {
  const double a = std::fabs(value);
  return format_number(value, a >= 100 ? 0 : a >= 1 ? 1 : 2);
}

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) return "n/a";
  return format_number(fraction * 100.0, 1) + "%";
}

std::string format_change(double fraction) {
  if (!std::isfinite(fraction)) return "n/a";
  const std::string body = format_percent(fraction);
  return body.front() == '-' || body == "0.0%" ? body : "+" + body;
}

std::string format_duration_ms(double ms) {
  if (!std::isfinite(ms) || ms < 0) return "n/a";
  if (ms < 1000) return format_number(ms, 0) + " ms";
  if (ms < 60'000) return format_number(ms / 1000.0, 1) + " s";
  const auto total_s = static_cast<std::int64_t>(std::llround(ms / 1000.0));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(total_s / 60),
                static_cast<long long>(total_s % 60));
  return buf;
}

std::string exact_number(double value) {
  if (!std::isfinite(value)) return "";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

std::string iso_date(std::int64_t days) { return format_date(days); }

std::string month_year(std::int64_t days) {
  const Civil c = civil(days);
  return std::string(kMonths[c.month - 1]) + " " + std::to_string(c.year);
}

std::string month_day(std::int64_t days) {
  const Civil c = civil(days);
  return std::string(kMonths[c.month - 1]) + " " + std::to_string(c.day);
}

std::string month_name(std::int64_t days) { return kMonths[civil(days).month - 1]; }

int weekday_index(std::int64_t days) {
  // 1970-01-01 was a Thursday (index 3).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

const char* weekday_short(int index) { return kWeekdays.at(static_cast<std::size_t>(index)); }

std::vector<double> Ticks::values() const {
  std::vector<double> v;
  const int n = static_cast<int>(std::llround((hi - lo) / step));
  for (int i = 0; i <= n; ++i) v.push_back(lo + step * i);
  return v;
}

Ticks nice_ticks(double lo, double hi, int target_count) {
  Ticks t;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return t;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    // A flat series still needs a readable axis around its value.
    const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target_count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude * 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  t.step = step;
  t.lo = std::floor(lo / step + 1e-9) * step;
  t.hi = std::ceil(hi / step - 1e-9) * step;
  // 2.5 x 10^k needs one more digit than the power of ten alone.
  const int exp10 = static_cast<int>(std::floor(std::log10(step) + 1e-9));
  const bool quarter = std::fabs(step / magnitude - 2.5) < 1e-9;
  t.decimals = std::max(0, -exp10 + (quarter ? 1 : 0));
  return t;
}

std::vector<DateTick> date_ticks(std::int64_t first, std::int64_t last, int target_count, bool with_year) {
  std::vector<DateTick> ticks;
  if (last < first) return ticks;
  const std::int64_t span = last - first + 1;
  target_count = std::max(2, target_count);
  // Day-based steps: every day, every other day, weekly on Mondays, fortnightly.
  for (std::int64_t step : {1, 2, 7, 14}) {
    if (span / step > target_count) continue;
    std::int64_t d = first;
    if (step >= 7) {
      while (weekday_index(d) != 0) ++d;
    }
    for (; d <= last; d += step) ticks.push_back({d, month_day(d)});
    return ticks;
  }
  // Month-based steps: ticks on the first of a month whose index is a multiple of the step.
  for (unsigned step : {1u, 2u, 3u, 6u, 12u, 24u, 60u}) {
    if (static_cast<double>(span) / (30.44 * step) > target_count) continue;
    const Civil c = civil(first);
    int year = c.year;
    unsigned month = c.month;
    if (c.day != 1) {
      if (++month > 12) month = 1, ++year;
    }
    while (((year * 12 + static_cast<int>(month) - 1) % static_cast<int>(step)) != 0) {
      if (++month > 12) month = 1, ++year;
    }
    for (;;) {
      const std::int64_t d = days_from_civil(year, month, 1);
      if (d > last) break;
      std::string label;
      if (step >= 12) label = std::to_string(year);
      else if (with_year && (ticks.empty() || month == 1)) label = month_year(d);
      else label = kMonths[month - 1];
      ticks.push_back({d, label});
      month += step;
      while (month > 12) month -= 12, ++year;
    }
    return ticks;
  }
  return ticks;
}

}  // namespace sluice::dashboard
