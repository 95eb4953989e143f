// The scheduler loop with a fake runner and a simulated clock: --once, catch-up,
// the daemon loop, retries with backoff, max_runtime, overlap (lock busy) and stop.
#include <doctest/doctest.h>

#include <thread>

#include "schedule/run_history.hpp"
#include "schedule/run_lock.hpp"
#include "schedule/scheduler.hpp"
#include "../../support/process.hpp"

using namespace sluice::engine;
using sluice::test::TempDir;

namespace {
struct FakeRunner {
  std::filesystem::path cache_dir;
  std::vector<std::string> slots;  // scheduled_for of each call, in order
  int fail_first = 0;              // fail this many calls, then succeed
  bool wait_for_cancel = false;
  bool saw_cancel = false;
  bool lock_busy = false;

  RunReport operator()(const RunOptions& o) {
    slots.push_back(format_utc(*o.scheduled_for));
    if (lock_busy) throw LockBusyError("pipeline 'p' is already running: held by pid 1 on host h since x");
    RunHistory history(cache_dir);  // as run_pipeline does
    const auto id = history.begin("p", o.trigger, o.scheduled_for);
    if (o.history_row) *o.history_row = id;
    RunReport report;
    report.pipeline = "p";
    report.status = "ok";
    if (wait_for_cancel) {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!o.cancel->load() && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      saw_cancel = o.cancel->load();
      report.status = "failed";
    }
    if (static_cast<int>(slots.size()) <= fail_first) {
      report.status = "failed";
      report.nodes.push_back(NodeReport{"square", "sluice.square", "failed", "", 0, std::string("boom"), std::nullopt});
    }
    history.complete(id, report.status, 0, 0, 0, std::nullopt, "");
    return report;
  }
};

struct Fixture {
  TempDir dir;
  Clock clock;
  std::atomic<bool> stop{false};
  FakeRunner runner;

  explicit Fixture(const std::string& schedule, const char* now) {
    sluice::test::write_file(dir / "p.toml", "[pipeline]\nname = \"p\"\n[pipeline.schedule]\n" + schedule);
    clock.set_simulated_start(parse_iso_instant(now));
    runner.cache_dir = dir / "cache";
  }
  int run(bool once, std::optional<std::size_t> iterations = std::nullopt) {
    SchedulerOptions options;
    options.pipeline_files = {dir / "p.toml"};
    options.cache_dir = dir / "cache";
    options.once = once;
    options.max_iterations = iterations;
    Scheduler scheduler(options, [this](const RunOptions& o) { return runner(o); },
                        [](const RunOptions& o) { return *o.cache_dir; }, clock, stop);
    return scheduler.run();
  }
  void seed_last_slot(const char* slot) {
    RunHistory history(dir / "cache");
    history.complete(history.begin("p", "schedule", parse_iso_instant(slot)), "ok", 0, 0, 0, std::nullopt, "");
  }
};
using V = std::vector<std::string>;
}  // namespace

TEST_CASE("scheduler --once: runs the slot due now, and nothing on a second call") {
  Fixture f("cron = \"0 6 * * *\"\n", "2024-03-04T06:00:30Z");
  CHECK(f.run(true) == 0);
  CHECK(f.runner.slots == V{"2024-03-04T06:00:00Z"});
  CHECK(f.run(true) == 0);
  CHECK(f.runner.slots.size() == 1);
}

TEST_CASE("scheduler --once after downtime: catch-up off runs the latest slot, on runs all") {
  Fixture off("cron = \"0 6 * * *\"\n", "2024-03-04T07:00:00Z");
  off.seed_last_slot("2024-03-01T06:00:00Z");
  CHECK(off.run(true) == 0);
  CHECK(off.runner.slots == V{"2024-03-04T06:00:00Z"});

  Fixture on("cron = \"0 6 * * *\"\ncatchup = true\n", "2024-03-04T07:00:00Z");
  on.seed_last_slot("2024-03-01T06:00:00Z");
  CHECK(on.run(true) == 0);
  CHECK(on.runner.slots == V{"2024-03-02T06:00:00Z", "2024-03-03T06:00:00Z", "2024-03-04T06:00:00Z"});
  // Each run recorded its slot.
  CHECK(format_utc(*RunHistory(on.dir / "cache").last_scheduled_slot("p")) == "2024-03-04T06:00:00Z");
}

TEST_CASE("scheduler loop: simulated sleeps run successive slots without waiting") {
  Fixture f("cron = \"0 * * * *\"\ntimezone = \"Europe/Berlin\"\n", "2024-03-04T06:00:00Z");
  const auto start = std::chrono::steady_clock::now();
  CHECK(f.run(false, 3) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(f.runner.slots == V{"2024-03-04T06:00:00Z", "2024-03-04T07:00:00Z", "2024-03-04T08:00:00Z"});
}

TEST_CASE("scheduler: retries a failed run with backoff, then succeeds") {
  Fixture f("cron = \"0 6 * * *\"\nretries = 2\nretry_backoff = \"10m\"\n", "2024-03-04T06:00:00Z");
  f.runner.fail_first = 2;
  CHECK(f.run(true) == 0);
  CHECK(f.runner.slots == V{"2024-03-04T06:00:00Z", "2024-03-04T06:00:00Z", "2024-03-04T06:00:00Z"});
  // Backoff 10m then 20m, simulated.
  CHECK(f.clock.now() >= parse_iso_instant("2024-03-04T06:30:00Z"));
  CHECK(RunHistory(f.dir / "cache").list(std::nullopt, 10).size() == 3);
}

TEST_CASE("scheduler: gives up after its retries and --once exits 1") {
  Fixture f("cron = \"0 6 * * *\"\nretries = 1\n", "2024-03-04T06:00:00Z");
  f.runner.fail_first = 100;
  CHECK(f.run(true) == 1);
  CHECK(f.runner.slots.size() == 2);
}

TEST_CASE("scheduler: max_runtime cancels a run that takes too long") {
  Fixture f("cron = \"0 6 * * *\"\nmax_runtime = \"200ms\"\n", "2024-03-04T06:00:00Z");
  f.runner.wait_for_cancel = true;
  const auto start = std::chrono::steady_clock::now();
  CHECK(f.run(true) == 1);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(f.runner.saw_cancel);
  CHECK(took >= std::chrono::milliseconds(200));
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("scheduler: a busy lock skips the slot (no overlap, no retry) and records it") {
  Fixture f("cron = \"0 6 * * *\"\nretries = 3\n", "2024-03-04T06:00:00Z");
  f.runner.lock_busy = true;
  CHECK(f.run(true) == 1);
  CHECK(f.runner.slots.size() == 1);
  const auto runs = RunHistory(f.dir / "cache").list(std::nullopt, 10);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "skipped");
  CHECK(runs[0].scheduled_for == std::optional<std::string>("2024-03-04T06:00:00Z"));
  CHECK(runs[0].error->find("already running: held by pid 1") != std::string::npos);
}

TEST_CASE("scheduler: a stop request ends the loop and cancels the running pipeline") {
  Fixture f("cron = \"0 6 * * *\"\n", "2024-03-04T06:00:00Z");
  f.runner.wait_for_cancel = true;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    f.stop = true;
  });
  CHECK(f.run(false) == 0);
  stopper.join();
  CHECK(f.runner.saw_cancel);
  CHECK(f.runner.slots.size() == 1);
}

TEST_CASE("scheduler: an invalid schedule fails at start") {
  Fixture f("cron = \"0 25 * * *\"\n", "2024-03-04T06:00:00Z");
  CHECK_THROWS_WITH(f.run(true), doctest::Contains("p.toml:4:11: invalid cron hour field \"25\""));
}
