#include "table_reader.hpp"

#include <cmath>
#include <memory>
#include <sluice/errors.hpp>
#include <vector>

#include "column_types.hpp"

namespace sluice::sqlite {

namespace {

const char* storage_class_name(int t) {
  switch (t) {
    case SQLITE_INTEGER: return "INTEGER";
    case SQLITE_FLOAT: return "REAL";
    case SQLITE_TEXT: return "TEXT";
    case SQLITE_BLOB: return "BLOB";
    default: return "NULL";
  }
}

std::string_view text_of(sqlite3_stmt* st, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i))) : std::string_view();
}

// A column without a declared type: cells are kept until the end, then the
// narrowest type that holds them all is chosen (int64 < double < string).
struct InferredColumn {
  enum Kind : std::uint8_t { Null, Int, Real, Text };
  std::vector<Kind> kinds;
  std::vector<std::int64_t> ints;
  std::vector<double> reals;
  std::vector<std::string> texts;
  bool any_int = false, any_real = false, any_text = false;

  void add(sqlite3_stmt* st, int i) {
    const int t = sqlite3_column_type(st, i);
    switch (t) {
      case SQLITE_NULL: kinds.push_back(Null); return;
      case SQLITE_INTEGER: kinds.push_back(Int); ints.push_back(sqlite3_column_int64(st, i)); any_int = true; return;
      case SQLITE_FLOAT: kinds.push_back(Real); reals.push_back(sqlite3_column_double(st, i)); any_real = true; return;
      default: kinds.push_back(Text); texts.emplace_back(text_of(st, i)); any_text = true; return;
    }
  }

  Column finish(const std::string& name) const {
    const ColumnType type = any_text ? ColumnType::String : any_real ? ColumnType::Double
                          : any_int  ? ColumnType::Int64  : ColumnType::Double;
    Column c(name, type);
    c.reserve(kinds.size());
    std::size_t ii = 0, ri = 0, ti = 0;
    for (Kind k : kinds) {
      if (k == Null) {
        c.push_null();
      } else if (type == ColumnType::String) {
        if (k == Text) c.push_string(texts[ti++]);
        else if (k == Int) c.push_string(std::to_string(ints[ii++]));
        else {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", reals[ri++]);
          c.push_string(buf);
        }
      } else if (type == ColumnType::Double) {
        c.push_double(k == Real ? reals[ri++] : static_cast<double>(ints[ii++]));
      } else {
        c.push_int(ints[ii++]);
      }
    }
    return c;
  }
};

struct ColumnPlan {
  std::string name;
  std::string declared;
  std::optional<ColumnType> type;  // nullopt: inferred
  std::unique_ptr<InferredColumn> inferred;
  std::size_t table_index = 0;
};

class Reader {
 public:
  Reader(Statement& query, std::string_view source, std::size_t expected_rows) : st_(query.raw()), source_(source) {
    const int n = sqlite3_column_count(st_);
    for (int i = 0; i < n; ++i) {
      ColumnPlan p;
      p.name = sqlite3_column_name(st_, i);
      const char* declared = sqlite3_column_decltype(st_, i);
      p.declared = declared ? declared : "";
      p.type = column_type_for_declared(p.declared);
      if (!p.type) p.inferred = std::make_unique<InferredColumn>();
      for (const auto& other : plans_)
        if (other.name == p.name)
          throw Error("the query on " + std::string(source) + " returns two columns named '" + p.name +
                      "'; give them distinct names with AS; SQL: " + query.sql());
      plans_.push_back(std::move(p));
    }
    for (auto& p : plans_) {
      if (!p.type) continue;
      p.table_index = table_.num_columns();
      table_.add_column(p.name, *p.type);
    }
    for (std::size_t c = 0; c < table_.num_columns() && expected_rows > 0; ++c) table_.column(c).reserve(expected_rows);
  }

  // Once a sample of rows is in, string columns get room for all their text at the sample's
  // average length (plus a tenth), instead of doubling their way to gigabytes.
  void reserve_text(std::size_t sampled_rows, std::size_t expected_rows) {
    if (expected_rows <= sampled_rows) return;
    for (auto& p : plans_) {
      if (p.inferred || *p.type != ColumnType::String) continue;
      Column& c = table_.column(p.table_index);
      const std::size_t per_row = c.string_bytes().size() / sampled_rows + 1;
      c.reserve_bytes(per_row * expected_rows + per_row * expected_rows / 10);
    }
  }

  void read_row(std::size_t row) {
    for (int i = 0; i < static_cast<int>(plans_.size()); ++i) {
      ColumnPlan& p = plans_[static_cast<std::size_t>(i)];
      if (p.inferred) {
        p.inferred->add(st_, i);
        continue;
      }
      Column& c = table_.column(p.table_index);
      const int t = sqlite3_column_type(st_, i);
      if (t == SQLITE_NULL) {
        c.push_null();
        continue;
      }
      switch (*p.type) {
        case ColumnType::Int64:
          if (t == SQLITE_INTEGER) c.push_int(sqlite3_column_int64(st_, i));
          else if (t == SQLITE_FLOAT && is_integral(sqlite3_column_double(st_, i)))
            c.push_int(static_cast<std::int64_t>(sqlite3_column_double(st_, i)));
          else bad_value(p, t, i, row);
          break;
        case ColumnType::Double:
          if (t == SQLITE_FLOAT || t == SQLITE_INTEGER) c.push_double(sqlite3_column_double(st_, i));
          else bad_value(p, t, i, row);
          break;
        case ColumnType::String: c.push_string(text_of(st_, i)); break;
        case ColumnType::Date: c.push_int(date_value(p, t, i, row)); break;
        case ColumnType::Timestamp: c.push_int(timestamp_value(p, t, i, row)); break;
      }
    }
  }

  Table finish() {
    // Inferred columns go back to their query position.
    Table out;
    for (auto& p : plans_) {
      if (p.inferred) out.add_column(p.inferred->finish(p.name));
      else out.add_column(std::move(table_.column(p.table_index)));
    }
    return out;
  }

 private:
  static bool is_integral(double v) { return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.2e18; }

  [[noreturn]] void bad_value(const ColumnPlan& p, int t, int i, std::size_t row) const {
    throw Error("column '" + p.name + "' is declared " + p.declared + " but row " + std::to_string(row + 1) +
                " holds the " + storage_class_name(t) + " value '" + std::string(text_of(st_, i)) + "' in " +
                std::string(source_) + "; CAST it in the query or fix the data");
  }

  std::int64_t date_value(const ColumnPlan& p, int t, int i, std::size_t row) const {
    if (t == SQLITE_TEXT) {
      const std::string_view text = text_of(st_, i);
      try {
        // A date column may hold a full timestamp; keep its day.
        return text.size() > 10 ? parse_timestamp(text) / kMicrosPerDay : parse_date(text);
      } catch (const std::exception&) {
      }
    }
    bad_value(p, t, i, row);
  }

  std::int64_t timestamp_value(const ColumnPlan& p, int t, int i, std::size_t row) const {
    if (t == SQLITE_INTEGER) return sqlite3_column_int64(st_, i) * 1'000'000;  // unix seconds
    if (t == SQLITE_FLOAT) return static_cast<std::int64_t>(std::llround(sqlite3_column_double(st_, i) * 1e6));
    if (t == SQLITE_TEXT) {
      const std::string_view text = text_of(st_, i);
      try {
        return text.size() == 10 ? parse_date(text) * kMicrosPerDay : parse_timestamp(text);
      } catch (const std::exception&) {
      }
    }
    bad_value(p, t, i, row);
  }

  sqlite3_stmt* st_;
  std::string_view source_;
  std::vector<ColumnPlan> plans_;
  Table table_;
};

}  // namespace

Table read_table(Statement& query, Context& ctx, std::string_view source, std::size_t rows_per_batch,
                 std::size_t expected_rows) {
  Reader reader(query, source, expected_rows);
  std::size_t rows = 0;
  constexpr std::size_t kTextSample = 4096;
  while (query.step()) {
    reader.read_row(rows);
    if (rows + 1 == kTextSample && expected_rows > 0) reader.reserve_text(kTextSample, expected_rows);
    if (++rows % rows_per_batch == 0) {
      ctx.check_cancelled();
      ctx.progress(rows, 0, "rows");
    }
  }
  ctx.progress(rows, rows, "rows");
  return reader.finish();
}

}  // namespace sluice::sqlite
