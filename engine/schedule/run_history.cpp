#include "schedule/run_history.hpp"

#include "common/sqlite_tuning.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "common/errors.hpp"
#include "common/log.hpp"
#include "schedule/run_lock.hpp"
#include "schedule/clock.hpp"

namespace sluice::engine {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

std::string this_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

// A killed process stays a zombie until its parent reaps it, but it runs no more.
bool zombie(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto name_end = text.rfind(')');  // "pid (name) state ...": the name may hold anything
  return name_end != std::string::npos && name_end + 2 < text.size() && text[name_end + 2] == 'Z';
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  return !zombie(pid);
}

std::optional<std::string> optional_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

// A run left "running" by a process of this host that no longer exists never wrote its end
// (SIGKILL, OOM kill, power loss). Another host's processes cannot be checked from here.
bool vanished(const std::string& row_host, long pid, const std::string& host) {
  return row_host == host && pid != ::getpid() && !process_alive(pid);
}

std::string vanished_error(long pid) {
  return "process " + std::to_string(pid) + " ended without recording a result (killed or crashed)";
}

// Another host's process cannot be checked from here, but its heartbeat can: silent for as long as
// makes another host's pipeline lock stale (24 missed beats), the run is taken to be gone. Only
// shown, never recorded: its own host records it, or the run itself if it is alive after all.
bool silent_elsewhere(const std::string& row_host, const std::string& heartbeat, const std::string& host) {
  if (row_host == host || heartbeat.empty()) return false;
  try {
    return process_clock().now() - parse_iso_instant(heartbeat) > PipelineLock::kStaleAfter;
  } catch (const std::invalid_argument&) {
    return false;  // not a time this history wrote: no judgement
  }
}

std::string silent_error(const std::string& row_host, long pid) {
  return "no heartbeat from process " + std::to_string(pid) + " on host " + row_host + " for over " +
         std::to_string(PipelineLock::kStaleAfter.count()) +
         " s: presumed ended without recording a result (only that host can tell for sure)";
}

bool has_table(SQLite::Database& db, const std::string& table) {
  SQLite::Statement query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  query.bind(1, table);
  return query.executeStep();
}

bool has_column(SQLite::Database& db, const std::string& table, const std::string& column) {
  SQLite::Statement query(db, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
  query.bind(1, table);
  query.bind(2, column);
  return query.executeStep();
}

}  // namespace

namespace {
// Runs kept per pipeline: $SLUICE_RUNS_KEEP, default 1,000 (19 years of a weekly schedule, 41 days of
// an hourly one); a 1,000-node run's report is about 100 KB, so the file stays bounded.
std::int64_t runs_to_keep() {
  const char* env = std::getenv("SLUICE_RUNS_KEEP");
  if (env == nullptr || *env == '\0') return 1000;
  char* end = nullptr;
  const long long n = std::strtoll(env, &end, 10);
  if (*end != '\0' || n < 1)
    throw UsageError(std::string("SLUICE_RUNS_KEEP must be a positive number of runs, got '") + env + "'");
  return n;
}
// A runs.db from before heartbeats gets the column; its rows have none (an interrupted one then
// shows no end). Another process may be adding it at the same moment.
void add_heartbeat_column(SQLite::Database& db) {
  if (has_column(db, "runs", "heartbeat_at")) return;
  try {
    db.exec(R"(ALTER TABLE "runs" ADD COLUMN "heartbeat_at" TEXT NOT NULL DEFAULT '')");
  } catch (const SQLite::Exception&) {
    if (!has_column(db, "runs", "heartbeat_at")) throw;
  }
}
}  // namespace

struct RunHistory::Impl {
  Impl(const std::filesystem::path& file, int flags) : db(file, flags, kBusyTimeoutMs) {}
  SQLite::Database db;
  std::string host = this_host();
  std::int64_t keep = runs_to_keep();
  bool read_only = false;
  bool has_runs = true;       // false only in a runs.db opened read-only while its first writer creates it
  bool has_heartbeat = true;  // false only in a runs.db from before heartbeats, opened read-only
};

std::filesystem::path RunHistory::db_path(const std::filesystem::path& cache_dir) { return cache_dir / "runs.db"; }

RunHistory::RunHistory(const std::filesystem::path& cache_dir, Access access) {
  if (access == Access::ReadOnly) {
    try {
      impl_ = std::make_unique<Impl>(db_path(cache_dir), SQLite::OPEN_READONLY);
      impl_->read_only = true;
      impl_->has_runs = has_table(impl_->db, "runs");
      impl_->has_heartbeat = has_column(impl_->db, "runs", "heartbeat_at");
    } catch (const SQLite::Exception& e) {
      throw std::runtime_error("cannot read run history " + db_path(cache_dir).string() + ": " + e.what());
    }
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (ec)
    throw std::runtime_error("cannot create cache directory " + cache_dir.string() + " for the run history: " +
                             ec.message());
  try {
    impl_ = std::make_unique<Impl>(db_path(cache_dir), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto& db = impl_->db;
    tune_engine_database(db);
    db.exec(R"sql(
      CREATE TABLE IF NOT EXISTS "runs" (
        "id" INTEGER PRIMARY KEY AUTOINCREMENT,
        "pipeline" TEXT NOT NULL,
        "trigger" TEXT NOT NULL,
        "scheduled_for" TEXT,
        "started_at" TEXT NOT NULL,
        "ended_at" TEXT NOT NULL DEFAULT '',
        "status" TEXT NOT NULL,
        "nodes_ran" INTEGER NOT NULL DEFAULT 0,
        "nodes_cached" INTEGER NOT NULL DEFAULT 0,
        "nodes_failed" INTEGER NOT NULL DEFAULT 0,
        "error" TEXT,
        "report_json" TEXT NOT NULL DEFAULT '',
        "host" TEXT NOT NULL DEFAULT '',
        "pid" INTEGER NOT NULL DEFAULT 0,
        "heartbeat_at" TEXT NOT NULL DEFAULT '');
      CREATE INDEX IF NOT EXISTS "runs_by_pipeline" ON "runs" ("pipeline", "id");
      CREATE INDEX IF NOT EXISTS "runs_by_slot" ON "runs" ("pipeline", "scheduled_for");
    )sql");

    add_heartbeat_column(db);
    mark_vanished_runs();
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open run history " + db_path(cache_dir).string() + ": " + e.what() +
                             "; check that the cache directory is writable");
  }
}

RunHistory::~RunHistory() {
  if (impl_ && !impl_->read_only) checkpoint_if_large(impl_->db);
}

void RunHistory::mark_vanished_runs() {
  auto& db = impl_->db;
  SQLite::Statement running(db, R"(SELECT "id", "pid" FROM "runs" WHERE "status" = 'running' AND "host" = ?)");
  running.bind(1, impl_->host);
  std::vector<std::pair<std::int64_t, long>> gone;
  while (running.executeStep()) {
    const long pid = static_cast<long>(running.getColumn(1).getInt64());
    if (vanished(impl_->host, pid, impl_->host)) gone.emplace_back(running.getColumn(0).getInt64(), pid);
  }
  // Ended at its last heartbeat, as list() shows it before this write: the same end whenever it is noticed.
  SQLite::Statement mark(db, R"(UPDATE "runs" SET "status" = 'interrupted', "ended_at" = "heartbeat_at", "error" = ?
      WHERE "id" = ? AND "status" = 'running')");
  for (const auto& run : gone) {
    mark.bind(1, vanished_error(run.second));
    mark.bind(2, run.first);
    mark.exec();
    mark.reset();
  }
}
RunHistory::RunHistory(RunHistory&&) noexcept = default;
RunHistory& RunHistory::operator=(RunHistory&&) noexcept = default;

std::int64_t RunHistory::begin(const std::string& pipeline, const std::string& trigger,
                               std::optional<std::chrono::system_clock::time_point> scheduled_for) {
  SQLite::Statement insert(impl_->db, R"(INSERT INTO "runs" ("pipeline", "trigger", "scheduled_for", "started_at",
      "status", "host", "pid", "heartbeat_at") VALUES (?, ?, ?, ?4, 'running', ?, ?, ?4))");
  insert.bind(1, pipeline);
  insert.bind(2, trigger);
  if (scheduled_for) insert.bind(3, format_utc(*scheduled_for));
  else insert.bind(3);
  insert.bind(4, format_utc_ms(process_clock().now()));
  insert.bind(5, impl_->host);
  insert.bind(6, static_cast<std::int64_t>(::getpid()));
  insert.exec();
  const std::int64_t id = impl_->db.getLastInsertRowid();
  // Retention: the pipeline's newest `keep` runs stay (the newest scheduled slot among them).
  SQLite::Statement prune(impl_->db, R"(DELETE FROM "runs" WHERE "pipeline" = ?1 AND "id" <= (
      SELECT "id" FROM "runs" WHERE "pipeline" = ?1 ORDER BY "id" DESC LIMIT 1 OFFSET ?2))");
  prune.bind(1, pipeline);
  prune.bind(2, impl_->keep);
  prune.exec();
  return id;
}

void RunHistory::fail(std::int64_t id, const std::string& error) { complete(id, "failed", 0, 0, 0, error, ""); }

void RunHistory::complete(std::int64_t id, const std::string& status, std::int64_t ran, std::int64_t cached,
                          std::int64_t failed, const std::optional<std::string>& error,
                          const std::string& report_json) {
  SQLite::Statement update(impl_->db, R"(UPDATE "runs" SET "ended_at" = ?, "status" = ?, "nodes_ran" = ?,
      "nodes_cached" = ?, "nodes_failed" = ?, "error" = ?, "report_json" = ? WHERE "id" = ?)");
  update.bind(1, format_utc_ms(process_clock().now()));
  update.bind(2, status);
  update.bind(3, ran);
  update.bind(4, cached);
  update.bind(5, failed);
  if (error) update.bind(6, *error);
  else update.bind(6);
  update.bind(7, report_json);
  update.bind(8, id);
  if (update.exec() != 1)
    throw std::runtime_error("run history has no run with id " + std::to_string(id) + " to complete");
}

std::vector<RunRecord> RunHistory::list(const std::optional<std::string>& pipeline, std::size_t limit) const {
  if (!impl_->has_runs) return {};  // nothing recorded yet
  const std::string where = pipeline ? R"(WHERE "pipeline" = ?)" : "";
  const std::string heartbeat = impl_->has_heartbeat ? R"("heartbeat_at")" : "''";
  SQLite::Statement query(impl_->db, R"(SELECT "id", "pipeline", "trigger", "scheduled_for", "started_at",
      "ended_at", "status", "nodes_ran", "nodes_cached", "nodes_failed", "error", "report_json", "host", "pid", )" +
                                         heartbeat + R"( FROM "runs" )" + where + R"( ORDER BY "id" DESC LIMIT ?)");
  int index = 1;
  if (pipeline) query.bind(index++, *pipeline);
  query.bind(index, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<RunRecord> records;
  while (query.executeStep()) {
    RunRecord r;
    r.id = query.getColumn(0).getInt64();
    r.pipeline = query.getColumn(1).getString();
    r.trigger = query.getColumn(2).getString();
    r.scheduled_for = optional_text(query.getColumn(3));
    r.started_at = query.getColumn(4).getString();
    r.ended_at = query.getColumn(5).getString();
    r.status = query.getColumn(6).getString();
    r.nodes_ran = query.getColumn(7).getInt64();
    r.nodes_cached = query.getColumn(8).getInt64();
    r.nodes_failed = query.getColumn(9).getInt64();
    r.error = optional_text(query.getColumn(10));
    r.report_json = query.getColumn(11).getString();
    const long pid = static_cast<long>(query.getColumn(13).getInt64());
    // What mark_vanished_runs() records, shown without writing it (a read-only history cannot).
    const std::string host = query.getColumn(12).getString();
    const std::string heartbeat = query.getColumn(14).getString();
    if (r.status == "running" && vanished(host, pid, impl_->host)) {
      r.status = "interrupted";
      r.ended_at = heartbeat;
      r.error = vanished_error(pid);
    } else if (r.status == "running" && silent_elsewhere(host, heartbeat, impl_->host)) {
      r.status = "interrupted";
      r.ended_at = heartbeat;
      r.error = silent_error(host, pid);
    }
    records.push_back(std::move(r));
  }
  return records;
}

std::optional<std::chrono::system_clock::time_point> RunHistory::last_scheduled_slot(
    const std::string& pipeline) const {
  if (!impl_->has_runs) return std::nullopt;
  // One timestamp format (format_utc) is stored, so text order is time order.
  SQLite::Statement query(impl_->db,
                          R"(SELECT MAX("scheduled_for") FROM "runs" WHERE "pipeline" = ? AND "scheduled_for" IS NOT NULL)");
  query.bind(1, pipeline);
  if (!query.executeStep() || query.getColumn(0).isNull()) return std::nullopt;
  return parse_iso_instant(query.getColumn(0).getString());
}

namespace {
// Writes one run's heartbeat on a connection of its own, opened at the first beat: a run shorter
// than one interval opens none. A failed beat is skipped: without it an interrupted run only shows
// an earlier end, and the run itself goes on.
class HeartbeatWriter {
 public:
  HeartbeatWriter(std::filesystem::path file, std::int64_t id) : file_(std::move(file)), id_(id) {}
  void beat() noexcept {
    try {
      if (!statement_) open();
      statement_->bind(1, format_utc_ms(process_clock().now()));
      statement_->bind(2, id_);
      statement_->exec();
    } catch (const std::exception& e) {
      log::debug(std::string("run history heartbeat skipped: ") + e.what());
    }
    if (statement_) (void)statement_->tryReset();  // ready for the next beat, after a failed one too
  }

 private:
  void open() {
    db_.emplace(file_, SQLite::OPEN_READWRITE);
    tune_engine_database(*db_);
    db_->setBusyTimeout(1000);  // a beat that would wait longer is better skipped
    statement_.emplace(*db_, R"(UPDATE "runs" SET "heartbeat_at" = ? WHERE "id" = ? AND "status" = 'running')");
  }
  std::filesystem::path file_;
  std::int64_t id_;
  std::optional<SQLite::Database> db_;
  std::optional<SQLite::Statement> statement_;  // after db_: destroyed first
};
}  // namespace

RunHeartbeat::RunHeartbeat(const std::filesystem::path& cache_dir, std::int64_t id, std::chrono::milliseconds every)
    : thread_([this, db = RunHistory::db_path(cache_dir), id, every] { beat_until_stopped(db, id, every); }) {}

RunHeartbeat::~RunHeartbeat() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RunHeartbeat::beat_until_stopped(const std::filesystem::path& file, std::int64_t id,
                                      std::chrono::milliseconds every) {
  HeartbeatWriter writer(file, id);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every, [this] { return stopping_; })) writer.beat();
}

}  // namespace sluice::engine
