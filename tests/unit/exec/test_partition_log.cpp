#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "exec/partition_log.hpp"

using sluice::engine::PartitionInfoLog;

TEST_CASE("PartitionInfoLog admits the first messages and counts the rest for the summary") {
  PartitionInfoLog log;
  CHECK_FALSE(log.summary("load").has_value());
  for (std::size_t i = 0; i < PartitionInfoLog::kLogged; ++i) CHECK(log.admit());
  CHECK_FALSE(log.summary("load").has_value());  // nothing held back yet
  CHECK_FALSE(log.admit());
  CHECK(log.summary("load") == "[load] 1 more info message from partitions (SLUICE_LOG=debug shows each)");
  CHECK_FALSE(log.admit());
  CHECK(log.summary("load") == "[load] 2 more info messages from partitions (SLUICE_LOG=debug shows each)");
}

TEST_CASE("PartitionInfoLog admits exactly kLogged messages from many threads") {
  PartitionInfoLog log;
  std::atomic<int> admitted{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 250; ++i)
          if (log.admit()) ++admitted;
      });
  }
  CHECK(admitted == static_cast<int>(PartitionInfoLog::kLogged));
  CHECK(log.summary("n") == "[n] " + std::to_string(1000 - PartitionInfoLog::kLogged) +
                                " more info messages from partitions (SLUICE_LOG=debug shows each)");
}
