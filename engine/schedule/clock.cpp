#include "schedule/clock.hpp"

#include <date/date.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace sluice::engine {

SysTime Clock::now() const {
  std::lock_guard lock(mutex_);
  if (!simulated_start_) return std::chrono::system_clock::now();
  const auto elapsed = std::chrono::steady_clock::now() - steady_start_;
  return *simulated_start_ + std::chrono::duration_cast<SysTime::duration>(elapsed + skipped_);
}

bool Clock::simulated() const {
  std::lock_guard lock(mutex_);
  return simulated_start_.has_value();
}

void Clock::set_simulated_start(SysTime start) {
  std::lock_guard lock(mutex_);
  simulated_start_ = start;
  steady_start_ = std::chrono::steady_clock::now();
  skipped_ = std::chrono::nanoseconds{0};
}

bool Clock::sleep_until(SysTime when, const std::atomic<bool>* cancel) {
  if (simulated()) {
    if (cancel && cancel->load()) return false;
    const auto ahead = when - now();
    if (ahead > SysTime::duration::zero()) {
      std::lock_guard lock(mutex_);
      skipped_ += ahead;
    }
    return true;
  }
  // Poll in short steps so a signal (which only sets *cancel) is noticed promptly.
  constexpr auto step = std::chrono::milliseconds(100);
  while (true) {
    if (cancel && cancel->load()) return false;
    const auto left = when - now();
    if (left <= SysTime::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<SysTime::duration>(left, step));
  }
}

Clock& process_clock() {
  static Clock clock;
  // Read SLUICE_NOW once; a malformed value throws here (and again on the next call).
  static const bool initialised = [] {
    if (const char* env = std::getenv("SLUICE_NOW"); env && *env) {
      try {
        clock.set_simulated_start(parse_iso_instant(env));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("SLUICE_NOW: ") + e.what());
      }
    }
    return true;
  }();
  (void)initialised;
  return clock;
}

SysTime parse_iso_instant(std::string_view text) {
  auto fail = [&] {
    return std::invalid_argument("\"" + std::string(text) +
                                 "\" is not an ISO-8601 instant; write e.g. 2024-03-10T06:00:00Z or "
                                 "2024-03-10T07:00:00+01:00");
  };
  // Hand-parsed: fixed-width fields, optional seconds and fraction, then "Z", "+hh:mm" or nothing (UTC).
  std::size_t pos = 0;
  auto number = [&](std::size_t width) {
    int value = 0;
    if (pos + width > text.size()) throw fail();
    for (std::size_t i = 0; i < width; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') throw fail();
      value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
  };
  auto expect = [&](char c) {
    if (pos >= text.size() || text[pos] != c) throw fail();
    ++pos;
  };
  const int year = number(4);
  expect('-');
  const int month = number(2);
  expect('-');
  const int day = number(2);
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) ++pos;
  else throw fail();
  const int hour = number(2);
  expect(':');
  const int minute = number(2);
  int second = 0;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    second = number(2);
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      long long scale = 100'000'000;
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') throw fail();
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
        scale /= 10;
        ++pos;
      }
    }
  }
  std::chrono::minutes offset{0};
  if (pos == text.size() || ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size())) {
  } else if (text[pos] == '+' || text[pos] == '-') {
    const bool negative = text[pos] == '-';
    ++pos;
    const int oh = number(2);
    if (pos < text.size() && text[pos] == ':') ++pos;
    const int om = number(2);
    if (pos != text.size()) throw fail();
    offset = std::chrono::hours(oh) + std::chrono::minutes(om);
    if (negative) offset = -offset;
  } else {
    throw fail();
  }
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) throw fail();
  const auto t = date::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                 std::chrono::seconds(second) + fraction - offset;
  return std::chrono::time_point_cast<SysTime::duration>(t);
}

std::string format_utc(SysTime t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string format_utc_ms(SysTime t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::milliseconds>(t));
}

}  // namespace sluice::engine
