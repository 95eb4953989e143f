#include "iso_timestamp.hpp"

#include <sluice/table.hpp>

namespace sluice::daily {

namespace {
bool digits(const char* p, int count, int& value) {
  value = 0;
  for (int i = 0; i < count; ++i) {
    const unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    value = value * 10 + static_cast<int>(d);
  }
  return true;
}
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int month_days(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}
}  // namespace

bool parse_iso_timestamp(std::string_view t, IsoTimestamp& out) {
  const char* p = t.data();
  const std::size_t n = t.size();
  int y, mo, d;
  if (n < 10 || p[4] != '-' || p[7] != '-' || !digits(p, 4, y) || !digits(p + 5, 2, mo) || !digits(p + 8, 2, d)) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo)) return false;
  out.days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  out.micros_of_day = 0;
  out.has_offset = false;
  out.offset_micros = 0;
  if (n == 10) return true;

  int hh, mm, ss = 0;
  if (n < 16 || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || !digits(p + 11, 2, hh) || !digits(p + 14, 2, mm)) return false;
  std::size_t i = 16;
  std::int64_t frac = 0;
  if (i < n && p[i] == ':') {
    if (i + 3 > n || !digits(p + i + 1, 2, ss)) return false;
    i += 3;
    if (i < n && p[i] == '.') {
      ++i;
      int count = 0;
      for (; i < n && p[i] >= '0' && p[i] <= '9'; ++i, ++count)
        if (count < 6) frac = frac * 10 + (p[i] - '0');
      if (count == 0) return false;
      for (; count < 6; ++count) frac *= 10;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return false;
  out.micros_of_day = (hh * 3600LL + mm * 60LL + ss) * 1'000'000LL + frac;

  if (i == n) return true;
  if (p[i] == 'Z' && i + 1 == n) {
    out.has_offset = true;
    return true;
  }
  if (p[i] != '+' && p[i] != '-') return false;
  const int sign = p[i] == '-' ? -1 : 1;
  int oh, om;
  const std::size_t rest = n - i - 1;
  if (rest == 5 && p[i + 3] == ':' && digits(p + i + 1, 2, oh) && digits(p + i + 4, 2, om)) {
  } else if (rest == 4 && digits(p + i + 1, 2, oh) && digits(p + i + 3, 2, om)) {
  } else if (rest == 2 && digits(p + i + 1, 2, oh)) {
    om = 0;
  } else {
    return false;
  }
  if (oh > 23 || om > 59) return false;
  out.has_offset = true;
  out.offset_micros = sign * (oh * 3600LL + om * 60LL) * 1'000'000LL;
  return true;
}

}  // namespace sluice::daily
