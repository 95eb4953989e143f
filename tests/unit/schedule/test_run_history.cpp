// Run history: begin/complete/list, last scheduled slot, interrupted runs, concurrent writers.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "app/run_pipeline.hpp"
#include "schedule/clock.hpp"
#include "common/errors.hpp"
#include "schedule/run_history.hpp"
#include "../../support/process.hpp"

using namespace sluice::engine;
using sluice::test::TempDir;

TEST_CASE("history: begin, complete, fail and list newest first") {
  TempDir dir;
  RunHistory history(dir.path());
  CHECK(std::filesystem::exists(dir / "runs.db"));
  const auto a = history.begin("sales", "manual", std::nullopt);
  const auto b = history.begin("sales", "schedule", parse_iso_instant("2024-03-04T06:00:00Z"));
  const auto c = history.begin("other", "manual", std::nullopt);
  history.complete(a, "ok", 3, 2, 0, std::nullopt, R"({"status":"ok"})");
  history.fail(b, "bad pipeline");

  const auto all = history.list(std::nullopt, 10);
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == c);
  CHECK(all[0].status == "running");
  CHECK(all[0].ended_at.empty());
  CHECK(all[1].id == b);
  CHECK(all[1].status == "failed");
  CHECK(all[1].error == std::optional<std::string>("bad pipeline"));
  CHECK(all[1].scheduled_for == std::optional<std::string>("2024-03-04T06:00:00Z"));
  CHECK(all[1].trigger == "schedule");
  CHECK(all[2].id == a);
  CHECK(all[2].status == "ok");
  CHECK(all[2].nodes_ran == 3);
  CHECK(all[2].nodes_cached == 2);
  CHECK(all[2].nodes_failed == 0);
  CHECK_FALSE(all[2].error);
  CHECK(all[2].report_json == R"({"status":"ok"})");
  CHECK_FALSE(all[2].scheduled_for);
  CHECK(all[2].started_at.size() == 24);  // 2024-03-04T06:00:00.123Z
  CHECK(all[2].ended_at >= all[2].started_at);

  CHECK(history.list(std::string("sales"), 10).size() == 2);
  CHECK(history.list(std::string("sales"), 1).front().id == b);
  CHECK(history.list(std::string("nope"), 10).empty());
  CHECK_THROWS_WITH(history.complete(999, "ok", 0, 0, 0, std::nullopt, ""),
                    "run history has no run with id 999 to complete");
}

TEST_CASE("history: last scheduled slot is the latest scheduled_for of the pipeline") {
  TempDir dir;
  RunHistory history(dir.path());
  CHECK_FALSE(history.last_scheduled_slot("sales"));
  history.begin("sales", "schedule", parse_iso_instant("2024-03-04T06:00:00Z"));
  history.begin("sales", "schedule", parse_iso_instant("2024-03-02T06:00:00Z"));
  history.begin("sales", "manual", std::nullopt);
  history.begin("other", "schedule", parse_iso_instant("2025-01-01T00:00:00Z"));
  REQUIRE(history.last_scheduled_slot("sales"));
  CHECK(format_utc(*history.last_scheduled_slot("sales")) == "2024-03-04T06:00:00Z");
}

TEST_CASE("history: a finished run records its first failed node's error once") {
  TempDir dir;
  RunHistory history(dir.path());
  RunReport report;
  report.pipeline = "sales";
  report.status = "failed";
  report.nodes.push_back(NodeReport{"extract", "sluice.csv_read", "ran", "", 1, std::nullopt, std::nullopt});
  report.nodes.push_back(NodeReport{"top", "sluice.sql", "failed", "", 1,
                                    std::string("node 'top' (sluice.sql) failed: SQL error: no such column: nme"),
                                    std::nullopt});
  report.nodes.push_back(NodeReport{"later", "sluice.sql", "failed", "", 1, std::nullopt, std::nullopt});
  history.finish(history.begin("sales", "manual", std::nullopt), report);
  const auto runs = history.list(std::nullopt, 10);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].error == std::optional<std::string>("node 'top' (sluice.sql) failed: SQL error: no such column: nme"));
  CHECK(runs[0].nodes_failed == 2);

  report.nodes.erase(report.nodes.begin() + 1);  // a failed node without an error text is still named
  CHECK(report.first_failure() == std::optional<std::string>("node 'later' failed"));
  report.nodes.pop_back();
  CHECK_FALSE(report.first_failure());
}

TEST_CASE("history: a run whose process died is marked interrupted") {
  TempDir dir;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    RunHistory history(dir.path());
    history.begin("sales", "schedule", parse_iso_instant("2024-03-04T06:00:00Z"));
    ::_exit(0);  // exits without finishing the run
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  const auto runs = RunHistory(dir.path()).list(std::nullopt, 10);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "interrupted");
  CHECK(runs[0].error ==
        std::optional<std::string>("process " + std::to_string(child) +
                                   " ended without recording a result (killed or crashed)"));
}

TEST_CASE("history: concurrent writers from several connections") {
  TempDir dir;
  RunHistory(dir.path());  // create the schema first
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&] {
      RunHistory history(dir.path());
      for (int i = 0; i < 25; ++i) history.complete(history.begin("p", "manual", std::nullopt), "ok", 1, 0, 0, std::nullopt, "");
    });
  for (auto& t : writers) t.join();
  const auto runs = RunHistory(dir.path()).list(std::string("p"), 1000);
  CHECK(runs.size() == 100);
  for (const auto& r : runs) CHECK(r.status == "ok");
}

TEST_CASE("history: each pipeline keeps its newest SLUICE_RUNS_KEEP runs") {
  TempDir dir;
  sluice::test::ScopedEnv keep("SLUICE_RUNS_KEEP", "3");
  RunHistory history(dir.path());
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(history.begin("sales", "manual", std::nullopt));
  const auto other = history.begin("other", "manual", std::nullopt);
  const auto kept = history.list(std::string("sales"), 10);
  REQUIRE(kept.size() == 3);
  CHECK(kept[0].id == ids[4]);
  CHECK(kept[2].id == ids[2]);
  CHECK(history.list(std::string("other"), 10).front().id == other);
}

TEST_CASE("history: a bad SLUICE_RUNS_KEEP is refused with the value") {
  TempDir dir;
  sluice::test::ScopedEnv keep("SLUICE_RUNS_KEEP", "lots");
  CHECK_THROWS_WITH(RunHistory(dir.path()), "SLUICE_RUNS_KEEP must be a positive number of runs, got 'lots'");
  CHECK_THROWS_AS(RunHistory(dir.path()), UsageError);  // exit 2: a usage problem, not a failed run
}
