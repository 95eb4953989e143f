#include "cache/row_batch.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace sluice::engine {

namespace {
// Rows per execution: past a few dozen the per-row work dominates, and the statement stays far
// below SQLite's limit of 32,766 parameters for any of the index's tables.
constexpr std::size_t kChunkRows = 32;

std::string values_clause(int columns, std::size_t rows) {
  std::string row = "(";
  for (int c = 0; c < columns; ++c) row += c == 0 ? "?" : ",?";
  row += ")";
  std::string sql = " VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r == 0 ? "" : ",") + row;
  return sql;
}
}  // namespace

RowBatch::RowBatch(SQLite::Database& db, std::string head, int columns)
    : db_(db), head_(std::move(head)), columns_(columns) {}

RowBatch::~RowBatch() = default;

RowBatch& RowBatch::text(const std::string& value) {
  Cell cell{Cell::Kind::Text};
  cell.text = &value;
  cells_.push_back(cell);
  return *this;
}

RowBatch& RowBatch::blob(std::string_view value) {
  Cell cell{Cell::Kind::Blob};
  cell.bytes = value.data();
  cell.size = static_cast<int>(value.size());
  cells_.push_back(cell);
  return *this;
}

RowBatch& RowBatch::real(double value) {
  Cell cell{Cell::Kind::Real};
  cell.real = value;
  cells_.push_back(cell);
  return *this;
}

RowBatch& RowBatch::integer(std::int64_t value) {
  Cell cell{Cell::Kind::Integer};
  cell.integer = value;
  cells_.push_back(cell);
  return *this;
}

SQLite::Statement& RowBatch::statement_for(std::size_t rows) {
  auto& slot = rows == 1 ? single_ : chunk_;
  if (!slot) slot = std::make_unique<SQLite::Statement>(db_, head_ + values_clause(columns_, rows));
  return *slot;
}

void RowBatch::write(SQLite::Statement& statement, std::size_t first_row, std::size_t rows) {
  const std::size_t first = first_row * static_cast<std::size_t>(columns_);
  const std::size_t count = rows * static_cast<std::size_t>(columns_);
  for (std::size_t i = 0; i < count; ++i) {
    const Cell& cell = cells_[first + i];
    const int index = static_cast<int>(i) + 1;
    switch (cell.kind) {
      case Cell::Kind::Text: statement.bindNoCopy(index, *cell.text); break;
      case Cell::Kind::Blob: statement.bindNoCopy(index, cell.bytes, cell.size); break;
      case Cell::Kind::Real: statement.bind(index, cell.real); break;
      case Cell::Kind::Integer: statement.bind(index, cell.integer); break;
    }
  }
  statement.exec();
}

void RowBatch::flush() {
  const std::size_t rows = cells_.size() / static_cast<std::size_t>(columns_);
  SQLite::Statement* in_use = nullptr;
  try {
    std::size_t row = 0;
    for (; row + kChunkRows <= rows; row += kChunkRows) {
      in_use = &statement_for(kChunkRows);
      write(*in_use, row, kChunkRows);
      in_use->reset();
    }
    for (; row < rows; ++row) {
      in_use = &statement_for(1);
      write(*in_use, row, 1);
      in_use->reset();
    }
  } catch (...) {
    // Reusable for the next batch, and no row of this one is written twice.
    if (in_use != nullptr) in_use->tryReset();  // reset() would throw the same error again
    cells_.clear();
    throw;
  }
  cells_.clear();
}

}  // namespace sluice::engine
