#pragma once
// Reads a whole rowid table in contiguous rowid ranges, one read-only connection and one
// thread per range, all in one snapshot of the database; the joined table is identical to
// what read_table() returns for the same SELECT on one connection (rows in rowid order).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/context.hpp>
#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// Inclusive rowid bounds of each range, in order.
using RowidRanges = std::vector<std::pair<std::int64_t, std::int64_t>>;

// How many rowids [first, last] spans (saturating at 2^64 - 1; 0 when last < first).
std::uint64_t rowid_count(std::int64_t first, std::int64_t last);

// Splits the rowids in [min_rowid, max_rowid] into `count` contiguous ranges of equal width.
// The first range starts at INT64_MIN and the last ends at INT64_MAX, so together they cover
// every rowid even if the bounds are out of date. Some ranges may be empty.
RowidRanges split_rowids(std::int64_t min_rowid, std::int64_t max_rowid, unsigned count);

struct RangeRead {
  std::string select_sql;          // "SELECT cols FROM t" (no WHERE); the range condition is appended
  std::string_view source;         // names the database in messages
  std::size_t expected_rows = 0;   // the whole table's size estimate (0: unknown)
  RowidRanges ranges;
  const std::vector<ColumnSpec>* schema = nullptr;  // see PartOptions::schema
};

// Appends the rowid range condition to `select_sql`.
std::string range_sql(const std::string& select_sql);

// Reads every range on its own connection and thread. `probe` is a connection outside any
// transaction; it checks (PRAGMA data_version, read before the first range's read transaction
// begins and after the last one has begun) that no write was committed while the ranges took
// their snapshots. Returns nullopt when a write did get in, on every one of a few attempts:
// the caller then reads on one connection. Errors are those of read_table(), with row numbers
// counted over the whole table; the first error in range order wins.
std::optional<Table> read_rowid_ranges(Connection& probe, const RangeRead& read, Context& ctx);

}  // namespace sluice::sqlite
