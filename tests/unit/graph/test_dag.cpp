#include <doctest/doctest.h>

#include "common/errors.hpp"
#include "graph/dag.hpp"
#include "pipeline/pipeline_loader.hpp"

using namespace sluice::engine;

namespace {
std::string cycle_error(const std::string& toml) {
  try {
    Dag::build(parse_pipeline(toml, "p.toml"));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("topological order respects every edge") {
  const Dag dag = Dag::from_edges({"a", "b", "c", "d"}, {{0, 1}, {1, 2}, {0, 3}, {3, 2}});
  std::vector<std::size_t> pos(4);
  for (std::size_t i = 0; i < 4; ++i) pos[dag.topo_order()[i]] = i;
  CHECK(pos[0] < pos[1]);
  CHECK(pos[1] < pos[2]);
  CHECK(pos[3] < pos[2]);
}

TEST_CASE("topological order keeps file order wherever the edges allow") {
  // d feeds b; a, c and d have no inputs.
  const Dag dag = Dag::from_edges({"a", "b", "c", "d"}, {{3, 1}});
  CHECK(dag.topo_order() == std::vector<std::size_t>{0, 2, 3, 1});
  const Dag chain = Dag::from_edges({"a", "b", "c", "d"}, {{0, 1}, {1, 2}, {0, 3}, {3, 2}});
  CHECK(chain.topo_order() == std::vector<std::size_t>{0, 1, 3, 2});
}

TEST_CASE("a cycle is reported as a path") {
  const std::string e = cycle_error(
      "[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\ninputs = [\"c\"]\n[nodes.b]\nplugin = \"x.y\"\ninputs = [\"a\"]\n"
      "[nodes.c]\nplugin = \"x.y\"\ninputs = [\"b\"]\n");
  CHECK(e.find("the pipeline has a cycle: ") != std::string::npos);
  // Any rotation is the same cycle; check the edges are all there.
  const bool ok = e.find("a -> b -> c -> a") != std::string::npos || e.find("b -> c -> a -> b") != std::string::npos ||
                  e.find("c -> a -> b -> c") != std::string::npos;
  CHECK_MESSAGE(ok, e);
  CHECK(e.find("remove one of these inputs") != std::string::npos);
}

TEST_CASE("a self-loop is a cycle") {
  const std::string e = cycle_error("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\ninputs = [\"a\"]\n");
  CHECK(e.find("cycle: a -> a") != std::string::npos);
}

TEST_CASE("an unknown input names the node and suggests") {
  const std::string e = cycle_error("[pipeline]\nname = \"x\"\n[nodes.extract]\nplugin = \"x.y\"\n[nodes.b]\nplugin = \"x.y\"\n"
                                    "inputs = [\"extrct\"]\n");
  CHECK(e == "p.toml:7:11: node 'b' takes input from unknown node 'extrct' (did you mean 'extract'?); inputs name other "
             "[nodes.<id>] tables");
}

TEST_CASE("upstream and downstream closures") {
  const Dag dag = Dag::from_edges({"a", "b", "c", "d"}, {{0, 1}, {1, 2}, {3, 2}});
  CHECK(dag.with_upstream({1}) == std::vector<bool>{true, true, false, false});
  CHECK(dag.with_downstream({1}) == std::vector<bool>{false, true, true, false});
  CHECK(dag.with_upstream({2}) == std::vector<bool>{true, true, true, true});
}

TEST_CASE("an unknown input and a cycle among the other inputs are reported together") {
  const std::string toml = "[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\ninputs = [\"b\", \"nope\"]\n"
                           "[nodes.b]\nplugin = \"x.y\"\ninputs = [\"a\"]\n";
  std::vector<Problem> problems;
  const Dag dag = Dag::build(parse_pipeline(toml, "p.toml"), problems);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].str() == "p.toml:5:16: node 'a' takes input from unknown node 'nope'; inputs name other [nodes.<id>] tables");
  CHECK(problems[1].str().find("the pipeline has a cycle: ") != std::string::npos);
  CHECK(dag.find("b") != nullptr);  // the graph still resolves ids, for the schema check
  // The throwing form lists both, the one without a line first.
  const std::string e = cycle_error(toml);
  const auto second_line = e.find('\n');
  CHECK(e.substr(0, second_line).find("the pipeline has a cycle: ") != std::string::npos);
  CHECK(e.substr(second_line + 1).rfind("p.toml:5:16: node 'a' takes input from unknown node 'nope'", 0) == 0);
}
