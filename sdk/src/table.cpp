#include "sluice/table.hpp"

#include <algorithm>
#include <stdexcept>

#include "sluice/errors.hpp"
#include "sluice/params.hpp"

namespace sluice {

std::string_view to_string(ColumnType type) {
  switch (type) {
    case ColumnType::Int64: return "int64";
    case ColumnType::Double: return "double";
    case ColumnType::String: return "string";
    case ColumnType::Date: return "date";
    case ColumnType::Timestamp: return "timestamp";
  }
  return "unknown";
}

ColumnType column_type_from_string(std::string_view name) {
  for (auto t : {ColumnType::Int64, ColumnType::Double, ColumnType::String, ColumnType::Date, ColumnType::Timestamp}) {
    if (to_string(t) == name) return t;
  }
  throw std::invalid_argument("unknown column type '" + std::string(name) +
                              "' (expected int64, double, string, date or timestamp)");
}

std::vector<ColumnSpec> parse_column_specs(const std::vector<std::string>& entries) {
  std::vector<ColumnSpec> out;
  for (const auto& entry : entries) {
    const auto colon = entry.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw Error("schema entry '" + entry + "' is not \"name:type\" (types: int64, double, string, date, timestamp)");
    }
    ColumnSpec spec;
    spec.name = entry.substr(0, colon);
    try {
      spec.type = column_type_from_string(std::string_view(entry).substr(colon + 1));
    } catch (const std::invalid_argument&) {
      throw Error("schema entry '" + entry + "': unknown type '" + entry.substr(colon + 1) +
                  "' (use int64, double, string, date or timestamp)");
    }
    for (const auto& prev : out)
      if (prev.name == spec.name) throw Error("schema names column '" + spec.name + "' twice");
    out.push_back(std::move(spec));
  }
  return out;
}

Column::Column(std::string name, ColumnType type) : name_(std::move(name)), type_(type) {}

double Column::numeric_at(std::size_t row) const {
  if (type_ == ColumnType::Double) return doubles_[row];
  if (type_ == ColumnType::String) throw Error("column '" + name_ + "' is a string column, not numeric");
  return static_cast<double>(ints_[row]);
}

void Column::mark_valid() {
  if (!validity_.empty()) validity_.push_back(1);
  ++size_;
}

void Column::push_int(std::int64_t v) {
  ints_.push_back(v);
  mark_valid();
}
void Column::push_double(double v) {
  doubles_.push_back(v);
  mark_valid();
}
void Column::push_string(std::string_view v) {
  bytes_.append(v);
  offsets_.push_back(bytes_.size());
  mark_valid();
}
void Column::push_null() {
  if (validity_.empty()) validity_.assign(size_, 1);
  validity_.push_back(0);
  ++null_count_;
  ++size_;
  switch (type_) {
    case ColumnType::Double: doubles_.push_back(0.0); break;
    case ColumnType::String: offsets_.push_back(bytes_.size()); break;
    default: ints_.push_back(0); break;
  }
}

void Column::push_from(const Column& other, std::size_t row) {
  if (other.is_null(row)) return push_null();
  switch (type_) {
    case ColumnType::Double: push_double(other.double_at(row)); break;
    case ColumnType::String: push_string(other.string_at(row)); break;
    default: push_int(other.int_at(row)); break;
  }
}

void Column::reserve(std::size_t rows) {
  switch (type_) {
    case ColumnType::Double: doubles_.reserve(rows); break;
    case ColumnType::String: offsets_.reserve(rows + 1); break;
    default: ints_.reserve(rows); break;
  }
}

void Column::reserve_bytes(std::size_t bytes) {
  if (type_ == ColumnType::String) bytes_.reserve(bytes);
}

void Column::assign_raw(std::size_t rows, std::vector<std::int64_t> ints, std::vector<double> doubles,
                        std::vector<std::uint64_t> offsets, std::string bytes, std::vector<std::uint8_t> validity) {
  const bool ok = [&] {
    switch (type_) {
      case ColumnType::Double: return doubles.size() == rows && ints.empty() && offsets.size() == 1;
      case ColumnType::String:
        if (offsets.size() != rows + 1 || offsets.front() != 0 || offsets.back() != bytes.size()) return false;
        return std::is_sorted(offsets.begin(), offsets.end()) && ints.empty() && doubles.empty();
      default: return ints.size() == rows && doubles.empty() && offsets.size() == 1;
    }
  }();
  if (!ok || (!validity.empty() && validity.size() != rows)) {
    throw Error("column '" + name_ + "': inconsistent buffer sizes");
  }
  size_ = rows;
  ints_ = std::move(ints);
  doubles_ = std::move(doubles);
  offsets_ = std::move(offsets);
  bytes_ = std::move(bytes);
  null_count_ = static_cast<std::size_t>(std::count(validity.begin(), validity.end(), std::uint8_t{0}));
  if (null_count_ == 0) validity.clear();
  validity_ = std::move(validity);
}

Column Column::slice(std::size_t begin, std::size_t end) const {
  if (begin > end || end > size_) {
    throw std::out_of_range("column '" + name_ + "': rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                            ") are not within its " + std::to_string(size_) + " rows");
  }
  const auto at = [](std::size_t i) { return static_cast<std::ptrdiff_t>(i); };
  Column out(name_, type_);
  out.size_ = end - begin;
  switch (type_) {
    case ColumnType::Double: out.doubles_.assign(doubles_.begin() + at(begin), doubles_.begin() + at(end)); break;
    case ColumnType::String: {
      const std::uint64_t first = offsets_[begin];
      out.offsets_.resize(out.size_ + 1);
      for (std::size_t r = 1; r <= out.size_; ++r) out.offsets_[r] = offsets_[begin + r] - first;
      out.bytes_.assign(bytes_, first, offsets_[end] - first);
      break;
    }
    default: out.ints_.assign(ints_.begin() + at(begin), ints_.begin() + at(end)); break;
  }
  if (!validity_.empty()) {
    out.null_count_ = static_cast<std::size_t>(std::count(validity_.begin() + at(begin), validity_.begin() + at(end), std::uint8_t{0}));
    // Like every column: no validity bytes while there are no nulls.
    if (out.null_count_ > 0) out.validity_.assign(validity_.begin() + at(begin), validity_.begin() + at(end));
  }
  return out;
}

Column& Table::add_column(std::string name, ColumnType type) { return add_column(Column(std::move(name), type)); }

Column& Table::add_column(Column column) {
  if (find(column.name()) != nullptr) throw std::invalid_argument("duplicate column '" + column.name() + "'");
  // An empty column may be added to a filled table and filled afterwards (builder style);
  // Outputs::set() checks that the finished table is rectangular.
  if (!columns_.empty() && column.size() != 0 && column.size() != num_rows()) {
    throw std::invalid_argument("column '" + column.name() + "' has " + std::to_string(column.size()) +
                                " rows, the table has " + std::to_string(num_rows()));
  }
  columns_.push_back(std::move(column));
  return columns_.back();
}

const Column* Table::find(std::string_view name) const {
  for (const auto& c : columns_)
    if (c.name() == name) return &c;
  return nullptr;
}
Column* Table::find(std::string_view name) {
  for (auto& c : columns_)
    if (c.name() == name) return &c;
  return nullptr;
}

std::vector<std::string> Table::column_names() const {
  std::vector<std::string> names;
  for (const auto& c : columns_) names.push_back(c.name());
  return names;
}

static std::string joined_names(const Table& t) {
  std::string out;
  for (const auto& n : t.column_names()) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

const Column& Table::column(std::string_view name) const {
  if (const Column* c = find(name)) return *c;
  throw MissingColumn("missing column '" + std::string(name) + "'; the input has: " + joined_names(*this));
}
Column& Table::column(std::string_view name) {
  if (Column* c = find(name)) return *c;
  throw MissingColumn("missing column '" + std::string(name) + "'; the input has: " + joined_names(*this));
}

const Column& Table::require(std::string_view name, std::initializer_list<ColumnType> allowed) const {
  const Column& c = column(name);
  if (std::find(allowed.begin(), allowed.end(), c.type()) != allowed.end()) return c;
  std::string expected;
  for (auto t : allowed) expected += (expected.empty() ? "" : " or ") + std::string(to_string(t));
  throw Error("column '" + std::string(name) + "' has type " + std::string(to_string(c.type())) + ", expected " +
              expected);
}

void Table::check_rectangular() const {
  for (const auto& c : columns_) {
    if (c.size() != num_rows()) {
      throw std::logic_error("column '" + c.name() + "' has " + std::to_string(c.size()) + " rows, expected " +
                             std::to_string(num_rows()));
    }
  }
}

Table Table::empty_like() const {
  Table t;
  for (const auto& c : columns_) t.add_column(c.name(), c.type());
  return t;
}

void Table::append_row(const Table& other, std::size_t row) {
  for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].push_from(other.columns_[i], row);
}

std::string cell_display(const Column& column, std::size_t row) {
  if (column.is_null(row)) return "null";
  switch (column.type()) {
    case ColumnType::String: return "\"" + std::string(column.string_at(row)) + "\"";
    case ColumnType::Double: return ParamValue(column.double_at(row)).display();
    case ColumnType::Date: return format_date(column.int_at(row));
    case ColumnType::Timestamp: return format_timestamp(column.int_at(row));
    case ColumnType::Int64: break;
  }
  return std::to_string(column.int_at(row));
}

std::string group_thousands(std::string_view digits) {
  const std::size_t sign = !digits.empty() && (digits[0] == '-' || digits[0] == '+') ? 1 : 0;
  const std::string_view body = digits.substr(sign);
  if (body.empty() || body.find_first_not_of("0123456789") != std::string_view::npos) return std::string(digits);
  std::string out(digits.substr(0, sign));
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (i > 0 && (body.size() - i) % 3 == 0) out += ',';
    out += body[i];
  }
  return out;
}

}  // namespace sluice
