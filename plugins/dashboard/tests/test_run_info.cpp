#include <doctest/doctest.h>

#include "run_info.hpp"
#include "synthetic.hpp"

using namespace sluice::dashboard;

TEST_CASE("run info: the documented shape") {
  const RunInfo r = parse_run_info(test::make_run_info());
  REQUIRE(r.available);
  CHECK(r.pipeline == "sales_forecast <b>");
  CHECK(r.run_id == "r-20250701-0600");
  CHECK(r.started_at == "2025-07-01T06:00:00Z");
  REQUIRE(r.nodes.size() == 3);
  CHECK(r.nodes[0].id == "extract");
  CHECK(r.nodes[0].plugin == "sluice.sqlite_extract");
  CHECK(r.nodes[0].wall_ms == doctest::Approx(812.5));
  CHECK(r.nodes[1].status == "cached");
  CHECK(r.count_status("ran") == 2);
  CHECK(r.count_status("cached") == 1);
  CHECK(r.total_wall_ms() == doctest::Approx(16135.5));
}

TEST_CASE("run info: {} outside an engine run") {
  const RunInfo r = parse_run_info("{}");
  CHECK_FALSE(r.available);
  CHECK(r.problem == "rendered outside an engine run");
  CHECK(r.nodes.empty());
}

TEST_CASE("run info: malformed input never throws") {
  for (const char* bad : {"", "not json", "[1,2]", "{\"nodes\":", "null"}) {
    const RunInfo r = parse_run_info(bad);
    CHECK_FALSE(r.available);
    CHECK(r.problem == "the engine's run information could not be read");
  }
}

TEST_CASE("run info: missing and mistyped fields degrade per field") {
  const RunInfo r = parse_run_info(
      R"({"pipeline":7,"nodes":[{"id":"a","wall_ms":"slow"},42,{"status":"ran","wall_ms":null}]})");
  REQUIRE(r.available);
  CHECK(r.pipeline == "7");
  CHECK(r.run_id.empty());
  REQUIRE(r.nodes.size() == 2);
  CHECK(r.nodes[0].id == "a");
  CHECK(r.nodes[0].wall_ms == -1);
  CHECK(r.nodes[1].status == "ran");
  CHECK(r.total_wall_ms() == 0);
}

TEST_CASE("run info: compact ISO-8601 start times are shown readably") {
  CHECK(parse_run_info(R"({"started_at":"20261125T125240"})").started_at == "2026-11-25 12:52:40");
  CHECK(parse_run_info(R"({"started_at":"20261125T125240Z"})").started_at == "2026-11-25 12:52:40 UTC");
  CHECK(parse_run_info(R"({"started_at":"2025-07-01T06:00:00Z"})").started_at == "2025-07-01T06:00:00Z");
  CHECK(parse_run_info(R"({"started_at":"2026112XT125240"})").started_at == "2026112XT125240");
}
