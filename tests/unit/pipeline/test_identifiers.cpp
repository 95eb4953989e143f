#include <doctest/doctest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "common/identifiers.hpp"

using namespace sluice::engine;

TEST_CASE("identifiers: node ids, pipeline names, stage ids") {
  CHECK(is_node_id("sales"));
  CHECK(is_node_id("_x-1"));
  CHECK_FALSE(is_node_id(""));
  CHECK_FALSE(is_node_id("1sales"));
  CHECK_FALSE(is_node_id("-a"));
  CHECK_FALSE(is_node_id("a.b"));
  CHECK_FALSE(is_node_id("a b"));
  CHECK(is_pipeline_name("store.weekly-forecast_2"));
  CHECK_FALSE(is_pipeline_name(""));
  CHECK_FALSE(is_pipeline_name("a/b"));
  CHECK(is_stage_id("sluice.sql"));
  CHECK(is_stage_id("acme.image_2.resize"));
  CHECK_FALSE(is_stage_id("sql"));
  CHECK_FALSE(is_stage_id("Acme.resize"));
  CHECK_FALSE(is_stage_id("acme..resize"));
  CHECK_FALSE(is_stage_id("acme.resize."));
  CHECK_FALSE(is_stage_id(".acme.resize"));
  CHECK_FALSE(is_stage_id("acme.re-size"));
}

TEST_CASE("identifiers: --set paths") {
  CHECK(is_override_path("vars.horizon"));
  CHECK(is_override_path("nodes.forecast.params.horizon"));
  CHECK(is_override_path("nodes.fore-cast.foreach"));
  CHECK(is_override_path("nodes.x.params"));  // the whole params table, as a KEY
  CHECK(is_override_path("pipeline.max_cache_size"));
  CHECK_FALSE(is_override_path("vars"));
  CHECK_FALSE(is_override_path("vars."));
  CHECK_FALSE(is_override_path("vars.a.b"));
  CHECK_FALSE(is_override_path("nodes.x"));
  CHECK_FALSE(is_override_path("nodes.x.foo.bar"));
  CHECK_FALSE(is_override_path("nodes.x.params.a.b"));
  CHECK_FALSE(is_override_path("nodes.x.ret1es"));
  CHECK_FALSE(is_override_path("pipeline.max-size"));
  CHECK_FALSE(is_override_path("other.x"));
}

// The checks replaced these regular expressions; random strings built from the characters and words
// that matter must get the same answer from both.
TEST_CASE("identifiers: agree with the regular expressions they replace") {
  const std::regex node_id("^[A-Za-z_][A-Za-z0-9_-]*$");
  const std::regex pipeline_name("^[A-Za-z0-9_.-]+$");
  const std::regex stage_id(R"(^[a-z0-9_]+(\.[a-z0-9_]+)+$)");
  const std::regex path(
      R"(^(vars\.[A-Za-z0-9_-]+|nodes\.[A-Za-z0-9_-]+\.(params\.[A-Za-z0-9_-]+|[A-Za-z_]+)|pipeline\.[A-Za-z_]+)$)");
  const std::vector<std::string> pieces{"a", "Z", "0", "_", "-", ".", " ", "/", "vars", "nodes", "pipeline", "params", "x."};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), length(0, 7);
  int positives = 0;
  for (int i = 0; i < 50'000; ++i) {
    std::string s;
    for (std::size_t n = length(rng); n > 0; --n) s += pieces[pick(rng)];
    INFO("input: '" << s << "'");
    CHECK(is_node_id(s) == std::regex_match(s, node_id));
    CHECK(is_pipeline_name(s) == std::regex_match(s, pipeline_name));
    CHECK(is_stage_id(s) == std::regex_match(s, stage_id));
    CHECK(is_override_path(s) == std::regex_match(s, path));
    positives += is_override_path(s) + is_stage_id(s);
  }
  CHECK(positives > 100);  // the generator reaches the accepting cases too
}
