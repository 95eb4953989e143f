#include "column_lookup.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace sluice::sql {

namespace {
// SQL equality on REAL values: 0.0 and -0.0 are equal, so they share one key.
std::int64_t double_key(double d) {
  if (d == 0.0) d = 0.0;
  std::int64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

// Integers up to 2^53 convert to double and back exactly.
constexpr std::int64_t kExactDoubleInt = std::int64_t{1} << 53;
}  // namespace

bool ColumnLookup::supports(ColumnType type) {
  return type == ColumnType::Int64 || type == ColumnType::Double || type == ColumnType::String;
}

ColumnLookup::ColumnLookup(const Column& column) : column_(column) {}

void ColumnLookup::build() {
  built_ = true;
  const std::size_t n = column_.size();
  for (std::size_t r = 0; r < n; ++r) {
    if (column_.is_null(r)) continue;  // `= x` never matches NULL
    const auto row = static_cast<std::uint32_t>(r);
    switch (column_.type()) {
      case ColumnType::Int64: ints_[column_.int_at(r)].push_back(row); break;
      case ColumnType::Double: ints_[double_key(column_.double_at(r))].push_back(row); break;
      case ColumnType::String: strings_[column_.string_at(r)].push_back(row); break;
      default: break;
    }
  }
}

const RowList* ColumnLookup::find_int(std::int64_t key) const {
  const auto it = ints_.find(key);
  return it == ints_.end() ? &none_ : &it->second;
}

std::optional<const RowList*> ColumnLookup::rows_equal_to(sqlite3_value* value) {
  const int type = sqlite3_value_type(value);
  if (type == SQLITE_NULL) return &none_;  // `= NULL` is never true
  if (column_.size() > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  if (!built_) build();
  switch (column_.type()) {
    case ColumnType::Int64:
      if (type == SQLITE_INTEGER) return find_int(sqlite3_value_int64(value));
      if (type == SQLITE_FLOAT) {
        const double d = sqlite3_value_double(value);
        if (std::trunc(d) != d) return &none_;  // no int64 equals 2.5
        if (std::fabs(d) < static_cast<double>(kExactDoubleInt)) return find_int(static_cast<std::int64_t>(d));
      }
      return std::nullopt;
    case ColumnType::Double:
      if (type == SQLITE_FLOAT) return find_int(double_key(sqlite3_value_double(value)));
      if (type == SQLITE_INTEGER) {
        const std::int64_t i = sqlite3_value_int64(value);
        if (i > -kExactDoubleInt && i < kExactDoubleInt) return find_int(double_key(static_cast<double>(i)));
      }
      return std::nullopt;
    case ColumnType::String:
      if (type == SQLITE_TEXT) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
        const std::string_view key(text, static_cast<std::size_t>(sqlite3_value_bytes(value)));
        const auto it = strings_.find(key);
        return it == strings_.end() ? &none_ : &it->second;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace sluice::sql
