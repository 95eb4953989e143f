#include "csv_format.hpp"

#include <charconv>

namespace sluice::csv {

namespace {

void put_digits(std::string& out, std::int64_t v, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out.append(buf, static_cast<std::size_t>(width));
}

// Same text as sluice::format_date / format_timestamp, without snprintf (this runs per cell).
void put_date(std::string& out, std::int64_t days) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) {
    out.append(format_date(days));
    return;
  }
  put_digits(out, y, 4);
  out.push_back('-');
  put_digits(out, m, 2);
  out.push_back('-');
  put_digits(out, d, 2);
}

void put_timestamp(std::string& out, std::int64_t micros) {
  std::int64_t days = micros / kMicrosPerDay, rem = micros % kMicrosPerDay;
  if (rem < 0) rem += kMicrosPerDay, --days;
  put_date(out, days);
  const std::int64_t secs = rem / 1'000'000, frac = rem % 1'000'000;
  out.push_back(' ');
  put_digits(out, secs / 3600, 2);
  out.push_back(':');
  put_digits(out, secs / 60 % 60, 2);
  out.push_back(':');
  put_digits(out, secs % 60, 2);
  if (frac != 0) {
    out.push_back('.');
    put_digits(out, frac, 6);
  }
}

class Writer {
 public:
  Writer(std::string& out, const WriteOptions& opt) : out_(out), opt_(opt) {}

  void text(std::string_view value) {
    if (!needs_quotes(value)) {
      out_.append(value);
      return;
    }
    out_.push_back('"');
    for (char c : value) {
      if (c == '"') out_.push_back('"');
      out_.push_back(c);
    }
    out_.push_back('"');
  }

  void cell(const Column& column, std::size_t row) {
    if (column.is_null(row)) {
      out_.append(opt_.null_value);
      return;
    }
    char buf[64];
    switch (column.type()) {
      case ColumnType::String: text(column.string_at(row)); break;
      case ColumnType::Int64: {
        auto r = std::to_chars(buf, buf + sizeof buf, column.int_at(row));
        out_.append(buf, r.ptr);
        break;
      }
      case ColumnType::Double: {
        auto r = std::to_chars(buf, buf + sizeof buf, column.double_at(row));
        out_.append(buf, r.ptr);
        break;
      }
      case ColumnType::Date: put_date(out_, column.int_at(row)); break;
      case ColumnType::Timestamp: put_timestamp(out_, column.int_at(row)); break;
    }
  }

 private:
  bool needs_quotes(std::string_view v) const {
    if (v == opt_.null_value) return true;  // also covers "" when nulls are written as nothing
    for (char c : v)
      if (c == opt_.delimiter || c == '"' || c == '\n' || c == '\r') return true;
    return false;
  }

  std::string& out_;
  const WriteOptions& opt_;
};

}  // namespace

std::string format_csv(const Table& table, const WriteOptions& opt) {
  std::string out;
  out.reserve(table.num_rows() * table.num_columns() * 8 + 64);
  Writer w(out, opt);
  const auto& cols = table.columns();
  if (opt.header) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (c) out.push_back(opt.delimiter);
      w.text(cols[c].name());
    }
    out.push_back('\n');
  }
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (c) out.push_back(opt.delimiter);
      w.cell(cols[c], r);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace sluice::csv
