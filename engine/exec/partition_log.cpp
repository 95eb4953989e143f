#include "exec/partition_log.hpp"

namespace sluice::engine {

bool PartitionInfoLog::admit() { return count_.fetch_add(1, std::memory_order_relaxed) < kLogged; }

std::optional<std::string> PartitionInfoLog::summary(std::string_view node_id) const {
  const std::size_t count = count_.load(std::memory_order_relaxed);
  if (count <= kLogged) return std::nullopt;
  const std::size_t held_back = count - kLogged;
  return "[" + std::string(node_id) + "] " + std::to_string(held_back) + " more info message" +
         (held_back == 1 ? "" : "s") + " from partitions (SLUICE_LOG=debug shows each)";
}

}  // namespace sluice::engine
