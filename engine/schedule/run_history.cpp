#include "schedule/run_history.hpp"

#include "common/sqlite_tuning.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/errors.hpp"
#include "schedule/clock.hpp"

namespace sluice::engine {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

std::string this_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

std::optional<std::string> optional_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
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
}  // namespace

struct RunHistory::Impl {
  explicit Impl(const std::filesystem::path& file)
      : db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs) {}
  SQLite::Database db;
  std::string host = this_host();
  std::int64_t keep = runs_to_keep();
};

std::filesystem::path RunHistory::db_path(const std::filesystem::path& cache_dir) { return cache_dir / "runs.db"; }

RunHistory::RunHistory(const std::filesystem::path& cache_dir) {
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (ec)
    throw std::runtime_error("cannot create cache directory " + cache_dir.string() + " for the run history: " +
                             ec.message());
  try {
    impl_ = std::make_unique<Impl>(db_path(cache_dir));
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
        "pid" INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS "runs_by_pipeline" ON "runs" ("pipeline", "id");
      CREATE INDEX IF NOT EXISTS "runs_by_slot" ON "runs" ("pipeline", "scheduled_for");
    )sql");

    // A run whose process vanished (SIGKILL, power loss) never wrote its end: mark it.
    SQLite::Statement running(db, R"(SELECT "id", "pid" FROM "runs" WHERE "status" = 'running' AND "host" = ?)");
    running.bind(1, impl_->host);
    std::vector<std::pair<std::int64_t, long>> vanished;
    while (running.executeStep()) {
      const long pid = static_cast<long>(running.getColumn(1).getInt64());
      if (pid != ::getpid() && !process_alive(pid)) vanished.emplace_back(running.getColumn(0).getInt64(), pid);
    }
    for (const auto& [id, pid] : vanished)
      complete(id, "interrupted", 0, 0, 0,
               "process " + std::to_string(pid) + " ended without recording a result (killed or crashed)", "");
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open run history " + db_path(cache_dir).string() + ": " + e.what() +
                             "; check that the cache directory is writable");
  }
}

RunHistory::~RunHistory() {
  if (impl_) checkpoint_if_large(impl_->db);
}
RunHistory::RunHistory(RunHistory&&) noexcept = default;
RunHistory& RunHistory::operator=(RunHistory&&) noexcept = default;

std::int64_t RunHistory::begin(const std::string& pipeline, const std::string& trigger,
                               std::optional<std::chrono::system_clock::time_point> scheduled_for) {
  SQLite::Statement insert(impl_->db, R"(INSERT INTO "runs" ("pipeline", "trigger", "scheduled_for", "started_at",
      "status", "host", "pid") VALUES (?, ?, ?, ?, 'running', ?, ?))");
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
  const std::string where = pipeline ? R"(WHERE "pipeline" = ?)" : "";
  SQLite::Statement query(impl_->db, R"(SELECT "id", "pipeline", "trigger", "scheduled_for", "started_at",
      "ended_at", "status", "nodes_ran", "nodes_cached", "nodes_failed", "error", "report_json" FROM "runs" )" +
                                         where + R"( ORDER BY "id" DESC LIMIT ?)");
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
    records.push_back(std::move(r));
  }
  return records;
}

std::optional<std::chrono::system_clock::time_point> RunHistory::last_scheduled_slot(
    const std::string& pipeline) const {
  // One timestamp format (format_utc) is stored, so text order is time order.
  SQLite::Statement query(impl_->db,
                          R"(SELECT MAX("scheduled_for") FROM "runs" WHERE "pipeline" = ? AND "scheduled_for" IS NOT NULL)");
  query.bind(1, pipeline);
  if (!query.executeStep() || query.getColumn(0).isNull()) return std::nullopt;
  return parse_iso_instant(query.getColumn(0).getString());
}

}  // namespace sluice::engine
