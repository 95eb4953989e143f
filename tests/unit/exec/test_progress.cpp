// Progress lines: what a node shows with partitions, with rows, before it reports anything and
// while the engine stores its output.
#include <doctest/doctest.h>

#include <functional>
#include <regex>
#include <thread>

#include "exec/progress.hpp"

using sluice::engine::Progress;

namespace {
// The line of one node `id`, started with `total` `unit`, after `steps`.
std::string line_after(const std::string& id, std::uint64_t total, const std::string& unit,
                       const std::function<void(Progress&)>& steps) {
  Progress progress(Progress::Mode::Lines, {id});
  progress.node_started(0, total, unit);
  steps(progress);
  return progress.render_line(0);
}

void check_matches(const std::string& line, const std::string& pattern) {
  INFO(line);
  CHECK(std::regex_match(line, std::regex(pattern)));
}
}  // namespace

TEST_CASE("a partitioned node shows done/total, computed vs cached, rate, elapsed and eta") {
  check_matches(line_after("forecast", 4, "partitions",
                           [](Progress& p) {
                             p.item_done(0, false);
                             p.item_done(0, true);
                             std::this_thread::sleep_for(std::chrono::milliseconds(20));
                           }),
                R"(forecast:  50% \|##########----------\| 2/4 partitions \(1 computed, 1 cached\) )"
                R"([0-9.]+/s, elapsed [0-9.]+ ms, eta [0-9.]+ ms)");
}

TEST_CASE("large rates are shortened with k and M") {
  check_matches(line_after("load", 0, "rows", [](Progress& p) { p.node_progress(0, 50'000'000, 100'000'000, "rows staged"); }),
                R"(load:  50% \|##########----------\| 50000000/100000000 rows staged [0-9.]+[kM]/s, elapsed .*)");
}

TEST_CASE("a node that has reported nothing shows that it is running, not a zero count") {
  check_matches(line_after("dashboard", 0, "rows", [](Progress&) {}), R"(dashboard: running, elapsed [0-9.]+ ms)");
}

TEST_CASE("after its stage returns, a node shows what the engine is doing with the output") {
  check_matches(line_after("sales", 0, "rows",
                           [](Progress& p) {
                             p.node_progress(0, 100, 100, "rows");
                             p.node_phase(0, "storing the output in the cache");
                           }),
                R"(sales: storing the output in the cache, elapsed [0-9.]+ ms)");
}
