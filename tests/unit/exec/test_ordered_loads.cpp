// load_in_order: values reach consume in index order whatever order the loads finish in, at most a
// bounded number are alive at once, small values are loaded one by one on the calling thread, and
// the first failure stops the work and is rethrown after the loads in flight have finished (the
// values in flight are destroyed: ASan checks it).
#include <doctest/doctest.h>

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sluice/errors.hpp>

#include "exec/ordered_loads.hpp"

using namespace sluice;
using namespace sluice::engine;

namespace {
// A table whose first row holds `i`, `rows` rows in all, after a short sleep that varies with i so
// that loads in parallel finish out of order.
ValuePtr slow_value(std::size_t i, std::size_t rows) {
  std::this_thread::sleep_for(std::chrono::microseconds(((i * 7919) % 13) * 50));
  Table t;
  Column& c = t.add_column("i", ColumnType::Int64);
  for (std::size_t r = 0; r < rows; ++r) c.push_int(static_cast<std::int64_t>(i));
  return std::make_shared<const Value>(std::move(t));
}

// Rows that make a value small enough to be loaded on the calling thread, or large enough for the pipeline.
constexpr std::size_t kSmallRows = 1;
constexpr std::size_t kLargeRows = 2 * kSerialLoadBytes / sizeof(std::int64_t);

ValuePtr slow_value(std::size_t i) { return slow_value(i, kLargeRows); }

std::int64_t index_of(const Value& v) { return std::get<Table>(v).column(0).ints()[0]; }
}  // namespace

TEST_CASE("large values are consumed in index order, with a bounded number alive") {
  tbb::task_arena arena(4);
  std::vector<std::int64_t> seen;
  std::atomic<int> alive{0}, peak{0};
  arena.execute([&] {
    load_in_order(
        300,
        [&](std::size_t i) {
          const int now = ++alive;
          int before = peak.load();
          while (now > before && !peak.compare_exchange_weak(before, now)) {
          }
          auto v = slow_value(i);
          // Counted down when the value is destroyed, wherever that happens.
          return ValuePtr(v.get(), [v, &alive](const Value*) mutable {
            --alive;
            v.reset();
          });
        },
        [&](const Value& v) { seen.push_back(index_of(v)); });
  });
  REQUIRE(seen.size() == 300);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<std::int64_t>(i));
  CHECK(alive == 0);
  CHECK(peak <= 4 * 4 + 1);  // the items in flight: four per thread
  CHECK(peak >= 2);          // and the loads did overlap
}

TEST_CASE("small values are loaded one after another on the calling thread") {
  tbb::task_arena arena(4);
  std::vector<std::string> events;  // only the calling thread may append: checked below
  const auto caller = std::this_thread::get_id();
  bool other_thread = false;
  arena.execute([&] {
    load_in_order(
        200,
        [&](std::size_t i) {
          other_thread = other_thread || std::this_thread::get_id() != caller;
          events.push_back("load " + std::to_string(i));
          return slow_value(i, kSmallRows);
        },
        [&](const Value& v) { events.push_back("consume " + std::to_string(index_of(v))); });
  });
  CHECK_FALSE(other_thread);
  REQUIRE(events.size() == 400);
  for (std::size_t i = 0; i < 200; ++i) {
    CHECK(events[2 * i] == "load " + std::to_string(i));
    CHECK(events[2 * i + 1] == "consume " + std::to_string(i));
  }
}

TEST_CASE("nothing to load consumes nothing") {
  int calls = 0;
  load_in_order(0, [&](std::size_t) { ++calls; return slow_value(0); }, [&](const Value&) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("a failed load is rethrown after the loads in flight, and stops the rest") {
  std::size_t rows = kLargeRows;
  SUBCASE("large values, loaded in parallel") { rows = kLargeRows; }
  SUBCASE("small values, loaded one by one") { rows = kSmallRows; }
  std::vector<std::int64_t> seen;
  std::atomic<std::size_t> started{0};
  auto run = [&] {
    load_in_order(
        1000,
        [&](std::size_t i) {
          ++started;
          if (i == 17) throw Error("partition 17 is lost");
          return slow_value(i, rows);
        },
        [&](const Value& v) { seen.push_back(index_of(v)); });
  };
  CHECK_THROWS_WITH_AS(run(), "partition 17 is lost", Error);
  // Consumed in order, and nothing at or after the failed item.
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<std::int64_t>(i));
  CHECK(seen.size() <= 17);
  CHECK(started < 1000);  // no item is started once the failure is known
}

TEST_CASE("a failed consume is rethrown and consumes nothing after it") {
  std::size_t rows = kLargeRows;
  SUBCASE("large values, loaded in parallel") { rows = kLargeRows; }
  SUBCASE("small values, loaded one by one") { rows = kSmallRows; }
  std::vector<std::int64_t> seen;
  auto run = [&] {
    load_in_order(200, [&](std::size_t i) { return slow_value(i, rows); }, [&](const Value& v) {
      if (index_of(v) == 5) throw std::runtime_error("the join rejected partition 5");
      seen.push_back(index_of(v));
    });
  };
  CHECK_THROWS_WITH_AS(run(), "the join rejected partition 5", std::runtime_error);
  CHECK(seen == std::vector<std::int64_t>{0, 1, 2, 3, 4});
}

TEST_CASE("of several failures, one is rethrown") {
  auto run = [] {
    // The first loads (a large value, so the rest go through the pipeline); every other one fails.
    load_in_order(64,
                  [](std::size_t i) -> ValuePtr {
                    if (i == 0) return slow_value(0);
                    throw Error("load " + std::to_string(i) + " failed");
                  },
                  [](const Value&) {});
  };
  try {
    run();
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("failed") != std::string::npos);
  }
}
