#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "sqlite_connection.hpp"
#include "test_helpers.hpp"

using namespace sluice;
using namespace sqlite_test;
using sluice::test::TempDir;

namespace {

// A daily-series-shaped table: store_id, ds (date), y (double), note (string).
Table daily(int stores, int days, double scale = 1.0) {
  Table t;
  // Add every column before taking references: add_column may move the others.
  t.add_column("store_id", ColumnType::Int64);
  t.add_column("ds", ColumnType::Date);
  t.add_column("y", ColumnType::Double);
  t.add_column("note", ColumnType::String);
  auto& store = t.column("store_id");
  auto& ds = t.column("ds");
  auto& y = t.column("y");
  auto& note = t.column("note");
  for (int s = 1; s <= stores; ++s)
    for (int d = 0; d < days; ++d) {
      store.push_int(s);
      ds.push_int(parse_date("2026-01-01") + d);
      y.push_double(scale * (s * 100 + d));
      if (d % 5 == 0) note.push_null();
      else note.push_string("s" + std::to_string(s));
    }
  return t;
}

// Row count plus an order-independent checksum of every value in a table.
std::string state_of(RawDb& db, const std::string& table) {
  return db.text("SELECT count(*) || '/' || total(store_id * 1000003 + y * 7) || '/' || "
                 "total(length(ds)) || '/' || total(length(coalesce(note, '?'))) FROM \"" + table + "\"");
}

std::size_t stage_files_left() {
  std::size_t n = 0;
  const auto dir = std::filesystem::temp_directory_path() / "sluice-test-scratch";
  const std::string prefix = "sqlite-load-stage-" + std::to_string(::getpid()) + "-";
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
  return n;
}

std::unique_ptr<Stage> load_stage(std::initializer_list<std::pair<const char*, ParamValue>> params) {
  return make_stage(sqlite::load_descriptor(), sqlite::make_load, params);
}

}  // namespace

TEST_CASE("sqlite_load creates the table with types, key and indexes, and reports a summary") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  const auto out = load({{"db", wh}, {"table", "fact_daily"}, {"mode", "upsert"},
                         {"key", ParamValue::strings({"store_id", "ds"})},
                         {"create_indexes", ParamValue::strings({"ds", "note, y"})}},
                        daily(3, 10), ctx);
  const Table& summary = table_of(out);
  REQUIRE(summary.num_rows() == 1);
  CHECK(summary.column("table").string_at(0) == "fact_daily");
  CHECK(summary.column("rows_loaded").int_at(0) == 30);
  CHECK(summary.column("mode").string_at(0) == "upsert");
  RawDb db(dir / "wh.db");
  CHECK(db.text("SELECT group_concat(name || ' ' || type || ' ' || pk, ', ') FROM pragma_table_info('fact_daily')") ==
        "store_id INTEGER 1, ds DATE 2, y REAL 0, note TEXT 0");
  CHECK(db.text("SELECT group_concat(name, ',') FROM pragma_index_list('fact_daily') WHERE origin = 'c' ORDER BY name") ==
        "ix_fact_daily_note_y,ix_fact_daily_ds");
  CHECK(db.text("SELECT ds FROM fact_daily WHERE store_id = 2 ORDER BY ds LIMIT 1") == "2026-01-01");
  CHECK(db.number("SELECT count(*) FROM fact_daily WHERE note IS NULL") == 6);

  // Round trip: the extract reads back the same types and values.
  const auto back = extract({{"db", wh}, {"query", "SELECT store_id, ds, y, note FROM fact_daily ORDER BY store_id, ds"}}, ctx);
  const Table& t = table_of(back);
  CHECK(t.column("ds").type() == ColumnType::Date);
  CHECK(hash_value(Value(t)) == hash_value(Value(daily(3, 10))));
  CHECK(stage_files_left() == 0);
}

TEST_CASE("sqlite_load upsert is idempotent and updates by key") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  auto params = {std::pair<const char*, ParamValue>{"db", wh}, {"table", "f"}, {"mode", "upsert"},
                 {"key", ParamValue::strings({"store_id", "ds"})}};
  (void)load(params, daily(2, 30), ctx);
  (void)load(params, daily(2, 30), ctx);
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM f") == 60);
  (void)load(params, daily(3, 35, 2.0), ctx);  // overlaps: updates 60 rows, inserts 45
  CHECK(db.number("SELECT count(*) FROM f") == 105);
  CHECK(db.number("SELECT y FROM f WHERE store_id = 1 AND ds = '2026-01-03'") == 2 * 102);
  CHECK(db.number("SELECT count(*) FROM (SELECT store_id, ds FROM f GROUP BY 1, 2 HAVING count(*) > 1)") == 0);
}

TEST_CASE("sqlite_load replace swaps in the new content, append never duplicates the same input") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  (void)load({{"db", wh}, {"table", "r"}, {"mode", "replace"}}, daily(3, 20), ctx);
  (void)load({{"db", wh}, {"table", "r"}, {"mode", "replace"}}, daily(1, 4, 3.0), ctx);
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM r") == 4);
  CHECK(db.number("SELECT max(y) FROM r") == 309);

  (void)load({{"db", wh}, {"table", "a"}}, daily(2, 5), ctx);
  const auto again = load({{"db", wh}, {"table", "a"}, {"batch_size", 3}}, daily(2, 5), ctx);
  CHECK(table_of(again).column("rows_loaded").int_at(0) == 0);
  CHECK(db.number("SELECT count(*) FROM a") == 10);
  (void)load({{"db", wh}, {"table", "a"}, {"batch_size", 1}}, daily(2, 5, 2.0), ctx);  // different input: appended
  CHECK(db.number("SELECT count(*) FROM a") == 20);
  CHECK(db.number("SELECT count(*) FROM _sluice_loads WHERE target = 'a' AND mode = 'append'") == 2);
  CHECK(ctx.last_done == 10);
  CHECK(ctx.last_total == 10);
}

TEST_CASE("sqlite_load stores hostile identifiers and values literally and keeps other tables intact") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  make_sales_db(wh, 20);
  const std::string evil_table = "x\"; DROP TABLE sales; --";
  const std::string evil_column = "a\"b'c; DELETE FROM stores";
  Table t;
  t.add_column(evil_column, ColumnType::String).push_string("'); DROP TABLE stores; --");
  t.column(evil_column).push_string("\"quoted\" 'single' \\back\\");
  t.add_column("n", ColumnType::Int64).push_int(1);
  t.column("n").push_int(2);
  testing::TestContext ctx;
  (void)load({{"db", wh.string()}, {"table", evil_table}, {"mode", "upsert"}, {"key", ParamValue::strings({"n"})},
              {"create_indexes", ParamValue::strings({evil_column})}},
             t, ctx);
  RawDb db(wh);
  CHECK(db.number("SELECT count(*) FROM sales") == 20);
  CHECK(db.number("SELECT count(*) FROM stores") == 3);
  CHECK(db.number("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'x\"; DROP TABLE sales; --'") == 1);
  CHECK(db.text("SELECT \"a\"\"b'c; DELETE FROM stores\" FROM \"x\"\"; DROP TABLE sales; --\" WHERE n = 1") ==
        "'); DROP TABLE stores; --");
  CHECK(db.text("SELECT \"a\"\"b'c; DELETE FROM stores\" FROM \"x\"\"; DROP TABLE sales; --\" WHERE n = 2") ==
        "\"quoted\" 'single' \\back\\");

  // Unusable names are rejected before anything is written.
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", ""}}, t, ctx), "parameter 'table': the table name is empty; give a non-empty name",
                       ParamError);
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", std::string("a\0b", 3)}}, t, ctx),
                       "parameter 'table': the table name contains a NUL byte; use printable characters", ParamError);
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", "sqlite_master"}}, t, ctx),
                       "parameter 'table': the table name 'sqlite_master' starts with 'sqlite_', which SQLite reserves for itself; choose "
                       "another name",
                       ParamError);
  CHECK_THROWS_AS(load({{"db", wh.string()}, {"table", "_sluice_loads"}}, t, ctx), ParamError);
  Table bad_column;
  bad_column.add_column("", ColumnType::Int64).push_int(1);
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", "ok"}}, bad_column, ctx),
                       "the input column name is empty; give a non-empty name", Error);
  CHECK(db.number("SELECT count(*) FROM sqlite_master WHERE name = 'ok'") == 0);
}

TEST_CASE("a failure mid-load leaves the warehouse exactly as before") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  (void)load({{"db", wh}, {"table", "f"}, {"mode", "upsert"}, {"key", ParamValue::strings({"store_id", "ds"})}},
             daily(2, 10), ctx);
  (void)load({{"db", wh}, {"table", "r"}, {"mode", "replace"}}, daily(2, 10), ctx);
  RawDb db(dir / "wh.db");
  const std::string f_before = state_of(db, "f"), r_before = state_of(db, "r");
  const long long ledger_before = db.number("SELECT count(*) FROM _sluice_loads");

  SUBCASE("test hook inside a staging batch") {
    for (const char* mode : {"upsert", "replace", "append"}) {
      const std::string table = std::string(mode) == "replace" ? "r" : "f";
      const auto key = std::string(mode) == "append" ? ParamValue(std::vector<Scalar>{}) : ParamValue::strings({"store_id", "ds"});
      CHECK_THROWS_WITH_AS(load({{"db", wh}, {"table", table}, {"mode", mode}, {"key", key}, {"batch_size", 7},
                                 {"fail_after_rows", 25}},
                                daily(3, 20, 5.0), ctx),
                           "fail_after_rows test hook: stopped after staging 25 rows, inside an open batch; the warehouse "
                           "is unchanged",
                           Error);
    }
  }
  SUBCASE("test hook while writing one batch straight into the warehouse") {
    // (An append into f would hit its key before the hook: it appends to a new table, which must not appear.)
    for (const char* mode : {"upsert", "replace", "append"}) {
      const std::string table = std::string(mode) == "replace" ? "r" : std::string(mode) == "append" ? "fresh" : "f";
      const auto key = std::string(mode) == "append" ? ParamValue(std::vector<Scalar>{}) : ParamValue::strings({"store_id", "ds"});
      CHECK_THROWS_WITH_AS(load({{"db", wh}, {"table", table}, {"mode", mode}, {"key", key}, {"fail_after_rows", 25}},
                                daily(3, 20, 5.0), ctx),
                           "fail_after_rows test hook: stopped after writing 25 rows inside the load's transaction; the "
                           "warehouse is unchanged",
                           Error);
    }
    // A scoped replace of one slice deletes it by its values before writing: rolled back too.
    CHECK_THROWS_AS(load({{"db", wh}, {"table", "r"}, {"mode", "replace"}, {"scope", ParamValue::strings({"store_id"})},
                          {"fail_after_rows", 3}},
                         daily(1, 20, 5.0), ctx),
                    Error);
    CHECK(db.number("SELECT count(*) FROM sqlite_master WHERE name = 'fresh'") == 0);
  }
  SUBCASE("constraint violation while merging") {
    db.exec("CREATE TABLE strict(store_id INTEGER, ds DATE, y REAL, note TEXT NOT NULL)");
    db.exec("INSERT INTO strict VALUES (9, '2020-01-01', 1, 'keep')");
    CHECK_THROWS_WITH_AS(load({{"db", wh}, {"table", "strict"}}, daily(2, 10), ctx),
                         ("SQLite error while writing rows into 'strict' on '" + wh +
                          "': NOT NULL constraint failed: strict.note").c_str(),
                         Error);
    CHECK(db.number("SELECT count(*) FROM strict") == 1);
  }
  SUBCASE("cancelled") {
    ctx.cancel_flag = true;
    CHECK_THROWS_AS(load({{"db", wh}, {"table", "f"}, {"mode", "upsert"}, {"key", ParamValue::strings({"store_id", "ds"})}},
                         daily(3, 20, 5.0), ctx),
                    Cancelled);
  }
  CHECK(state_of(db, "f") == f_before);
  CHECK(state_of(db, "r") == r_before);
  CHECK(db.number("SELECT count(*) FROM _sluice_loads") == ledger_before);
  CHECK(stage_files_left() == 0);
}

TEST_CASE("an input of one batch written straight into the warehouse leaves what staging it leaves") {
  // The same loads into two warehouses: batch_size 1,000,000 writes each input in the merge
  // transaction, batch_size 7 stages it first. Every mode, scoped and not, over existing rows.
  TempDir dir;
  testing::TestContext ctx;
  const auto run = [&](const std::string& wh, std::int64_t batch) {
    const ParamValue key = ParamValue::strings({"store_id", "ds"}), scope = ParamValue::strings({"store_id"});
    (void)load({{"db", wh}, {"table", "u"}, {"mode", "upsert"}, {"key", key}, {"batch_size", batch}}, daily(3, 20), ctx);
    (void)load({{"db", wh}, {"table", "u"}, {"mode", "upsert"}, {"key", key}, {"batch_size", batch}}, daily(4, 10, 2.0), ctx);
    (void)load({{"db", wh}, {"table", "r"}, {"mode", "replace"}, {"key", key}, {"batch_size", batch}}, daily(3, 20), ctx);
    (void)load({{"db", wh}, {"table", "r"}, {"mode", "replace"}, {"key", key}, {"batch_size", batch}}, daily(2, 15, 3.0), ctx);
    (void)load({{"db", wh}, {"table", "s"}, {"mode", "replace"}, {"scope", scope}, {"batch_size", batch}}, daily(3, 20), ctx);
    (void)load({{"db", wh}, {"table", "s"}, {"mode", "replace"}, {"scope", scope}, {"batch_size", batch}}, daily(1, 12, 4.0), ctx);
    (void)load({{"db", wh}, {"table", "a"}, {"batch_size", batch}}, daily(2, 20), ctx);
    (void)load({{"db", wh}, {"table", "a"}, {"batch_size", batch}}, daily(2, 20, 5.0), ctx);
  };
  const auto direct = (dir / "direct.db").string(), staged = (dir / "staged.db").string();
  run(direct, 1'000'000);
  run(staged, 7);
  RawDb a(direct), b(staged);
  for (const char* table : {"u", "r", "s", "a"}) {
    CAPTURE(table);
    CHECK(state_of(a, table) == state_of(b, table));
    const std::string rows = std::string("SELECT group_concat(store_id || ds || typeof(ds) || quote(y) || quote(note), ';') FROM "
                                         "(SELECT * FROM \"") + table + "\" ORDER BY store_id, ds, y)";
    CHECK(a.text(rows) == b.text(rows));
  }
  CHECK(a.number("SELECT count(*) FROM s WHERE store_id = 1") == 12);  // slice 1 replaced, 2 and 3 kept
  CHECK(a.number("SELECT count(*) FROM s") == 52);
  CHECK(a.number("SELECT count(*) FROM u") == 3 * 20 + 10);  // store 4 added, the rest updated in place
  CHECK(a.number("SELECT count(*) FROM _sluice_loads") == b.number("SELECT count(*) FROM _sluice_loads"));
  CHECK(stage_files_left() == 0);
}

TEST_CASE("sqlite_load verify() notices a dropped, altered or deleted target") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  const auto upsert = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "f"}, {"mode", "upsert"},
                       {"key", ParamValue::strings({"store_id", "ds"})}};
  const auto replace = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "r"}, {"mode", "replace"}};
  const auto append = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "a"}};
  const std::string ru = load(upsert, daily(2, 10), ctx).receipt();
  const std::string rr = load(replace, daily(2, 10), ctx).receipt();
  const std::string ra = load(append, daily(2, 10), ctx).receipt();
  CHECK(ru.find("\"rows\":20") != std::string::npos);
  CHECK(ru.find("\"table\":\"f\"") != std::string::npos);
  CHECK(load_stage(upsert)->verify(ctx, ru));
  CHECK(load_stage(replace)->verify(ctx, rr));
  CHECK(load_stage(append)->verify(ctx, ra));
  CHECK_FALSE(load_stage(upsert)->verify(ctx, "garbage"));

  RawDb db(wh);
  db.exec("DELETE FROM r WHERE store_id = 1");  // altered
  CHECK_FALSE(load_stage(replace)->verify(ctx, rr));
  const std::string rr2 = load(replace, daily(2, 10), ctx).receipt();
  CHECK(load_stage(replace)->verify(ctx, rr2));
  (void)load(replace, daily(2, 10, 9.0), ctx);  // someone else replaced it with other content
  CHECK_FALSE(load_stage(replace)->verify(ctx, rr2));

  db.exec("DROP TABLE f");
  CHECK_FALSE(load_stage(upsert)->verify(ctx, ru));
  CHECK(load_stage(append)->verify(ctx, ra));
  // After the drop, a rerun loads again (the ledger alone does not skip a missing table).
  (void)load(append, daily(2, 10), ctx);
  db.exec("DROP TABLE a");
  CHECK_FALSE(load_stage(append)->verify(ctx, ra));
  const std::string ra2 = load(append, daily(2, 10), ctx).receipt();
  CHECK(db.number("SELECT count(*) FROM a") == 20);
  CHECK(load_stage(append)->verify(ctx, ra2));

  std::filesystem::remove(wh);
  CHECK_FALSE(load_stage(append)->verify(ctx, ra2));
}

TEST_CASE("sqlite_load parameter and target errors are clear") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(load({{"db", wh}, {"table", "f"}, {"mode", "upsert"}}, daily(1, 2), ctx),
                       "parameter 'key': mode \"upsert\" needs key = [\"col\", ...]: the columns that identify a row", ParamError);
  CHECK_THROWS_AS(load({{"db", wh}, {"table", "f"}, {"mode", "merge"}}, daily(1, 2), ctx), ParamError);
  CHECK_THROWS_AS(load({{"db", wh}, {"table", "f"}, {"batch_size", 0}}, daily(1, 2), ctx), ParamError);
  CHECK_THROWS_WITH_AS(
      load({{"db", wh}, {"table", "f"}, {"mode", "upsert"}, {"key", ParamValue::strings({"shop"})}}, daily(1, 2), ctx),
      "missing column 'shop'; the input has: store_id, ds, y, note", MissingColumn);
  CHECK_THROWS_WITH_AS(load({{"db", (dir / "no" / "wh.db").string()}, {"table", "f"}}, daily(1, 2), ctx),
                       ("the directory of warehouse '" + (dir / "no" / "wh.db").string() +
                        "' does not exist; create it first").c_str(),
                       Error);

  (void)load({{"db", wh}, {"table", "plain"}}, daily(1, 2), ctx);
  CHECK_THROWS_WITH_AS(
      load({{"db", wh}, {"table", "plain"}, {"mode", "upsert"}, {"key", ParamValue::strings({"store_id", "ds"})}},
           daily(1, 3), ctx),
      ("table 'plain' in '" + wh + "' has no PRIMARY KEY or UNIQUE index on (store_id, ds), which upsert needs; load "
       "once with mode \"replace\" and this key, or add a unique index on those columns").c_str(),
      Error);
  Table wider = daily(1, 2);
  wider.add_column("extra", ColumnType::Int64).push_int(1);
  wider.column("extra").push_int(2);
  CHECK_THROWS_WITH_AS(load({{"db", wh}, {"table", "plain"}}, wider, ctx),
                       ("table 'plain' in '" + wh + "' has no column(s) extra (it has: store_id, ds, y, note); use "
                        "mode \"replace\" to recreate it, or add the columns").c_str(),
                       Error);

  Table null_key = daily(1, 2);
  null_key.column("store_id").push_null();
  null_key.column("ds").push_int(0);
  null_key.column("y").push_double(0);
  null_key.column("note").push_null();
  CHECK_THROWS_WITH_AS(
      load({{"db", wh}, {"table", "k"}, {"mode", "upsert"}, {"key", ParamValue::strings({"store_id"})}}, null_key, ctx),
      "key column 'store_id' has 1 null value(s); keys must be non-null to identify rows", Error);
}

TEST_CASE("sqlite_load reports a locked warehouse clearly") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  (void)load({{"db", wh.string()}, {"table", "f"}}, daily(1, 2), ctx);
  RawDb other(wh);
  other.exec("BEGIN IMMEDIATE; INSERT INTO f(store_id) VALUES (99)");
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", "f"}, {"busy_timeout_ms", 50}}, daily(1, 3), ctx),
                       ("SQLite database '" + wh.string() +
                        "' is locked by another connection (waited 50 ms while merging the staged rows into 'f'); retry "
                        "when the other writer has finished, or raise busy_timeout_ms").c_str(),
                       Error);
  other.exec("ROLLBACK");
  CHECK(load({{"db", wh.string()}, {"table", "f"}, {"busy_timeout_ms", 50}}, daily(1, 3), ctx).has("out"));
}

TEST_CASE("a connection waiting for a lock takes it within a few milliseconds of its release") {
  // SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms...: a lock released after 60 ms was
  // taken 18 ms late. Loads of many partitions queue for one warehouse's write lock all the time.
  using Clock = std::chrono::steady_clock;
  TempDir dir;
  const auto path = dir / "lock.db";
  RawDb holder(path);
  holder.exec("CREATE TABLE t(x)");
  double best_ms = 1e9;
  for (int attempt = 0; attempt < 3; ++attempt) {
    holder.exec("BEGIN IMMEDIATE");
    Clock::time_point released;
    std::thread releaser([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      released = Clock::now();
      holder.exec("COMMIT");
    });
    sqlite::Connection waiter(path, sqlite::OpenMode::ReadWriteCreate, 5000);
    waiter.exec("BEGIN IMMEDIATE", "taking the lock");
    const auto taken = Clock::now();
    releaser.join();
    waiter.exec("COMMIT", "releasing the lock");
    best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(taken - released).count());
  }
  CHECK(best_ms < 8);
}

TEST_CASE("extract -> daily totals -> load: warehouse totals equal totals computed with SQL on the source") {
  TempDir dir;
  const auto src = dir / "sales.db";
  const auto wh = dir / "wh.db";
  make_sales_db(src, 5000);
  testing::TestContext ctx;
  const Table sales = table_of(extract({{"db", src.string()}, {"table", "sales"}}, ctx));
  REQUIRE(sales.num_rows() == 5000);

  // The daily aggregation a daily_series stage would do: (store_id, day) -> sum(quantity * unit_price).
  std::map<std::pair<std::int64_t, std::int64_t>, double> totals;
  const auto& store = sales.column("store_id");
  const auto& at = sales.column("sold_at");
  const auto& qty = sales.column("quantity");
  const auto& price = sales.column("unit_price");
  for (std::size_t i = 0; i < sales.num_rows(); ++i)
    totals[{store.int_at(i), parse_date(at.string_at(i).substr(0, 10))}] += static_cast<double>(qty.int_at(i)) * price.double_at(i);
  Table daily_table;
  daily_table.add_column("store_id", ColumnType::Int64);
  daily_table.add_column("ds", ColumnType::Date);
  daily_table.add_column("y", ColumnType::Double);
  auto& s = daily_table.column("store_id");
  auto& ds = daily_table.column("ds");
  auto& y = daily_table.column("y");
  for (const auto& [k, v] : totals) {
    s.push_int(k.first);
    ds.push_int(k.second);
    y.push_double(v);
  }
  (void)load({{"db", wh.string()}, {"table", "fact_daily_sales"}, {"mode", "upsert"},
              {"key", ParamValue::strings({"store_id", "ds"})}, {"batch_size", 17}},
             daily_table, ctx);

  RawDb w(wh);
  w.exec("ATTACH DATABASE '" + src.string() + "' AS src");
  CHECK(w.number("SELECT count(*) FROM fact_daily_sales") ==
        w.number("SELECT count(DISTINCT store_id || substr(sold_at, 1, 10)) FROM src.sales"));
  CHECK(w.number("SELECT count(*) FROM fact_daily_sales f JOIN (SELECT store_id, substr(sold_at, 1, 10) AS ds, "
                 "sum(quantity * unit_price) AS y FROM src.sales GROUP BY 1, 2) g USING (store_id, ds) "
                 "WHERE abs(f.y - g.y) > 1e-6") == 0);
  CHECK(w.text("SELECT round(sum(y), 2) FROM fact_daily_sales") ==
        w.text("SELECT round(sum(quantity * unit_price), 2) FROM src.sales"));
}

TEST_CASE("sqlite_load of an empty input creates the table and records the load") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  const auto out = load({{"db", wh}, {"table", "empty"}}, daily(0, 0), ctx);
  CHECK(table_of(out).column("rows_loaded").int_at(0) == 0);
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM pragma_table_info('empty')") == 4);
  CHECK(db.number("SELECT count(*) FROM empty") == 0);
  CHECK(load_stage({{"db", wh}, {"table", "empty"}})->verify(ctx, out.receipt()));
}

TEST_CASE("sqlite_load of a table without columns (a foreach over nothing) empties on replace and creates nothing") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  const auto replace = {std::pair<const char*, ParamValue>{"db", wh}, {"table", "r"}, {"mode", "replace"},
                        {"key", ParamValue::strings({"store_id", "ds"})}};
  const auto upsert = {std::pair<const char*, ParamValue>{"db", wh}, {"table", "u"}, {"mode", "upsert"},
                       {"key", ParamValue::strings({"store_id", "ds"})}};
  // Nothing there yet: no table is created, and the load counts as done.
  const auto first = load(replace, Table{}, ctx);
  CHECK(table_of(first).column("rows_loaded").int_at(0) == 0);
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM sqlite_master WHERE name = 'r'") == 0);
  CHECK(load_stage(replace)->verify(ctx, first.receipt()));
  // Replace over an existing table: the current set is empty, so the table is emptied, schema kept.
  (void)load(replace, daily(2, 10), ctx);
  const auto emptied = load(replace, Table{}, ctx);
  CHECK(db.number("SELECT count(*) FROM r") == 0);
  CHECK(db.number("SELECT count(*) FROM pragma_table_info('r')") == 4);
  CHECK(load_stage(replace)->verify(ctx, emptied.receipt()));
  db.exec("INSERT INTO r VALUES (1, '2026-01-01', 1.0, NULL)");  // someone wrote into it
  CHECK_FALSE(load_stage(replace)->verify(ctx, emptied.receipt()));
  // Upsert has nothing to write and leaves an existing table alone.
  (void)load(upsert, daily(1, 3), ctx);
  (void)load(upsert, Table{}, ctx);
  CHECK(db.number("SELECT count(*) FROM u") == 3);
}

TEST_CASE("a load that wrote no row keeps its receipt valid in an existing table, so a rerun is cached") {
  // Append, upsert and a scoped replace outside a partition write nothing for an input without
  // columns (a foreach over nothing) and record no ledger entry; the table was there before.
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  using LoadParams = std::initializer_list<std::pair<const char*, ParamValue>>;
  const LoadParams append = {{"db", wh}, {"table", "t"}};
  const LoadParams upsert = {{"db", wh}, {"table", "t"}, {"mode", "upsert"}, {"key", ParamValue::strings({"store_id", "ds"})}};
  const LoadParams scoped = {{"db", wh}, {"table", "t"}, {"mode", "replace"}, {"scope", ParamValue::strings({"store_id"})}};
  // No structured binding: CAPTURE's lambda could not capture one under clang 14 (the fuzzing build).
  for (const auto& mode : {std::pair{"append", append}, std::pair{"upsert", upsert}, std::pair{"scoped", scoped}}) {
    const LoadParams& params = mode.second;
    CAPTURE(mode.first);
    (void)load(upsert, daily(2, 3), ctx);
    const auto out = load(params, Table{}, ctx);
    CHECK(table_of(out).column("rows_loaded").int_at(0) == 0);
    CHECK(load_stage(params)->verify(ctx, out.receipt()));
    // Still after other loads of the table, and with its rows changed: none of them was this load's.
    (void)load(upsert, daily(3, 3), ctx);
    RawDb(dir / "wh.db").exec("DELETE FROM t WHERE store_id = 1");
    CHECK(load_stage(params)->verify(ctx, out.receipt()));
  }
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM t") == 6);
}

TEST_CASE("an empty partition of a scoped load empties its own slice, and its receipt holds") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  testing::TestContext ctx;
  const auto scoped = {std::pair<const char*, ParamValue>{"db", wh}, {"table", "f"}, {"mode", "replace"},
                       {"key", ParamValue::strings({"store_id", "ds"})}, {"scope", ParamValue::strings({"store_id"})}};
  (void)load(scoped, daily(3, 4), ctx);  // stores 1-3, 4 days each
  RawDb db(dir / "wh.db");
  REQUIRE(db.number("SELECT count(*) FROM f WHERE store_id = 2") == 4);

  // Store 2's partition is now empty, with its columns and without (an upstream stage's empty output).
  Table keys;
  keys.add_column("store_id", ColumnType::Int64).push_int(2);
  ctx.partition = keys;
  for (const Table& empty : {daily(3, 4).empty_like(), Table{}}) {
    CAPTURE(empty.num_columns());
    (void)load(scoped, daily(3, 4), ctx);  // the slice back (the partition keys say 2; the rows name the slices)
    REQUIRE(db.number("SELECT count(*) FROM f WHERE store_id = 2") == 4);
    const auto out = load(scoped, empty, ctx);
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 2") == 0);
    CHECK(db.number("SELECT count(*) FROM f") == 8);  // the other stores' slices stay
    CHECK(out.receipt().find("store_id") != std::string::npos);
    CHECK(load_stage(scoped)->verify(ctx, out.receipt()));
    db.exec("INSERT INTO f(store_id, ds, y) VALUES (2, '2026-02-01', 1.0)");  // rows in its slice again
    CHECK_FALSE(load_stage(scoped)->verify(ctx, out.receipt()));
    db.exec("DELETE FROM f WHERE store_id = 2");
  }
  // Not a partition (no keys): an empty input names no slice and removes nothing, as before.
  ctx.partition.reset();
  (void)load(scoped, daily(3, 4), ctx);
  (void)load(scoped, daily(3, 4).empty_like(), ctx);
  CHECK(db.number("SELECT count(*) FROM f") == 12);
}

namespace {
// Runs work(0) .. work(n - 1) on n threads at once; returns each one's exception message ("" if none).
std::vector<std::string> on_threads(int n, const std::function<void(int)>& work) {
  std::vector<std::string> errors(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        work(i);
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(i)] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  return errors;
}
}  // namespace

TEST_CASE("parallel loads into one warehouse queue for the write lock and both land") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  {
    testing::TestContext ctx;
    (void)load({{"db", wh}, {"table", "warm"}}, daily(1, 1), ctx);
  }
  for (const auto& e : on_threads(4, [&](int i) {
         testing::TestContext ctx;
         (void)load({{"db", wh}, {"table", "t" + std::to_string(i % 2)}, {"mode", "upsert"},
                     {"key", ParamValue::strings({"store_id", "ds"})}, {"batch_size", 500}},
                    daily(4, 500, 1.0 + i), ctx);
       }))
    CHECK_MESSAGE(e.empty(), e);
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM t0") == 2000);
  CHECK(db.number("SELECT count(*) FROM t1") == 2000);
}

TEST_CASE("parallel loads of one factory share its kept connections, and every load lands") {
  TempDir dir;
  const auto wh = (dir / "wh.db").string();
  const StageFactory loads = sqlite::load_factory();
  for (const auto& e : on_threads(4, [&](int i) {
         for (int round = 0; round < 3; ++round) {
           testing::TestContext ctx;
           (void)testing::run_stage(sqlite::load_descriptor(), loads,
                                    {{"db", wh}, {"table", "t" + std::to_string(i % 2)}, {"mode", "upsert"},
                                     {"key", ParamValue::strings({"store_id", "ds"})}, {"journal_mode", "wal"}},
                                    {{"in", Value(daily(4, 50, 1.0 + i + round))}}, ctx);
         }
       }))
    CHECK_MESSAGE(e.empty(), e);
  RawDb db(dir / "wh.db");
  CHECK(db.number("SELECT count(*) FROM t0") == 200);
  CHECK(db.number("SELECT count(*) FROM t1") == 200);
  CHECK(db.number("SELECT count(*) FROM _sluice_loads") >= 2);
}

namespace {
// The rows of `daily(stores, days, scale)` for one store.
Table one_store(int store, int days, double scale = 1.0) {
  const Table all = daily(store, days, scale);
  Table t = all.empty_like();
  for (std::size_t r = 0; r < all.num_rows(); ++r)
    if (all.column("store_id").int_at(r) == store) t.append_row(all, r);
  return t;
}
}  // namespace

TEST_CASE("sqlite_load scope: a replace swaps only its input's slices, verify counts its slice alone, and retire() removes it") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  const auto scoped = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "f"}, {"mode", "replace"},
                       {"key", ParamValue::strings({"store_id", "ds"})}, {"scope", ParamValue::strings({"store_id"})}};
  const std::string r1 = load(scoped, one_store(1, 10), ctx).receipt();
  const std::string r2 = load(scoped, one_store(2, 8), ctx).receipt();
  SUBCASE("replace and verify") {
    CHECK(r1.find("\"scope\":\"{\\\"store_id\\\":1}\"") != std::string::npos);
    RawDb db(wh);
    CHECK(db.number("SELECT count(*) FROM f") == 18);

    // Store 1 again, shorter and with other values: store 2 is untouched, store 1 has only its new rows.
    const std::string r1b = load(scoped, one_store(1, 4, 3.0), ctx).receipt();
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 1") == 4);
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 1 AND y != 3.0 * (100 + julianday(ds) - julianday('2026-01-01'))") == 0);
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 2") == 8);
    // One ledger entry per slice: the older load of store 1 no longer describes the table.
    CHECK(db.number("SELECT count(*) FROM _sluice_loads WHERE target = 'f'") == 2);
    CHECK(load_stage(scoped)->verify(ctx, r1b));
    CHECK(load_stage(scoped)->verify(ctx, r2));
    CHECK_FALSE(load_stage(scoped)->verify(ctx, r1));  // replaced

    // A row of store 2 deleted behind the stage's back: store 2 reruns, store 1 does not.
    db.exec("DELETE FROM f WHERE store_id = 2 AND ds = (SELECT max(ds) FROM f WHERE store_id = 2)");
    CHECK_FALSE(load_stage(scoped)->verify(ctx, r2));
    CHECK(load_stage(scoped)->verify(ctx, r1b));

    // Several slices in one input: each is replaced, and the receipt has no single scope.
    const std::string both = load(scoped, daily(2, 3), ctx).receipt();
    CHECK(db.number("SELECT count(*) FROM f") == 6);
    CHECK(both.find("\"scope\"") == std::string::npos);
    CHECK(load_stage(scoped)->verify(ctx, both));

    // An upsert with a scope writes as before and verifies its slice.
    const auto upsert = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "u"}, {"mode", "upsert"},
                         {"key", ParamValue::strings({"store_id", "ds"})}, {"scope", ParamValue::strings({"store_id"})}};
    const std::string ru = load(upsert, one_store(3, 5), ctx).receipt();
    (void)load(upsert, one_store(4, 5), ctx);
    CHECK(load_stage(upsert)->verify(ctx, ru));
    db.exec("DELETE FROM u WHERE store_id = 3");
    CHECK_FALSE(load_stage(upsert)->verify(ctx, ru));

    // The checks reuse connections; a warehouse replaced by another file at the same path is read
    // fresh, not through a connection to the deleted one.
    CHECK(load_stage(scoped)->verify(ctx, both));
    const auto other = dir / "other.db";
    (void)load({{"db", other.string()}, {"table", "f"}, {"mode", "replace"}, {"key", ParamValue::strings({"store_id", "ds"})},
                {"scope", ParamValue::strings({"store_id"})}},
               one_store(1, 2), ctx);
    std::filesystem::rename(other, wh);  // the path never names nothing
    CHECK_FALSE(load_stage(scoped)->verify(ctx, both));
    std::filesystem::remove(wh);
    CHECK_FALSE(load_stage(scoped)->verify(ctx, both));
    const std::string fresh = load(scoped, one_store(1, 4, 3.0), ctx).receipt();
    CHECK(load_stage(scoped)->verify(ctx, fresh));
  }
  SUBCASE("retire() removes the slice and its ledger entry, and nothing a newer load or an upsert owns") {
    RawDb db(wh);
    load_stage(scoped)->retire(ctx, r1);
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 1") == 0);
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 2") == 8);
    CHECK(db.number("SELECT count(*) FROM _sluice_loads WHERE target = 'f'") == 1);
    CHECK_FALSE(load_stage(scoped)->verify(ctx, r1));
    CHECK(load_stage(scoped)->verify(ctx, r2));
    load_stage(scoped)->retire(ctx, r1);  // again: nothing left to remove
    CHECK(db.number("SELECT count(*) FROM f") == 8);

    // Store 2 loaded again with other rows: the old receipt no longer owns the slice.
    (void)load(scoped, one_store(2, 3, 2.0), ctx);
    load_stage(scoped)->retire(ctx, r2);
    CHECK(db.number("SELECT count(*) FROM f WHERE store_id = 2") == 3);

    // Upserted rows stay: an upsert never deletes (nor does an append).
    const auto upsert = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "u"}, {"mode", "upsert"},
                         {"key", ParamValue::strings({"store_id", "ds"})}, {"scope", ParamValue::strings({"store_id"})}};
    const std::string ru = load(upsert, one_store(3, 5), ctx).receipt();
    load_stage(upsert)->retire(ctx, ru);
    CHECK(db.number("SELECT count(*) FROM u") == 5);
    load_stage(upsert)->retire(ctx, "not a receipt");
    CHECK(db.number("SELECT count(*) FROM f") == 3);
  }
}

TEST_CASE("sqlite_load scope errors, and a ledger from before scopes is upgraded") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", "a"}, {"scope", ParamValue::strings({"store_id"})}}, daily(1, 2), ctx),
                       "parameter 'scope': only applies to mode \"replace\" or \"upsert\"; an append never removes rows", ParamError);
  const auto scoped = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "f"}, {"mode", "replace"},
                       {"scope", ParamValue::strings({"note"})}};
  CHECK_THROWS_WITH_AS(load(scoped, daily(1, 6), ctx),
                       "scope column 'note' has 2 null value(s); scope values must be non-null to name the rows a load replaces",
                       Error);
  CHECK_THROWS_AS(load({{"db", wh.string()}, {"table", "f"}, {"mode", "replace"}, {"scope", ParamValue::strings({"shop"})}},
                       daily(1, 2), ctx),
                  MissingColumn);
  // A scoped replace keeps the table, so a column it lacks is not fixed by "replace".
  RawDb(wh).exec("CREATE TABLE narrow(store_id INTEGER)");
  CHECK_THROWS_WITH_AS(load({{"db", wh.string()}, {"table", "narrow"}, {"mode", "replace"}, {"scope", ParamValue::strings({"store_id"})}},
                            one_store(1, 2), ctx),
                       ("table 'narrow' in '" + wh.string() + "' has no column(s) ds, y, note (it has: store_id); a scoped "
                        "replace keeps the table: add the columns, or drop the table to recreate it").c_str(),
                       Error);

  RawDb db(wh);
  db.exec("CREATE TABLE _sluice_loads (load_id INTEGER PRIMARY KEY, target TEXT NOT NULL, mode TEXT NOT NULL, "
          "input_hash TEXT NOT NULL, rows INTEGER NOT NULL, loaded_at TEXT NOT NULL);"
          "INSERT INTO _sluice_loads(target, mode, input_hash, rows, loaded_at) VALUES ('old', 'append', 'x', 1, 'then')");
  const auto store_scope = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "f"}, {"mode", "replace"},
                            {"scope", ParamValue::strings({"store_id"})}};
  const std::string r = load(store_scope, one_store(1, 3), ctx).receipt();
  CHECK(load_stage(store_scope)->verify(ctx, r));
  CHECK(db.text("SELECT group_concat(x, ' ') FROM (SELECT target || ':' || scope AS x FROM _sluice_loads ORDER BY load_id)") == "old: f:{\"store_id\":1}");
}

TEST_CASE("an upsert's receipt stops holding once another input upserted over it, so going back to it loads again") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  const auto upsert = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "f"}, {"mode", "upsert"},
                       {"key", ParamValue::strings({"store_id", "ds"})}};
  const std::string rx = load(upsert, daily(2, 10), ctx).receipt();
  const std::string ry = load(upsert, daily(2, 10, 5.0), ctx).receipt();  // the same keys, other values
  RawDb db(wh);
  CHECK(db.number("SELECT y FROM f WHERE store_id = 1 AND ds = '2026-01-03'") == 5 * 102);
  CHECK(load_stage(upsert)->verify(ctx, ry));
  CHECK_FALSE(load_stage(upsert)->verify(ctx, rx));  // the table holds Y's values, not X's
  const std::string rx2 = load(upsert, daily(2, 10), ctx).receipt();
  CHECK(db.number("SELECT y FROM f WHERE store_id = 1 AND ds = '2026-01-03'") == 102);
  CHECK(db.number("SELECT count(*) FROM f") == 20);
  CHECK(load_stage(upsert)->verify(ctx, rx2));
  CHECK_FALSE(load_stage(upsert)->verify(ctx, ry));
  // Only the newest such upsert matters, so the ledger keeps one entry for the table, not one per load.
  CHECK(db.number("SELECT count(*) FROM _sluice_loads WHERE target = 'f'") == 1);

  // A slice's receipt stops holding when a load of the whole table wrote over the slice; another
  // slice's load does not touch it.
  const auto scoped = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "s"}, {"mode", "upsert"},
                       {"key", ParamValue::strings({"store_id", "ds"})}, {"scope", ParamValue::strings({"store_id"})}};
  const auto unscoped = {std::pair<const char*, ParamValue>{"db", wh.string()}, {"table", "s"}, {"mode", "upsert"},
                         {"key", ParamValue::strings({"store_id", "ds"})}};
  const std::string r3 = load(scoped, one_store(3, 5), ctx).receipt();
  (void)load(scoped, one_store(4, 5, 2.0), ctx);
  CHECK(load_stage(scoped)->verify(ctx, r3));
  (void)load(unscoped, one_store(3, 5, 7.0), ctx);
  CHECK_FALSE(load_stage(scoped)->verify(ctx, r3));
}
