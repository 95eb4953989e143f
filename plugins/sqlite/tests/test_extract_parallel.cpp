// sqlite_extract reading a whole table in rowid ranges on several connections: the result must be
// byte-identical to the read on one connection, and come from one snapshot of the database.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <sluice/serialize.hpp>
#include <thread>

#include "test_helpers.hpp"

using namespace sluice;
using namespace sqlite_test;
using sluice::test::TempDir;

namespace {

// Sets an environment variable for the scope (the tests run one at a time).
class EnvVar {
 public:
  EnvVar(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~EnvVar() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

bool logged(const testing::TestContext& ctx, const std::string& needle) {
  for (const auto& m : ctx.messages)
    if (m.find(needle) != std::string::npos) return true;
  return false;
}

struct Read {
  Table table;
  bool parallel = false;
  std::vector<std::string> messages;
};

// Runs the extract with `threads` threads (1: one connection) and no size threshold unless `min_rows` is given.
Read read_with(unsigned threads, std::initializer_list<std::pair<const char*, ParamValue>> params,
               const char* min_rows = "0") {
  EnvVar t("SLUICE_SQLITE_EXTRACT_THREADS", std::to_string(threads));
  std::optional<EnvVar> m;
  if (min_rows) m.emplace("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS", min_rows);
  testing::TestContext ctx;
  Read r;
  r.table = table_of(extract(params, ctx));
  r.parallel = logged(ctx, "rowid ranges in parallel");
  r.messages = ctx.messages;
  CHECK(ctx.last_done == r.table.num_rows());
  return r;
}

// Byte-identical: same columns, types, nulls and values in the same order (the cache's encoding).
void check_identical(const Table& a, const Table& b) {
  REQUIRE(a.column_names() == b.column_names());
  REQUIRE(a.num_rows() == b.num_rows());
  for (std::size_t c = 0; c < a.num_columns(); ++c) {
    const Column &x = a.column(c), &y = b.column(c);
    CHECK_MESSAGE(x.type() == y.type(), x.name());
    CHECK_MESSAGE(x.null_count() == y.null_count(), x.name());
  }
  CHECK(encode_value(Value(a)) == encode_value(Value(b)));
}

// Serial vs `threads` ranges; the parallel read must really be parallel.
Table check_same_both_ways(std::initializer_list<std::pair<const char*, ParamValue>> params, unsigned threads = 4) {
  const Read serial = read_with(1, params);
  CHECK(!serial.parallel);
  const Read parallel = read_with(threads, params);
  CHECK(parallel.parallel);
  check_identical(serial.table, parallel.table);
  return parallel.table;
}

// 4000 rowids with gaps, nulls in every typed column, and untyped columns whose values need the whole table to type:
// u_int is NULL in the first quarter (alone, that range would type it double), u_real has one REAL in the
// last range, u_text one TEXT in the last range, u_null is NULL throughout, blob_col (BLOB) holds ints and reals.
void make_mixed_db(const std::filesystem::path& path) {
  RawDb db(path);
  db.exec(
      "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER, x REAL, s TEXT, d DATE, ts TIMESTAMP, u_int, u_real, u_text,"
      " u_null, blob_col BLOB);"
      "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 4000)"
      " INSERT INTO t SELECT i * 3, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 11 END,"
      " CASE WHEN i % 5 = 0 THEN NULL ELSE i / 8.0 END,"
      " CASE WHEN i % 9 = 0 THEN NULL ELSE 'text-' || i END,"
      " CASE WHEN i % 11 = 0 THEN NULL ELSE date('2026-01-01', '+' || (i % 400) || ' days') END,"
      " CASE WHEN i % 13 = 0 THEN NULL ELSE datetime('2026-01-01 00:00:00', '+' || i || ' minutes') END,"
      " CASE WHEN i <= 1000 THEN NULL ELSE i END,"
      " CASE WHEN i = 3999 THEN 0.25 ELSE i END,"
      " CASE WHEN i = 3998 THEN 'word' WHEN i % 3 = 0 THEN i * 1.5 ELSE i END,"
      " NULL,"
      " CASE WHEN i % 2 = 0 THEN i ELSE i + 0.5 END FROM k;"
      // Gaps: whole stretches and single rows.
      "DELETE FROM t WHERE id BETWEEN 3000 AND 4500 OR id % 17 = 0;"
      // A row far beyond the others, so the equal-width ranges are uneven.
      "INSERT INTO t(id, n) VALUES (1000000, 1);");
}

}  // namespace

TEST_CASE("parallel sqlite_extract gives the same table as one connection: gaps, nulls, untyped columns") {
  TempDir dir;
  const auto path = dir / "mixed.db";
  make_mixed_db(path);
  const Table t = check_same_both_ways({{"db", path.string()}, {"table", "t"}});
  RawDb raw(path);
  CHECK(t.num_rows() == static_cast<std::size_t>(raw.number("SELECT count(*) FROM t")));
  // The types over the whole table, not over one range.
  CHECK(t.column("u_int").type() == ColumnType::Int64);
  CHECK(t.column("u_real").type() == ColumnType::Double);
  CHECK(t.column("u_text").type() == ColumnType::String);
  CHECK(t.column("u_null").type() == ColumnType::Double);
  CHECK(t.column("blob_col").type() == ColumnType::Double);
  CHECK(t.column("u_int").is_null(0));
  CHECK(t.column("d").type() == ColumnType::Date);
  CHECK(t.column("ts").type() == ColumnType::Timestamp);
  // Rows are in rowid order.
  for (std::size_t r = 1; r < t.num_rows(); ++r) REQUIRE(t.column("id").int_at(r - 1) < t.column("id").int_at(r));
  CHECK(t.column("id").int_at(t.num_rows() - 1) == 1000000);

  // Other thread counts, and a subset of the columns (as the flagship reads).
  check_same_both_ways({{"db", path.string()}, {"table", "t"}}, 2);
  check_same_both_ways({{"db", path.string()}, {"table", "t"}}, 7);
  check_same_both_ways({{"db", path.string()}, {"table", "T"}, {"columns", ParamValue::strings({"u_text", "id", "s"})}}, 3);
}

TEST_CASE("parallel sqlite_extract applies the schema param in every range") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 5000);
  const Table t = check_same_both_ways(
      {{"db", path.string()}, {"table", "sales"}, {"schema", ParamValue::strings({"sold_at:timestamp"})}});
  CHECK(t.column("sold_at").type() == ColumnType::Timestamp);
}

TEST_CASE("parallel sqlite_extract: fewer rows than threads, an empty table, huge and negative rowids") {
  TempDir dir;
  const auto path = dir / "small.db";
  {
    RawDb db(path);
    db.exec("CREATE TABLE three(id INTEGER PRIMARY KEY, v TEXT, u); INSERT INTO three VALUES (1, 'a', NULL), (2, NULL, 2), (3, 'c', 'x');"
            "CREATE TABLE empty(id INTEGER PRIMARY KEY, v TEXT, u);"
            "CREATE TABLE wide(v REAL, u); INSERT INTO wide(rowid, v, u) VALUES (-9223372036854775808, 1.5, 1),"
            " (-5, NULL, 2.5), (0, 3, NULL), (7, 4, 'q'), (9223372036854775807, 5, 6);");
  }
  const Table three = check_same_both_ways({{"db", path.string()}, {"table", "three"}}, 8);
  CHECK(three.num_rows() == 3);
  CHECK(three.column("u").type() == ColumnType::String);
  const Table empty = check_same_both_ways({{"db", path.string()}, {"table", "empty"}});
  CHECK(empty.num_rows() == 0);
  CHECK(empty.column_names() == std::vector<std::string>{"id", "v", "u"});
  CHECK(empty.column("u").type() == ColumnType::Double);
  const Table wide = check_same_both_ways({{"db", path.string()}, {"table", "wide"}}, 3);
  CHECK(wide.num_rows() == 5);
  CHECK(wide.column("u").string_at(0) == "1");
}

TEST_CASE("sqlite_extract reads on one connection when ranges cannot give the same result") {
  TempDir dir;
  const auto path = dir / "fallback.db";
  make_sales_db(path, 500);
  {
    RawDb db(path);
    db.exec("CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;"
            "INSERT INTO kv SELECT 'key' || (1000 - sale_id), sale_id FROM sales;"
            "CREATE INDEX ix_sales_store ON sales(store_id);"
            "CREATE VIEW big_sales AS SELECT * FROM sales WHERE quantity > 2;");
  }
  // WITHOUT ROWID: no rowids to split.
  const Read kv = read_with(4, {{"db", path.string()}, {"table", "kv"}});
  CHECK(!kv.parallel);
  CHECK(std::any_of(kv.messages.begin(), kv.messages.end(),
                    [](const std::string& m) { return m.find("reading on one connection") != std::string::npos; }));
  check_identical(kv.table, read_with(1, {{"db", path.string()}, {"table", "kv"}}).table);
  CHECK(kv.table.column("k").string_at(0) == "key500");  // primary-key order

  // An index that covers the columns does not decide the order: the table is read in rowid order
  // (NOT INDEXED), so in ranges too, with the same result as on one connection.
  const auto store_ids = {std::pair<const char*, ParamValue>{"db", path.string()}, {"table", "sales"},
                          {"columns", ParamValue::strings({"store_id", "sale_id"})}};
  const Read by_rowid = read_with(4, store_ids);
  CHECK(by_rowid.parallel);
  check_identical(by_rowid.table, read_with(1, store_ids).table);
  CHECK(by_rowid.table.column("sale_id").int_at(0) == 1);

  // A view, a where condition, a query.
  CHECK(!read_with(4, {{"db", path.string()}, {"table", "big_sales"}}).parallel);
  CHECK(!read_with(4, {{"db", path.string()}, {"table", "sales"}, {"where", "quantity > ?"},
                       {"params", ParamValue(std::vector<Scalar>{std::int64_t{2}})}}).parallel);
  CHECK(!read_with(4, {{"db", path.string()}, {"query", "SELECT * FROM sales"}}).parallel);

  // Below the size threshold (default 1 M rows); one thread.
  CHECK(!read_with(4, {{"db", path.string()}, {"table", "sales"}}, nullptr).parallel);
  CHECK(!read_with(1, {{"db", path.string()}, {"table", "sales"}}).parallel);
  CHECK(read_with(4, {{"db", path.string()}, {"table", "sales"}}, "500").parallel);
  CHECK(!read_with(4, {{"db", path.string()}, {"table", "sales"}}, "501").parallel);
}

TEST_CASE("parallel sqlite_extract reports the first bad value in rowid order, numbered over the whole table") {
  TempDir dir;
  const auto path = dir / "bad.db";
  {
    RawDb db(path);
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER);"
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100000) INSERT INTO t SELECT i, i FROM k;"
            "DELETE FROM t WHERE id BETWEEN 10 AND 19;"
            "UPDATE t SET n = 'late' WHERE id = 90000; UPDATE t SET n = 'early' WHERE id = 60000;");
  }
  const std::string expected = "column 'n' is declared INTEGER but row 59990 holds the TEXT value 'early' in '" +
                               path.string() + "'; CAST it in the query or fix the data";
  for (unsigned threads : {1u, 2u, 4u}) {
    EnvVar t("SLUICE_SQLITE_EXTRACT_THREADS", std::to_string(threads));
    EnvVar m("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS", "0");
    testing::TestContext ctx;
    CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"table", "t"}}, ctx), expected.c_str(), Error);
    CHECK(logged(ctx, "rowid ranges in parallel") == (threads > 1));
  }
}

TEST_CASE("parallel sqlite_extract polls cancellation in its threads and reports progress") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 200000);
  EnvVar t("SLUICE_SQLITE_EXTRACT_THREADS", "4");
  EnvVar m("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS", "0");
  testing::TestContext ctx;
  ctx.cancel_flag = true;
  CHECK_THROWS_AS(extract({{"db", path.string()}, {"table", "sales"}}, ctx), Cancelled);
  CHECK(logged(ctx, "rowid ranges in parallel"));
  testing::TestContext ok;
  CHECK(table_of(extract({{"db", path.string()}, {"table", "sales"}}, ok)).num_rows() == 200000);
  CHECK(ok.last_done == 200000);
  CHECK(ok.last_total == 200000);
}

TEST_CASE("parallel sqlite_extract reads one snapshot while another connection writes") {
  // Every write adds 1 to every row in one transaction, so a table read from one snapshot holds
  // one value throughout; ranges read from different snapshots would not.
  for (const char* journal : {"WAL", "DELETE"}) {
    CAPTURE(journal);
    TempDir dir;
    const auto path = dir / "busy.db";
    {
      RawDb db(path);
      db.exec(std::string("PRAGMA journal_mode=") + journal + ";"
              "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER);"
              "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 4000) INSERT INTO t SELECT i, 0 FROM k;");
    }
    std::atomic<bool> stop{false};
    std::atomic<int> writes{0};
    std::jthread writer([&] {
      sqlite3* w = nullptr;
      sqlite3_open(path.c_str(), &w);
      sqlite3_busy_timeout(w, 5000);
      sqlite3_exec(w, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr);  // many commits per read
      while (!stop) {
        if (sqlite3_exec(w, "UPDATE t SET v = v + 1", nullptr, nullptr, nullptr) == SQLITE_OK) ++writes;
        if (std::string(journal) != "WAL") std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      sqlite3_close(w);
    });
    struct StopWriter {
      std::atomic<bool>& stop;
      ~StopWriter() { stop = true; }
    } stop_writer{stop};  // declared after the writer: the writer stops, then joins
    EnvVar t("SLUICE_SQLITE_EXTRACT_THREADS", "4");
    EnvVar m("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS", "0");
    int parallel_reads = 0;
    // In rollback-journal mode each read waits for the writer's commits (as a read on one connection does).
    const int reads = std::string(journal) == "WAL" ? 40 : 10;
    for (int i = 0; i < reads; ++i) {
      testing::TestContext ctx;
      const Table tab = table_of(extract({{"db", path.string()}, {"table", "t"}, {"busy_timeout_ms", std::int64_t{5000}}}, ctx));
      REQUIRE(tab.num_rows() == 4000);
      const Column& v = tab.column("v");
      std::size_t mixed = 0;
      for (std::size_t r = 1; r < v.size(); ++r) mixed += v.int_at(r) != v.int_at(0);
      REQUIRE_MESSAGE(mixed == 0, "rows from different versions of the table");
      parallel_reads += logged(ctx, "rowid ranges in parallel") && !logged(ctx, "reading on one connection");
    }
    stop = true;
    writer.join();
    CHECK(writes > 0);
    CHECK(parallel_reads > 0);
  }
}

TEST_CASE("a bad SLUICE_SQLITE_EXTRACT_THREADS or _PARALLEL_MIN_ROWS is refused with its value") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 500);
  const std::initializer_list<std::pair<const char*, ParamValue>> params = {{"db", path.string()}, {"table", "sales"}};
  for (const char* bad : {"two", "2x", "-1"}) {
    {
      EnvVar t("SLUICE_SQLITE_EXTRACT_THREADS", bad);
      testing::TestContext ctx;
      CHECK_THROWS_WITH_AS(extract(params, ctx),
                           (std::string("SLUICE_SQLITE_EXTRACT_THREADS must be a number of threads (1 reads on one "
                                        "connection), got '") + bad + "'").c_str(),
                           Error);
    }
    EnvVar t("SLUICE_SQLITE_EXTRACT_THREADS", "2");
    EnvVar m("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS", bad);
    testing::TestContext ctx;
    CHECK_THROWS_WITH_AS(extract(params, ctx),
                         (std::string("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS must be a row count, got '") + bad + "'").c_str(),
                         Error);
  }
}
