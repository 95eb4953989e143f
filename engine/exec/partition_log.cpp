#include "exec/partition_log.hpp"

namespace sluice::engine {

bool PartitionInfoLog::admit() {
  std::lock_guard lock(mutex_);
  return count_++ < kLogged;
}

std::optional<std::string> PartitionInfoLog::summary(std::string_view node_id) const {
  std::lock_guard lock(mutex_);
  if (count_ <= kLogged) return std::nullopt;
  const std::size_t held_back = count_ - kLogged;
  return "[" + std::string(node_id) + "] " + std::to_string(held_back) + " more info message" +
         (held_back == 1 ? "" : "s") + " from partitions (SLUICE_LOG=debug shows each)";
}

}  // namespace sluice::engine
