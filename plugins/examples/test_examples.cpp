#include <doctest/doctest.h>

#include <cmath>
#include <sluice/testing.hpp>

#include "stages.hpp"

using namespace sluice;
using namespace sluice::examples;

TEST_CASE("sluice.range emits start..stop-1 by step") {
  testing::TestContext ctx;
  auto out = testing::run_stage(range_descriptor(), make_range, {{"start", 1}, {"stop", 8}, {"step", 3}}, {}, ctx);
  const auto& t = std::get<Table>(out.values().at("out"));
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("value").int_at(0) == 1);
  CHECK(t.column("value").int_at(2) == 7);
}

TEST_CASE("sluice.range rejects a missing stop and a zero step") {
  CHECK_THROWS_WITH_AS(apply_schema(range_descriptor(), Params{}), "missing required parameter 'stop' (int: end of the range (exclusive))", ParamError);
  Params p;
  p.set("stop", 3);
  p.set("step", 0);
  CHECK_THROWS_WITH_AS(apply_schema(range_descriptor(), p), "parameter 'step': value 0 is out of range [1.0, inf]", ParamError);
}

TEST_CASE("sluice.square squares ints and keeps nulls") {
  Table t;
  auto& c = t.add_column("value", ColumnType::Int64);
  c.push_int(3);
  c.push_null();
  c.push_int(-4);
  testing::TestContext ctx;
  auto out = testing::run_stage(square_descriptor(), make_square, {}, {{"in", Value(t)}}, ctx);
  const auto& r = std::get<Table>(out.values().at("out")).column("square");
  CHECK(r.int_at(0) == 9);
  CHECK(r.is_null(1));
  CHECK(r.int_at(2) == 16);
}

TEST_CASE("sluice.square names the missing column") {
  Table t;
  t.add_column("x", ColumnType::Int64).push_int(1);
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(testing::run_stage(square_descriptor(), make_square, {}, {{"in", Value(t)}}, ctx),
                       "missing column 'value'; the input has: x", MissingColumn);
}

TEST_CASE("leibniz_pi converges like the seed's function") {
  CHECK(leibniz_pi(0) == doctest::Approx(4.0));
  CHECK(std::abs(leibniz_pi(5) - M_PI) < 1e-4);
}
