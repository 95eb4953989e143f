#include "staging_area.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <sluice/errors.hpp>
#include <string>

#include "column_types.hpp"
#include "sql_names.hpp"
#include "transaction.hpp"

namespace sluice::sqlite {

namespace {
std::filesystem::path unique_stage_file(const std::filesystem::path& dir) {
  static std::atomic<std::uint64_t> counter{0};
  return dir / ("sqlite-load-stage-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
}

// Binds row `row` of `t` to parameters first..first+columns-1. Text is bound
// without copying from the table's buffers; dates and timestamps are formatted
// (and copied) as ISO-8601 text.
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

std::string insert_sql(std::size_t columns, std::size_t rows) {
  std::string one = "(";
  for (std::size_t c = 0; c < columns; ++c) one += c ? ",?" : "?";
  one += ")";
  std::string sql = std::string("INSERT INTO ") + kStageTable + " VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r ? "," : "") + one;
  return sql;
}
}  // namespace

StagingArea::StagingArea(Connection& warehouse, const std::filesystem::path& scratch_dir, const Table& input)
    : db_(warehouse), file_(unique_stage_file(scratch_dir)) {
  std::error_code ec;
  std::filesystem::create_directories(scratch_dir, ec);
  std::filesystem::remove(file_, ec);
  {
    Statement attach(db_, std::string("ATTACH DATABASE ?1 AS ") + kStageSchema, "attaching the staging file");
    attach.bind_text_copy(1, file_.string());
    attach.run();
  }
  attached_ = true;
  // Staging data is disposable, so it skips fsync; MEMORY journal still lets a failed batch roll back.
  db_.exec(std::string("PRAGMA ") + kStageSchema + ".journal_mode=MEMORY; PRAGMA " + kStageSchema +
               ".synchronous=OFF; PRAGMA " + kStageSchema + ".cache_size=-32768",
           "configuring the staging file");
  std::string ddl = std::string("CREATE TABLE ") + kStageTable + " (";
  for (std::size_t c = 0; c < input.num_columns(); ++c) {
    const Column& col = input.column(c);
    ddl += (c ? ", " : "") + quote_identifier(col.name()) + " " + std::string(declared_type_for(col.type()));
  }
  db_.exec(ddl + ")", "creating the staging table");
}

StagingArea::~StagingArea() {
  if (attached_) sqlite3_exec(db_.raw(), "DETACH DATABASE sluice_stage", nullptr, nullptr, nullptr);
  std::error_code ec;
  std::filesystem::remove(file_, ec);
}

void StagingArea::fill(const Table& input, std::int64_t batch_size, std::int64_t fail_after_rows, Context& ctx) {
  const std::size_t columns = input.num_columns();
  const std::size_t rows = input.num_rows();
  // Several rows per INSERT cut the per-statement overhead; SQLite allows up to 32766 parameters.
  const std::size_t group = std::max<std::size_t>(1, std::min<std::size_t>(64, 32766 / std::max<std::size_t>(columns, 1)));
  Statement single(db_, insert_sql(columns, 1), "staging rows");
  std::unique_ptr<Statement> multi;
  if (group > 1) multi = std::make_unique<Statement>(db_, insert_sql(columns, group), "staging rows");

  const auto batch = static_cast<std::size_t>(batch_size);
  std::size_t row = 0;
  while (row < rows) {
    ctx.check_cancelled();
    const std::size_t batch_end = std::min(rows, row + batch);
    Transaction tx(db_, "BEGIN", "staging a batch of rows");
    while (row < batch_end) {
      if (fail_after_rows >= 0 && row >= static_cast<std::size_t>(fail_after_rows))
        throw Error("fail_after_rows test hook: stopped after staging " + std::to_string(row) +
                    " rows, inside an open batch; the warehouse is unchanged");
      std::size_t take = batch_end - row >= group ? group : 1;
      if (fail_after_rows >= 0) take = 1;  // stop exactly at the hook's row
      Statement& st = take == group && multi ? *multi : single;
      for (std::size_t k = 0; k < take; ++k) bind_row(st, static_cast<int>(k * columns) + 1, input, row + k);
      st.run();
      row += take;
    }
    tx.commit();
    ctx.progress(row, rows, "rows staged");
  }
}

}  // namespace sluice::sqlite
