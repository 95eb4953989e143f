#pragma once
// One output port of one node during a run. The value is loaded from the cache
// only when a running consumer asks for it (lazy), and a corrupt object is
// recomputed through the producer's repair hook instead of being used (a lost
// partition fails the load, and the next run recomputes it).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <sluice/serialize.hpp>
#include <sluice/value.hpp>

#include "exec/handoff_budget.hpp"

namespace sluice::engine {

class Cache;

struct PortData {
  std::string producer;  // the node whose output this is (for messages)
  Hash128 hash;        // the output hash (of the value, or of the manifest when partitioned)
  bool known = true;   // false in a dry run when the producer would rerun
  bool partitioned = false;
  std::vector<std::string> foreach;  // partition key columns when partitioned
  // Some partitions were left out on purpose (a node's `partitions` or --partition), by the producer
  // or upstream of it: a foreach node downstream retires none of the partitions it does not see.
  bool partial = false;
  // Left out with --partition: a node that needs all of this output is held back instead of run.
  bool restricted_by_cli = false;

  // Set when the producer computed the value in this run (no load needed).
  ValuePtr value;
  std::shared_ptr<const Table> manifest;
  std::vector<ValuePtr> parts;  // per manifest row, filled lazily

  // Values loaded from the cache stay in `value`/`parts` for the next consumer only while this
  // budget allows (nullptr: always).
  HandoffBudget* handoff = nullptr;

  // Recompute hooks, used when a cached object turns out missing or corrupt.
  std::function<ValuePtr()> repair_whole;
  // A partition (a row of the manifest); nullptr when it cannot be recomputed in this run.
  std::function<ValuePtr(const Table& manifest, std::size_t part)> repair_part;
  // When repair_part cannot help: called once when a partition's object is lost, before the load fails.
  std::function<void()> forget_producer;
  std::atomic<bool> lost_checked{false};

  std::mutex mutex;
};

// The full value; for a partitioned port, the partitions concatenated in key order.
ValuePtr materialize(PortData& port, Cache& cache);
// The manifest of a partitioned port.
std::shared_ptr<const Table> manifest_of(PortData& port, Cache& cache);
// One partition's value (row `part` of the manifest).
ValuePtr partition_value(PortData& port, Cache& cache, std::size_t part);

}  // namespace sluice::engine
