#pragma once
// Run history: one row per run (manual or scheduled) in the SQLite table `runs`
// in <cache_dir>/runs.db. WAL mode and a busy timeout make it safe for several
// processes (a daemon, a manual run, `sluice runs`) at once.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sluice::engine {

struct RunReport;

struct RunRecord {
  std::int64_t id = 0;
  std::string pipeline, trigger;
  std::optional<std::string> scheduled_for;  // ISO-8601 UTC, scheduled runs only
  // status: running | ok | failed | interrupted | skipped. An interrupted run ended at its last
  // heartbeat (RunHeartbeat): the run lasted at least until ended_at.
  std::string started_at, ended_at, status;
  std::int64_t nodes_ran = 0, nodes_cached = 0, nodes_failed = 0;
  std::optional<std::string> error;
  std::string report_json;  // `sluice run --json` shape; empty when the run produced no report
};

class RunHistory {
 public:
  enum class Access { ReadWrite, ReadOnly };

  // Opens (creating if needed) <cache_dir>/runs.db. Rows left "running" by a process
  // on this host that no longer exists are marked "interrupted", ended at their last heartbeat.
  // Each pipeline keeps its newest $SLUICE_RUNS_KEEP runs (default 1,000); begin() drops older ones.
  // ReadOnly (`sluice runs`) opens an existing runs.db without writing anything: list() shows such
  // rows as interrupted all the same, and only a writer records it.
  explicit RunHistory(const std::filesystem::path& cache_dir, Access access = Access::ReadWrite);
  ~RunHistory();
  RunHistory(RunHistory&&) noexcept;
  RunHistory& operator=(RunHistory&&) noexcept;

  // Records the start of a run (status "running") and returns its id.
  std::int64_t begin(const std::string& pipeline, const std::string& trigger,
                     std::optional<std::chrono::system_clock::time_point> scheduled_for);
  // Status ok/failed, counts from report.count("ran") etc., report.to_json().
  // `error` replaces the report's first failure (a run that was cancelled says why).
  void finish(std::int64_t id, const RunReport& report, const std::optional<std::string>& error = std::nullopt);
  // The run aborted before/without a report (bad pipeline, cancelled, crash): status "failed".
  void fail(std::int64_t id, const std::string& error);
  // A general form of finish/fail used by the above and by the scheduler (e.g. status "skipped").
  void complete(std::int64_t id, const std::string& status, std::int64_t ran, std::int64_t cached,
                std::int64_t failed, const std::optional<std::string>& error, const std::string& report_json);

  // Newest first; all pipelines when `pipeline` is empty.
  std::vector<RunRecord> list(const std::optional<std::string>& pipeline, std::size_t limit) const;
  // The latest scheduled_for recorded for `pipeline` (any status): the slot catch-up counts from.
  std::optional<std::chrono::system_clock::time_point> last_scheduled_slot(const std::string& pipeline) const;

  static std::filesystem::path db_path(const std::filesystem::path& cache_dir);

 private:
  void mark_vanished_runs();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// While it lives, refreshes the heartbeat of run `id` (begin()) every `every`, from a thread with a
// connection of its own: a run whose process dies without finishing (SIGKILL, OOM kill, power loss)
// then ends when it was last alive, not whenever its death happens to be noticed.
class RunHeartbeat {
 public:
  static constexpr std::chrono::seconds kEvery{5};
  RunHeartbeat(const std::filesystem::path& cache_dir, std::int64_t id,
               std::chrono::milliseconds every = kEvery);
  ~RunHeartbeat();
  RunHeartbeat(const RunHeartbeat&) = delete;
  RunHeartbeat& operator=(const RunHeartbeat&) = delete;

 private:
  void beat_until_stopped(const std::filesystem::path& db, std::int64_t id, std::chrono::milliseconds every);
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice::engine
