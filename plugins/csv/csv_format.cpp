#include "csv_format.hpp"

#include <charconv>

namespace sluice::csv {

namespace {

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
      case ColumnType::Date: out_.append(format_date(column.int_at(row))); break;
      case ColumnType::Timestamp: out_.append(format_timestamp(column.int_at(row))); break;
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
