#include "sqlite_connection.hpp"

#include "readahead_vfs.hpp"

#include <sluice/errors.hpp>

#include <thread>

namespace sluice::sqlite {

Connection::Connection(const std::filesystem::path& path, OpenMode mode, int busy_timeout_ms)
    : path_(path), busy_timeout_ms_(busy_timeout_ms) {
  // NOMUTEX: one connection serves one stage instance on one thread at a time.
  const int access = mode == OpenMode::ReadOnly    ? SQLITE_OPEN_READONLY
                     : mode == OpenMode::ReadWrite ? SQLITE_OPEN_READWRITE
                                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int flags = access | SQLITE_OPEN_NOMUTEX;
  // Read-only connections are the extracts, which read the most pages in file order.
  const char* vfs = mode == OpenMode::ReadOnly ? readahead_vfs_name() : nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error("cannot open SQLite database '" + path.string() + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  set_busy_timeout(busy_timeout_ms);
}

void Connection::set_busy_timeout(int ms) {
  busy_timeout_ms_ = ms;
  sqlite3_busy_handler(db_, ms > 0 ? &Connection::on_busy : nullptr, this);
}

// Retries a locked database after 0.25, 0.5, 1, then every 2 ms until the timeout. SQLite's own
// handler sleeps up to 100 ms at a time: loads queued for one warehouse's write lock (the
// partitions of several load nodes) slept 10-20 ms per wait, long after the commit they waited for.
int Connection::on_busy(void* connection, int attempt) {
  auto& self = *static_cast<Connection*>(connection);
  const auto now = std::chrono::steady_clock::now();
  if (attempt == 0) self.wait_started_ = now;
  if (now - self.wait_started_ >= std::chrono::milliseconds(self.busy_timeout_ms_)) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(attempt < 3 ? 250 << attempt : 2000));
  return 1;
}

Connection::~Connection() {
  statements_.clear();  // finalized before the close
  sqlite3_close_v2(db_);
}

ReusedStatement Connection::reuse(const std::string& sql, std::string_view context) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<Statement>(*this, sql, context)).first;
  return ReusedStatement(*it->second);
}

void Connection::fail(std::string_view context, int rc) const {
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    throw Error("SQLite database '" + path_.string() + "' is locked by another connection (waited " +
                std::to_string(busy_timeout_ms_) + " ms while " + std::string(context) +
                "); retry when the other writer has finished, or raise busy_timeout_ms");
  if (primary == SQLITE_NOTADB)
    throw Error("'" + path_.string() + "' is not a SQLite database (" + std::string(context) + ")");
  throw Error("SQLite error while " + std::string(context) + " on '" + path_.string() + "': " + sqlite3_errmsg(db_));
}

void Connection::exec(const std::string& sql, std::string_view context) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(context, rc);
}

Statement::Statement(Connection& db, const std::string& sql, std::string_view context)
    : db_(db), sql_(sql), context_(context) {
  const int rc = sqlite3_prepare_v3(db.raw(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_NOTADB) db.fail(context, rc);
    throw Error("SQLite rejected the SQL for " + std::string(context) + " on '" + db.path().string() +
                "': " + sqlite3_errmsg(db.raw()) + "; SQL: " + sql);
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_.fail(context_, rc);
}

void Statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void Statement::bind_scalar(int i, const Scalar& v) {
  if (std::holds_alternative<std::monostate>(v)) bind_null(i);
  else if (const auto* b = std::get_if<bool>(&v)) bind_int(i, *b ? 1 : 0);
  else if (const auto* n = std::get_if<std::int64_t>(&v)) bind_int(i, *n);
  else if (const auto* d = std::get_if<double>(&v)) bind_double(i, *d);
  else bind_text_copy(i, std::get<std::string>(v));
}

std::string Statement::column_text(int i) const {
  const auto* text = sqlite3_column_text(stmt_, i);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

std::int64_t query_int(Connection& db, const std::string& sql, std::string_view context) {
  Statement st(db, sql, context);
  return st.step() ? st.column_int(0) : 0;
}

}  // namespace sluice::sqlite
