// Extract + daily aggregation: sluice.sqlite_extract of the whole sales table,
// then revenue per (store_id, day), timed separately.
//   bench_etl_extract SALES.db [repeats=3] [simple|daily_series|both]
// simple: a hash aggregation written here; daily_series: the real sluice.daily_series
// stage (built from plugins/daily_series when present).
// Prints the best of `repeats` runs as key=value lines for run.sh.
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "bench_common.hpp"
#include "plugins/sqlite/stages.hpp"
#ifdef SLUICE_BENCH_HAS_DAILY_SERIES
#include "plugins/daily_series/stages.hpp"
#endif

namespace {

struct Aggregate {
  std::size_t groups = 0;
  double total = 0;
};

// Revenue per (store_id, day): the day is the 'YYYY-MM-DD' prefix of sold_at.
Aggregate aggregate_in_bench(const sluice::Table& sales) {
  const auto& store = sales.column("store_id");
  const auto& sold_at = sales.column("sold_at");
  const auto& qty = sales.column("quantity");
  const auto& price = sales.column("unit_price");
  std::unordered_map<std::uint64_t, double> sums;
  sums.reserve(1 << 20);
  for (std::size_t i = 0; i < sales.num_rows(); ++i) {
    const std::string_view ts = sold_at.string_at(i);
    // Pack YYYYMMDD and the store into one key without parsing a calendar.
    std::uint64_t day = 0;
    for (std::size_t k = 0; k < 10; ++k)
      if (ts[k] != '-') day = day * 10 + static_cast<std::uint64_t>(ts[k] - '0');
    const std::uint64_t key = (static_cast<std::uint64_t>(store.int_at(i)) << 32) | day;
    sums[key] += static_cast<double>(qty.int_at(i)) * price.double_at(i);
  }
  Aggregate a;
  a.groups = sums.size();
  for (const auto& [k, v] : sums) a.total += v;
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_etl_extract SALES.db [repeats]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string which = argc > 3 ? argv[3] : "simple";
  const bool simple = which != "daily_series";
  const bool with_daily = which != "simple";
  double best_extract = 1e30, best_agg = 1e30, best_daily = 1e30, best_cpu = 1e30;
  std::size_t rows = 0;
  Aggregate agg;
  for (int r = 0; r < repeats; ++r) {
    bench::QuietContext ctx;
    sluice::Params p;
    p.set("db", std::string(argv[1]));
    p.set("table", "sales");
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = bench::cpu_seconds();
    auto out = bench::run_once(sluice::sqlite::extract_descriptor(), sluice::sqlite::make_extract, p, {}, ctx);
    best_extract = std::min(best_extract, bench::seconds_since(start));
    auto value = std::make_shared<const sluice::Value>(std::move(out.values().at("out")));
    const auto& sales = std::get<sluice::Table>(*value);
    rows = sales.num_rows();

    if (simple) {
      start = std::chrono::steady_clock::now();
      agg = aggregate_in_bench(sales);
      best_agg = std::min(best_agg, bench::seconds_since(start));
      best_cpu = std::min(best_cpu, bench::cpu_seconds() - cpu_start);  // extract + in-bench aggregation
    }

#ifdef SLUICE_BENCH_HAS_DAILY_SERIES
    if (!with_daily) continue;
    sluice::Params d;
    d.set("keys", sluice::ParamValue::strings({"store_id"}));
    d.set("ts", "sold_at");
    d.set("value", "quantity * unit_price");
    sluice::Inputs in;
    in.bind("in", value);
    start = std::chrono::steady_clock::now();
    auto daily = bench::run_once(sluice::daily::daily_series_descriptor(), sluice::daily::make_daily_series, d, std::move(in), ctx);
    best_daily = std::min(best_daily, bench::seconds_since(start));
    const auto& series = std::get<sluice::Table>(daily.values().at("out"));
    double total = 0;
    for (std::size_t i = 0; i < series.num_rows(); ++i)
      if (!series.column("y").is_null(i)) total += series.column("y").double_at(i);
    std::printf("daily_series_rows=%zu\ndaily_series_total=%.2f\n", series.num_rows(), total);
#else
    if (with_daily) std::fprintf(stderr, "plugins/daily_series was not present at build time\n");
#endif
  }
  std::printf("rows=%zu\nextract_s=%.3f\n", rows, best_extract);
  if (simple)
    std::printf("aggregate_s=%.3f\ncpu_s=%.3f\ngroups=%zu\ntotal=%.2f\n", best_agg, best_cpu, agg.groups, agg.total);
  if (best_daily < 1e29) std::printf("daily_series_s=%.3f\n", best_daily);
  return 0;
}
