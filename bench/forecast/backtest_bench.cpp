// Times the Prophet part of sluice.backtest (full fit, Prophet's cutoffs, one fit +
// predict per cutoff, performance_metrics) on daily store series.
//
//   backtest_bench [--csv PATH] [--stores N] [--reps R] [--threads T] [--horizon D] [--period D] [--metrics PATH]
//                  [--min-days D]
//
// --csv reads "store_id,day,y" rows (day = days since 1970-01-01, y empty = missing), for example from the demo
//       database:
//         sqlite3 -csv sales.db "SELECT store_id, CAST(julianday(date(sold_at)) - 2440587.5 AS INT),
//                                SUM(quantity * unit_price) FROM sales GROUP BY 1, 2 ORDER BY 1, 2" > daily.csv
//       Without it, N synthetic 1100-day series with a few missing days are used. Series with fewer than
//       --min-days observed days (default 500) are skipped, as the flagship pipeline does.
// --threads limits TBB (default 1: the engine already runs stores in parallel, so one store gets about one core).
// --metrics writes every store's metrics rows at full precision, to compare two builds.
#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "bench_stats.hpp"
#include "common/allocator_tuning.hpp"
#include "diagnostics.hpp"
#include "prophet.hpp"

namespace {

namespace pr = sluice::prophet;
using Clock = std::chrono::steady_clock;

struct Series {
  long long id = 0;
  std::vector<std::int64_t> ds_us;
  std::vector<double> y;  // NaN = missing
};

std::vector<Series> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::map<long long, std::map<long long, double>> by_store;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    std::stringstream ss(line);
    std::string a, b, c;
    std::getline(ss, a, ',');
    std::getline(ss, b, ',');
    std::getline(ss, c, ',');
    by_store[std::stoll(a)][std::stoll(b)] = c.empty() ? std::nan("") : std::stod(c);
  }
  std::vector<Series> out;
  for (const auto& [id, days] : by_store) {
    Series s;
    s.id = id;
    // One row per calendar day between the first and last, missing days as NaN (daily_series with fill = null).
    for (long long d = days.begin()->first; d <= days.rbegin()->first; ++d) {
      s.ds_us.push_back(d * pr::kDayUs);
      const auto it = days.find(d);
      s.y.push_back(it == days.end() ? std::nan("") : it->second);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Series> synthetic(int n) {
  std::vector<Series> out;
  for (int k = 0; k < n; ++k) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(k) + 7);
    auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
    const double level = 500.0 + 1000.0 * uniform(), slope = 0.5 * uniform(), weekly = 50.0 + 100.0 * uniform();
    Series s;
    s.id = k + 1;
    for (int i = 0; i < 1100; ++i) {
      const double trend = level + slope * i - (i > 700 ? 0.3 * slope * (i - 700) : 0.0);
      const double season = weekly * std::sin(2 * std::numbers::pi * i / 7.0) + 80.0 * std::cos(2 * std::numbers::pi * i / 365.25);
      s.ds_us.push_back((18628 + i) * pr::kDayUs);
      s.y.push_back(uniform() < 0.01 ? std::nan("") : trend + season + 60.0 * (uniform() - 0.5));
    }
    out.push_back(std::move(s));
  }
  return out;
}

// What sluice.backtest does for the Prophet model (defaults, no holidays, linear growth).
std::vector<pr::MetricsRow> backtest(const Series& s, std::int64_t horizon_days, double period_days) {
  pr::Prophet full{pr::ProphetOptions{}};
  full.resolve(pr::Frame{s.ds_us, s.y, {}, {}, {}});
  const std::int64_t horizon = horizon_days * pr::kDayUs;
  const auto period = static_cast<std::int64_t>(std::llround(period_days * pr::kDayUs));
  const std::int64_t initial =
      std::max(3 * horizon, static_cast<std::int64_t>(std::llround(full.longest_period_days() * pr::kDayUs)));
  std::vector<std::int64_t> observed;
  for (std::size_t i = 0; i < s.ds_us.size(); ++i)
    if (!std::isnan(s.y[i])) observed.push_back(s.ds_us[i]);
  const auto cutoffs = pr::generate_cutoffs(observed, horizon, period, initial);
  const pr::ProphetOptions copy_options = full.resolved_copy_options();
  const auto rows = std::make_shared<const pr::DesignRows>(pr::cutoff_design_rows(full.features(), s.ds_us, observed));
  const auto forecaster = [&](const std::vector<std::int64_t>& train_ds, const std::vector<double>& train_y,
                              const std::vector<std::int64_t>& targets, const std::vector<double>& observed) {
    return pr::fit_predict_cutoff(copy_options, rows, pr::Frame{train_ds, train_y, {}, {}, {}},
                                  pr::Frame{targets, std::vector<double>(targets.size(), 0.0), {}, {}, {}}, observed);
  };
  return pr::performance_metrics(pr::cross_validation(s.ds_us, s.y, cutoffs, horizon, forecaster), 0.1);
}

struct Options {
  std::string csv, metrics_path;
  int stores = 3, reps = 5, threads = 1, min_days = 500;
  std::int64_t horizon = 30;
  double period = 30.0;
};

Options parse(int argc, char** argv) {
  Options o;
  sluice::bench::Args args(argc, argv,
                           "backtest_bench [--csv PATH] [--stores N] [--reps R] [--threads T] [--horizon D] [--period D] "
                           "[--metrics PATH] [--min-days D]");
  while (args.next()) {
    if (args.is("--csv")) o.csv = args.value();
    else if (args.is("--stores")) o.stores = std::stoi(args.value());
    else if (args.is("--reps")) o.reps = std::stoi(args.value());
    else if (args.is("--threads")) o.threads = std::stoi(args.value());
    else if (args.is("--horizon")) o.horizon = std::stoll(args.value());
    else if (args.is("--period")) o.period = std::stod(args.value());
    else if (args.is("--metrics")) o.metrics_path = args.value();
    else if (args.is("--min-days")) o.min_days = std::stoi(args.value());
    else args.unknown();
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  sluice::engine::tune_allocator();  // as `sluice` does; SLUICE_DEFAULT_MALLOC=1 compares without
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(std::max(1, o.threads)));
  std::vector<Series> all = o.csv.empty() ? synthetic(o.stores) : read_csv(o.csv);
  std::erase_if(all, [&](const Series& s) {
    return std::count_if(s.y.begin(), s.y.end(), [](double v) { return !std::isnan(v); }) < o.min_days;
  });

  std::vector<double> wall_ms, cpu_ms;
  std::vector<std::vector<pr::MetricsRow>> results(all.size());
  for (int r = 0; r < o.reps; ++r) {
    const double c0 = sluice::bench::cpu_seconds();
    const auto t0 = Clock::now();
    for (std::size_t k = 0; k < all.size(); ++k) results[k] = backtest(all[k], o.horizon, o.period);
    wall_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / static_cast<double>(all.size()));
    cpu_ms.push_back((sluice::bench::cpu_seconds() - c0) * 1e3 / static_cast<double>(all.size()));
  }
  std::printf("backtest (prophet part), %zu series, horizon %lld, period %g, %d thread(s): per series wall median %.1f ms "
              "(min %.1f), CPU median %.1f ms over %d runs\n",
              all.size(), static_cast<long long>(o.horizon), o.period, o.threads, sluice::bench::median(wall_ms),
              *std::min_element(wall_ms.begin(), wall_ms.end()), sluice::bench::median(cpu_ms), o.reps);
  if (!o.metrics_path.empty()) {
    std::FILE* out = std::fopen(o.metrics_path.c_str(), "w");
    std::fprintf(out, "store_id,horizon_days,mse,rmse,mae,mape,mdape,smape,coverage\n");
    for (std::size_t k = 0; k < all.size(); ++k)
      for (const auto& m : results[k])
        std::fprintf(out, "%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", all[k].id,
                     static_cast<long long>(m.horizon_us / pr::kDayUs), m.mse, m.rmse, m.mae, m.mape, m.mdape, m.smape,
                     m.coverage);
    std::fclose(out);
  }
  return 0;
}
