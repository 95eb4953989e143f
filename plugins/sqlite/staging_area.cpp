#include "staging_area.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <sluice/errors.hpp>
#include <string>

#include "column_types.hpp"
#include "row_writer.hpp"
#include "sql_names.hpp"
#include "transaction.hpp"

namespace sluice::sqlite {

namespace {
std::filesystem::path unique_stage_file(const std::filesystem::path& dir) {
  static std::atomic<std::uint64_t> counter{0};
  return dir / ("sqlite-load-stage-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
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
  RowWriter writer(db_, std::string("INSERT INTO ") + kStageTable, "", input.num_columns(), "staging rows");
  const std::size_t rows = input.num_rows();
  const auto batch = static_cast<std::size_t>(batch_size);
  std::size_t row = 0;
  while (row < rows) {
    ctx.check_cancelled();
    const std::size_t batch_end = std::min(rows, row + batch);
    Transaction tx(db_, "BEGIN", "staging a batch of rows");
    const std::size_t stop = fail_after_rows >= 0 ? std::clamp(static_cast<std::size_t>(fail_after_rows), row, batch_end) : batch_end;
    writer.write(input, row, stop);
    if (stop < batch_end)
      throw Error("fail_after_rows test hook: stopped after staging " + std::to_string(stop) +
                  " rows, inside an open batch; the warehouse is unchanged");
    row = batch_end;
    tx.commit();
    ctx.progress(row, rows, "rows staged");
  }
}

}  // namespace sluice::sqlite
