#pragma once
// Timing helpers for the benchmarks: wall, process-CPU and thread-CPU clocks, medians.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace sluice::bench {

inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double clock_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU time of all threads of this process: on a shared 2-core machine it shows the
// work done even when a neighbour steals the wall clock.
inline double cpu_seconds() { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }

// CPU time of the calling thread: stable on a busy machine, where wall time is not.
inline double thread_cpu_seconds() { return clock_seconds(CLOCK_THREAD_CPUTIME_ID); }

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace sluice::bench
