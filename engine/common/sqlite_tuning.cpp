#include "common/sqlite_tuning.hpp"

#include <sqlite3.h>

#include <filesystem>

namespace sluice::engine {

void tune_engine_database(SQLite::Database& db) {
  db.setBusyTimeout(60'000);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

void checkpoint_if_large(SQLite::Database& db) {
  constexpr std::uintmax_t kLimit = 4u << 20;
  std::error_code ec;
  const auto wal = std::filesystem::file_size(db.getFilename() + "-wal", ec);
  if (ec || wal <= kLimit) return;
  try {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception&) {
    // Another process is using the file; a later close will checkpoint.
  }
}

}  // namespace sluice::engine
