#pragma once
// Writes a table's rows into SQLite with multi-row INSERT statements: up to 64 rows per statement
// (fewer when the columns are many: SQLite allows 32,766 parameters), the values bound from the
// table's buffers (text without a copy; dates and timestamps as ISO-8601 text).
#include <memory>
#include <string>

#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

class RowWriter {
 public:
  // `head`: the statement up to VALUES ("INSERT INTO t (a, b)"); `tail`: what follows the rows (an
  // upsert's ON CONFLICT clause, or nothing). The one-row statement is prepared now, so an invalid
  // statement fails here even when no row is written.
  RowWriter(Connection& db, std::string head, std::string tail, std::size_t columns, std::string_view context);

  // Writes rows [begin, end) of `t`, whose columns match the statement's.
  void write(const Table& t, std::size_t begin, std::size_t end);

 private:
  std::string sql(std::size_t rows) const;

  Connection& db_;
  std::string head_, tail_, context_;
  std::size_t columns_;
  std::size_t group_;  // rows per multi-row statement
  Statement single_;
  std::unique_ptr<Statement> multi_;  // prepared on first use
};

}  // namespace sluice::sqlite
