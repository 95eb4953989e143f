#pragma once
// Minimal RAII over the sqlite3 C API for the demo writer (the hot insert loop
// binds directly, without a wrapper's per-call overhead).
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace sluice::demo {

class DemoDb {
 public:
  DemoDb(const std::filesystem::path& path, int flags);
  ~DemoDb();
  DemoDb(const DemoDb&) = delete;
  DemoDb& operator=(const DemoDb&) = delete;

  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  void close();  // flushes and closes; throws on error (the destructor only closes)
  [[noreturn]] void fail(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

class DemoStatement {
 public:
  DemoStatement(DemoDb& db, const std::string& sql);
  ~DemoStatement();
  DemoStatement(const DemoStatement&) = delete;
  DemoStatement& operator=(const DemoStatement&) = delete;

  void bind(int index, std::int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
  void bind(int index, double v) { sqlite3_bind_double(stmt_, index, v); }
  // The text must outlive the step() call (bound without copying).
  void bind(int index, std::string_view v) {
    sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  // Runs an insert/update and resets for the next row.
  void step_done();
  // Steps a query; false when there are no more rows.
  bool step_row();
  std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string column_text(int i) const;

 private:
  DemoDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace sluice::demo
