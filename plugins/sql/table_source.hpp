#pragma once
// A read-only SQLite virtual table over a sluice::Table, so an input is copied into its SQL table
// by one INSERT ... SELECT instead of a bound, stepped and reset INSERT per row.
#include <sqlite3.h>

#include <sluice/table.hpp>

namespace sluice::sql {

class TableSource {
 public:
  // Registers the module on `db` (not eponymous: only CREATE VIRTUAL TABLE reaches it).
  explicit TableSource(sqlite3* db);

  // Copies `table` into the existing SQL table `quoted_target` (same column order). Throws
  // sluice::Error with SQLite's message.
  void copy_into(const std::string& quoted_target, const Table& table);

  // Unregisters the module, so queries can never reach it.
  void retire();

 private:
  sqlite3* db_;
  const Table* current_ = nullptr;  // read by the module's xCreate during copy_into
  friend struct TableSourceAccess;
};

}  // namespace sluice::sql
