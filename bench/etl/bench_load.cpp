// Warehouse load rate of sluice.sqlite_load, in-process: rows/s per batch_size and mode.
//   bench_etl_load [rows=1000000] [dir=/tmp]
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "bench_common.hpp"
#include "stages.hpp"

namespace {

// A forecast-shaped fact table: store_id, ds, y, yhat, model.
sluice::Table make_rows(std::size_t rows) {
  sluice::Table t;
  t.add_column("store_id", sluice::ColumnType::Int64);
  t.add_column("ds", sluice::ColumnType::Date);
  t.add_column("y", sluice::ColumnType::Double);
  t.add_column("yhat", sluice::ColumnType::Double);
  t.add_column("model", sluice::ColumnType::String);
  const std::int64_t first = sluice::parse_date("2020-01-01");
  const std::size_t days = 2000;
  for (std::size_t i = 0; i < rows; ++i) {
    t.column(0).push_int(static_cast<std::int64_t>(i / days) + 1);
    t.column(1).push_int(first + static_cast<std::int64_t>(i % days));
    t.column(2).push_double(100.0 + static_cast<double>(i % 977) * 0.5);
    t.column(3).push_double(101.0 + static_cast<double>(i % 541) * 0.25);
    t.column(4).push_string(i % 3 ? "prophet" : "seasonal_naive");
  }
  return t;
}

struct Rate {
  double wall = 0;  // rows per wall-clock second
  double cpu = 0;   // rows per CPU second
};

Rate load_rate(const sluice::Table& table, const std::filesystem::path& db, const std::string& mode, std::int64_t batch) {
  std::filesystem::remove(db);
  bench::QuietContext ctx;
  sluice::Params p;
  p.set("db", db.string());
  p.set("table", "fact");
  p.set("mode", mode);
  p.set("batch_size", batch);
  if (mode == "upsert") p.set("key", sluice::ParamValue::strings({"store_id", "ds"}));
  sluice::Inputs in;
  in.bind("in", std::make_shared<const sluice::Value>(table));
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = bench::cpu_seconds();
  (void)bench::run_once(sluice::sqlite::load_descriptor(), sluice::sqlite::make_load, p, std::move(in), ctx);
  const double wall = bench::seconds_since(start), cpu = bench::cpu_seconds() - cpu_start;
  std::filesystem::remove(db);
  const auto rows = static_cast<double>(table.num_rows());
  return {rows / wall, rows / cpu};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();
  const auto db = dir / "sluice-bench-warehouse.db";
  const sluice::Table big = make_rows(rows);
  // batch_size 1 commits every row; it is measured on fewer rows to keep the run short.
  const sluice::Table small = make_rows(std::min<std::size_t>(rows, 100'000));
  std::printf("%-8s %10s %10s %14s %14s\n", "mode", "batch", "rows", "rows/s(wall)", "rows/s(cpu)");
  const char* only_mode = std::getenv("BENCH_MODE");
  for (const char* mode : {"append", "upsert", "replace"}) {
    if (only_mode && std::string(only_mode) != mode) continue;
    for (std::int64_t batch : {1, 100, 10'000, 100'000}) {
      if (std::getenv("BENCH_SKIP_BATCH1") && batch == 1) continue;
      const sluice::Table& t = batch == 1 ? small : big;
      const Rate rate = load_rate(t, db, mode, batch);
      std::printf("%-8s %10lld %10zu %14.0f %14.0f\n", mode, static_cast<long long>(batch), t.num_rows(), rate.wall,
                  rate.cpu);
      std::fflush(stdout);
    }
  }
  return 0;
}
