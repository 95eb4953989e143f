#include "row_writer.hpp"

#include <algorithm>

#include "column_types.hpp"

namespace sluice::sqlite {

namespace {
// Binds row `row` of `t` to parameters first..first+columns-1.
void bind_row(Statement& st, int first, const Table& t, std::size_t row) {
  for (std::size_t c = 0; c < t.num_columns(); ++c) {
    const Column& col = t.column(c);
    const int i = first + static_cast<int>(c);
    if (col.is_null(row)) {
      st.bind_null(i);
      continue;
    }
    switch (col.type()) {
      case ColumnType::Int64: st.bind_int(i, col.int_at(row)); break;
      case ColumnType::Double: st.bind_double(i, col.double_at(row)); break;
      case ColumnType::String: st.bind_text_static(i, col.string_at(row)); break;
      case ColumnType::Date: st.bind_text_copy(i, format_date(col.int_at(row))); break;
      case ColumnType::Timestamp: st.bind_text_copy(i, format_timestamp(col.int_at(row))); break;
    }
  }
}

std::size_t rows_per_statement(std::size_t columns) {
  return std::max<std::size_t>(1, std::min<std::size_t>(64, 32766 / std::max<std::size_t>(columns, 1)));
}
}  // namespace

RowWriter::RowWriter(Connection& db, std::string head, std::string tail, std::size_t columns, std::string_view context)
    : db_(db),
      head_(std::move(head)),
      tail_(std::move(tail)),
      context_(context),
      columns_(columns),
      group_(rows_per_statement(columns)),
      single_(db, sql(1), context) {}

std::string RowWriter::sql(std::size_t rows) const {
  std::string one = "(";
  for (std::size_t c = 0; c < columns_; ++c) one += c ? ",?" : "?";
  one += ")";
  std::string text = head_ + " VALUES ";
  for (std::size_t r = 0; r < rows; ++r) text += (r ? "," : "") + one;
  return tail_.empty() ? text : text + " " + tail_;
}

void RowWriter::write(const Table& t, std::size_t begin, std::size_t end) {
  for (std::size_t row = begin; row < end;) {
    const std::size_t take = end - row >= group_ ? group_ : 1;
    if (take > 1 && !multi_) multi_ = std::make_unique<Statement>(db_, sql(group_), context_);
    Statement& st = take > 1 ? *multi_ : single_;
    for (std::size_t k = 0; k < take; ++k) bind_row(st, static_cast<int>(k * columns_) + 1, t, row + k);
    st.run();
    row += take;
  }
}

}  // namespace sluice::sqlite
