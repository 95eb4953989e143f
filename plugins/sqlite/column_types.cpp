#include "column_types.hpp"

#include <string>

namespace sluice::sqlite {

std::optional<ColumnType> column_type_for_declared(std::string_view declared) {
  std::string t(declared);
  for (char& c : t) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
  if (t.empty()) return std::nullopt;
  // Order matters: "DATETIME" contains "DATE", "POINT" contains "INT".
  if (has("DATETIME") || has("TIMESTAMP")) return ColumnType::Timestamp;
  if (has("DATE")) return ColumnType::Date;
  if (has("INT")) return ColumnType::Int64;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return ColumnType::String;
  if (has("REAL") || has("FLOA") || has("DOUB") || has("NUMERIC") || has("DECIMAL")) return ColumnType::Double;
  if (has("BOOL")) return ColumnType::Int64;
  return std::nullopt;
}

std::string_view declared_type_for(ColumnType type) {
  switch (type) {
    case ColumnType::Int64: return "INTEGER";
    case ColumnType::Double: return "REAL";
    case ColumnType::String: return "TEXT";
    case ColumnType::Date: return "DATE";
    case ColumnType::Timestamp: return "TIMESTAMP";
  }
  return "TEXT";
}

}  // namespace sluice::sqlite
