#pragma once
// Collects finished work items from many threads and hands them to a commit function in groups:
// when `max_items` are pending or `max_wait` has passed since the last commit, whichever comes
// first, and once more on flush(). Committing per group instead of per item (or per scheduling
// task) makes the cost of a durable commit independent of how finely the work is scheduled.
//
// A due group is committed on a thread of its own, in order, so that the worker that completed it
// goes on computing while the commit waits for the disk (a sync of the group's files).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::engine {

class GroupCommit {
 public:
  using Commit = std::function<void(std::vector<std::size_t>&& items)>;
  GroupCommit(Commit commit, std::size_t max_items, std::chrono::milliseconds max_wait);
  // Waits for the groups already handed over (without committing what is still pending).
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Marks `item` finished; hands a group to the committing thread when one is due.
  void add(std::size_t item);
  // Waits until every group handed over is committed, then commits what is still pending on the
  // calling thread (call after the last add()). Rethrows what a background commit threw.
  void flush();

 private:
  std::vector<std::size_t> take_locked();
  void hand_over(std::vector<std::size_t>&& group);
  void commit_loop();
  void wait_for_commits();

  Commit commit_;
  std::size_t max_items_;
  std::chrono::milliseconds max_wait_;
  std::mutex mutex_;  // pending_ and last_commit_
  std::vector<std::size_t> pending_;
  std::chrono::steady_clock::time_point last_commit_;

  std::mutex queue_mutex_;  // everything below
  std::condition_variable queue_changed_;
  std::deque<std::vector<std::size_t>> queue_;
  bool committing_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // started with the first group handed over
};

}  // namespace sluice::engine
