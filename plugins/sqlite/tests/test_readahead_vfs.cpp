// The read-ahead VFS behind read-only connections: the same rows as SQLite's own reads, and no
// window kept past the read transaction it was read in.
#include "readahead_vfs.hpp"
#include "sqlite_connection.hpp"
#include "test_helpers.hpp"

using namespace sluice::sqlite;
using sqlite_test::RawDb;
using sluice::test::TempDir;

namespace {

// A table of `rows` rows of about 100 bytes, in file order as a bulk load leaves it.
void make_wide_table(const std::filesystem::path& path, int rows, const char* journal_mode) {
  RawDb db(path);
  db.exec(std::string("PRAGMA journal_mode=") + journal_mode);
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, pad TEXT)");
  db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(rows) +
          ") INSERT INTO t SELECT i, i, printf('%090d', i) FROM n");
}

// sum(v) and count(*) of t, read row by row through `db`.
std::pair<long long, long long> sum_and_count(Connection& db) {
  Statement st(db, "SELECT v, pad FROM t", "the test query");
  long long sum = 0, count = 0;
  while (st.step()) {
    sum += st.column_int(0);
    CHECK(st.column_text(1).size() == 90);
    ++count;
  }
  return {sum, count};
}

}  // namespace

TEST_CASE("a read-only connection reads a table in file order through windows, with the rows SQLite's own reads give") {
  TempDir dir;
  const auto path = dir / "wide.db";
  constexpr int kRows = 50000;  // about 5 MB: some 1,300 pages
  make_wide_table(path, kRows, "delete");
  REQUIRE(readahead_vfs_name() != nullptr);  // the unix VFS is SQLite's default on this platform

  const ReadaheadCounts before = readahead_counts();
  Connection db(path, OpenMode::ReadOnly, 1000);
  const auto [sum, count] = sum_and_count(db);
  CHECK(count == kRows);
  CHECK(sum == static_cast<long long>(kRows) * (kRows + 1) / 2);
  const ReadaheadCounts after = readahead_counts();
  // Most pages came from windows: at 32 pages a window, far more reads were served than windows read.
  CHECK(after.windows > before.windows);
  CHECK(after.served - before.served > 20 * (after.windows - before.windows));

  // A connection that may write does not read ahead.
  Connection writable(path, OpenMode::ReadWrite, 1000);
  CHECK(sum_and_count(writable).second == kRows);
  CHECK(readahead_counts().windows == after.windows);
}

TEST_CASE("a window is not used after its read transaction: another connection's writes are read, WAL and rollback") {
  // 1,000 rows fit in one window, which the next transaction would read from first if it were kept;
  // 20,000 rows take many.
  for (const auto& [mode, kRows] : {std::pair{"delete", 1000}, {"wal", 1000}, {"delete", 20000}, {"wal", 20000}}) {
    CAPTURE(mode);
    CAPTURE(kRows);
    TempDir dir;
    const auto path = dir / "changing.db";
    make_wide_table(path, kRows, mode);
    Connection reader(path, OpenMode::ReadOnly, 2000);
    RawDb writer(path);
    long long expected = static_cast<long long>(kRows) * (kRows + 1) / 2;
    for (int round = 1; round <= 3; ++round) {
      CAPTURE(round);
      CHECK(sum_and_count(reader) == std::pair{expected, static_cast<long long>(kRows)});
      // Every row changes in place, so every page the reader read ahead is stale now; in WAL mode the
      // checkpoint copies the new pages into the database file and empties the log, so the reader's
      // next transaction reads them from the database file, not from the log.
      writer.exec("UPDATE t SET v = v + " + std::to_string(round));
      expected += static_cast<long long>(kRows) * round;
      if (std::string(mode) == "wal") writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    CHECK(sum_and_count(reader).first == expected);
  }
}
