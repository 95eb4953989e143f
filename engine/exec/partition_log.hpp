#pragma once
// The info messages of a node's partitions, with a cap.
//
// A foreach over 1,000 stores would print each stage message 1,000 times ("loaded 1100 rows ...").
// The first few info messages of a node's partitions are logged as they come; the rest go to the debug
// log only, and the node says how many there were when it finishes. Warnings and errors are never capped.
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

class PartitionInfoLog {
 public:
  // How many info messages of a node's partitions are logged at info level.
  static constexpr std::size_t kLogged = 3;

  // Counts a message; true while it is among the first kLogged (log it at info), false after.
  bool admit();

  // "[node] 997 more info messages from partitions (SLUICE_LOG=debug shows each)", or nothing when no
  // message was held back.
  std::optional<std::string> summary(std::string_view node_id) const;

 private:
  std::atomic<std::size_t> count_{0};
};

}  // namespace sluice::engine
