#pragma once
// Plans and runs a validated pipeline: per node (and per partition) it computes
// the action key, decides cached vs run (and why), runs misses on the oneTBB
// flow graph, stores outputs in the cache and reports every decision.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/run_pipeline.hpp"
#include "cache/cache.hpp"
#include "graph/dag.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/schema_check.hpp"
#include "registry/registry.hpp"

namespace sluice::engine {

class Progress;

struct PreparedNode {
  const NodeSpec* spec = nullptr;
  const LoadedStage* stage = nullptr;
  ResolvedNode resolved;
  std::string plugin_hash;
};

struct ExecOptions {
  unsigned jobs = 0;
  bool keep_going = false;
  bool dry_run = false;              // plan only: decide and explain, run nothing
  std::vector<bool> selected;        // nodes in this run (--target closure)
  std::vector<bool> forced;          // nodes forced to rerun (--force closure)
  std::vector<std::string> partition_filters;  // --partition key=value
  const std::atomic<bool>* cancel = nullptr;   // external cancellation (signals)
  std::string run_id;
  Progress* progress = nullptr;
  bool isolate_all = false;          // --isolate: every stage in a child process
  // Bytes of outputs kept in memory for downstream nodes; the rest go through the cache.
  std::uint64_t handoff_bytes = 0;
};

class Executor {
 public:
  Executor(const PipelineSpec& spec, const Dag& dag, std::vector<PreparedNode> nodes, Cache& cache, ExecOptions options);
  ~Executor();

  RunReport run();
  // Action keys this run used or produced (protected from GC).
  std::vector<std::string> used_keys() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::engine
