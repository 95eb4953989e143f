#include "result_column.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <sluice/errors.hpp>

namespace sluice::sql {

void ResultColumn::append(sqlite3_stmt* stmt, int index) {
  const int kind = sqlite3_column_type(stmt, index);
  kinds_.push_back(static_cast<std::uint8_t>(kind));
  starts_.push_back(bytes_.size());
  std::int64_t num = 0;
  if (kind == SQLITE_INTEGER) {
    num = sqlite3_column_int64(stmt, index);
  } else if (kind == SQLITE_FLOAT) {
    const double d = sqlite3_column_double(stmt, index);
    std::memcpy(&num, &d, sizeof d);
  } else if (kind == SQLITE_TEXT || kind == SQLITE_BLOB) {
    const void* p = kind == SQLITE_TEXT ? static_cast<const void*>(sqlite3_column_text(stmt, index)) : sqlite3_column_blob(stmt, index);
    const int n = sqlite3_column_bytes(stmt, index);
    if (p != nullptr && n > 0) bytes_.append(static_cast<const char*>(p), static_cast<std::size_t>(n));
  }
  nums_.push_back(num);
}

std::string_view ResultColumn::text(std::size_t row) const {
  const std::uint64_t end = row + 1 < starts_.size() ? starts_[row + 1] : bytes_.size();
  return std::string_view(bytes_).substr(starts_[row], end - starts_[row]);
}

double ResultColumn::real(std::size_t row) const {
  double d;
  std::memcpy(&d, &nums_[row], sizeof d);
  return d;
}

ColumnType ResultColumn::inferred_type() const {
  bool any_int = false, any_real = false;
  for (const auto k : kinds_) {
    if (k == SQLITE_TEXT || k == SQLITE_BLOB) return ColumnType::String;
    any_real |= k == SQLITE_FLOAT;
    any_int |= k == SQLITE_INTEGER;
  }
  if (any_int && !any_real) return ColumnType::Int64;
  return ColumnType::Double;  // reals, or nulls only (as sluice.sqlite_extract does)
}

void ResultColumn::mismatch(std::size_t row, ColumnType type) const {
  std::string shown;
  switch (kinds_[row]) {
    case SQLITE_INTEGER: shown = std::to_string(nums_[row]); break;
    case SQLITE_FLOAT: shown = std::to_string(real(row)); break;
    case SQLITE_BLOB: shown = "a blob"; break;
    default: shown = "'" + std::string(text(row).substr(0, 60)) + "'"; break;
  }
  throw Error("query result row " + std::to_string(row + 1) + ", column '" + name_ + "': " + shown + " is not a" +
              (type == ColumnType::Int64 ? "n " : " ") + std::string(to_string(type)) + "; cast it in the query or set types = [\"" +
              name_ + ":string\"]");
}

Column ResultColumn::to_column(ColumnType type) const {
  Column out(name_, type);
  out.reserve(kinds_.size());
  char buf[64];
  for (std::size_t r = 0; r < kinds_.size(); ++r) {
    const auto kind = kinds_[r];
    if (kind == SQLITE_NULL) {
      out.push_null();
      continue;
    }
    switch (type) {
      case ColumnType::String:
        if (kind == SQLITE_INTEGER) {
          out.push_string(std::to_string(nums_[r]));
        } else if (kind == SQLITE_FLOAT) {
          auto res = std::to_chars(buf, buf + sizeof buf, real(r));
          out.push_string(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
        } else {
          out.push_string(text(r));
        }
        break;
      case ColumnType::Double:
        if (kind == SQLITE_INTEGER) {
          out.push_double(static_cast<double>(nums_[r]));
        } else if (kind == SQLITE_FLOAT) {
          out.push_double(real(r));
        } else {
          mismatch(r, type);
        }
        break;
      case ColumnType::Int64:
        if (kind == SQLITE_INTEGER) {
          out.push_int(nums_[r]);
        } else if (kind == SQLITE_FLOAT && std::nearbyint(real(r)) == real(r) && std::abs(real(r)) < 9.2e18) {
          out.push_int(static_cast<std::int64_t>(real(r)));
        } else {
          mismatch(r, type);
        }
        break;
      case ColumnType::Date:
      case ColumnType::Timestamp:
        if (kind != SQLITE_TEXT) mismatch(r, type);
        try {
          out.push_int(type == ColumnType::Date ? parse_date(text(r)) : parse_timestamp(text(r)));
        } catch (const std::invalid_argument&) {
          mismatch(r, type);
        }
        break;
    }
  }
  return out;
}

}  // namespace sluice::sql
