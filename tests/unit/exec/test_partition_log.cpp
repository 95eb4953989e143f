#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "exec/partition_log.hpp"

using sluice::engine::PartitionInfoLog;

TEST_CASE("PartitionInfoLog: nothing said, one message, many messages") {
  PartitionInfoLog log;
  CHECK_FALSE(log.summary("load").has_value());
  log.add("load[key=1]", "loaded 2 rows");
  CHECK(log.summary("load") == "[load] 1 info message from a partition: [load[key=1]] loaded 2 rows");
  log.add("load[key=2]", "loaded 3 rows");
  CHECK(log.summary("load") ==
        "[load] 2 info messages from partitions, the first: [load[key=1]] loaded 2 rows (SLUICE_LOG=debug shows each)");
}

TEST_CASE("PartitionInfoLog counts every message added from many threads") {
  PartitionInfoLog log;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 250; ++i) log.add("n[key=" + std::to_string(t) + "]", "m");
      });
  }
  const auto summary = log.summary("n");
  REQUIRE(summary.has_value());
  CHECK(summary->rfind("[n] 1000 info messages from partitions, the first: [n[key=", 0) == 0);
}
