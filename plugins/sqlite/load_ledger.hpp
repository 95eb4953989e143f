#pragma once
// The warehouse's record of loads (`_sluice_loads`) and the receipt a load
// hands to the engine. Together they make reruns idempotent (an append of the
// same input is skipped) and let verify() notice a dropped or replaced target.
#include <cstdint>
#include <optional>
#include <string>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

inline constexpr const char* kLedgerTable = "_sluice_loads";

struct LoadReceipt {
  std::string db;          // absolute path of the warehouse file
  std::string table;       // target table
  std::string mode;        // append | replace | upsert
  std::int64_t rows = 0;   // rows of the input that were loaded
  std::string input_hash;  // content hash (XXH3-128 hex) of the input table
  bool scoped = false;     // the load had scope columns (see load_scope.hpp)
  std::string scope;       // scope_text() of the input's one scope tuple; "" when unscoped or several

  std::string to_json() const;
  // nullopt for anything that is not a receipt this stage wrote.
  static std::optional<LoadReceipt> from_json(const std::string& text);
};

// Creates the ledger table if needed (inside the caller's transaction).
void ensure_ledger(Connection& db);
// Appends a ledger entry. Older entries that no longer decide anything are dropped: for a whole-table
// replace every entry of the target, for a load of one slice that slice's, for an upsert without a
// single slice the earlier such upserts'.
void record_load(Connection& db, const LoadReceipt& receipt);
// Drops the entries of one slice (scope_text) of `table`.
void forget_slice(Connection& db, const std::string& table, const std::string& scope);
// Rows recorded for an earlier load of the same input into the same target and mode.
std::optional<std::int64_t> find_load(Connection& db, const LoadReceipt& receipt);
// The input hash of the most recent load into `table` (any mode).
std::optional<std::string> latest_load_hash(Connection& db, const std::string& table);
// The input hash of the most recent load that wrote the slice `scope` (scope_text) of `table`: a load
// of that slice or one without a single slice (the whole table, or several slices).
std::optional<std::string> latest_load_hash_in_slice(Connection& db, const std::string& table, const std::string& scope);
bool table_exists(Connection& db, const std::string& table);

}  // namespace sluice::sqlite
