#pragma once
// Buffers one result column of a SQLite query (SQLite types are per value, so
// the column type is only known after the last row), then converts it to a
// typed sluice::Column.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include <sluice/table.hpp>

namespace sluice::sql {

class ResultColumn {
 public:
  explicit ResultColumn(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  // Copies the value of column `index` in the statement's current row.
  void append(sqlite3_stmt* stmt, int index);
  // From the values alone: any text or blob -> string, else any real -> double,
  // else any integer -> int64; a column of nulls only -> double
  // (like sluice.sqlite_extract).
  ColumnType inferred_type() const;
  // Throws sluice::Error naming the row when a value does not fit `type`.
  Column to_column(ColumnType type) const;

 private:
  std::string_view text(std::size_t row) const;
  double real(std::size_t row) const;
  [[noreturn]] void mismatch(std::size_t row, ColumnType type) const;

  std::string name_;
  std::vector<std::uint8_t> kinds_;   // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL
  std::vector<std::int64_t> nums_;    // integer value, or the bits of a real
  std::vector<std::uint64_t> starts_; // start of the row's text in bytes_
  std::string bytes_;
};

}  // namespace sluice::sql
