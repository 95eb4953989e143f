#pragma once
// The one call that runs a pipeline file end to end: load, validate, lock,
// plan, execute, record history. Used by `sluice run` and by the scheduler.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.hpp"  // UsageError: a bad pipeline or bad usage (exit code 2)

namespace sluice::engine {

struct PartitionCounts {
  std::uint64_t total = 0, ran = 0, cached = 0, failed = 0;
  std::uint64_t retired = 0;  // recorded before, no longer in the input (see Stage::retire)
};

struct NodeReport {
  std::string id;
  std::string plugin;
  std::string status;  // "ran" | "cached" | "failed" | "skipped"
  std::string reason;  // why it ran / was cached / was skipped
  double wall_ms = 0;
  std::optional<std::string> error;
  std::optional<PartitionCounts> partitions;  // only for foreach nodes
  double started_ms = 0;  // when the node started, from the start of the run: finds the critical path
};

struct RunReport {
  std::string pipeline;
  std::string status;  // "ok" | "failed"
  double wall_ms = 0;
  std::vector<NodeReport> nodes;
  std::string run_id;
  // The JSON shape of `sluice run --json` (stable; extended, never broken).
  std::string to_json() const;
  std::size_t count(std::string_view status) const;
  // The first failed node's error, which names the node ("node 'x' (plugin) failed: ..."), for
  // run summaries; nullopt when no node failed.
  std::optional<std::string> first_failure() const;
};

struct RunOptions {
  std::filesystem::path pipeline_file;
  std::vector<std::string> overrides;  // "--set" items: vars.x=1, nodes.N.params.p=2
  std::vector<std::string> targets;    // --target: these nodes and their upstream
  std::vector<std::string> force;      // --force: rerun these and their downstream
  std::vector<std::string> partitions; // --partition key=value
  unsigned jobs = 0;                   // 0 = number of cores
  bool keep_going = false;
  bool quiet = false;                  // no progress display
  bool isolate = false;                // run every stage in a child process (--isolate)
  // Outputs kept in memory for downstream nodes, in bytes (--handoff-memory); the others reach
  // their consumers through the cache. Default: default_handoff_bytes() ($SLUICE_HANDOFF_MEMORY, else 0).
  std::optional<std::uint64_t> handoff_memory;
  std::optional<std::filesystem::path> cache_dir;  // else SLUICE_CACHE_DIR, else .sluice/cache beside the pipeline
  std::string trigger = "manual";      // "manual" | "schedule"
  std::optional<std::chrono::system_clock::time_point> scheduled_for;
  std::chrono::milliseconds lock_wait{0};  // how long to wait for another run of the same pipeline
  const std::atomic<bool>* cancel = nullptr;  // set by a signal handler to cancel cleanly
  // The error the run history records for a run that `cancel` stopped (default "cancelled").
  std::function<std::string()> cancel_reason;
  // Set to the run's row in the history (run_history.hpp) once the run has begun: a caller that finds
  // it unset after an exception knows the run never started, and nothing recorded it.
  std::int64_t* history_row = nullptr;
};

// Runs the pipeline. Node failures are reported in the RunReport (status "failed"),
// not thrown. Throws UsageError for an invalid pipeline or options, and
// LockBusyError (engine/schedule/run_lock.hpp) when another run holds the lock.
RunReport run_pipeline(const RunOptions& options);

// Decides and explains, per node, what a run would do ("run"/"cached" and why);
// runs nothing, takes no lock, records no history.
RunReport plan_pipeline(const RunOptions& options);

// The cache directory the options resolve to.
std::filesystem::path resolve_cache_dir(const RunOptions& options);

}  // namespace sluice::engine
