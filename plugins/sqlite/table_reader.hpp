#pragma once
// Streams the rows of a prepared query into a Table, typed from the declared
// column types (see column_types.hpp); columns without a declared type (expressions)
// are typed from their values.
//
// A result may also be read in parts (read_part), e.g. one rowid range per thread, and
// joined with combine_parts(): the joined table is identical to reading all the rows with
// one statement, including the types of columns typed from their values, because those
// columns keep their raw cells until the parts are joined.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/context.hpp>
#include <sluice/errors.hpp>
#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// The total to report while `done` rows of about `expected` are read: the estimate, never below
// what was read, so the display shows a percentage and an ETA; 0 (unknown) without an estimate.
inline std::size_t progress_total(std::size_t done, std::size_t expected) {
  return expected == 0 ? 0 : std::max(done, expected);
}

// Reads every row of `query` (already bound). Polls cancellation and reports
// progress every `rows_per_batch` rows. `source` names the database for messages.
// `expected_rows` (0: unknown) sizes the columns up front: at tens of millions of rows,
// growing them by doubling costs a copy of everything read so far and page faults on top.
// It is also the progress total until the read ends.
// `schema` (may be null) types the columns it names instead of their declared types.
Table read_table(Statement& query, Context& ctx, std::string_view source, std::size_t rows_per_batch = 16384,
                 std::size_t expected_rows = 0, const std::vector<ColumnSpec>* schema = nullptr);

// A value that does not fit its column's declared type. The message names the row within
// what the statement returned; a part read from the middle of a result re-numbers it with
// message_at(rows before the part).
class RowValueError : public Error {
 public:
  RowValueError(std::string head, std::size_t row, std::string tail)
      : Error(head + std::to_string(row + 1) + tail), head_(std::move(head)), row_(row), tail_(std::move(tail)) {}
  std::string message_at(std::size_t rows_before) const { return head_ + std::to_string(rows_before + row_ + 1) + tail_; }

 private:
  std::string head_;
  std::size_t row_;
  std::string tail_;
};

// Rows read by one statement, not yet a Table (see combine_parts).
class TablePart {
 public:
  struct Data;
  explicit TablePart(std::unique_ptr<Data> data);
  TablePart(TablePart&&) noexcept;
  TablePart& operator=(TablePart&&) noexcept;
  ~TablePart();
  std::size_t num_rows() const;
  Data& data() { return *data_; }

 private:
  std::unique_ptr<Data> data_;
};

struct PartOptions {
  std::size_t rows_per_batch = 16384;
  // Room reserved for this many rows up front (0: none).
  std::size_t reserve_rows = 0;
  // Called after every `rows_per_batch` rows with that count; it may throw to stop the read.
  std::function<void(std::size_t rows)> on_batch;
  // Types for the columns it names, instead of their declared types (null: none). A name the
  // result does not have throws.
  const std::vector<ColumnSpec>* schema = nullptr;
};

// Reads every row of `query` (already bound) into a part. A bad value throws RowValueError.
TablePart read_part(Statement& query, std::string_view source, const PartOptions& options);

// Joins parts read with the same SQL (same columns) in the given order into one table, using up to
// `threads` threads (one column at a time each). Consumes the parts.
Table combine_parts(std::vector<TablePart> parts, unsigned threads = 1);

}  // namespace sluice::sqlite
