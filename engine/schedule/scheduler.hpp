#pragma once
// The `sluice schedule` loop: for each pipeline, work out which slots are due
// (catch-up policy, relative to the last scheduled run in the history), run them
// one after another through a Runner (run_pipeline in production, a fake in
// tests) with max_runtime and retries, then sleep until the next slot.
//
// Pipelines run one at a time in slot order; run one daemon per pipeline if
// they must overlap. A stop request (SIGTERM/SIGINT) cancels the running
// pipeline through RunOptions::cancel and ends the loop.
#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/run_pipeline.hpp"
#include "schedule/clock.hpp"
#include "schedule/schedule_spec.hpp"

namespace sluice::engine {

struct SchedulerOptions {
  std::vector<std::filesystem::path> pipeline_files;
  std::optional<std::filesystem::path> cache_dir;  // else resolved per pipeline
  unsigned jobs = 0;
  bool once = false;                          // run what is due now, then return
  std::optional<std::size_t> max_iterations;  // stop after this many passes of the loop (tests)
};

using Runner = std::function<RunReport(const RunOptions&)>;
using CacheDirResolver = std::function<std::filesystem::path(const RunOptions&)>;

class Scheduler {
 public:
  Scheduler(SchedulerOptions options, Runner runner, CacheDirResolver cache_dir, Clock& clock,
            const std::atomic<bool>& stop);
  // Returns the exit code: 0, or 1 when a run failed after its retries (--once only;
  // the daemon keeps going). Throws UsageError for an invalid pipeline schedule at start.
  int run();

 private:
  struct Pipeline {
    ScheduleSpec spec;
    std::filesystem::path cache_dir;
    std::optional<SysTime> last_handled;  // in memory, in case a slot left no history row
  };
  void reload(Pipeline& p);
  // Runs one slot with retries; returns whether it finally succeeded.
  bool run_slot(Pipeline& p, SysSeconds slot);
  struct Outcome {
    // Invalid: the run never began (a bad pipeline file, a plugin that does not load): not retried.
    enum class Kind { Ok, Failed, Skipped, Invalid } kind = Kind::Ok;
    std::string error;
  };
  Outcome run_once(Pipeline& p, SysSeconds slot, int attempt);
  void log_event(const std::string& message) const;

  SchedulerOptions options_;
  Runner runner_;
  CacheDirResolver cache_dir_;
  Clock& clock_;
  const std::atomic<bool>& stop_;
  std::vector<Pipeline> pipelines_;
};

}  // namespace sluice::engine
