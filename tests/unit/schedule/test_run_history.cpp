// Run history: begin/complete/list, last scheduled slot, interrupted runs, concurrent writers.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

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

namespace {
std::string stored(const std::filesystem::path& dir, const std::string& column) {
  SQLite::Database db((dir / "runs.db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT \"" + column + "\" FROM \"runs\"").getString();
}
std::string stored_status(const std::filesystem::path& dir) { return stored(dir, "status"); }

// Waits (up to 10 s, for slow sanitizer builds) until the only run's heartbeat has moved past its start.
bool wait_for_heartbeat(const std::filesystem::path& dir) {
  for (int i = 0; i < 1000; ++i) {
    if (stored(dir, "heartbeat_at") > stored(dir, "started_at")) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}
}  // namespace

TEST_CASE("history: a dead run reads as interrupted at its last heartbeat, and a listing writes nothing") {
  TempDir dir;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    RunHistory history(dir.path());
    const RunHeartbeat heartbeat(dir.path(), history.begin("sales", "manual", std::nullopt), std::chrono::milliseconds(20));
    ::_exit(wait_for_heartbeat(dir.path()) ? 0 : 1);  // dies without finishing the run, as under SIGKILL
  }
  siginfo_t info{};
  REQUIRE(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);  // ended, not reaped
  const auto listed = [&] { return RunHistory(dir.path(), RunHistory::Access::ReadOnly).list(std::nullopt, 10); };
  const auto runs = listed();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "interrupted");
  CHECK(runs[0].error == std::optional<std::string>("process " + std::to_string(child) +
                                                    " ended without recording a result (killed or crashed)"));
  CHECK(runs[0].ended_at > runs[0].started_at);  // its last heartbeat, not its start
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(listed()[0].ended_at == runs[0].ended_at);  // the same end however late one looks
  CHECK(stored_status(dir.path()) == "running");    // read-only: nothing was written
  int status = 0;
  ::waitpid(child, &status, 0);  // a zombie until here: gone all the same
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // it had written a heartbeat

  // The next writer records what the listing showed.
  const auto recorded = RunHistory(dir.path()).list(std::nullopt, 10);
  CHECK(stored_status(dir.path()) == "interrupted");
  CHECK(recorded[0].ended_at == runs[0].ended_at);
  CHECK(recorded[0].error == runs[0].error);
}

TEST_CASE("history: another host's run whose heartbeat stopped over 120 s ago reads as interrupted, and is not rewritten") {
  TempDir dir;
  RunHistory(dir.path()).begin("sales", "manual", std::nullopt);  // creates the history (this host's run, alive)
  const auto now = process_clock().now();
  {
    SQLite::Database db((dir.path() / "runs.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Statement insert(db, R"(INSERT INTO "runs" ("pipeline", "trigger", "started_at", "status", "host", "pid",
        "heartbeat_at") VALUES ('sales', 'schedule', ?, 'running', ?, ?, ?))");
    const auto add = [&](const std::string& host, int pid, std::chrono::seconds silent_for) {
      insert.bind(1, format_utc_ms(now - std::chrono::hours(1)));
      insert.bind(2, host);
      insert.bind(3, pid);
      insert.bind(4, format_utc_ms(now - silent_for));
      insert.exec();
      insert.reset();
    };
    add("build-2", 41873, std::chrono::seconds(600));  // silent for 10 minutes
    add("build-3", 52984, std::chrono::seconds(30));   // a few beats late: still running
  }
  const auto runs = RunHistory(dir.path()).list(std::nullopt, 10);  // a writer, too
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].status == "running");
  CHECK(runs[1].status == "interrupted");
  CHECK(runs[1].ended_at == format_utc_ms(now - std::chrono::seconds(600)));
  CHECK(runs[1].error == std::optional<std::string>("no heartbeat from process 41873 on host build-2 for over 120 s: presumed "
                                                    "ended without recording a result (only that host can tell for sure)"));
  CHECK(runs[2].status == "running");
  SQLite::Database db((dir.path() / "runs.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet(R"(SELECT COUNT(*) FROM "runs" WHERE "status" = 'running')").getInt() == 3);  // only shown
}

TEST_CASE("history: the heartbeat moves while the run lives and a finished run keeps its end") {
  TempDir dir;
  RunHistory history(dir.path());
  const auto id = history.begin("sales", "manual", std::nullopt);
  CHECK(stored(dir.path(), "heartbeat_at") == stored(dir.path(), "started_at"));
  {
    const RunHeartbeat heartbeat(dir.path(), id, std::chrono::milliseconds(10));
    CHECK(wait_for_heartbeat(dir.path()));
    CHECK(history.list(std::nullopt, 1)[0].status == "running");  // alive: not derived as interrupted
  }
  history.complete(id, "ok", 1, 0, 0, std::nullopt, "");
  const std::string ended = history.list(std::nullopt, 1)[0].ended_at;
  {
    const RunHeartbeat late(dir.path(), id, std::chrono::milliseconds(10));  // touches running rows only
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(history.list(std::nullopt, 1)[0].ended_at == ended);
}

TEST_CASE("history: a runs.db from before heartbeats is read as it is and upgraded by a writer") {
  TempDir dir;
  {
    SQLite::Database db((dir / "runs.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(R"(CREATE TABLE "runs" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "pipeline" TEXT NOT NULL,
        "trigger" TEXT NOT NULL, "scheduled_for" TEXT, "started_at" TEXT NOT NULL, "ended_at" TEXT NOT NULL DEFAULT '',
        "status" TEXT NOT NULL, "nodes_ran" INTEGER NOT NULL DEFAULT 0, "nodes_cached" INTEGER NOT NULL DEFAULT 0,
        "nodes_failed" INTEGER NOT NULL DEFAULT 0, "error" TEXT, "report_json" TEXT NOT NULL DEFAULT '',
        "host" TEXT NOT NULL DEFAULT '', "pid" INTEGER NOT NULL DEFAULT 0))");
    char host[256] = {};
    REQUIRE(::gethostname(host, sizeof host - 1) == 0);
    SQLite::Statement insert(db, R"(INSERT INTO "runs" ("pipeline", "trigger", "started_at", "status", "host", "pid")
        VALUES ('sales', 'manual', '2024-03-04T06:00:00.000Z', 'running', ?, 2147483646))");
    insert.bind(1, std::string(host));
    insert.exec();
  }
  const auto old = RunHistory(dir.path(), RunHistory::Access::ReadOnly).list(std::nullopt, 10);
  REQUIRE(old.size() == 1);
  CHECK(old[0].status == "interrupted");
  CHECK(old[0].ended_at.empty());  // no heartbeat to end at: the end is unknown
  RunHistory upgraded(dir.path());
  CHECK(upgraded.list(std::nullopt, 10)[0].status == "interrupted");
  CHECK(stored_status(dir.path()) == "interrupted");
  const auto id = upgraded.begin("sales", "manual", std::nullopt);
  CHECK(upgraded.list(std::nullopt, 1)[0].id == id);
}

TEST_CASE("history: read-only, a runs.db its first writer is still creating lists no runs") {
  TempDir dir;
  sluice::test::write_file(dir / "runs.db", "");  // created, no table yet
  const RunHistory history(dir.path(), RunHistory::Access::ReadOnly);
  CHECK(history.list(std::nullopt, 10).empty());
  CHECK_FALSE(history.last_scheduled_slot("sales"));
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
