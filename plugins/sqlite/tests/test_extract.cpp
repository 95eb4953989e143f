#include "test_helpers.hpp"

#include <chrono>
#include <thread>

using namespace sluice;
using namespace sqlite_test;
using sluice::test::TempDir;

TEST_CASE("sqlite_extract types columns from declared types and keeps nulls") {
  TempDir dir;
  const auto path = dir / "typed.db";
  {
    RawDb db(path);
    db.exec(
        "CREATE TABLE t(id INTEGER, price REAL, amount DOUBLE, label TEXT, name VARCHAR(20), day DATE, at DATETIME, ts TIMESTAMP);"
        "INSERT INTO t VALUES (1, 2.5, 3, 'a', 'x', '2026-01-02', '2026-01-02 03:04:05', '2026-01-02T03:04:05.250');"
        "INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
        "INSERT INTO t VALUES (-7, 1e300, -0.5, '', 'it''s', '1969-12-31', '1970-01-01 00:00:00', 86400);");
  }
  testing::TestContext ctx;
  const auto out = extract({{"db", path.string()}, {"table", "t"}}, ctx);
  const Table& t = table_of(out);
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("id").type() == ColumnType::Int64);
  CHECK(t.column("price").type() == ColumnType::Double);
  CHECK(t.column("amount").type() == ColumnType::Double);
  CHECK(t.column("label").type() == ColumnType::String);
  CHECK(t.column("name").type() == ColumnType::String);
  CHECK(t.column("day").type() == ColumnType::Date);
  CHECK(t.column("at").type() == ColumnType::Timestamp);
  CHECK(t.column("ts").type() == ColumnType::Timestamp);
  for (const auto& c : t.columns()) CHECK_MESSAGE(c.is_null(1), c.name());
  CHECK(t.column("id").int_at(2) == -7);
  CHECK(t.column("amount").double_at(0) == 3.0);
  CHECK(t.column("name").string_at(2) == "it's");
  CHECK(t.column("label").string_at(2) == "");
  CHECK(!t.column("label").is_null(2));
  CHECK(format_date(t.column("day").int_at(0)) == "2026-01-02");
  CHECK(t.column("day").int_at(2) == -1);
  CHECK(format_timestamp(t.column("at").int_at(0)) == "2026-01-02 03:04:05");
  CHECK(format_timestamp(t.column("ts").int_at(0)) == "2026-01-02 03:04:05.250000");
  CHECK(t.column("ts").int_at(2) == 86400LL * 1'000'000);  // integers are unix seconds
  CHECK(ctx.last_done == 3);
}

TEST_CASE("sqlite_extract types expression columns from their values") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 200);
  testing::TestContext ctx;
  const auto out = extract({{"db", path.string()},
                            {"query",
                             "SELECT store_id, count(*) AS n, sum(quantity * unit_price) AS revenue, NULL AS blank, "
                             "CASE WHEN store_id = 2 THEN NULL ELSE store_id * 1.5 END AS maybe, "
                             "substr(min(sold_at), 1, 10) AS first_day FROM sales GROUP BY store_id ORDER BY store_id"}},
                           ctx);
  const Table& t = table_of(out);
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column_names() == std::vector<std::string>{"store_id", "n", "revenue", "blank", "maybe", "first_day"});
  CHECK(t.column("n").type() == ColumnType::Int64);
  CHECK(t.column("revenue").type() == ColumnType::Double);
  CHECK(t.column("blank").null_count() == 3);
  CHECK(t.column("maybe").type() == ColumnType::Double);
  CHECK(t.column("maybe").is_null(1));
  CHECK(t.column("maybe").double_at(2) == 4.5);
  CHECK(t.column("first_day").type() == ColumnType::String);
  CHECK(t.column("first_day").string_at(0) == "2026-01-01");
  RawDb raw(path);
  CHECK(t.column("n").int_at(0) == raw.number("SELECT count(*) FROM sales WHERE store_id = 1"));
}

TEST_CASE("sqlite_extract binds params in query and in table + where, and reads chosen columns") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 300);
  testing::TestContext ctx;
  const auto q = extract({{"db", path.string()},
                          {"query", "SELECT sale_id FROM sales WHERE store_id = ?1 AND sold_at >= ?2 AND ?3 IS NULL"},
                          {"params", ParamValue(std::vector<Scalar>{std::int64_t{2}, std::string("2026-01-20"), Scalar{}})}},
                         ctx);
  RawDb raw(path);
  CHECK(table_of(q).num_rows() ==
        static_cast<std::size_t>(raw.number("SELECT count(*) FROM sales WHERE store_id = 2 AND sold_at >= '2026-01-20'")));

  // A hostile value stays a value.
  const auto hostile = extract({{"db", path.string()},
                                {"table", "sales"},
                                {"columns", ParamValue::strings({"sale_id", "quantity"})},
                                {"where", "sold_at = ?"},
                                {"params", ParamValue(std::vector<Scalar>{std::string("x' OR '1'='1")})}},
                               ctx);
  CHECK(table_of(hostile).num_rows() == 0);
  CHECK(table_of(hostile).column_names() == std::vector<std::string>{"sale_id", "quantity"});

  const auto some = extract({{"db", path.string()},
                             {"table", "SALES"},
                             {"columns", ParamValue::strings({"quantity"})},
                             {"where", "quantity > ? AND unit_price < ?"},
                             {"params", ParamValue(std::vector<Scalar>{std::int64_t{2}, 5.0})}},
                            ctx);
  CHECK(table_of(some).num_rows() ==
        static_cast<std::size_t>(raw.number("SELECT count(*) FROM sales WHERE quantity > 2 AND unit_price < 5.0")));

  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"query", "SELECT ?1 + ?2"},
                                {"params", ParamValue(std::vector<Scalar>{std::int64_t{1}})}}, ctx),
                       "parameter 'params': the SQL has 2 placeholder(s) but params holds 1 value(s); SQL: SELECT ?1 + ?2", ParamError);
}

TEST_CASE("sqlite_extract error messages say what is wrong and how to fix it") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 10);
  testing::TestContext ctx;
  const std::string missing = (dir / "nope.db").string();
  CHECK_THROWS_WITH_AS(extract({{"db", missing}, {"table", "sales"}}, ctx),
                       ("SQLite database '" + missing +
                        "' does not exist (param 'db'); check the path, or create a demo database with `sluice demo-data " +
                        missing + "`").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"query", "SELEC * FROM sales"}}, ctx),
                       ("SQLite rejected the SQL for the extract query on '" + path.string() +
                        "': near \"SELEC\": syntax error; SQL: SELEC * FROM sales").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"query", "SELECT nope FROM sales"}}, ctx),
                       ("SQLite rejected the SQL for the extract query on '" + path.string() +
                        "': no such column: nope; SQL: SELECT nope FROM sales").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"table", "sale"}}, ctx),
                       ("table 'sale' not found in '" + path.string() + "'; it has: sales, stores").c_str(), Error);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"table", "sales"}, {"columns", ParamValue::strings({"qty"})}}, ctx),
                       ("column 'qty' not found in table 'sales' of '" + path.string() +
                        "'; it has: sale_id, store_id, product_id, sold_at, quantity, unit_price").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(
      extract({{"db", path.string()}, {"query", "SELECT * FROM sales WHERE 0"}, {"require_rows", true}}, ctx),
      ("the extract returned no rows from '" + path.string() +
       "' and require_rows is true; SQL: SELECT * FROM sales WHERE 0").c_str(),
      Error);
  CHECK(table_of(extract({{"db", path.string()}, {"query", "SELECT * FROM sales WHERE 0"}}, ctx)).num_columns() == 6);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}}, ctx),
                       "parameter 'table': give exactly one of 'query' (SQL) or 'table' (a table name), not neither", ParamError);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"query", "SELECT 1"}, {"table", "sales"}}, ctx),
                       "parameter 'query': give exactly one of 'query' (SQL) or 'table' (a table name), not both", ParamError);
  CHECK_THROWS_AS(extract({{"db", path.string()}, {"query", "SELECT 1"}, {"where", "1"}}, ctx), ParamError);

  RawDb(path).exec("CREATE TABLE odd(n INTEGER); INSERT INTO odd VALUES (1), ('two')");
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"table", "odd"}}, ctx),
                       ("column 'n' is declared INTEGER but row 2 holds the TEXT value 'two' in '" + path.string() +
                        "'; CAST it in the query or fix the data").c_str(),
                       Error);
  sluice::test::write_file(dir / "text.db", "not a database at all, just text that is long enough to have a header");
  CHECK_THROWS_WITH_AS(extract({{"db", (dir / "text.db").string()}, {"table", "sales"}}, ctx),
                       ("'" + (dir / "text.db").string() + "' is not a SQLite database (listing tables)").c_str(), Error);
}

TEST_CASE("sqlite_extract reads tables with sparse or huge rowids and with deleted rows") {
  // The columns are sized from max(rowid); a sparse table must not make them reserve terabytes.
  TempDir dir;
  const auto path = dir / "sparse.db";
  {
    RawDb db(path);
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v REAL);"
            "INSERT INTO t VALUES (1, 0.5), (4611686018427387904, 1.5), (9223372036854775807, 2.5);"
            "CREATE TABLE d(v INTEGER); INSERT INTO d VALUES (1), (2), (3); DELETE FROM d WHERE v < 3;");
  }
  testing::TestContext ctx;
  const auto out = extract({{"db", path.string()}, {"table", "t"}}, ctx);
  const Table& t = table_of(out);
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("id").int_at(2) == 9223372036854775807LL);
  CHECK(t.column("v").double_at(1) == 1.5);
  const auto d = extract({{"db", path.string()}, {"table", "d"}}, ctx);
  REQUIRE(table_of(d).num_rows() == 1);
  CHECK(table_of(d).column("v").int_at(0) == 3);
}

namespace {
// Keeps every progress report, not just the last.
struct RecordingContext : testing::TestContext {
  void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) override {
    testing::TestContext::progress(done, total, unit);
    reports.emplace_back(done, total);
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> reports;
};
}  // namespace

TEST_CASE("sqlite_extract reports a whole-table read against the table's size, so progress has a percentage") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 50000);
  RecordingContext ctx;
  (void)extract({{"db", path.string()}, {"table", "sales"}}, ctx);  // one batch report per 16,384 rows
  REQUIRE(ctx.reports.size() >= 4);
  CHECK(ctx.reports.front() == std::pair<std::uint64_t, std::uint64_t>{16384, 50000});
  CHECK(ctx.reports.back() == std::pair<std::uint64_t, std::uint64_t>{50000, 50000});
  // A query's size is unknown until it ends: the total stays 0 (no percentage) until then.
  RecordingContext query_ctx;
  (void)extract({{"db", path.string()}, {"query", "SELECT * FROM sales WHERE quantity > 0"}}, query_ctx);
  REQUIRE(query_ctx.reports.size() >= 2);
  CHECK(query_ctx.reports.front().second == 0);
  CHECK(query_ctx.reports.back() == std::pair<std::uint64_t, std::uint64_t>{50000, 50000});
}

TEST_CASE("sqlite_extract opens the database read-only") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 10);
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"query", "DELETE FROM sales"}}, ctx),
                       ("SQLite error while the extract query on '" + path.string() +
                        "': attempt to write a readonly database").c_str(),
                       Error);
  CHECK(RawDb(path).number("SELECT count(*) FROM sales") == 10);
}

TEST_CASE("sqlite_extract fingerprint changes when rows are appended or corrected, and not otherwise") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 50);
  testing::TestContext ctx;
  auto by_table = make_stage(sluice::sqlite::extract_descriptor(), sluice::sqlite::make_extract,
                             {{"db", path.string()}, {"table", "sales"}});
  auto by_query = make_stage(sluice::sqlite::extract_descriptor(), sluice::sqlite::make_extract,
                             {{"db", path.string()}, {"query", "SELECT count(*) FROM sales"}});
  const auto t1 = by_table->fingerprint(ctx), q1 = by_query->fingerprint(ctx);
  REQUIRE(t1.has_value());
  REQUIRE(q1.has_value());
  CHECK(by_table->fingerprint(ctx) == t1);
  CHECK(by_query->fingerprint(ctx) == q1);
  // Reading does not change it.
  (void)extract({{"db", path.string()}, {"table", "sales"}}, ctx);
  CHECK(by_table->fingerprint(ctx) == t1);
  CHECK(t1->find("|max_rowid=50") != std::string::npos);

  RawDb(path).exec("INSERT INTO sales VALUES (51, 1, 1, '2026-03-01 09:00:00', 1, 1.0)");
  const auto t2 = by_table->fingerprint(ctx), q2 = by_query->fingerprint(ctx);
  CHECK(t2 != t1);
  CHECK(q2 != q1);
  CHECK(t2->find("|max_rowid=51") != std::string::npos);
  CHECK(by_table->fingerprint(ctx) == t2);

  // An in-place correction keeps the row count and max(rowid); the file's mtime still moves.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the filesystem's timestamp tick
  RawDb(path).exec("UPDATE sales SET quantity = quantity + 1 WHERE sale_id = 1");
  const auto t3 = by_table->fingerprint(ctx);
  CHECK(t3 != t2);
  CHECK(t3->find("|max_rowid=51") != std::string::npos);

  std::filesystem::remove(path);
  const auto gone = by_table->fingerprint(ctx);
  REQUIRE(gone.has_value());
  CHECK(gone != t3);
  CHECK(gone->find("missing") != std::string::npos);
}

namespace {
sluice::Outputs extract_keys(std::initializer_list<std::pair<const char*, ParamValue>> params, const Table& keys,
                             testing::TestContext& ctx) {
  return testing::run_stage(sluice::sqlite::extract_descriptor(), sluice::sqlite::make_extract, params,
                            {{"keys", Value(keys)}}, ctx);
}
Table store_keys(std::vector<std::int64_t> ids) {
  Table t;
  Column& id = t.add_column("store_id", ColumnType::Int64);
  Column& version = t.add_column("version", ColumnType::Int64);
  for (auto i : ids) {
    id.push_int(i);
    version.push_int(1);
  }
  return t;
}
// The test sales database with the index that makes a read per store a search.
void make_indexed_sales_db(const std::filesystem::path& path) {
  make_sales_db(path, 300);
  RawDb(path).exec("CREATE INDEX sales_by_store ON sales(store_id, sold_at)");
}
}  // namespace

TEST_CASE("sqlite_extract with a keys input reads once per key row, binding :name parameters from its columns") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_indexed_sales_db(path);
  RawDb raw(path);
  testing::TestContext ctx;
  const auto params = {std::pair<const char*, ParamValue>{"db", path.string()},
                       {"table", "sales"},
                       {"columns", ParamValue::strings({"store_id", "sale_id"})},
                       {"where", "store_id = :store_id"}};

  // Key rows in the given order, each read in full; the columns the SQL does not name are ignored.
  const auto two_out = extract_keys(params, store_keys({3, 1}), ctx);
  const Table& two = table_of(two_out);
  REQUIRE(two.num_rows() == static_cast<std::size_t>(raw.number("SELECT count(*) FROM sales WHERE store_id IN (1, 3)")));
  const auto n3 = static_cast<std::size_t>(raw.number("SELECT count(*) FROM sales WHERE store_id = 3"));
  CHECK(two.column("store_id").int_at(0) == 3);
  CHECK(two.column("store_id").int_at(n3 - 1) == 3);
  CHECK(two.column("store_id").int_at(n3) == 1);
  CHECK(ctx.messages.size() == 1);  // "read ... rows": an indexed read draws no warning

  // Without keys, the whole table is read in rowid order although the index covers the columns.
  const auto whole_out = extract({{"db", path.string()}, {"table", "sales"}, {"columns", ParamValue::strings({"store_id", "sale_id"})}}, ctx);
  const Table& whole = table_of(whole_out);
  REQUIRE(whole.num_rows() == 300);
  for (std::size_t r = 0; r < whole.num_rows(); ++r) CHECK(whole.column("sale_id").int_at(r) == static_cast<std::int64_t>(r + 1));

  // No key rows: no rows, and the declared columns with their types.
  const auto none_out = extract_keys(params, store_keys({}), ctx);
  const Table& none = table_of(none_out);
  CHECK(none.num_rows() == 0);
  CHECK(none.column_names() == std::vector<std::string>{"store_id", "sale_id"});
  CHECK(none.column("sale_id").type() == ColumnType::Int64);

  // Named parameters with positional ones, in a query.
  const auto mixed_out = extract_keys({{"db", path.string()},
                                              {"query", "SELECT sale_id FROM sales WHERE store_id = :store_id AND quantity > ?"},
                                              {"params", ParamValue(std::vector<Scalar>{std::int64_t{2}})}},
                                      store_keys({2}), ctx);
  const Table& mixed = table_of(mixed_out);
  CHECK(mixed.num_rows() == static_cast<std::size_t>(raw.number("SELECT count(*) FROM sales WHERE store_id = 2 AND quantity > 2")));

  // A parameter the keys do not have, named with what they have.
  CHECK_THROWS_WITH_AS(extract_keys({{"db", path.string()}, {"table", "sales"}, {"where", "store_id = :shop"}}, store_keys({1}), ctx),
                       ("the SQL uses the parameter :shop but the `keys` input has no column 'shop'; it has: store_id, "
                        "version; SQL: SELECT * FROM \"sales\" WHERE (store_id = :shop)"),
                       Error);
  CHECK_THROWS_WITH_AS(extract_keys({{"db", path.string()}, {"table", "sales"}, {"where", "store_id = :store_id AND quantity > ?"}},
                                    store_keys({1}), ctx),
                       "parameter 'params': the SQL has 1 placeholder(s) but params holds 0 value(s) (named ones such as :store_id take their "
                       "values from the `keys` input); SQL: SELECT * FROM \"sales\" WHERE (store_id = :store_id AND quantity > ?)",
                       ParamError);
}

TEST_CASE("sqlite_extract schema types a TEXT column as timestamps, per key row too, and names what is wrong") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_indexed_sales_db(path);
  RawDb raw(path);
  testing::TestContext ctx;
  const auto typed = ParamValue::strings({"sold_at:timestamp", "quantity:double"});
  const auto whole_out = extract({{"db", path.string()}, {"table", "sales"}, {"schema", typed}}, ctx);
  const Table& whole = table_of(whole_out);
  REQUIRE(whole.num_rows() == 300);
  CHECK(whole.column("sold_at").type() == ColumnType::Timestamp);
  CHECK(whole.column("quantity").type() == ColumnType::Double);
  CHECK(whole.column("unit_price").type() == ColumnType::Double);  // declared REAL, not in the schema
  CHECK(whole.column("store_id").type() == ColumnType::Int64);
  for (std::size_t r : {std::size_t{0}, std::size_t{151}, std::size_t{299}}) {
    CAPTURE(r);
    CHECK(format_timestamp(whole.column("sold_at").int_at(r)) ==
          raw.text("SELECT sold_at FROM sales WHERE sale_id = " + std::to_string(r + 1)));
  }

  // The same types in a read per key row; names match as SQLite's do, whatever their case.
  const auto per_key_out = extract_keys({{"db", path.string()}, {"table", "sales"}, {"where", "store_id = :store_id"},
                                         {"schema", ParamValue::strings({"SOLD_AT:timestamp"})}},
                                        store_keys({2}), ctx);
  const Table& per_key = table_of(per_key_out);
  REQUIRE(per_key.num_rows() == static_cast<std::size_t>(raw.number("SELECT count(*) FROM sales WHERE store_id = 2")));
  CHECK(per_key.column("sold_at").type() == ColumnType::Timestamp);
  CHECK(format_timestamp(per_key.column("sold_at").int_at(0)) ==
        raw.text("SELECT sold_at FROM sales WHERE store_id = 2 ORDER BY sold_at LIMIT 1"));

  // Typed as dates, timestamps keep their day, also before 1970 (rounded down, not toward zero).
  raw.exec("UPDATE sales SET sold_at = '1969-12-31 12:00:00' WHERE sale_id = 5");
  const auto days_out = extract({{"db", path.string()}, {"query", "SELECT sale_id, sold_at FROM sales ORDER BY sale_id"},
                                 {"schema", ParamValue::strings({"sold_at:date"})}},
                                ctx);
  const Table& days = table_of(days_out);
  CHECK(days.column("sold_at").int_at(4) == -1);
  CHECK(format_date(days.column("sold_at").int_at(5)) == raw.text("SELECT date(sold_at) FROM sales WHERE sale_id = 6"));

  // A value that is no timestamp names the row and where the type came from.
  raw.exec("UPDATE sales SET sold_at = 'soon' WHERE sale_id = 7");
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"table", "sales"}, {"schema", typed}}, ctx),
                       ("column 'sold_at' is declared timestamp by param 'schema' but row 7 holds the TEXT value 'soon' in '" +
                        path.string() + "'; CAST it in the query or fix the data").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(
      extract({{"db", path.string()}, {"table", "sales"}, {"columns", ParamValue::strings({"store_id", "sold_at"})},
               {"schema", ParamValue::strings({"sold:timestamp"})}},
              ctx),
      ("param 'schema' types column 'sold', which the result from '" + path.string() +
       "' does not have; it has: store_id, sold_at")
          .c_str(),
      Error);
  CHECK_THROWS_WITH_AS(extract({{"db", path.string()}, {"table", "sales"}, {"schema", ParamValue::strings({"sold_at"})}}, ctx),
                       "parameter 'schema': schema entry 'sold_at' is not \"name:type\" (types: int64, double, string, date, timestamp)",
                       ParamError);
}

TEST_CASE("sqlite_extract warns when every key row would scan the whole table") {
  TempDir dir;
  const auto path = dir / "s.db";
  make_sales_db(path, 50);
  testing::TestContext ctx;
  const auto out = extract_keys({{"db", path.string()}, {"table", "sales"}, {"where", "product_id = :store_id"}}, store_keys({1, 2}), ctx);
  CHECK(table_of(out).num_rows() == static_cast<std::size_t>(RawDb(path).number("SELECT count(*) FROM sales WHERE product_id IN (1, 2)")));
  bool warned = false;
  for (const auto& m : ctx.messages)
    warned = warned || (m.find("every key row reads the whole table (query plan: SCAN sales)") != std::string::npos &&
                        m.find("CREATE INDEX") != std::string::npos);
  CHECK(warned);
}
