#pragma once
// How SQLite declared types map onto Sluice column types, both ways.
#include <optional>
#include <string_view>

#include <sluice/table.hpp>

namespace sluice::sqlite {

// Declared type -> column type: DATETIME/TIMESTAMP -> timestamp, DATE -> date,
// *INT* -> int64, *CHAR*/*CLOB*/*TEXT* -> string, REAL/FLOA*/DOUB*/NUMERIC/DECIMAL -> double,
// BOOL* -> int64. nullopt (no declared type, e.g. an expression, or BLOB): typed from the values.
std::optional<ColumnType> column_type_for_declared(std::string_view declared);

// Column type -> the declared type the load stage creates (round-trips through the function above).
std::string_view declared_type_for(ColumnType type);

}  // namespace sluice::sqlite
