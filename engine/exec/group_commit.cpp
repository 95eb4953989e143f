#include "exec/group_commit.hpp"

#include <utility>

namespace sluice::engine {

GroupCommit::GroupCommit(Commit commit, std::size_t max_items, std::chrono::milliseconds max_wait)
    : commit_(std::move(commit)), max_items_(max_items == 0 ? 1 : max_items), max_wait_(max_wait),
      last_commit_(std::chrono::steady_clock::now()) {}

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
  // Outside the lock: other threads keep adding while this group commits.
  if (!due.empty()) commit_(std::move(due));
}

void GroupCommit::flush() {
  std::vector<std::size_t> rest;
  {
    std::lock_guard lock(mutex_);
    rest = take_locked();
  }
  if (!rest.empty()) commit_(std::move(rest));
}

}  // namespace sluice::engine
