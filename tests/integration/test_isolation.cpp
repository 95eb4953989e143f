// isolation = "process": a crashing plugin fails its node, not the run.
#include "cli_fixture.hpp"

using namespace sluice::test;

namespace {
std::string pipeline(const std::string& isolation_line) {
  return R"(
[pipeline]
name = "isolation"
plugin_dirs = [")" + std::string(SLUICE_FIXTURE_PLUGIN_DIR) + R"(/segfault"]
[nodes.crash]
plugin = "fixture.segfault"
)" + isolation_line + R"(
[nodes.numbers]
plugin = "sluice.range"
params = { stop = 5 }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
)";
}
}  // namespace

TEST_CASE("a segfaulting stage in an isolated process fails only its node") {
  PipelineDir p(pipeline("isolation = \"process\""));
  const auto r = p.sluice("run", "-q --json --keep-going");
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(statuses(report) == std::map<std::string, std::string>{{"crash", "failed"}, {"numbers", "ran"}, {"squares", "ran"}});
  for (const auto& n : report["nodes"]) {
    if (n["id"] == "crash") {
      CHECK(n["error"].get<std::string>().find("stage crashed with SIGSEGV (segmentation fault) in an isolated process") !=
            std::string::npos);
    }
  }
}

TEST_CASE("--isolate isolates every node, with the same results") {
  PipelineDir p(R"(
[pipeline]
name = "isolate_all"
[nodes.numbers]
plugin = "sluice.range"
params = { stop = 5 }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
foreach = "value"
)");
  const auto r = p.sluice("run", "-q --json --isolate");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(statuses(nlohmann::json::parse(r.out))["squares"] == "ran");
  // The same computation in-process is a cache hit: isolation does not change results.
  CHECK(statuses(p.run_json())["squares"] == "cached");
}
