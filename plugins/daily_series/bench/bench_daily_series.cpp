// Throughput of sluice.daily_series on generated transactions:
//   daily_series_bench [rows]   (default 10,000,000)
// Reports rows/s for string timestamps (the demo database's form) and for
// timestamp columns, in local and Europe/Berlin modes.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sluice/testing.hpp>

#include "stages.hpp"

#include "bench_stats.hpp"

using namespace sluice;

// Thread CPU time: stable on a busy machine, where wall time is not.
using bench::thread_cpu_seconds;

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  std::mt19937_64 rng(42);
  Column store("store_id", ColumnType::Int64), text("sold_at", ColumnType::String), ts("ts", ColumnType::Timestamp),
      q("quantity", ColumnType::Int64), p("unit_price", ColumnType::Double);
  for (Column* c : {&store, &text, &ts, &q, &p}) c->reserve(rows);
  const std::int64_t start = days_from_civil(2022, 1, 1) * kMicrosPerDay;
  const std::int64_t span = 1100 * kMicrosPerDay;
  for (std::size_t i = 0; i < rows; ++i) {
    // Roughly time-ordered, like an extract of a sales table.
    const std::int64_t t = start + static_cast<std::int64_t>(span * (static_cast<double>(i) / rows)) +
                           static_cast<std::int64_t>(rng() % 3'600'000'000ULL);
    store.push_int(static_cast<std::int64_t>(rng() % 50) + 1);
    text.push_string(format_timestamp(t - t % 1'000'000));
    ts.push_int(t);
    q.push_int(static_cast<std::int64_t>(rng() % 5) + 1);
    p.push_double(static_cast<double>(rng() % 1000) / 100.0);
  }
  Table in;
  for (Column* c : {&store, &text, &ts, &q, &p}) in.add_column(std::move(*c));

  // The input is shared, as the engine does: only the stage's own work is timed.
  Inputs inputs;
  inputs.bind("in", std::make_shared<const Value>(std::move(in)));
  auto measure = [&](const char* label, const char* ts_col, const char* tz) {
    Params given;
    given.set("keys", ParamValue::strings({"store_id"}));
    given.set("ts", ts_col);
    given.set("value", "quantity * unit_price");
    given.set("timezone", tz);
    auto stage = daily::make_daily_series(apply_schema(daily::daily_series_descriptor(), given));
    testing::TestContext ctx;
    Outputs out;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_seconds();
    stage->run(ctx, inputs, out);
    const double cpu = thread_cpu_seconds() - c0;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& t = std::get<Table>(out.values().at("out"));
    std::printf("%-30s %zu rows -> %zu rows: wall %.3f s, cpu %.3f s (%.1f M rows/s cpu)\n", label, rows, t.num_rows(), secs,
                cpu, static_cast<double>(rows) / cpu / 1e6);
  };
  measure("string ts, local", "sold_at", "local");
  measure("string ts, Europe/Berlin", "sold_at", "Europe/Berlin");
  measure("timestamp ts, local", "ts", "local");
  measure("timestamp ts, Europe/Berlin", "ts", "Europe/Berlin");
  return 0;
}
