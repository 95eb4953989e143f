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
#include "input_tables.hpp"

namespace sluice::sql {

class SqlDatabase {
 public:
  SqlDatabase();

  // Makes `table` the SQL table "name", read in place (see InputTables): it must outlive query().
  // Dates and timestamps read as ISO text; their Sluice types are remembered so that a result
  // column taken straight from them gets its type back.
  void load(const std::string& name, const Table& table);

  // Runs one read-only statement. `forced` maps result column names to types.
  // Throws sluice::Error quoting SQLite's message and the query; Cancelled when ctx is.
  Table query(const std::string& sql, const std::map<std::string, ColumnType>& forced, Context& ctx);

  // "a(x, y), b(z)": the loaded tables, for error messages.
  std::string describe_tables() const;

 private:
  [[noreturn]] void fail(const std::string& what, const std::string& sql) const;

  Db db_;
  std::optional<InputTables> inputs_;  // after db_: registered on the open connection
  std::map<std::pair<std::string, std::string>, ColumnType> declared_;  // (table, column) -> type
  std::vector<std::pair<std::string, std::vector<std::string>>> tables_;
};

}  // namespace sluice::sql
