#pragma once
// Shared fixtures for the SQLite stage tests: raw SQL access to real temp files.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sluice/testing.hpp>
#include <string>
#include <vector>

#include "../../../tests/support/process.hpp"
#include "stages.hpp"

namespace sqlite_test {

// A direct connection for arranging and checking fixtures.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
    sqlite3_busy_timeout(db_, 2000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    REQUIRE_MESSAGE(rc == SQLITE_OK, std::string(message + " in: " + sql));
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db_));
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  long long number(const std::string& sql) {
    const std::string t = text(sql);
    return t.empty() ? 0 : std::stoll(t);
  }

 private:
  sqlite3* db_ = nullptr;
};

// A small sales database shaped like `sluice demo-data` output: `rows` sales over 3 stores and 40 days.
inline void make_sales_db(const std::filesystem::path& path, int rows) {
  RawDb db(path);
  db.exec(
      "CREATE TABLE stores(store_id INTEGER PRIMARY KEY, name TEXT, city TEXT, opened_on TEXT);"
      "INSERT INTO stores VALUES (1, 'North', 'Austin', '2020-01-01'), (2, 'South', 'Boston', '2021-06-15'),"
      " (3, 'East', NULL, '2022-03-01');"
      "CREATE TABLE sales(sale_id INTEGER PRIMARY KEY, store_id INTEGER, product_id INTEGER, sold_at TEXT,"
      " quantity INTEGER, unit_price REAL);");
  db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(rows) +
      ") INSERT INTO sales SELECT i, 1 + i % 3, 1 + i % 7, "
      "strftime('%Y-%m-%d %H:%M:%S', '2026-01-01 08:00:00', '+' || (i % 40) || ' days', '+' || (i % 600) || ' minutes'),"
      " 1 + i % 4, round(0.5 + (i % 13) * 0.75, 2) FROM n");
}

inline const sluice::Table& table_of(const sluice::Outputs& out, const char* port = "out") {
  return std::get<sluice::Table>(out.values().at(port));
}

inline sluice::Outputs extract(std::initializer_list<std::pair<const char*, sluice::ParamValue>> params,
                               sluice::testing::TestContext& ctx) {
  return sluice::testing::run_stage(sluice::sqlite::extract_descriptor(), sluice::sqlite::make_extract, params, {}, ctx);
}

inline sluice::Outputs load(std::initializer_list<std::pair<const char*, sluice::ParamValue>> params,
                            const sluice::Table& input, sluice::testing::TestContext& ctx) {
  return sluice::testing::run_stage(sluice::sqlite::load_descriptor(), sluice::sqlite::make_load, params,
                                    {{"in", sluice::Value(input)}}, ctx);
}

// Creates the stage the way the engine does (schema applied) for fingerprint()/verify() calls.
inline std::unique_ptr<sluice::Stage> make_stage(const sluice::StageDescriptor& d, const sluice::StageFactory& f,
                                                 std::initializer_list<std::pair<const char*, sluice::ParamValue>> params) {
  sluice::Params given;
  for (const auto& [k, v] : params) given.set(k, v);
  return f(sluice::apply_schema(d, given));
}

}  // namespace sqlite_test
