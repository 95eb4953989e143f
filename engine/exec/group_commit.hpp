#pragma once
// Collects finished work items from many threads and hands them to a commit function in groups:
// when `max_items` are pending or `max_wait` has passed since the last commit, whichever comes
// first, and once more on flush(). Committing per group instead of per item (or per scheduling
// task) makes the cost of a durable commit independent of how finely the work is scheduled.
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace sluice::engine {

class GroupCommit {
 public:
  using Commit = std::function<void(std::vector<std::size_t>&& items)>;
  GroupCommit(Commit commit, std::size_t max_items, std::chrono::milliseconds max_wait);

  // Marks `item` finished; the calling thread runs the commit when a group is due. Commits may
  // run concurrently on several threads (the commit function serialises what must be).
  void add(std::size_t item);
  // Commits everything still pending (call after the last add()).
  void flush();

 private:
  std::vector<std::size_t> take_locked();

  Commit commit_;
  std::size_t max_items_;
  std::chrono::milliseconds max_wait_;
  std::mutex mutex_;
  std::vector<std::size_t> pending_;
  std::chrono::steady_clock::time_point last_commit_;
};

}  // namespace sluice::engine
