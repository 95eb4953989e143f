#pragma once
// The rows of one INSERT statement, written many rows per execution ("INSERT ... VALUES (...),
// (...), ..."): SQLite's work per execution (stepping, resetting, binding, the statement's
// journal) is then paid once per chunk of rows instead of once per row.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace sluice::engine {

class RowBatch {
 public:
  // `head` is the statement up to its VALUES, e.g. "INSERT OR IGNORE INTO refs(key, hash)".
  RowBatch(SQLite::Database& db, std::string head, int columns);
  ~RowBatch();
  RowBatch(const RowBatch&) = delete;
  RowBatch& operator=(const RowBatch&) = delete;

  // The next row's values, in column order. Text and blobs are bound without a copy: they must
  // stay alive and unchanged until flush() returns.
  RowBatch& text(const std::string& value);
  RowBatch& blob(std::string_view value);
  RowBatch& real(double value);
  RowBatch& integer(std::int64_t value);

  // Writes every row added so far, in the order added, and forgets them (also when a write fails).
  void flush();
  // Forgets the rows added so far without writing them.
  void clear() { cells_.clear(); }

 private:
  struct Cell {
    enum class Kind : std::uint8_t { Text, Blob, Real, Integer } kind;
    const std::string* text = nullptr;
    const void* bytes = nullptr;  // a blob's
    int size = 0;
    double real = 0;
    std::int64_t integer = 0;
  };
  void write(SQLite::Statement& statement, std::size_t first_row, std::size_t rows);
  SQLite::Statement& statement_for(std::size_t rows);

  SQLite::Database& db_;
  std::string head_;
  int columns_;
  std::vector<Cell> cells_;
  std::unique_ptr<SQLite::Statement> chunk_, single_;  // prepared on first use, then reused
};

}  // namespace sluice::engine
