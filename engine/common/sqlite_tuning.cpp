#include "common/sqlite_tuning.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace sluice::engine {

void tune_sqlite_library() {
  // SQLITE_MISUSE once the library is initialised: then the defaults simply stay.
  (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void tune_engine_database(SQLite::Database& db) {
  constexpr auto kBusyTimeout = std::chrono::milliseconds(60'000);
  db.setBusyTimeout(static_cast<int>(kBusyTimeout.count()));
  // Switching a new file to WAL needs an exclusive lock, and SQLite reports another process's
  // lock on it (several runs creating one cache at once) as SQLITE_BUSY at once, without calling
  // the busy handler: retry for as long as the busy timeout would have waited.
  const auto deadline = std::chrono::steady_clock::now() + kBusyTimeout;
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode=WAL");
      break;
    } catch (const SQLite::Exception& e) {
      if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
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
