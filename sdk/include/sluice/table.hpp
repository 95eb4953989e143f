#pragma once
// Columnar table: the value that flows between most stages.
//
// Storage is one contiguous buffer per column (strings as offsets + bytes), so
// hashing and serialisation are a single pass over memory. Dates are days since
// 1970-01-01; timestamps are microseconds since 1970-01-01T00:00 (naive or UTC,
// as the producing stage documents). Nulls live in an optional validity vector.
//
// Thread-safety: a Table is a plain value. Concurrent reads are safe; writes
// need exclusive access.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/export.hpp"

namespace sluice {

enum class ColumnType : std::uint8_t { Int64 = 1, Double = 2, String = 3, Date = 4, Timestamp = 5 };

SLUICE_API std::string_view to_string(ColumnType type);
// Parses "int64", "double", "string", "date" or "timestamp"; throws std::invalid_argument.
SLUICE_API ColumnType column_type_from_string(std::string_view name);

// One entry of a stage's `schema` parameter: a column and the type it is read as.
struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::String;
};

// Parses "name:type" entries (types: int64, double, string, date, timestamp), as the CSV and SQLite
// readers take them (SDK 1.4). Throws sluice::Error naming the bad entry or a column named twice.
SLUICE_API std::vector<ColumnSpec> parse_column_specs(const std::vector<std::string>& entries);

class SLUICE_API Column {
 public:
  Column() = default;
  Column(std::string name, ColumnType type);

  const std::string& name() const { return name_; }
  void rename(std::string name) { name_ = std::move(name); }
  ColumnType type() const { return type_; }
  // True for Int64, Date and Timestamp, which share integer storage.
  bool is_integer_storage() const { return type_ != ColumnType::Double && type_ != ColumnType::String; }
  std::size_t size() const { return size_; }
  bool has_nulls() const { return null_count_ > 0; }
  std::size_t null_count() const { return null_count_; }
  bool is_null(std::size_t row) const { return !validity_.empty() && validity_[row] == 0; }

  // Typed element access; the caller checks is_null() first where it matters.
  std::int64_t int_at(std::size_t row) const { return ints_[row]; }
  double double_at(std::size_t row) const { return doubles_[row]; }
  std::string_view string_at(std::size_t row) const {
    return std::string_view(bytes_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  // Int64/Date/Timestamp/Double value as double (for numeric stages); throws on String.
  double numeric_at(std::size_t row) const;

  void push_int(std::int64_t v);
  void push_double(double v);
  void push_string(std::string_view v);
  void push_null();
  // Appends row `row` of `other` (same type) to this column.
  void push_from(const Column& other, std::size_t row);
  void reserve(std::size_t rows);
  // String columns: room for `bytes` characters in total (no effect on other types).
  void reserve_bytes(std::size_t bytes);

  // Raw buffers for bulk producers and consumers (serialisation, hashing).
  const std::vector<std::int64_t>& ints() const { return ints_; }
  const std::vector<double>& doubles() const { return doubles_; }
  const std::vector<std::uint64_t>& string_offsets() const { return offsets_; }
  const std::string& string_bytes() const { return bytes_; }
  const std::vector<std::uint8_t>& validity() const { return validity_; }

  // Rows [begin, end) as a new column of the same name and type, copied buffer by buffer (a
  // partition of sorted rows, a page of a table). Throws std::out_of_range unless
  // begin <= end <= size(). New in SDK 1.2.
  Column slice(std::size_t begin, std::size_t end) const;

  // Replaces the whole content; used by deserialisation. Validates sizes.
  void assign_raw(std::size_t rows, std::vector<std::int64_t> ints, std::vector<double> doubles,
                  std::vector<std::uint64_t> offsets, std::string bytes, std::vector<std::uint8_t> validity);

 private:
  void mark_valid();
  std::string name_;
  ColumnType type_ = ColumnType::Int64;
  std::size_t size_ = 0;
  std::size_t null_count_ = 0;
  std::vector<std::int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::uint64_t> offsets_{0};
  std::string bytes_;
  std::vector<std::uint8_t> validity_;  // empty while there are no nulls
};

class SLUICE_API Table {
 public:
  std::size_t num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  std::size_t num_columns() const { return columns_.size(); }

  // Adds an empty column; throws std::invalid_argument on a duplicate name. The returned
  // reference stays valid for the table's lifetime (adding columns does not move others).
  Column& add_column(std::string name, ColumnType type);
  // Adds a filled column; its size must match the table's rows.
  Column& add_column(Column column);

  const Column& column(std::size_t index) const { return columns_.at(index); }
  Column& column(std::size_t index) { return columns_.at(index); }
  // Throws sluice::MissingColumn naming the available columns.
  const Column& column(std::string_view name) const;
  Column& column(std::string_view name);
  // Checks presence and type; throws MissingColumn / a type error with context.
  const Column& require(std::string_view name, std::initializer_list<ColumnType> allowed) const;
  const Column* find(std::string_view name) const;
  Column* find(std::string_view name);
  // A deque, so the reference add_column() returns stays valid when more columns are added.
  const std::deque<Column>& columns() const { return columns_; }
  std::vector<std::string> column_names() const;

  // Throws std::logic_error if columns have different lengths.
  void check_rectangular() const;
  // A new table with the same schema and no rows.
  Table empty_like() const;
  // Appends row `row` of `other` (same schema) to this table.
  void append_row(const Table& other, std::size_t row);

 private:
  std::deque<Column> columns_;
};

// Calendar helpers for Date/Timestamp columns (proleptic Gregorian, UTC).
SLUICE_API std::int64_t days_from_civil(int year, unsigned month, unsigned day);
SLUICE_API void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day);
// "YYYY-MM-DD" -> days; throws std::invalid_argument.
SLUICE_API std::int64_t parse_date(std::string_view text);
SLUICE_API std::string format_date(std::int64_t days);
// "YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]" -> microseconds; throws std::invalid_argument.
SLUICE_API std::int64_t parse_timestamp(std::string_view text);
// parse_timestamp for a column of values: it remembers the last date it parsed, so the timestamps of
// one day in a row (a table read in time order) parse their date once. The same results and errors.
class SLUICE_API TimestampParser {
 public:
  std::int64_t operator()(std::string_view text);

 private:
  char date_[10] = {};
  bool has_date_ = false;
  std::int64_t days_ = 0;
};
SLUICE_API std::string format_timestamp(std::int64_t micros);
// One cell as messages show it: null, a string in double quotes, a number as ParamValue::display
// writes it, a date or a timestamp in ISO form (SDK 1.6).
SLUICE_API std::string cell_display(const Column& column, std::size_t row);
// A run of digits with a comma every three from the right, for people: "3286" -> "3,286". A leading
// sign is kept in front ("-1234567" -> "-1,234,567"); anything else is returned as given (SDK 1.7).
SLUICE_API std::string group_thousands(std::string_view digits);
inline constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;

}  // namespace sluice
