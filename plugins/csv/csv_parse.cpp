#include "csv_parse.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <sluice/errors.hpp>

#include "csv_tokenize.hpp"
#include "csv_values.hpp"
#include "utf8_check.hpp"

namespace sluice::csv {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Candidate types during inference, as bits; a column ends up as the first
// candidate that survived every value (int64, double, date, timestamp), else string.
enum : unsigned { kInt = 1, kDouble = 2, kDate = 4, kTimestamp = 8 };

class ColumnBuilder {
 public:
  ColumnBuilder(std::string_view bytes, const Grid& grid, const ReadOptions& opt)
      : bytes_(bytes), grid_(grid), opt_(opt) {
    for (const auto& n : opt.null_values) empty_is_null_ |= n.empty();
  }

  bool is_null(const Field& f, std::string_view text) const {
    if (f.quoted) return false;
    if (text.empty()) return empty_is_null_;
    for (const auto& n : opt_.null_values)
      if (text == n) return true;
    return false;
  }

  // Tries the candidate types in order (int64, double, date, timestamp, string).
  // Building a column and parsing it are one pass; when a value does not fit,
  // the candidates it rules out are dropped and the column is rebuilt, which
  // happens at most a few times and usually at the first value.
  Column build_inferred(std::size_t column, std::size_t first_row, const std::string& name) {
    unsigned mask = kInt | kDouble | kDate | kTimestamp;
    for (;;) {
      const ColumnType type = first_candidate(mask);
      Column out(name, type);
      const auto bad_row = build_into(out, column, first_row, false);
      if (!bad_row) {
        // A column without any value has nothing to infer from; string keeps it lossless.
        if (type != ColumnType::String && out.null_count() == out.size()) {
          Column strings(name, ColumnType::String);
          build_into(strings, column, first_row, false);
          return strings;
        }
        return out;
      }
      mask &= ~type_bit(type) & fitting_types(field_text(bytes_, grid_.at(*bad_row, column), scratch_));
    }
  }

  // With `strict` a misfit throws a message for the user; otherwise its row is returned.
  std::optional<std::size_t> build_into(Column& out, std::size_t column, std::size_t first_row, bool strict) {
    const ColumnType type = out.type();
    out.reserve(grid_.rows() - first_row);
    for (std::size_t r = first_row; r < grid_.rows(); ++r) {
      const Field& f = grid_.at(r, column);
      const std::string_view text = field_text(bytes_, f, scratch_);
      if (is_null(f, text)) {
        out.push_null();
        continue;
      }
      std::int64_t i = 0;
      double d = 0;
      bool ok = true;
      switch (type) {
        case ColumnType::String: out.push_string(text); break;
        case ColumnType::Int64: ok = try_parse_int64(text, i); if (ok) out.push_int(i); break;
        case ColumnType::Double: ok = try_parse_double(text, d); if (ok) out.push_double(d); break;
        case ColumnType::Date: ok = try_parse_date(text, i); if (ok) out.push_int(i); break;
        case ColumnType::Timestamp: ok = try_parse_timestamp(text, i); if (ok) out.push_int(i); break;
      }
      if (ok) continue;
      if (!strict) return r;
      fail(f, out.name(), text, type);
    }
    return std::nullopt;
  }

 private:
  static ColumnType first_candidate(unsigned mask) {
    if (mask & kInt) return ColumnType::Int64;
    if (mask & kDouble) return ColumnType::Double;
    if (mask & kDate) return ColumnType::Date;
    if (mask & kTimestamp) return ColumnType::Timestamp;
    return ColumnType::String;
  }
  static unsigned type_bit(ColumnType t) {
    switch (t) {
      case ColumnType::Int64: return kInt;
      case ColumnType::Double: return kDouble;
      case ColumnType::Date: return kDate;
      case ColumnType::Timestamp: return kTimestamp;
      default: return 0;
    }
  }
  // The candidate types a single value satisfies.
  static unsigned fitting_types(std::string_view text) {
    std::int64_t i;
    double d;
    if (try_parse_int64(text, i)) return kInt | kDouble;
    if (try_parse_double(text, d)) return kDouble;
    if (try_parse_date(text, i)) return kDate | kTimestamp;
    if (try_parse_timestamp(text, i)) return kTimestamp;
    return 0;
  }

  [[noreturn]] void fail(const Field& f, const std::string& name, std::string_view text, ColumnType type) const {
    std::string_view what;
    switch (type) {
      case ColumnType::Int64: what = "an int64"; break;
      case ColumnType::Double: what = "a double"; break;
      case ColumnType::Date: what = "a date (expected YYYY-MM-DD)"; break;
      default: what = "a timestamp (expected YYYY-MM-DD HH:MM[:SS[.ffffff]])"; break;
    }
    const auto line = line_and_column(bytes_, f.begin).first;
    std::string shown(text.substr(0, 60));
    if (text.size() > 60) shown += "...";
    throw Error(opt_.source + ": line " + std::to_string(line) + ", column '" + name + "': '" + shown + "' is not " +
                std::string(what) + "; fix the value, add it to null_values, or change the schema");
  }

  std::string_view bytes_;
  const Grid& grid_;
  const ReadOptions& opt_;
  std::string scratch_;
  bool empty_is_null_ = false;
};

std::vector<std::string> header_names(std::string_view bytes, const Grid& grid, const ReadOptions& opt) {
  std::vector<std::string> names;
  std::unordered_map<std::string, std::size_t> seen;
  std::string scratch;
  for (std::size_t c = 0; c < grid.columns; ++c) {
    std::string name(field_text(bytes, grid.at(0, c), scratch));
    if (name.empty()) name = "column_" + std::to_string(c + 1);
    auto [it, fresh] = seen.emplace(name, c);
    if (!fresh) {
      throw Error(opt.source + ": line " + std::to_string(line_and_column(bytes, grid.row_begin[0]).first) +
                  ": duplicate column name '" + name + "' (columns " + std::to_string(it->second + 1) + " and " +
                  std::to_string(c + 1) + "); rename one of them");
    }
    names.push_back(std::move(name));
  }
  return names;
}

Table empty_table_from_schema(const ReadOptions& opt) {
  if (opt.schema.empty()) {
    throw Error(opt.source + ": the file is empty" + (opt.header ? " (no header line)" : "") +
                "; give a schema to read an empty file as a table with no rows");
  }
  Table t;
  for (const auto& spec : opt.schema) t.add_column(spec.name, spec.type);
  return t;
}

// Explicit types per column position (nullopt = infer).
std::vector<std::optional<ColumnType>> explicit_types(const std::vector<std::string>& names, const ReadOptions& opt) {
  std::vector<std::optional<ColumnType>> types(names.size());
  for (const auto& spec : opt.schema) {
    auto it = std::find(names.begin(), names.end(), spec.name);
    if (it == names.end()) {
      std::string have;
      for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
      throw Error(opt.source + ": the schema names column '" + spec.name +
                  "', which the header does not have; the header has: " + have);
    }
    types[static_cast<std::size_t>(it - names.begin())] = spec.type;
  }
  return types;
}

}  // namespace

std::pair<std::size_t, std::size_t> line_and_column(std::string_view bytes, std::size_t offset) {
  offset = std::min(offset, bytes.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (bytes[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t column = 1;  // characters, not bytes: skip UTF-8 continuation bytes
  for (std::size_t i = line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80 && bytes[i] != '\r') ++column;
  return {line, column};
}

Table parse_csv(std::string_view bytes, const ReadOptions& opt) {
  if (opt.delimiter == '"' || opt.delimiter == '\n' || opt.delimiter == '\r') {
    throw Error("the delimiter cannot be a quote or a line break");
  }
  if (const auto bad = first_invalid_utf8(bytes); bad != std::string_view::npos) {
    const auto [line, column] = line_and_column(bytes, bad);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(bytes[bad]));
    throw Error(opt.source + ": line " + std::to_string(line) + ", column " + std::to_string(column) +
                ": invalid UTF-8 (byte " + byte + "); convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8");
  }
  const std::size_t start = bytes.substr(0, 3) == kBom ? 3 : 0;
  TokenizeOptions tok{opt.delimiter, opt.source, opt.header ? "the header" : "the first row"};
  const Grid grid = tokenize(bytes, start, tok);
  if (grid.rows() == 0) return empty_table_from_schema(opt);

  std::vector<std::string> names;
  std::vector<std::optional<ColumnType>> types;
  std::size_t first_row = 0;
  if (opt.header) {
    names = header_names(bytes, grid, opt);
    types = explicit_types(names, opt);
    first_row = 1;
  } else if (!opt.schema.empty()) {
    if (opt.schema.size() != grid.columns) {
      throw Error(opt.source + ": the schema lists " + std::to_string(opt.schema.size()) + " columns but the rows have " +
                  std::to_string(grid.columns) + " fields; without a header the schema must name every column in order");
    }
    for (const auto& spec : opt.schema) {
      names.push_back(spec.name);
      types.emplace_back(spec.type);
    }
  } else {
    for (std::size_t c = 0; c < grid.columns; ++c) names.push_back("column_" + std::to_string(c + 1));
    types.resize(grid.columns);
  }

  ColumnBuilder builder(bytes, grid, opt);
  Table table;
  for (std::size_t c = 0; c < grid.columns; ++c) {
    if (types[c]) {
      Column column(names[c], *types[c]);
      builder.build_into(column, c, first_row, true);
      table.add_column(std::move(column));
    } else {
      table.add_column(builder.build_inferred(c, first_row, names[c]));
    }
  }
  return table;
}

}  // namespace sluice::csv
