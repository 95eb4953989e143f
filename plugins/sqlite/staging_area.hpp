#pragma once
// The load's staging area: a private SQLite file in the node's scratch dir,
// attached to the warehouse connection as `sluice_stage`. The input is written
// there in batches (each batch one committed transaction), then merged into the
// warehouse in a single transaction by the load stage. A crash or error while
// staging never touches the warehouse; the scratch file is simply discarded.
#include <cstdint>
#include <filesystem>

#include <sluice/context.hpp>
#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

inline constexpr const char* kStageSchema = "sluice_stage";
inline constexpr const char* kStageTable = "\"sluice_stage\".\"rows\"";

class StagingArea {
 public:
  // Creates the staging file and a table with `input`'s columns and types.
  StagingArea(Connection& warehouse, const std::filesystem::path& scratch_dir, const Table& input);
  ~StagingArea();  // detaches and deletes the staging file
  StagingArea(const StagingArea&) = delete;
  StagingArea& operator=(const StagingArea&) = delete;

  // Writes all rows, committing every `batch_size` rows. `fail_after_rows` >= 0
  // is a test hook: throw after staging that many rows, inside an open batch.
  void fill(const Table& input, std::int64_t batch_size, std::int64_t fail_after_rows, Context& ctx);

 private:
  Connection& db_;
  std::filesystem::path file_;
  bool attached_ = false;
};

}  // namespace sluice::sqlite
