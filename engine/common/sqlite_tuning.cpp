#include "common/sqlite_tuning.hpp"

#include <sqlite3.h>

namespace sluice::engine {

void tune_engine_database(SQLite::Database& db) {
  db.setBusyTimeout(60'000);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

}  // namespace sluice::engine
