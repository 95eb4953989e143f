#pragma once
// The info messages of a node's partitions, summed up in one line.
//
// A foreach over 1,000 stores would print each stage message 1,000 times ("loaded 1100 rows ...").
// Above a few partitions, a partition's info messages go to the debug log, and the node logs how many
// there were with the first of them. Warnings and errors are never summed up.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

class PartitionInfoLog {
 public:
  // Nodes with at most this many partitions log each partition's messages as they come.
  static constexpr std::size_t kLoggedOneByOne = 8;

  // `label` names the partition ("load_daily[store_id=7]").
  void add(std::string_view label, std::string_view message);

  // "[node] 1000 info messages from partitions, the first: ..." or nothing when there were none.
  std::optional<std::string> summary(std::string_view node_id) const;

 private:
  mutable std::mutex mutex_;
  std::size_t count_ = 0;
  std::string first_;
};

}  // namespace sluice::engine
