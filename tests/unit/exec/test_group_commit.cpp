#include <doctest/doctest.h>

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "exec/group_commit.hpp"

using sluice::engine::GroupCommit;
using namespace std::chrono_literals;

namespace {
// Records every group the committer hands over.
struct Groups {
  std::mutex m;
  std::vector<std::vector<std::size_t>> seen;
  std::condition_variable changed;
  GroupCommit::Commit sink() {
    return [this](std::vector<std::size_t>&& items) {
      {
        std::lock_guard lock(m);
        seen.push_back(std::move(items));
      }
      changed.notify_all();
    };
  }
  // Whether `n` groups arrive within a second (commits run on another thread).
  bool wait_for(std::size_t n) {
    std::unique_lock lock(m);
    return changed.wait_for(lock, 1s, [&] { return seen.size() >= n; });
  }
};
}  // namespace

TEST_CASE("group commit hands over a group as soon as it is full, and the rest on flush") {
  Groups g;
  GroupCommit c(g.sink(), 3, 1h);
  for (std::size_t i = 0; i < 7; ++i) c.add(i);
  REQUIRE(g.wait_for(2));  // committed without a flush
  c.flush();
  REQUIRE(g.seen.size() == 3);
  CHECK(g.seen[0] == std::vector<std::size_t>{0, 1, 2});
  CHECK(g.seen[1] == std::vector<std::size_t>{3, 4, 5});
  CHECK(g.seen[2] == std::vector<std::size_t>{6});
  c.flush();  // nothing pending: no empty group
  CHECK(g.seen.size() == 3);
}

TEST_CASE("group commit hands over a partial group once the wait is over") {
  Groups g;
  GroupCommit c(g.sink(), 100, 20ms);
  c.add(1);
  std::this_thread::sleep_for(30ms);
  {
    std::lock_guard lock(g.m);
    CHECK(g.seen.empty());
  }
  c.add(2);
  REQUIRE(g.wait_for(1));
  CHECK(g.seen[0] == std::vector<std::size_t>{1, 2});
}

TEST_CASE("group commit commits full groups off the adding thread, in order, and flush waits for them") {
  std::mutex m;
  std::vector<std::vector<std::size_t>> seen;
  std::vector<std::thread::id> threads;
  GroupCommit c(
      [&](std::vector<std::size_t>&& items) {
        std::this_thread::sleep_for(20ms);  // a slow disk
        std::lock_guard lock(m);
        seen.push_back(std::move(items));
        threads.push_back(std::this_thread::get_id());
      },
      2, 1h);
  for (std::size_t i = 0; i < 6; ++i) c.add(i);
  {
    // Three groups of 20 ms each were handed over; adding did not wait for them to commit.
    std::lock_guard lock(m);
    CHECK(seen.size() < 3);
  }
  c.add(6);
  c.flush();
  REQUIRE(seen.size() == 4);
  CHECK(seen[0] == std::vector<std::size_t>{0, 1});
  CHECK(seen[1] == std::vector<std::size_t>{2, 3});
  CHECK(seen[2] == std::vector<std::size_t>{4, 5});
  CHECK(seen[3] == std::vector<std::size_t>{6});
  CHECK(threads[0] != std::this_thread::get_id());
  CHECK(threads[2] == threads[0]);
  CHECK(threads[3] == std::this_thread::get_id());  // the rest, on flush
}

TEST_CASE("group commit rethrows a failed background commit from flush, and its destructor waits for queued groups") {
  std::atomic<int> committed{0};
  {
    GroupCommit c(
        [&](std::vector<std::size_t>&& items) {
          if (items.front() == 0) throw std::runtime_error("disk full");
          std::this_thread::sleep_for(5ms);
          ++committed;
        },
        1, 1h);
    c.add(0);
    CHECK_THROWS_WITH(c.flush(), "disk full");
    c.add(1);
    c.add(2);
  }  // no flush: the two queued groups are still committed
  CHECK(committed == 2);
}

TEST_CASE("group commit from many threads commits every item exactly once") {
  Groups g;
  GroupCommit c(g.sink(), 16, 1h);
  tbb::parallel_for(std::size_t{0}, std::size_t{10'000}, [&](std::size_t i) { c.add(i); });
  c.flush();
  std::vector<std::size_t> all;
  for (const auto& group : g.seen) {
    CHECK(group.size() <= 16);
    all.insert(all.end(), group.begin(), group.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<std::size_t> expected(10'000);
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  CHECK(all == expected);
}
