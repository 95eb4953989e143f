#pragma once
// Streams the rows of a prepared query into a Table, typed from the declared
// column types (see column_types.hpp); columns without a declared type (expressions)
// are typed from their values.
#include <string_view>

#include <sluice/context.hpp>
#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// Reads every row of `query` (already bound). Polls cancellation and reports
// progress every `rows_per_batch` rows. `source` names the database for messages.
// `expected_rows` (0: unknown) sizes the columns up front: at tens of millions of rows,
// growing them by doubling costs a copy of everything read so far and page faults on top.
Table read_table(Statement& query, Context& ctx, std::string_view source, std::size_t rows_per_batch = 16384,
                 std::size_t expected_rows = 0);

}  // namespace sluice::sqlite
