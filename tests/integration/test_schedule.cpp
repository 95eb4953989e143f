// The scheduler through the real binary: --once with SLUICE_NOW, run history via
// `sluice runs --json`, overlap prevention between two processes, and SIGTERM
// during a run leaving the cache consistent.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "../support/process.hpp"

using sluice::test::TempDir;
using sluice::test::shell_quote;

namespace {

std::string pipeline_toml(const std::string& name, int rows, int sleep_ms, const std::string& extra = "") {
  return "[pipeline]\nname = \"" + name + "\"\n[pipeline.schedule]\ncron = \"0 6 * * *\"\ntimezone = \"Europe/Berlin\"\n" +
         extra + "\n[nodes.numbers]\nplugin = \"sluice.range\"\nparams = { stop = " + std::to_string(rows) +
         " }\n\n[nodes.squared]\nplugin = \"sluice.square\"\ninputs = [\"numbers\"]\nparams = { sleep_ms = " +
         std::to_string(sleep_ms) + " }\n";
}


// Waits until the pipeline's lock file names a holder (the run has started).
bool wait_for_lock(const std::filesystem::path& cache, const std::string& pipeline) {
  const auto file = cache / "locks" / (pipeline + ".lock");
  for (int i = 0; i < 300; ++i) {
    if (std::filesystem::exists(file) && std::filesystem::file_size(file) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

nlohmann::json runs_json(const std::filesystem::path& cache) {
  const auto r = sluice::test::sluice("runs --json --cache-dir " + shell_quote(cache.string()));
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

// `sluice schedule --once` of dir/p.toml with its cache in dir/cache, at the UTC instant `now`.
sluice::test::CommandResult schedule_once(const TempDir& dir, const std::string& now) {
  return sluice::test::run_command("SLUICE_NOW=" + now + " " + shell_quote(SLUICE_BIN) + " schedule --once --cache-dir " +
                                   shell_quote((dir / "cache").string()) + " " + shell_quote((dir / "p.toml").string()));
}

}  // namespace

TEST_CASE("schedule --once with SLUICE_NOW runs the due slot and records it") {
  TempDir dir;
  sluice::test::write_file(dir / "p.toml", pipeline_toml("squares", 5, 0));
  const std::string cache = shell_quote((dir / "cache").string());
  const std::string file = shell_quote((dir / "p.toml").string());

  // 06:00 Berlin on 2024-03-04 is 05:00 UTC.
  auto r = sluice::test::run_command("SLUICE_NOW=2024-03-04T05:00:20Z " + shell_quote(SLUICE_BIN) +
                                     " schedule --once --cache-dir " + cache + " " + file);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("squares: slot 2024-03-04T06:00:00+01:00 ok") != std::string::npos);
  // Nothing more is due at the same instant.
  r = sluice::test::run_command("SLUICE_NOW=2024-03-04T05:00:40Z " + shell_quote(SLUICE_BIN) +
                                " schedule --once --cache-dir " + cache + " " + file);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("starting") == std::string::npos);

  const auto runs = runs_json(dir / "cache");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["pipeline"] == "squares");
  CHECK(runs[0]["trigger"] == "schedule");
  CHECK(runs[0]["scheduled_for"] == "2024-03-04T05:00:00Z");
  CHECK(runs[0]["status"] == "ok");
  CHECK(runs[0]["nodes_ran"].get<int>() + runs[0]["nodes_cached"].get<int>() == 2);
  CHECK(runs[0]["report"]["status"] == "ok");

  // Three days of downtime with catch-up off: one run, for the latest slot.
  r = sluice::test::run_command("SLUICE_NOW=2024-03-07T12:00:00Z " + shell_quote(SLUICE_BIN) +
                                " schedule --once --cache-dir " + cache + " " + file);
  CHECK(r.exit_code == 0);
  const auto after = runs_json(dir / "cache");
  REQUIRE(after.size() == 2);
  CHECK(after[0]["scheduled_for"] == "2024-03-07T05:00:00Z");

  const auto table = sluice::test::sluice("runs --cache-dir " + cache);
  CHECK(table.out.rfind("ID  PIPELINE  TRIGGER   SCHEDULED FOR", 0) == 0);
}

TEST_CASE("schedule --next and --emit") {
  TempDir dir;
  sluice::test::write_file(dir / "p.toml", pipeline_toml("squares", 5, 0));
  auto r = sluice::test::sluice("schedule --next -n 2 --now 2024-03-30T12:00:00Z " + shell_quote((dir / "p.toml").string()));
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2024-03-31T06:00:00+02:00\n2024-04-01T06:00:00+02:00\n");
  r = sluice::test::sluice("schedule --emit systemd " + shell_quote((dir / "p.toml").string()));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("OnCalendar=*-*-* 06:00:00 Europe/Berlin\n") != std::string::npos);
  CHECK(r.out.find(" schedule --once ") != std::string::npos);
  r = sluice::test::sluice("schedule --emit cron " + shell_quote((dir / "p.toml").string()));
  CHECK(r.out.find("CRON_TZ=Europe/Berlin\n0 6 * * * cd ") != std::string::npos);
  sluice::test::write_file(dir / "bad.toml", "[pipeline]\nname = \"b\"\n[pipeline.schedule]\ncron = \"0 6 * * MON-FUN\"\n");
  r = sluice::test::sluice("schedule --once " + shell_quote((dir / "bad.toml").string()));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.toml:4:21: invalid cron day-of-week field \"FUN\"") != std::string::npos);
}

TEST_CASE("--emit writes a working directory systemd accepts and escapes % for cron") {
  TempDir dir;
  const auto odd = dir / "space 100%";
  std::filesystem::create_directories(odd);
  sluice::test::write_file(odd / "p.toml", pipeline_toml("squares", 5, 0));
  const std::string file = shell_quote((odd / "p.toml").string());
  auto r = sluice::test::sluice("schedule --emit systemd " + file);
  CHECK(r.exit_code == 0);
  // Unquoted (systemd takes the rest of the line) with its specifier escaped.
  CHECK(r.out.find("WorkingDirectory=" + dir.path().string() + "/space 100%%\n") != std::string::npos);
  r = sluice::test::sluice("schedule --emit cron " + file);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("space 100\\%") != std::string::npos);
  CHECK(r.out.find("100%") == std::string::npos);
}

TEST_CASE("a scheduled run that cannot start is recorded once, with its error, and not retried") {
  TempDir dir;
  sluice::test::write_file(dir / "p.toml", pipeline_toml("broken", 5, 0, "retries = 2\nretry_backoff = \"1s\"") +
                                               "[nodes.extra]\nplugin = \"sluice.rnge\"\n");
  auto r = schedule_once(dir, "2024-03-04T05:00:20Z");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("attempt 2") == std::string::npos);
  auto runs = runs_json(dir / "cache");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["status"] == "failed");
  CHECK(runs[0]["scheduled_for"] == "2024-03-04T05:00:00Z");
  CHECK(runs[0]["error"].get<std::string>().find("sluice.rnge") != std::string::npos);
  // The slot is handled: a later pass at the same instant runs nothing.
  r = schedule_once(dir, "2024-03-04T05:00:40Z");
  CHECK(r.err.find("starting") == std::string::npos);
  CHECK(runs_json(dir / "cache").size() == 1);
}

TEST_CASE("a run cancelled by max_runtime is recorded with why") {
  TempDir dir;
  sluice::test::write_file(dir / "p.toml", pipeline_toml("slow", 6, 400, "max_runtime = \"1s\""));
  const auto r = schedule_once(dir, "2024-03-04T05:00:20Z");
  CHECK(r.exit_code == 1);
  const auto runs = runs_json(dir / "cache");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["status"] == "failed");
  CHECK(runs[0]["error"] == "cancelled after exceeding max_runtime 1.00 s");
}

TEST_CASE("a max_runtime beyond the clock's range does not cancel the run at once") {
  TempDir dir;
  sluice::test::write_file(dir / "p.toml", pipeline_toml("patient", 2, 0, "max_runtime = \"1000000d\""));
  const auto r = schedule_once(dir, "2024-03-04T05:00:20Z");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(runs_json(dir / "cache")[0]["status"] == "ok");
}

TEST_CASE("overlap: a second process does not run while the first holds the lock") {
  TempDir dir;
  sluice::test::write_file(dir / "slow.toml", pipeline_toml("slow", 6, 250));
  const auto cache = dir / "cache";
  sluice::test::Background first(dir.path(), {"run", (dir / "slow.toml").string(), "--cache-dir", cache.string()});
  REQUIRE(wait_for_lock(cache, "slow"));

  const auto start = std::chrono::steady_clock::now();
  const auto second = sluice::test::run_command("SLUICE_NOW=2024-03-04T05:00:00Z " + shell_quote(SLUICE_BIN) +
                                                " schedule --once --cache-dir " + shell_quote(cache.string()) + " " +
                                                shell_quote((dir / "slow.toml").string()));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));  // fails fast
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("skipped: pipeline 'slow' is already running: held by pid " + std::to_string(first.pid)) !=
        std::string::npos);
  CHECK(first.wait() == 0);

  const auto runs = runs_json(cache);
  REQUIRE(runs.size() == 2);
  // Newest first by start: the skipped slot, then the manual run that held the lock.
  CHECK(runs[0]["status"] == "skipped");
  CHECK(runs[0]["trigger"] == "schedule");
  CHECK(runs[1]["status"] == "ok");
  CHECK(runs[1]["trigger"] == "manual");
}

TEST_CASE("SIGTERM during a scheduled run cancels it cleanly and leaves the cache usable") {
  TempDir dir;
  sluice::test::write_file(dir / "slow.toml", pipeline_toml("slow", 40, 100));
  const auto cache = dir / "cache";
  sluice::test::Background daemon(dir.path(), {"schedule", (dir / "slow.toml").string(), "--cache-dir", cache.string(),
                                              "--now", "2024-03-04T05:00:00Z"});
  REQUIRE(wait_for_lock(cache, "slow"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  ::kill(daemon.pid, SIGTERM);
  CHECK(daemon.wait() == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  const std::string log = sluice::test::slurp(daemon.err);
  CHECK(log.find("stop requested; exiting") != std::string::npos);

  auto runs = runs_json(cache);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["status"] == "failed");
  CHECK(runs[0]["scheduled_for"] == "2024-03-04T05:00:00Z");
  CHECK(std::filesystem::file_size(cache / "locks" / "slow.lock") == 0);  // released

  // The cache is consistent: a fresh run (quick this time) completes.
  sluice::test::write_file(dir / "slow.toml", pipeline_toml("slow", 40, 0));
  const auto rerun = sluice::test::sluice("run " + shell_quote((dir / "slow.toml").string()) + " --cache-dir " +
                                          shell_quote(cache.string()));
  CHECK(rerun.exit_code == 0);
  runs = runs_json(cache);
  CHECK(runs[0]["status"] == "ok");
}

TEST_CASE("sluice runs shows a SIGKILLed run as interrupted without writing, and the next run records it") {
  TempDir dir;
  sluice::test::write_file(dir / "slow.toml", pipeline_toml("slow", 40, 250));
  const auto cache = dir / "cache";
  sluice::test::Background killed(dir.path(), {"run", (dir / "slow.toml").string(), "--cache-dir", cache.string()});
  REQUIRE(wait_for_lock(cache, "slow"));
  for (int i = 0; i < 300 && runs_json(cache).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(killed.pid, SIGKILL);
  const pid_t pid = killed.pid;
  CHECK(killed.wait() == 128 + SIGKILL);
  const auto stored = [&] {
    SQLite::Database db((cache / "runs.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet(R"(SELECT "status" || ' ' || "ended_at" FROM "runs" WHERE "id" = 1)").getString();
  };

  auto runs = runs_json(cache);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["status"] == "interrupted");
  CHECK(runs[0]["error"] == "process " + std::to_string(pid) + " ended without recording a result (killed or crashed)");
  CHECK(runs[0]["ended_at"] == runs[0]["started_at"]);  // killed before its first heartbeat
  const auto table = sluice::test::sluice("runs --cache-dir " + shell_quote(cache.string()));
  CHECK(table.out.find(" >= 0 ms ") != std::string::npos);
  CHECK(table.out.find(" interrupted ") != std::string::npos);
  CHECK(stored() == "running ");  // listing wrote nothing
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(runs_json(cache)[0]["ended_at"] == runs[0]["ended_at"]);  // fixed, not growing

  // The next run takes over the stale lock and records the interrupted run as it was shown.
  sluice::test::write_file(dir / "slow.toml", pipeline_toml("slow", 40, 0));
  CHECK(sluice::test::sluice("run -q " + shell_quote((dir / "slow.toml").string()) + " --cache-dir " +
                             shell_quote(cache.string()))
            .exit_code == 0);
  CHECK(stored() == "interrupted " + runs[0]["ended_at"].get<std::string>());
  const auto after = runs_json(cache);
  REQUIRE(after.size() == 2);
  CHECK(after[0]["status"] == "ok");
  CHECK(after[1] == runs[0]);
}
