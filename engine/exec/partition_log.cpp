#include "exec/partition_log.hpp"

namespace sluice::engine {

void PartitionInfoLog::add(std::string_view label, std::string_view message) {
  std::lock_guard lock(mutex_);
  if (count_++ == 0) first_ = "[" + std::string(label) + "] " + std::string(message);
}

std::optional<std::string> PartitionInfoLog::summary(std::string_view node_id) const {
  std::lock_guard lock(mutex_);
  if (count_ == 0) return std::nullopt;
  const std::string head = "[" + std::string(node_id) + "] ";
  if (count_ == 1) return head + "1 info message from a partition: " + first_;
  return head + std::to_string(count_) + " info messages from partitions, the first: " + first_ +
         " (SLUICE_LOG=debug shows each)";
}

}  // namespace sluice::engine
