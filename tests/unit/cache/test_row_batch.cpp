#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "cache/row_batch.hpp"

using sluice::engine::RowBatch;

namespace {
struct Db {
  SQLite::Database db{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
  Db() { db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB, score REAL)"); }
  long long count() { return db.execAndGet("SELECT COUNT(*) FROM t").getInt64(); }
};
}  // namespace

TEST_CASE("a row batch writes every row exactly, full chunks and the rest alike") {
  Db d;
  RowBatch rows(d.db, "INSERT INTO t(id, name, data, score)", 4);
  // 32 rows go per statement: 75 rows are two full chunks and 11 rows on their own.
  std::vector<std::string> names, blobs;
  for (int i = 0; i < 75; ++i) {
    names.push_back("name " + std::to_string(i));
    blobs.push_back(std::string("\0b", 2) + std::to_string(i));
  }
  for (int i = 0; i < 75; ++i) rows.integer(i).text(names[i]).blob(blobs[i]).real(i * 0.5);
  rows.flush();
  REQUIRE(d.count() == 75);
  SQLite::Statement q(d.db, "SELECT id, name, data, score, typeof(name), typeof(data) FROM t ORDER BY id");
  int i = 0;
  while (q.executeStep()) {
    CHECK(q.getColumn(0).getInt() == i);
    CHECK(q.getColumn(1).getString() == names[i]);
    CHECK(std::string(static_cast<const char*>(q.getColumn(2).getBlob()), q.getColumn(2).getBytes()) == blobs[i]);
    CHECK(q.getColumn(3).getDouble() == i * 0.5);
    CHECK(q.getColumn(4).getString() == "text");
    CHECK(q.getColumn(5).getString() == "blob");
    ++i;
  }
  CHECK(i == 75);
  // Flushed rows are forgotten: flushing again writes nothing.
  rows.flush();
  CHECK(d.count() == 75);
}

TEST_CASE("rows of one batch are written in the order added (a later row replaces an earlier one)") {
  Db d;
  RowBatch rows(d.db, "INSERT OR REPLACE INTO t(id, name)", 2);
  const std::string first = "first", second = "second";
  for (int i = 0; i < 40; ++i) rows.integer(i).text(first);
  rows.integer(3).text(second);   // in a full chunk with the first 3
  rows.integer(39).text(second);  // among the rows written one by one
  rows.flush();
  CHECK(d.count() == 40);
  CHECK(d.db.execAndGet("SELECT name FROM t WHERE id = 3").getString() == "second");
  CHECK(d.db.execAndGet("SELECT name FROM t WHERE id = 39").getString() == "second");
  CHECK(d.db.execAndGet("SELECT COUNT(*) FROM t WHERE name = 'first'").getInt() == 38);
}

TEST_CASE("a failed flush forgets its rows, and the batch works again afterwards") {
  Db d;
  RowBatch rows(d.db, "INSERT INTO t(id, name)", 2);
  const std::string a = "a";
  rows.integer(1).text(a);
  rows.flush();
  for (int i = 0; i < 40; ++i) rows.integer(i).text(a);  // id 1 exists: the first chunk fails
  CHECK_THROWS_AS(rows.flush(), SQLite::Exception);
  CHECK(d.count() == 1);
  rows.integer(100).text(a);
  rows.flush();  // only the new row: nothing of the failed batch is written late
  CHECK(d.count() == 2);
  CHECK(d.db.execAndGet("SELECT COUNT(*) FROM t WHERE id = 100").getInt() == 1);
}
