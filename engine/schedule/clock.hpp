#pragma once
// The one place "now" comes from in the scheduler, the lock and the run history.
//
// Normally it is the system clock. Tests (and dry runs) inject a start instant
// with SLUICE_NOW=2024-03-10T06:00:00Z or `--now`; the clock then starts there
// and runs on in real time, and sleeping on it is simulated: sleep_until jumps
// the clock forward instead of waiting, so a daemon loop runs at full speed.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

using SysTime = std::chrono::system_clock::time_point;
using SysSeconds = std::chrono::sys_seconds;

class Clock {
 public:
  SysTime now() const;
  bool simulated() const;
  // Starts the clock at `start` and makes sleeps simulated.
  void set_simulated_start(SysTime start);
  // Sleeps until `when` or until *cancel becomes true (polled). Returns false if cancelled.
  bool sleep_until(SysTime when, const std::atomic<bool>* cancel = nullptr);

 private:
  mutable std::mutex mutex_;
  std::optional<SysTime> simulated_start_;
  std::chrono::steady_clock::time_point steady_start_{};
  std::chrono::nanoseconds skipped_{0};
};

// The process-wide clock. On first use it reads SLUICE_NOW (throws std::invalid_argument if malformed).
Clock& process_clock();

// Parses an ISO-8601 instant: 2024-03-10T06:00:00Z, with optional fractional seconds,
// and "Z" or a numeric offset (+01:00). Throws std::invalid_argument naming the text.
SysTime parse_iso_instant(std::string_view text);
// 2024-03-10T06:00:00Z (whole seconds, UTC).
std::string format_utc(SysTime t);
// 2024-03-10T06:00:00.123Z (milliseconds, UTC): for started/ended timestamps.
std::string format_utc_ms(SysTime t);

}  // namespace sluice::engine
