#pragma once
// RAII over the sqlite3 C API with error messages that name the database file.
// The stages use the C API directly (not SQLiteCpp) because the row loops bind
// and read millions of cells and every call in them counts.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <sluice/params.hpp>

namespace sluice::sqlite {

// ReadWrite opens an existing file only (a missing one is an error, not an empty new database).
enum class OpenMode { ReadOnly, ReadWrite, ReadWriteCreate };

class Statement;
class ReusedStatement;

class Connection {
 public:
  // Throws sluice::Error naming the file; `busy_timeout_ms` is how long a locked database is waited for.
  Connection(const std::filesystem::path& path, OpenMode mode, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* raw() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  int busy_timeout_ms() const { return busy_timeout_ms_; }
  // How long a locked database is waited for from now on (0: not at all).
  void set_busy_timeout(int ms);

  // Runs one or more statements without results; `context` says what it was for.
  void exec(const std::string& sql, std::string_view context);
  // Throws sluice::Error for the connection's last error: a locked database gets
  // its own message (how long we waited, how to fix it).
  [[noreturn]] void fail(std::string_view context, int rc) const;

  // A statement prepared on its first use and kept for the connection's life, for the lookups that
  // verify() repeats once per partition. The handle resets it and clears its bindings when it goes
  // away, so no read transaction outlives the caller.
  ReusedStatement reuse(const std::string& sql, std::string_view context);

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
  std::filesystem::path path_;
  int busy_timeout_ms_ = 0;
  std::chrono::steady_clock::time_point wait_started_;  // of the current wait for a lock

  static int on_busy(void* connection, int attempt);
};

class Statement {
 public:
  // Throws sluice::Error quoting SQLite's message and the SQL.
  Statement(Connection& db, const std::string& sql, std::string_view context);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* raw() const { return stmt_; }
  // True when a row is ready; false when done. Throws with `context` otherwise.
  bool step();
  // For inserts/updates: steps to completion and resets for the next use.
  void run();
  void reset() { sqlite3_reset(stmt_); }

  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void bind_int(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_double(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  // The bytes must stay alive until the statement is stepped (no copy).
  void bind_text_static(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind_text_copy(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Binds a parameter value (null, bool as 0/1, int, double, text).
  void bind_scalar(int i, const Scalar& v);

  std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string column_text(int i) const;
  bool column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  const std::string& sql() const { return sql_; }

 private:
  Connection& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  std::string context_;
};

// A reused statement, reset when the handle goes away (see Connection::reuse).
class ReusedStatement {
 public:
  explicit ReusedStatement(Statement& st) : st_(&st) {}
  ReusedStatement(const ReusedStatement&) = delete;
  ReusedStatement& operator=(const ReusedStatement&) = delete;
  ~ReusedStatement() {
    st_->reset();
    sqlite3_clear_bindings(st_->raw());
  }
  Statement& operator*() const { return *st_; }
  Statement* operator->() const { return st_; }

 private:
  Statement* st_;
};

// A single integer from a query (0 when it yields NULL or no row).
std::int64_t query_int(Connection& db, const std::string& sql, std::string_view context);

}  // namespace sluice::sqlite
