// Throughput of the CSV parser and writer on generated sales rows:
//   csv_bench [rows]   (default 2,000,000)
// Parses from memory (as csv_read does from its memory map) and reports MB/s.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "csv_format.hpp"
#include "csv_parse.hpp"

#include "bench_stats.hpp"

using namespace sluice;

// Thread CPU time: stable on a busy machine, where wall time is not.
using bench::thread_cpu_seconds;

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  std::mt19937_64 rng(7);
  std::string text = "sale_id,store_id,sold_at,quantity,unit_price,note\n";
  const std::int64_t start = days_from_civil(2022, 1, 1) * kMicrosPerDay;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t t = start + static_cast<std::int64_t>(rng() % (1100ULL * 86'400)) * 1'000'000;
    text += std::to_string(i + 1) + "," + std::to_string(rng() % 50 + 1) + "," + format_timestamp(t) + "," +
            std::to_string(rng() % 5 + 1) + "," + std::to_string(static_cast<double>(rng() % 10'000) / 100.0) + "," +
            (i % 10 == 0 ? "\"promo, \"\"spring\"\"\"" : "regular") + "\n";
  }
  const double mb = static_cast<double>(text.size()) / 1e6;

  csv::ReadOptions opt;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = thread_cpu_seconds();
  const Table table = csv::parse_csv(text, opt);
  const double parse_cpu = thread_cpu_seconds() - c0;
  const double parse_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("parse_csv  %zu rows, %.1f MB: wall %.3f s, cpu %.3f s: %.0f MB/s (cpu), %.1f M rows/s\n", table.num_rows(), mb,
              parse_s, parse_cpu, mb / parse_cpu, static_cast<double>(rows) / parse_cpu / 1e6);

  const double c1 = thread_cpu_seconds();
  const std::string out = csv::format_csv(table, {});
  const double write_cpu = thread_cpu_seconds() - c1;
  std::printf("format_csv %zu rows, %.1f MB: cpu %.3f s: %.0f MB/s (cpu)\n", table.num_rows(),
              static_cast<double>(out.size()) / 1e6, write_cpu, static_cast<double>(out.size()) / 1e6 / write_cpu);
  return 0;
}
