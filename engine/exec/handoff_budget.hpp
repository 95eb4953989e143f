#pragma once
// How much of the outputs a run computes or loads stays in memory for the nodes downstream. An
// output kept in memory is handed to its next consumers as is; any other reaches each consumer
// through the cache (loaded, checked and decoded again). The default keeps nothing: on the flagship
// at 1,000 stores, holding every output until the run ends took 2.2 GB and was slower (fresh pages
// for every new buffer) than loading each again into memory that is reused (docs/performance.md).
#include <atomic>
#include <cstdint>

#include <sluice/value.hpp>

namespace sluice::engine {

class HandoffBudget {
 public:
  explicit HandoffBudget(std::uint64_t bytes) : total_(bytes), left_(bytes) {}
  std::uint64_t total() const { return total_; }

  // Takes `bytes` from the budget; false (taking nothing) when fewer are left. Thread-safe.
  bool take(std::uint64_t bytes);
  // True for exactly one call after a take() was first refused (to tell the user once per run).
  bool first_refusal();

 private:
  const std::uint64_t total_;
  std::atomic<std::uint64_t> left_;
  std::atomic<bool> refused_{false};
  std::atomic<bool> reported_{false};
};

// Takes `value`'s bytes from `budget`; false for a budget of 0, or once it is used up (said once per
// run, at info level, when a budget was given).
bool keep_in_memory(HandoffBudget& budget, const Value& value);

// Bytes a value occupies in memory (its buffers' capacities; a fair estimate, not an exact count).
std::uint64_t value_bytes(const Value& value);

// The default budget: $SLUICE_HANDOFF_MEMORY (a size such as "2GiB") if set, else 0. Throws
// UsageError for a malformed variable.
std::uint64_t default_handoff_bytes();

}  // namespace sluice::engine
