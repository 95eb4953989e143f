// Progress lines: what a node shows with partitions, with rows, before it reports anything and
// while the engine stores its output.
#include <doctest/doctest.h>

#include <regex>
#include <thread>

#include "exec/progress.hpp"

using sluice::engine::Progress;

namespace {
bool matches(const std::string& text, const std::string& pattern) { return std::regex_match(text, std::regex(pattern)); }
}  // namespace

TEST_CASE("a partitioned node shows done/total, computed vs cached, rate, elapsed and eta") {
  Progress progress(Progress::Mode::Lines, {"forecast"});
  progress.node_started(0, 4, "partitions");
  progress.item_done(0, false);
  progress.item_done(0, true);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string line = progress.render_line(0);
  INFO(line);
  CHECK(matches(line, R"(forecast:  50% \|##########----------\| 2/4 partitions \(1 computed, 1 cached\) )"
                      R"([0-9.]+/s, elapsed [0-9.]+ ms, eta [0-9.]+ ms)"));
}

TEST_CASE("large rates are shortened with k and M") {
  Progress progress(Progress::Mode::Lines, {"load"});
  progress.node_started(0, 0, "rows");
  progress.node_progress(0, 50'000'000, 100'000'000, "rows staged");
  const std::string line = progress.render_line(0);
  INFO(line);
  CHECK(matches(line, R"(load:  50% \|##########----------\| 50000000/100000000 rows staged [0-9.]+[kM]/s, elapsed .*)"));
}

TEST_CASE("a node that has reported nothing shows that it is running, not a zero count") {
  Progress progress(Progress::Mode::Lines, {"dashboard"});
  progress.node_started(0, 0, "rows");
  const std::string line = progress.render_line(0);
  INFO(line);
  CHECK(matches(line, R"(dashboard: running, elapsed [0-9.]+ ms)"));
}

TEST_CASE("after its stage returns, a node shows what the engine is doing with the output") {
  Progress progress(Progress::Mode::Lines, {"sales"});
  progress.node_started(0, 0, "rows");
  progress.node_progress(0, 100, 100, "rows");
  progress.node_phase(0, "storing the output in the cache");
  const std::string line = progress.render_line(0);
  INFO(line);
  CHECK(matches(line, R"(sales: storing the output in the cache, elapsed [0-9.]+ ms)"));
}
