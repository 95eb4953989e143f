#pragma once
// The stage's input tables as read-only SQLite virtual tables over the sluice::Table values, so a
// query reads the columns in place: nothing is copied into SQLite first. Equality constraints
// (joins, `IN`, `WHERE k = ?`) are answered from a hash map per column, built on first use, as
// SQLite's automatic index would be for an ordinary table; everything else is a full scan.
#include <sqlite3.h>

#include <map>
#include <string>

#include <sluice/table.hpp>

namespace sluice::sql {

class InputTables {
 public:
  // Registers the module on `db` (not eponymous: only CREATE VIRTUAL TABLE reaches it).
  explicit InputTables(sqlite3* db);
  // SQLite holds this object's address (the module's client data): it never moves.
  InputTables(const InputTables&) = delete;
  InputTables& operator=(const InputTables&) = delete;

  // Makes `table` readable as temp."name". The table must outlive the connection's use of it.
  // Throws sluice::Error with SQLite's message.
  void add(const std::string& name, const Table& table);

  // The table registered under `name`, or nullptr (used by the module when SQLite connects).
  const Table* find(const std::string& name) const;

 private:
  sqlite3* db_;
  std::map<std::string, const Table*> tables_;
};

// The SQLite type a column is declared with, which gives it the matching affinity.
const char* sql_type(ColumnType type);

}  // namespace sluice::sql
