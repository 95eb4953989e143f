#pragma once
// The rows of one input column that may equal a value, for the equality constraints SQLite hands
// a virtual table (see input_tables.hpp). Built on first use, one hash map per column.
//
// A lookup may return more rows than match, never fewer: SQLite checks every constraint again on
// the rows it gets back, so a value this cannot match exactly (text against a number column, a
// non-integral double against an int64 column, ...) asks for a full scan instead.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::sql {

using RowList = std::vector<std::uint32_t>;

class ColumnLookup {
 public:
  // Whether equality lookups are offered on columns of this type (dates and timestamps are shown
  // to SQL as ISO text, and are scanned instead).
  static bool supports(ColumnType type);

  explicit ColumnLookup(const Column& column);

  // The rows that may equal `value`, ascending; nullopt when the whole column must be scanned.
  std::optional<const RowList*> rows_equal_to(sqlite3_value* value);

 private:
  const Column& column_;
  bool built_ = false;
  std::unordered_map<std::int64_t, RowList> ints_;  // also doubles, by their bit pattern
  std::unordered_map<std::string_view, RowList> strings_;
  RowList none_;

  void build();
  const RowList* find_int(std::int64_t key) const;
};

}  // namespace sluice::sql
