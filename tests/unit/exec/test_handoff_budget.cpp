#include <doctest/doctest.h>

#include <oneapi/tbb/parallel_for.h>

#include <atomic>
#include <cstdlib>

#include "common/errors.hpp"
#include "exec/handoff_budget.hpp"

using namespace sluice;
using namespace sluice::engine;

TEST_CASE("a handoff budget hands out bytes until it is used up, and reports the first refusal once") {
  HandoffBudget budget(100);
  CHECK(budget.total() == 100);
  CHECK_FALSE(budget.first_refusal());  // nothing refused yet
  CHECK(budget.take(60));
  CHECK_FALSE(budget.take(50));  // 40 left: refused, nothing taken
  CHECK(budget.take(40));
  CHECK_FALSE(budget.take(1));
  CHECK(budget.first_refusal());
  CHECK_FALSE(budget.first_refusal());
}

TEST_CASE("a handoff budget is never overdrawn by concurrent takers") {
  HandoffBudget budget(1000);
  std::atomic<int> granted{0};
  tbb::parallel_for(0, 5000, [&](int) {
    if (budget.take(3)) ++granted;
  });
  CHECK(granted.load() == 333);  // 999 bytes; the last 1 fits no 3-byte take
}

TEST_CASE("value_bytes counts a table's buffers and a blob's bytes") {
  Table t;
  Column& ids = t.add_column("id", ColumnType::Int64);
  Column& names = t.add_column("name", ColumnType::String);
  for (int i = 0; i < 1000; ++i) {
    ids.push_int(i);
    names.push_string("store");
  }
  CHECK(value_bytes(Value(t)) >= 1000 * 8 + 1001 * 8 + 5000);
  CHECK(value_bytes(Value(Blob{"text/plain", std::string(4096, 'x')})) >= 4096);
}

TEST_CASE("keep_in_memory: a budget of 0 keeps nothing and says nothing; a budget keeps what fits") {
  Table t;
  Column& c = t.add_column("x", ColumnType::Double);
  for (int i = 0; i < 100; ++i) c.push_double(i);
  const Value v(t);

  HandoffBudget none(0);
  CHECK_FALSE(keep_in_memory(none, v));
  CHECK_FALSE(none.first_refusal());  // the default is no event worth reporting

  HandoffBudget room(value_bytes(v) + 10);
  CHECK(keep_in_memory(room, v));
  CHECK_FALSE(keep_in_memory(room, v));
  CHECK_FALSE(room.first_refusal());  // keep_in_memory reported it already
}

TEST_CASE("the default handoff budget is 0, or SLUICE_HANDOFF_MEMORY") {
  ::unsetenv("SLUICE_HANDOFF_MEMORY");
  CHECK(default_handoff_bytes() == 0);
  ::setenv("SLUICE_HANDOFF_MEMORY", "64MiB", 1);
  CHECK(default_handoff_bytes() == 64ull * 1024 * 1024);
  ::setenv("SLUICE_HANDOFF_MEMORY", "lots", 1);
  CHECK_THROWS_WITH_AS(default_handoff_bytes(), "SLUICE_HANDOFF_MEMORY=lots: not a size; use e.g. 512MiB or 4GiB",
                       UsageError);
  ::unsetenv("SLUICE_HANDOFF_MEMORY");
}
