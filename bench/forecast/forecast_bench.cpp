// Times fit + predict (30 days, 1000-sample intervals) of a 3-year daily series,
// then 1,000 such series fitted in parallel over TBB's workers.
//
//   forecast_bench [--series N] [--reps R] [--write-csv PATH]
// --write-csv writes the single benchmark series (ds,y) for compare_r_prophet.sh.
#include <tbb/parallel_for.h>
#include <tbb/info.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "common/allocator_tuning.hpp"
#include "prophet.hpp"

namespace {

using sluice::prophet::Frame;
using Clock = std::chrono::steady_clock;
constexpr std::int64_t kDayUs = 86'400'000'000LL;
constexpr std::int64_t kStartDay = 18628;  // 2021-01-01

// A 3-year daily series: trend with a slope change, weekly + yearly seasonality, noise.
Frame make_series(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const double level = 50.0 + 100.0 * uniform(), slope = 0.1 * uniform(), weekly = 5.0 + 10.0 * uniform();
  Frame f;
  for (int i = 0; i < 1096; ++i) {
    const double trend = level + slope * i - (i > 700 ? 0.15 * slope * (i - 700) : 0.0);
    const double season = weekly * std::sin(2 * std::numbers::pi * i / 7.0) + 15.0 * std::cos(2 * std::numbers::pi * i / 365.25);
    f.ds_us.push_back((kStartDay + i) * kDayUs);
    f.y.push_back(trend + season + 6.0 * (uniform() - 0.5));
  }
  return f;
}

// CPU time of the calling thread: on a loaded machine it shows the work itself,
// where wall time also counts waiting for a core.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double fit_predict_ms(const Frame& f, double* checksum, int* iterations, double* cpu_ms = nullptr) {
  const double c0 = thread_cpu_ms();
  const auto t0 = Clock::now();
  sluice::prophet::Prophet m;
  m.fit(f);
  const auto fc = m.predict(m.make_future(30));
  const auto t1 = Clock::now();
  if (checksum) *checksum += fc.yhat.sum() + fc.yhat_upper.sum();
  if (iterations) *iterations = m.iterations();
  if (cpu_ms) *cpu_ms = thread_cpu_ms() - c0;
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  sluice::engine::tune_allocator();  // as `sluice` does; SLUICE_DEFAULT_MALLOC=1 compares without
  int series = 1000, reps = 21;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--series") && i + 1 < argc) series = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--write-csv") && i + 1 < argc) {
      const Frame f = make_series(1);
      std::ofstream out(argv[++i]);
      out << "ds,y\n";
      for (std::size_t r = 0; r < f.ds_us.size(); ++r) {
        const std::int64_t day = f.ds_us[r] / kDayUs;
        // civil date of day (days since epoch), Howard Hinnant's algorithm
        const std::int64_t z = day + 719468, era = z / 146097, doe = z - era * 146097;
        const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        const std::int64_t d = doy - (153 * mp + 2) / 5 + 1, mo = mp < 10 ? mp + 3 : mp - 9;
        char line[64];
        std::snprintf(line, sizeof line, "%04lld-%02lld-%02lld,%.10g\n", static_cast<long long>(yoe + era * 400 + (mo <= 2)),
                      static_cast<long long>(mo), static_cast<long long>(d), f.y[r]);
        out << line;
      }
      return 0;
    } else {
      std::fprintf(stderr, "usage: forecast_bench [--series N] [--reps R] [--write-csv PATH]\n");
      return 2;
    }
  }

  const Frame one = make_series(1);
  std::vector<double> times, cpu;
  double checksum = 0.0;
  int iterations = 0;
  for (int r = 0; r < reps; ++r) {
    double c = 0.0;
    times.push_back(fit_predict_ms(one, &checksum, &iterations, &c));
    cpu.push_back(c);
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  std::printf("single series: 1096 daily rows, fit + predict 30 days with 1000-sample intervals\n");
  std::printf("  median %.2f ms, min %.2f ms over %d runs (%d optimizer iterations); CPU time median %.2f ms\n",
              times[times.size() / 2], times.front(), reps, iterations, cpu[cpu.size() / 2]);

  if (series <= 0) return 0;
  std::vector<Frame> many;
  for (int s = 0; s < series; ++s) many.push_back(make_series(static_cast<std::uint64_t>(s) + 100));
  std::vector<double> per_series(static_cast<std::size_t>(series));
  const double cpu0 = process_cpu_s();
  const auto t0 = Clock::now();
  tbb::parallel_for(0, series, [&](int s) { per_series[static_cast<std::size_t>(s)] = fit_predict_ms(many[static_cast<std::size_t>(s)], nullptr, nullptr); });
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu_total = process_cpu_s() - cpu0;
  std::sort(per_series.begin(), per_series.end());
  std::printf("%d series in parallel on %d threads: %.2f s wall (%.0f series/s), %.2f s CPU; per series wall median %.2f ms, "
              "p99 %.2f ms\n",
              series, tbb::info::default_concurrency(), wall, series / wall, cpu_total, per_series[per_series.size() / 2],
              per_series[per_series.size() * 99 / 100]);
  std::printf("checksum %.6f\n", checksum);  // keeps the work observable
  return 0;
}
