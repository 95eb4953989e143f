#include <doctest/doctest.h>

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <thread>

#include "exec/group_commit.hpp"

using sluice::engine::GroupCommit;
using namespace std::chrono_literals;

namespace {
// Records every group the committer hands over.
struct Groups {
  std::mutex m;
  std::vector<std::vector<std::size_t>> seen;
  GroupCommit::Commit sink() {
    return [this](std::vector<std::size_t>&& items) {
      std::lock_guard lock(m);
      seen.push_back(std::move(items));
    };
  }
};
}  // namespace

TEST_CASE("group commit hands over a group as soon as it is full, and the rest on flush") {
  Groups g;
  GroupCommit c(g.sink(), 3, 1h);
  for (std::size_t i = 0; i < 7; ++i) c.add(i);
  REQUIRE(g.seen.size() == 2);
  CHECK(g.seen[0] == std::vector<std::size_t>{0, 1, 2});
  CHECK(g.seen[1] == std::vector<std::size_t>{3, 4, 5});
  c.flush();
  REQUIRE(g.seen.size() == 3);
  CHECK(g.seen[2] == std::vector<std::size_t>{6});
  c.flush();  // nothing pending: no empty group
  CHECK(g.seen.size() == 3);
}

TEST_CASE("group commit hands over a partial group once the wait is over") {
  Groups g;
  GroupCommit c(g.sink(), 100, 20ms);
  c.add(1);
  CHECK(g.seen.empty());
  std::this_thread::sleep_for(30ms);
  c.add(2);
  REQUIRE(g.seen.size() == 1);
  CHECK(g.seen[0] == std::vector<std::size_t>{1, 2});
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
