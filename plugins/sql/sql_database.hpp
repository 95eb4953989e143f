#pragma once
// An in-memory SQLite database holding the stage's input tables, and the query
// runner that turns a result set back into a typed Table.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sluice/context.hpp>
#include <sluice/table.hpp>

#include "sqlite_handles.hpp"
#include "table_source.hpp"

namespace sluice::sql {

class SqlDatabase {
 public:
  SqlDatabase();

  // CREATE TABLE "name" (...) and one INSERT ... SELECT from the table itself (see TableSource). Dates and
  // timestamps are stored as ISO text; their Sluice types are remembered so that
  // a result column taken straight from them gets its type back.
  void load(const std::string& name, const Table& table);

  // Runs one read-only statement. `forced` maps result column names to types.
  // Throws sluice::Error quoting SQLite's message and the query; Cancelled when ctx is.
  Table query(const std::string& sql, const std::map<std::string, ColumnType>& forced, Context& ctx);

  // "a(x, y), b(z)": the loaded tables, for error messages.
  std::string describe_tables() const;

 private:
  [[noreturn]] void fail(const std::string& what, const std::string& sql) const;

  Db db_;
  std::optional<TableSource> source_;  // after db_: registered on the open connection
  std::map<std::pair<std::string, std::string>, ColumnType> declared_;  // (table, column) -> type
  std::vector<std::pair<std::string, std::vector<std::string>>> tables_;
};

}  // namespace sluice::sql
