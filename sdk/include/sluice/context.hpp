#pragma once
// What the engine offers a running stage. Implemented by the engine (and by
// sluice::testing::TestContext for unit tests).
//
// Thread-safety: every Context call is safe from the thread running the stage
// and from threads the stage starts itself (e.g. a tbb::parallel_for inside run()).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string>
#include <string_view>

#include "sluice/errors.hpp"
#include "sluice/export.hpp"

namespace sluice {

enum class LogLevel : std::uint8_t { Debug, Info, Warn, Error };

class Table;

class SLUICE_API Context {
 public:
  virtual ~Context() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  // Work done so far out of total (0 when unknown), in `unit` ("rows", "cutoffs").
  virtual void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) = 0;
  // True once the run is cancelled; long loops should poll it (or call check_cancelled()).
  virtual bool cancelled() const = 0;
  // A private directory for this invocation, removed after the run.
  virtual const std::filesystem::path& scratch_dir() = 0;
  // The node id (with the partition key appended when partitioned), for messages.
  virtual std::string_view node_id() const = 0;
  // The directory of the pipeline file, for resolving relative paths.
  virtual const std::filesystem::path& pipeline_dir() const = 0;

  // The current run so far, as JSON: {"pipeline": str, "run_id": str, "started_at": str,
  // "nodes": [{"id", "plugin", "status", "reason", "wall_ms"}]} for nodes already finished.
  // Report stages use it to show run information; it is not part of any cache key.
  virtual std::string run_info_json() const { return "{}"; }
  // For a partition of a `foreach` node: a one-row table of the partition's key columns and values;
  // nullptr otherwise (SDK 1.4). A sink whose input partition has no rows learns from it which slice
  // of its target it owns. Valid until run() returns.
  virtual const Table* partition_keys() const { return nullptr; }

  void debug(std::string_view m) { log(LogLevel::Debug, m); }
  void info(std::string_view m) { log(LogLevel::Info, m); }
  void warn(std::string_view m) { log(LogLevel::Warn, m); }
  void check_cancelled() const {
    if (cancelled()) throw Cancelled();
  }
};

}  // namespace sluice
