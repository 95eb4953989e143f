// The pool of kept warehouse connections: what is reused, what is closed instead, and the load stage on it.
#include <sluice/errors.hpp>

#include "connection_pool.hpp"
#include "test_helpers.hpp"

using namespace sluice;
using namespace sqlite_test;
using sluice::test::TempDir;

namespace {

// Leases `path` for `role` from `pool`, counting the connections the pool had to open.
struct Leaser {
  sqlite::ConnectionPool& pool;
  std::filesystem::path path;
  sqlite::PoolRole role = sqlite::PoolRole::Writer;
  int opened = 0;

  sqlite::PooledConnection lease() {
    return pool.lease(path, role, 1000, [&] {
      ++opened;
      return std::make_unique<sqlite::Connection>(path, sqlite::OpenMode::ReadWriteCreate, 1000);
    });
  }
};

Table store_rows(std::int64_t store, int days) {
  Table t;
  t.add_column("store_id", ColumnType::Int64);
  t.add_column("day", ColumnType::Int64);
  for (int d = 0; d < days; ++d) {
    t.column("store_id").push_int(store);
    t.column("day").push_int(d);
  }
  return t;
}

}  // namespace

TEST_CASE("a connection given back is handed out again; one dropped without give_back is closed") {
  TempDir dir;
  sqlite::ConnectionPool pool;
  Leaser writers{pool, dir / "wh.db"};
  sqlite3* first = nullptr;
  {
    auto c = writers.lease();
    first = c->raw();
    c->exec("CREATE TABLE t(x)", "test");
    c.give_back();
  }
  {
    auto c = writers.lease();
    CHECK(c->raw() == first);
    CHECK(writers.opened == 1);
    // Not given back: as when a load throws.
  }
  auto c = writers.lease();
  CHECK(writers.opened == 2);
  c.give_back();
}

TEST_CASE("a connection inside a transaction or with a database attached is closed, not pooled") {
  TempDir dir;
  sqlite::ConnectionPool pool;
  Leaser writers{pool, dir / "wh.db"};
  {
    auto c = writers.lease();
    c->exec("BEGIN; CREATE TABLE t(x)", "test");
    c.give_back();
  }
  {
    auto c = writers.lease();
    CHECK(writers.opened == 2);
    c->exec("ATTACH DATABASE '" + (dir / "other.db").string() + "' AS other", "test");
    c.give_back();
  }
  auto c = writers.lease();
  CHECK(writers.opened == 3);
  // The fresh connection sees no half-done table of the rolled-back transaction.
  CHECK(RawDb(dir / "wh.db").number("SELECT count(*) FROM sqlite_master WHERE name = 't'") == 0);
  c.give_back();
}

TEST_CASE("a path that names another file now gets a new connection, which writes into the new file") {
  TempDir dir;
  const auto path = dir / "wh.db";
  sqlite::ConnectionPool pool;
  Leaser writers{pool, path};
  {
    auto c = writers.lease();
    c->exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)", "test");
    c.give_back();
  }
  std::filesystem::remove(path);
  { RawDb fresh(path); fresh.exec("CREATE TABLE t(x)"); }
  {
    auto c = writers.lease();
    CHECK(writers.opened == 2);
    c->exec("INSERT INTO t VALUES (2)", "test");
    c.give_back();
  }
  CHECK(RawDb(path).text("SELECT group_concat(x) FROM t") == "2");
}

TEST_CASE("readers and writers are pooled apart, and close_idle closes both") {
  TempDir dir;
  const auto path = dir / "wh.db";
  sqlite::ConnectionPool pool;
  Leaser writers{pool, path, sqlite::PoolRole::Writer};
  Leaser readers{pool, path, sqlite::PoolRole::Reader};
  writers.lease().give_back();
  readers.lease().give_back();
  CHECK(writers.opened == 1);
  CHECK(readers.opened == 1);
  writers.lease().give_back();
  readers.lease().give_back();
  CHECK(writers.opened == 1);
  CHECK(readers.opened == 1);
  pool.close_idle(path);
  writers.lease().give_back();
  readers.lease().give_back();
  CHECK(writers.opened == 2);
  CHECK(readers.opened == 2);
}

TEST_CASE("loads on kept connections: a failed load leaves nothing for the next, and WAL mode can be left") {
  TempDir dir;
  const std::string wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  auto pool = std::make_shared<sqlite::ConnectionPool>();
  const StageFactory loads = sqlite::load_factory(pool);
  const auto load_store = [&](std::int64_t store, const char* journal_mode, std::int64_t fail_after) {
    return testing::run_stage(sqlite::load_descriptor(), loads, {{"db", ParamValue(wh)},
                 {"table", ParamValue("fact")},
                 {"mode", ParamValue("upsert")},
                 {"key", ParamValue(std::vector<Scalar>{std::string("store_id"), std::string("day")})},
                 {"journal_mode", ParamValue(journal_mode)},
                 {"fail_after_rows", ParamValue(fail_after)}},
                {{"in", Value(store_rows(store, 20))}}, ctx);
  };
  load_store(1, "wal", -1);
  CHECK_THROWS_AS(load_store(2, "wal", 5), Error);  // inside the merge transaction
  load_store(3, "wal", -1);
  {
    RawDb check(wh);  // closed before the switch below, which must be the file's only connection
    CHECK(check.number("SELECT count(*) FROM fact WHERE store_id = 2") == 0);
    CHECK(check.number("SELECT count(*) FROM fact") == 40);
    CHECK(check.text("PRAGMA journal_mode") == "wal");
  }
  // Two idle writers (as two threads' loads leave them): the one the next load does not take would make
  // its switch out of WAL mode fail ("another connection is using it") if it stayed open.
  {
    Leaser writers{*pool, wh};
    auto a = writers.lease();
    auto b = writers.lease();
    a->exec("SELECT count(*) FROM fact", "test");
    b->exec("SELECT count(*) FROM fact", "test");
    a.give_back();
    b.give_back();
  }
  load_store(4, "delete", -1);
  RawDb check(wh);
  CHECK(check.text("PRAGMA journal_mode") == "delete");
  CHECK(check.number("SELECT count(*) FROM fact") == 60);
}

TEST_CASE("a factory's loads share their warehouse connections, which close when the factory and its loads are gone") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  const auto wal = std::filesystem::path(wh.string() + "-wal");
  {
    const StageFactory loads = sqlite::load_factory();
    for (std::int64_t store = 1; store <= 3; ++store)
      testing::run_stage(sqlite::load_descriptor(), loads,
                         {{"db", ParamValue(wh.string())},
                          {"table", ParamValue("fact")},
                          {"mode", ParamValue("upsert")},
                          {"key", ParamValue(std::vector<Scalar>{std::string("store_id"), std::string("day")})},
                          {"journal_mode", ParamValue("wal")}},
                         {{"in", Value(store_rows(store, 20))}}, ctx);
    // A connection is still open (the loads' kept writer), so the WAL has not been folded away.
    CHECK(std::filesystem::exists(wal));
  }
  // The last connection closed with the factory: the WAL is back in the file and gone, and a copy of
  // the file alone holds every row.
  CHECK_FALSE(std::filesystem::exists(wal));
  const auto copy = dir / "copy.db";
  std::filesystem::copy_file(wh, copy);
  CHECK(RawDb(copy).number("SELECT count(*) FROM fact") == 60);
}
