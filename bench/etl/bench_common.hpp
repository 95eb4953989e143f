#pragma once
// Shared bits for the ETL benchmarks: a quiet context and a stopwatch.
#include <chrono>
#include <filesystem>
#include <sluice/sdk.hpp>
#include <string>

#include "bench_stats.hpp"

namespace bench {

class QuietContext : public sluice::Context {
 public:
  QuietContext() : scratch_(std::filesystem::temp_directory_path() / "sluice-bench-etl-scratch") {
    std::filesystem::create_directories(scratch_);
  }
  void log(sluice::LogLevel, std::string_view) override {}
  void progress(std::uint64_t, std::uint64_t, std::string_view) override {}
  bool cancelled() const override { return false; }
  const std::filesystem::path& scratch_dir() override { return scratch_; }
  std::string_view node_id() const override { return "bench"; }
  const std::filesystem::path& pipeline_dir() const override { return scratch_; }

 private:
  std::filesystem::path scratch_;
};

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds used by this process so far. The bench machine is shared, so CPU time is reported
// next to wall time.
using sluice::bench::cpu_seconds;

// Runs a stage once the way the engine does: schema applied, one instance, one run.
inline sluice::Outputs run_once(const sluice::StageDescriptor& d, const sluice::StageFactory& f, sluice::Params given,
                                sluice::Inputs inputs, sluice::Context& ctx) {
  auto stage = f(sluice::apply_schema(d, std::move(given)));
  sluice::Outputs out;
  stage->run(ctx, inputs, out);
  return out;
}

}  // namespace bench
