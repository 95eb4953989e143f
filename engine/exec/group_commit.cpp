#include "exec/group_commit.hpp"

#include <utility>

namespace sluice::engine {

GroupCommit::GroupCommit(Commit commit, std::size_t max_items, std::chrono::milliseconds max_wait)
    : commit_(std::move(commit)), max_items_(max_items == 0 ? 1 : max_items), max_wait_(max_wait),
      last_commit_(std::chrono::steady_clock::now()) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::size_t> GroupCommit::take_locked() {
  std::vector<std::size_t> taken;
  taken.swap(pending_);
  pending_.reserve(max_items_);
  last_commit_ = std::chrono::steady_clock::now();
  return taken;
}

void GroupCommit::add(std::size_t item) {
  std::vector<std::size_t> due;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(item);
    if (pending_.size() >= max_items_ || std::chrono::steady_clock::now() - last_commit_ >= max_wait_) due = take_locked();
  }
  if (!due.empty()) hand_over(std::move(due));
}

void GroupCommit::hand_over(std::vector<std::size_t>&& group) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(group));
    if (!thread_.joinable()) thread_ = std::thread([this] { commit_loop(); });
  }
  queue_changed_.notify_all();
}

void GroupCommit::commit_loop() {
  std::unique_lock lock(queue_mutex_);
  for (;;) {
    queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, with nothing left to commit
    std::vector<std::size_t> group = std::move(queue_.front());
    queue_.pop_front();
    committing_ = true;
    lock.unlock();
    std::exception_ptr failed;
    try {
      commit_(std::move(group));
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    committing_ = false;
    if (failed && !failure_) failure_ = failed;
    queue_changed_.notify_all();
  }
}

void GroupCommit::wait_for_commits() {
  std::unique_lock lock(queue_mutex_);
  queue_changed_.wait(lock, [this] { return queue_.empty() && !committing_; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void GroupCommit::flush() {
  wait_for_commits();
  std::vector<std::size_t> rest;
  {
    std::lock_guard lock(mutex_);
    rest = take_locked();
  }
  if (!rest.empty()) commit_(std::move(rest));
}

}  // namespace sluice::engine
