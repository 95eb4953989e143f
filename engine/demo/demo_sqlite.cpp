#include "demo/demo_sqlite.hpp"

#include "demo/demo_data.hpp"

namespace sluice::demo {

DemoDb::DemoDb(const std::filesystem::path& path, int flags) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw DemoDataError("cannot open '" + path.string() + "': " + message, false);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
}

DemoDb::~DemoDb() { sqlite3_close_v2(db_); }

void DemoDb::close() {
  if (db_ && sqlite3_close(db_) != SQLITE_OK) fail("closing the database");
  db_ = nullptr;
}

void DemoDb::fail(std::string_view what) const {
  throw DemoDataError(std::string(what) + " failed on '" + path_.string() + "': " + sqlite3_errmsg(db_), false);
}

void DemoDb::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw DemoDataError("SQL failed on '" + path_.string() + "': " + message + " (in: " + sql + ")", false);
  }
}

DemoStatement::DemoStatement(DemoDb& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    db.fail("preparing '" + sql + "'");
}

DemoStatement::~DemoStatement() { sqlite3_finalize(stmt_); }

void DemoStatement::step_done() {
  if (sqlite3_step(stmt_) != SQLITE_DONE) db_.fail("writing a row");
  sqlite3_reset(stmt_);
}

bool DemoStatement::step_row() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) db_.fail("reading");
  return false;
}

std::string DemoStatement::column_text(int i) const {
  const auto* text = sqlite3_column_text(stmt_, i);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
              : std::string();
}

}  // namespace sluice::demo
