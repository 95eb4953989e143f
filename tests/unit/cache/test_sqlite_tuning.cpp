#include <doctest/doctest.h>

#include <sqlite3.h>

#include "common/sqlite_tuning.hpp"

TEST_CASE("tune_sqlite_library turns SQLite's per-allocation memory statistics off") {
  // As at the start of main(): SQLite not yet initialised (earlier test cases of this binary may
  // have used it, and closed their connections).
  REQUIRE(sqlite3_shutdown() == SQLITE_OK);
  sluice::engine::tune_sqlite_library();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE t(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                       "INSERT INTO t SELECT i FROM n",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_int64 current = -1, highwater = -1;
  REQUIRE(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highwater, 0) == SQLITE_OK);
  // With statistics on (SQLite's default) the open database alone accounts for tens of KiB.
  CHECK(current == 0);
  sqlite3_close(db);
}
