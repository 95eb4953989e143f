// sluice.sql: joins and aggregates over several inputs, type restoration,
// hostile names, and the messages for bad queries.
#include <doctest/doctest.h>

#include <sluice/testing.hpp>

#include "stages.hpp"

using namespace sluice;
using namespace sluice::sql;

namespace {

Table stores() {
  Column id("store_id", ColumnType::Int64), city("city", ColumnType::String), opened("opened_on", ColumnType::Date);
  id.push_int(1), city.push_string("Berlin"), opened.push_int(days_from_civil(2020, 1, 15));
  id.push_int(2), city.push_string("Köln"), opened.push_null();
  id.push_int(3), city.push_string("O'Hare \"x\""), opened.push_int(days_from_civil(2021, 6, 1));
  Table t;
  for (Column* c : {&id, &city, &opened}) t.add_column(std::move(*c));
  return t;
}

Table daily() {
  Column id("store_id", ColumnType::Int64), ds("ds", ColumnType::Date), y("y", ColumnType::Double);
  for (int s = 1; s <= 2; ++s) {
    for (int d = 0; d < 3; ++d) {
      id.push_int(s);
      ds.push_int(days_from_civil(2024, 3, 1) + d);
      y.push_double(s * 10.0 + d);
    }
  }
  Table t;
  for (Column* c : {&id, &ds, &y}) t.add_column(std::move(*c));
  return t;
}

Table run(std::initializer_list<std::pair<const char*, ParamValue>> params, std::vector<std::pair<std::string, Value>> inputs) {
  testing::TestContext ctx;
  auto out = testing::run_stage(sql_descriptor(), make_sql, params, std::move(inputs), ctx);
  return std::get<Table>(out.values().at("out"));
}

}  // namespace

TEST_CASE("join and aggregate across two inputs, date columns come back as dates") {
  const Table t = run({{"query", "SELECT s.city, d.ds, SUM(d.y) AS total, COUNT(*) AS n FROM daily d JOIN stores s USING (store_id) "
                                 "GROUP BY s.city, d.ds ORDER BY s.city, d.ds"}},
                      {{"daily", Value(daily())}, {"stores", Value(stores())}});
  REQUIRE(t.num_rows() == 6);
  CHECK(t.column_names() == std::vector<std::string>{"city", "ds", "total", "n"});
  CHECK(t.column("city").type() == ColumnType::String);
  CHECK(t.column("ds").type() == ColumnType::Date);
  CHECK(t.column("total").type() == ColumnType::Double);
  CHECK(t.column("n").type() == ColumnType::Int64);
  CHECK(t.column("city").string_at(0) == "Berlin");
  CHECK(t.column("ds").int_at(0) == days_from_civil(2024, 3, 1));
  CHECK(t.column("total").double_at(5) == 22.0);
  CHECK(t.column("city").string_at(5) == "Köln");
}

TEST_CASE("total per day (the flagship's use): ds stays a date") {
  const Table t = run({{"query", "SELECT ds, SUM(y) AS y FROM daily GROUP BY ds ORDER BY ds"}}, {{"daily", Value(daily())}});
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("ds").type() == ColumnType::Date);
  CHECK(t.column("y").double_at(0) == 30.0);
}

TEST_CASE("nulls, strings with quotes, and a left join") {
  const Table t = run({{"query", "SELECT s.store_id, s.city, s.opened_on, d.y FROM stores s LEFT JOIN daily d "
                                 "ON d.store_id = s.store_id AND d.ds = '2024-03-01' ORDER BY s.store_id"}},
                      {{"daily", Value(daily())}, {"stores", Value(stores())}});
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("opened_on").type() == ColumnType::Date);
  CHECK(t.column("opened_on").is_null(1));
  CHECK(t.column("city").string_at(2) == "O'Hare \"x\"");
  CHECK(t.column("y").type() == ColumnType::Double);
  CHECK(t.column("y").is_null(2));
}

TEST_CASE("computed columns are typed from their values, types forces a type") {
  const Table t = run({{"query", "SELECT MIN(ds) AS first_day, MAX(ds) AS last_day, 1 AS one, 2.5 AS half, NULL AS nada FROM daily"}},
                      {{"daily", Value(daily())}});
  CHECK(t.column("first_day").type() == ColumnType::String);  // an aggregate has no origin column
  CHECK(t.column("one").type() == ColumnType::Int64);
  CHECK(t.column("half").type() == ColumnType::Double);
  CHECK(t.column("nada").type() == ColumnType::Double);  // nulls only, as sluice.sqlite_extract

  const Table forced = run({{"query", "SELECT MIN(ds) AS first_day, 3 AS n, '2024-01-02 03:04:05' AS at FROM daily"},
                            {"types", ParamValue::strings({"first_day:date", "n:double", "at:timestamp"})}},
                           {{"daily", Value(daily())}});
  CHECK(forced.column("first_day").type() == ColumnType::Date);
  CHECK(forced.column("first_day").int_at(0) == days_from_civil(2024, 3, 1));
  CHECK(forced.column("n").double_at(0) == 3.0);
  CHECK(forced.column("at").int_at(0) == days_from_civil(2024, 1, 2) * kMicrosPerDay + (3 * 3600LL + 4 * 60 + 5) * 1'000'000);

  CHECK_THROWS_WITH_AS(run({{"query", "SELECT 'soon' AS d"}, {"types", ParamValue::strings({"d:date"})}}, {}),
                       "query result row 1, column 'd': 'soon' is not a date; cast it in the query or set types = [\"d:string\"]",
                       Error);
  CHECK_THROWS_WITH_AS(run({{"query", "SELECT 1 AS a"}, {"types", ParamValue::strings({"b:date"})}}, {}),
                       "parameter 'types' names column 'b', which the query does not return; it returns: a", Error);
  CHECK_THROWS_WITH_AS(run({{"query", "SELECT 1 AS a"}, {"types", ParamValue::strings({"a:integer"})}}, {}),
                       "parameter 'types': entry 'a:integer' has unknown type 'integer' (use int64, double, string, date or timestamp)",
                       ParamError);
}

TEST_CASE("timestamps round-trip through SQLite as text") {
  Column at("at", ColumnType::Timestamp);
  at.push_int(1'700'000'000'123'456);
  Table in;
  in.add_column(std::move(at));
  const Table t = run({{"query", "SELECT at, substr(at, 1, 10) AS day FROM events"}}, {{"events", Value(in)}});
  CHECK(t.column("at").type() == ColumnType::Timestamp);
  CHECK(t.column("at").int_at(0) == 1'700'000'000'123'456);
  CHECK(t.column("day").string_at(0) == "2023-11-14");
}

TEST_CASE("hostile table and column names are quoted, never spliced") {
  Column c("we\"ird col", ColumnType::Int64);
  c.push_int(7);
  Table in;
  in.add_column(std::move(c));
  const std::string name = "x\"; DROP TABLE daily; --";
  const Table t = run({{"query", "SELECT \"we\"\"ird col\" AS v, (SELECT COUNT(*) FROM daily) AS n FROM \"x\"\"; DROP TABLE daily; --\""}},
                      {{"daily", Value(daily())}, {name, Value(in)}});
  CHECK(t.column("v").int_at(0) == 7);
  CHECK(t.column("n").int_at(0) == 6);
}

TEST_CASE("bad SQL quotes SQLite's message, the query and the tables") {
  CHECK_THROWS_WITH_AS(run({{"query", "SELEC * FROM daily"}}, {{"daily", Value(daily())}}),
                       "SQL error: near \"SELEC\": syntax error\n  query: SELEC * FROM daily\n  tables: \"daily\"(store_id, ds, y)",
                       Error);
  CHECK_THROWS_WITH(run({{"query", "SELECT nope FROM daily"}}, {{"daily", Value(daily())}}),
                    doctest::Contains("SQL error: no such column: nope\n  query: SELECT nope FROM daily"));
  CHECK_THROWS_WITH(run({{"query", "SELECT * FROM sales"}}, {}),
                    "SQL error: no such table: sales\n  query: SELECT * FROM sales\n  tables: (none; bind inputs to this node)");
}

TEST_CASE("queries that return no table, or modify, or hold two statements are rejected") {
  CHECK_THROWS_WITH(run({{"query", "BEGIN"}}, {}),
                    doctest::Contains("the query returns no columns; sluice.sql needs a SELECT (or WITH ... SELECT, VALUES) that produces a table"));
  // Every write is refused while SQLite prepares the query, and the error says which.
  const std::string read_only = "the query modifies the database; sluice.sql only runs read-only queries";
  const std::map<std::string, std::string> writes = {
      {"DELETE FROM daily RETURNING *", "DELETE from daily"},
      {"UPDATE daily SET y = 0", "UPDATE of daily"},
      {"INSERT INTO daily(y) VALUES (1) RETURNING y", "INSERT into daily"},
      {"CREATE TABLE t(a)", "CREATE TABLE t"},
      {"CREATE TEMP TABLE t AS SELECT * FROM daily", "CREATE TABLE t"},
      {"CREATE VIEW v AS SELECT 1", "CREATE VIEW v"},
      {"DROP TABLE daily", "DROP TABLE daily"},
      {"ALTER TABLE daily RENAME TO d2", "ALTER TABLE daily"},
      {"ANALYZE", "CREATE TABLE sqlite_stat1"},  // its first write: the statistics table
  };
  CHECK_THROWS_WITH(run({{"query", "UPDATE daily SET y = 0 RETURNING y"}}, {{"daily", Value(daily())}}),
                    doctest::Contains("SQL error: UPDATE RETURNING is not available on virtual tables"));
  for (const auto& [query, what] : writes) {
    INFO(query);
    CHECK_THROWS_WITH(run({{"query", query}}, {{"daily", Value(daily())}}),
                      doctest::Contains((read_only + " (" + what + ")\n  query: " + query).c_str()));
  }
  CHECK_THROWS_WITH(run({{"query", "SELECT 1; DROP TABLE daily"}}, {{"daily", Value(daily())}}),
                    doctest::Contains("the query holds more than one statement"));
  CHECK_THROWS_WITH(run({{"query", "ATTACH 'x.db' AS x"}}, {}), doctest::Contains("returns no columns"));
  CHECK(run({{"query", "SELECT 1 AS a; -- trailing comment\n"}}, {}).num_rows() == 1);
  CHECK_THROWS_WITH(run({{"query", "   "}}, {}), doctest::Contains("the query is empty"));
  CHECK_THROWS_WITH(run({{"query", "SELECT 1 AS a, 2 AS a"}}, {}),
                    doctest::Contains("the query returns two columns named 'a'; give them distinct names with AS"));
}

TEST_CASE("VALUES and an empty result keep their columns") {
  const Table v = run({{"query", "VALUES (1, 'a'), (2, 'b')"}}, {});
  CHECK(v.num_rows() == 2);
  CHECK(v.num_columns() == 2);
  const Table e = run({{"query", "SELECT * FROM daily WHERE y > 1000"}}, {{"daily", Value(daily())}});
  CHECK(e.num_rows() == 0);
  CHECK(e.column("ds").type() == ColumnType::Date);
}

TEST_CASE("a cancelled run stops the query") {
  testing::TestContext ctx;
  ctx.cancel_flag = true;
  CHECK_THROWS_AS(testing::run_stage(sql_descriptor(), make_sql,
                                     {{"query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n"}},
                                     {}, ctx),
                  Cancelled);
}

TEST_CASE("inputs are copied whole (every row, type and null), and the loader is out of the query's reach") {
  Column i("i", ColumnType::Int64), d("d", ColumnType::Double), s("s", ColumnType::String), day("day", ColumnType::Date);
  constexpr int kRows = 5000;
  for (int r = 0; r < kRows; ++r) {
    if (r % 7 == 0) i.push_null(); else i.push_int(r);
    if (r % 11 == 0) d.push_null(); else d.push_double(r * 0.5);
    if (r % 13 == 0) s.push_null(); else s.push_string("row " + std::to_string(r));
    if (r % 17 == 0) day.push_null(); else day.push_int(days_from_civil(2024, 1, 1) + r);
  }
  Table in;
  for (Column* c : {&i, &d, &s, &day}) in.add_column(std::move(*c));
  const Table t = run({{"query", "SELECT * FROM t ORDER BY rowid"}}, {{"t", Value(in)}});
  REQUIRE(t.num_rows() == static_cast<std::size_t>(kRows));
  CHECK(t.column("day").type() == ColumnType::Date);
  for (std::size_t c = 0; c < in.num_columns(); ++c) {
    const Column& want = in.column(c);
    const Column& got = t.column(want.name());
    for (std::size_t r = 0; r < in.num_rows(); ++r) {
      INFO("column " << want.name() << ", row " << r);
      REQUIRE(got.is_null(r) == want.is_null(r));
      if (want.is_null(r)) continue;
      if (want.type() == ColumnType::Double) CHECK(got.double_at(r) == want.double_at(r));
      else if (want.type() == ColumnType::String) CHECK(got.string_at(r) == want.string_at(r));
      else CHECK(got.int_at(r) == want.int_at(r));
    }
  }
  CHECK_THROWS_WITH(run({{"query", "SELECT * FROM sluice_input"}}, {{"t", Value(in)}}),
                    doctest::Contains("no such table: sluice_input"));
  CHECK_THROWS_WITH(run({{"query", "SELECT * FROM temp.sluice_input_0"}}, {{"t", Value(in)}}),
                    doctest::Contains("no such table"));
}
