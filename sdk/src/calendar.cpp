// Civil-date arithmetic (Howard Hinnant's public-domain algorithms, restated).
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "sluice/table.hpp"

namespace sluice {

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& year, unsigned& month, unsigned& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400) + (month <= 2 ? 1 : 0);
}

namespace {
// Exactly `len` decimal digits (no sign, no spaces) at `pos`.
int parse_fixed(std::string_view text, std::size_t pos, std::size_t len, std::string_view what) {
  if (pos + len > text.size()) throw std::invalid_argument("truncated " + std::string(what));
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(text[i])) - '0';
    if (digit > 9) throw std::invalid_argument("bad " + std::string(what));
    v = v * 10 + static_cast<int>(digit);
  }
  return v;
}
// Two digits at text[pos]: the fast path of the times of day, which every row of a timestamp column
// parses; anything else goes to parse_fixed for its message.
inline int two_digits(std::string_view text, std::size_t pos, std::string_view what) {
  if (pos + 2 <= text.size()) {
    const unsigned hi = static_cast<unsigned>(static_cast<unsigned char>(text[pos])) - '0';
    const unsigned lo = static_cast<unsigned>(static_cast<unsigned char>(text[pos + 1])) - '0';
    if (hi <= 9 && lo <= 9) return static_cast<int>(hi * 10 + lo);
  }
  return parse_fixed(text, pos, 2, what);
}
bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned last_day(int y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}
}  // namespace

std::int64_t parse_date(std::string_view text) {
  try {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') throw std::invalid_argument("expected YYYY-MM-DD");
    const int y = parse_fixed(text, 0, 4, "year");
    const int m = parse_fixed(text, 5, 2, "month");
    const int d = parse_fixed(text, 8, 2, "day");
    if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > last_day(y, static_cast<unsigned>(m))) {
      throw std::invalid_argument("no such calendar day");
    }
    if (text.size() != 10) throw std::invalid_argument("trailing characters");
    return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("invalid date '" + std::string(text) + "': " + e.what());
  }
}

std::string format_date(std::int64_t days) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
  }
  // The digits written directly: a load formats every date it binds, and snprintf was a few
  // percent of loading a daily series.
  std::string out = "0000-00-00";
  const auto digit = [](unsigned v) { return static_cast<char>('0' + v); };
  const auto year = static_cast<unsigned>(y);
  out[0] = digit(year / 1000);
  out[1] = digit(year / 100 % 10);
  out[2] = digit(year / 10 % 10);
  out[3] = digit(year % 10);
  out[5] = digit(m / 10);
  out[6] = digit(m % 10);
  out[8] = digit(d / 10);
  out[9] = digit(d % 10);
  return out;
}

namespace {
bool has_time_layout(std::string_view text) {
  return text.size() >= 16 && (text[10] == 'T' || text[10] == ' ') && text[13] == ':';
}

[[noreturn]] void bad_layout(std::string_view text) {
  throw std::invalid_argument("invalid timestamp '" + std::string(text) + "': expected YYYY-MM-DD HH:MM[:SS[.ffffff]]");
}

// The time of day after the date (text[11...], laid out as has_time_layout checked), in microseconds.
std::int64_t time_of_day(std::string_view text) {
  const int hh = two_digits(text, 11, "hour");
  const int mm = two_digits(text, 14, "minute");
  int ss = 0;
  std::int64_t frac = 0;
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    ss = two_digits(text, pos + 1, "second");
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 6) {
          frac = frac * 10 + (text[pos] - '0');
          ++digits;
        }
        ++pos;
      }
      if (digits == 0) throw std::invalid_argument("empty fraction");
      for (; digits < 6; ++digits) frac *= 10;
    }
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) throw std::invalid_argument("unexpected trailing text (time zone offsets are not accepted)");
  if (hh > 23 || mm > 59 || ss > 60) throw std::invalid_argument("time out of range");
  return (hh * 3600LL + mm * 60LL + ss) * 1'000'000LL + frac;
}

// `text` (a timestamp whose date is `days`) in microseconds.
std::int64_t timestamp_on(std::int64_t days, std::string_view text) {
  try {
    return days * kMicrosPerDay + time_of_day(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("invalid timestamp '" + std::string(text) + "': " + e.what());
  }
}
}  // namespace

std::int64_t parse_timestamp(std::string_view text) {
  if (text.size() == 10) return parse_date(text) * kMicrosPerDay;
  if (!has_time_layout(text)) bad_layout(text);
  return timestamp_on(parse_date(text.substr(0, 10)), text);
}

std::int64_t TimestampParser::operator()(std::string_view text) {
  const bool date_only = text.size() == 10;
  if (!date_only && !has_time_layout(text)) bad_layout(text);
  if (!has_date_ || std::memcmp(text.data(), date_, sizeof date_) != 0) {
    days_ = parse_date(text.substr(0, 10));  // throws before the memo changes
    std::memcpy(date_, text.data(), sizeof date_);
    has_date_ = true;
  }
  return date_only ? days_ * kMicrosPerDay : timestamp_on(days_, text);
}

std::string format_timestamp(std::int64_t micros) {
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  const std::int64_t secs = rem / 1'000'000;
  const std::int64_t frac = rem % 1'000'000;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%s %02lld:%02lld:%02lld", format_date(days).c_str(),
                        static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                        static_cast<long long>(secs % 60));
  if (frac != 0) std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lld", static_cast<long long>(frac));
  return buf;
}

}  // namespace sluice
