// The inputs are virtual tables answered in place, with equality lookups from a hash map per column.
// Every query here must give exactly what SQLite gives for ordinary tables holding the same rows
// (with no floating-point sums: their order, and so their rounding, follows the join order).
#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <sluice/testing.hpp>

#include "sql_database.hpp"
#include "sqlite_handles.hpp"

using namespace sluice;
using namespace sluice::sql;

namespace {

std::string cell_text(sqlite3_stmt* st, int c) {
  char buf[64];
  switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL: return "NULL";
    case SQLITE_INTEGER: return std::to_string(sqlite3_column_int64(st, c));
    case SQLITE_FLOAT: std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, c)); return buf;
    default: return "'" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))) + "'";
  }
}

std::string cell_text(const Column& col, std::size_t r) {
  char buf[64];
  if (col.is_null(r)) return "NULL";
  switch (col.type()) {
    case ColumnType::Int64: return std::to_string(col.int_at(r));
    case ColumnType::Double: std::snprintf(buf, sizeof buf, "%.17g", col.double_at(r)); return buf;
    default: return "'" + std::string(col.string_at(r)) + "'";
  }
}

// The query over ordinary SQLite tables, rows inserted one by one: the reference.
std::vector<std::string> reference(const std::vector<std::pair<std::string, const Table*>>& inputs, const std::string& sql) {
  sqlite3* raw = nullptr;
  sqlite3_open(":memory:", &raw);
  Db db(raw);
  for (const auto& [name, table] : inputs) {
    std::string create = "CREATE TABLE " + quote_identifier(name) + "(", insert = "INSERT INTO " + quote_identifier(name) + " VALUES(";
    for (std::size_t c = 0; c < table->num_columns(); ++c) {
      create += (c ? ", " : "") + quote_identifier(table->column(c).name()) + " " + sql_type(table->column(c).type());
      insert += c ? ", ?" : "?";
    }
    exec_or_throw(raw, create + ")", "create");
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, (insert + ")").c_str(), -1, &st, nullptr);
    Stmt owner(st);
    for (std::size_t r = 0; r < table->num_rows(); ++r) {
      for (std::size_t c = 0; c < table->num_columns(); ++c) {
        const Column& col = table->column(c);
        const int i = static_cast<int>(c) + 1;
        if (col.is_null(r)) sqlite3_bind_null(st, i);
        else if (col.type() == ColumnType::Int64) sqlite3_bind_int64(st, i, col.int_at(r));
        else if (col.type() == ColumnType::Double) sqlite3_bind_double(st, i, col.double_at(r));
        else sqlite3_bind_text(st, i, col.string_at(r).data(), static_cast<int>(col.string_at(r).size()), SQLITE_TRANSIENT);
      }
      REQUIRE(sqlite3_step(st) == SQLITE_DONE);
      sqlite3_reset(st);
    }
  }
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &q, nullptr) == SQLITE_OK);
  Stmt owner(q);
  std::vector<std::string> rows;
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(q); ++c) row += cell_text(q, c) + "|";
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::string> through_inputs(const std::vector<std::pair<std::string, const Table*>>& inputs, const std::string& sql) {
  SqlDatabase db;
  for (const auto& [name, table] : inputs) db.load(name, *table);
  testing::TestContext ctx;
  const Table t = db.query(sql, {}, ctx);
  std::vector<std::string> rows;
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    std::string row;
    for (std::size_t c = 0; c < t.num_columns(); ++c) row += cell_text(t.column(c), r) + "|";
    rows.push_back(row);
  }
  return rows;
}

// Keys drawn from a small set so that joins match, with nulls, -0.0, integral doubles, numbers
// beyond 2^53 and text that looks like numbers.
Table random_table(std::mt19937& rng, std::size_t rows) {
  const std::vector<std::int64_t> ints{0, 1, 2, 3, -1, 9007199254740993LL, 9007199254740992LL};
  const std::vector<double> doubles{0.0, -0.0, 1.0, 2.5, 3.0, -1.0, 9007199254740992.0};
  const std::vector<std::string> strings{"a", "A", "b", "1", "2.5", "", "ü"};
  Column i("i", ColumnType::Int64), d("d", ColumnType::Double), s("s", ColumnType::String);
  std::uniform_int_distribution<std::size_t> pick(0, 7);  // 7: null
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t a = pick(rng), b = pick(rng), c = pick(rng);
    if (a == 7) i.push_null(); else i.push_int(ints[a]);
    if (b == 7) d.push_null(); else d.push_double(doubles[b]);
    if (c == 7) s.push_null(); else s.push_string(strings[c]);
  }
  Table t;
  for (Column* col : {&i, &d, &s}) t.add_column(std::move(*col));
  return t;
}

}  // namespace

TEST_CASE("input tables: joins, IN and equality filters give what ordinary tables give") {
  std::mt19937 rng(11);
  const Table left = random_table(rng, 60), right = random_table(rng, 40);
  const std::vector<std::pair<std::string, const Table*>> inputs{{"l", &left}, {"r", &right}};
  const std::vector<std::string> queries{
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.i = r.i ORDER BY 1, 2",
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.d = r.d ORDER BY 1, 2",
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.s = r.s ORDER BY 1, 2",
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.i = r.d ORDER BY 1, 2",      // int against real
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.d = r.i ORDER BY 1, 2",
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.s = r.i ORDER BY 1, 2",      // text against int
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.i = r.s ORDER BY 1, 2",
      "SELECT l.rowid AS a, r.rowid AS b FROM l JOIN r ON l.s = r.s COLLATE NOCASE ORDER BY 1, 2",
      "SELECT l.rowid AS a, r.rowid AS b FROM l LEFT JOIN r ON l.i = r.i AND l.s = r.s ORDER BY 1, 2",
      "SELECT rowid FROM l WHERE i = 9007199254740993 ORDER BY 1",
      "SELECT rowid FROM l WHERE i = 9007199254740992.0 ORDER BY 1",
      "SELECT rowid FROM l WHERE i = 2.5 OR i = 3.0 ORDER BY 1",
      "SELECT rowid FROM l WHERE d = 0 ORDER BY 1",
      "SELECT rowid FROM l WHERE d = -0.0 ORDER BY 1",
      "SELECT rowid FROM l WHERE d = '2.5' ORDER BY 1",
      "SELECT rowid FROM l WHERE i = '1' ORDER BY 1",
      "SELECT rowid FROM l WHERE s = 1 ORDER BY 1",
      "SELECT rowid FROM l WHERE s = NULL ORDER BY 1",
      "SELECT rowid FROM l WHERE i IN (1, 2, '3', 2.0) ORDER BY 1",
      "SELECT rowid FROM l WHERE s IN (SELECT s FROM r WHERE i = 1) ORDER BY 1",
      "SELECT l.i, COUNT(*), COUNT(r.d), MIN(r.s), MAX(r.d) FROM l JOIN r USING (i) GROUP BY l.i ORDER BY 1",
      "SELECT rowid FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.s = l.s AND r.i = l.i) ORDER BY 1",
  };
  int matched = 0;
  for (const auto& q : queries) {
    INFO("query: " << q);
    const auto want = reference(inputs, q);
    CHECK(through_inputs(inputs, q) == want);
    matched += static_cast<int>(want.size());
  }
  CHECK(matched > 200);  // the data makes the joins match, so a lookup that misses rows shows
}

TEST_CASE("input tables: an equality join looks rows up instead of scanning the inner table for every outer row") {
  std::mt19937 rng(3);
  const Table left = random_table(rng, 10), right = random_table(rng, 10);
  SqlDatabase db;
  db.load("l", left);
  db.load("r", right);
  testing::TestContext ctx;
  const Table plan = db.query("EXPLAIN QUERY PLAN SELECT * FROM l JOIN r ON l.s = r.s", {}, ctx);
  std::string details;
  for (std::size_t row = 0; row < plan.num_rows(); ++row) details += std::string(plan.column("detail").string_at(row)) + "\n";
  INFO(details);
  // idxNum 3: the lookup on column 2 (s) of one side; the other side is scanned once.
  CHECK(details.find("VIRTUAL TABLE INDEX 3:") != std::string::npos);
  CHECK(details.find("VIRTUAL TABLE INDEX 0:") != std::string::npos);
}

TEST_CASE("input tables refuse a write even on a connection without sluice.sql's authorizer") {
  sqlite3* raw = nullptr;
  sqlite3_open(":memory:", &raw);
  Db db(raw);
  InputTables inputs(raw);
  std::mt19937 rng(5);
  const Table table = random_table(rng, 3);
  inputs.add("t", table);
  for (const char* write : {"DELETE FROM t", "UPDATE t SET i = 1", "INSERT INTO t(i) VALUES (1)"}) {
    INFO(write);
    char* error = nullptr;
    CHECK(sqlite3_exec(raw, write, nullptr, nullptr, &error) == SQLITE_READONLY);
    CHECK(std::string(error != nullptr ? error : "") == "sluice_input tables are read-only");
    sqlite3_free(error);
  }
  CHECK(table.num_rows() == 3);
}
