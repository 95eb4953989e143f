#include "table_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "column_types.hpp"
#include "sql_names.hpp"

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

std::string_view text_of(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

// The buffers of a Column under construction, laid out exactly as sluice::Column keeps them
// (Column::assign_raw takes them over), so that parts can be joined without a per-row copy.
struct RawColumn {
  ColumnType type = ColumnType::Int64;
  std::size_t rows = 0;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;
  std::vector<std::uint8_t> validity;  // empty while there are no nulls

  void valid() {
    if (!validity.empty()) validity.push_back(1);
    ++rows;
  }
  void push_int(std::int64_t v) {
    ints.push_back(v);
    valid();
  }
  void push_double(double v) {
    doubles.push_back(v);
    valid();
  }
  void push_string(std::string_view v) {
    bytes.append(v);
    offsets.push_back(bytes.size());
    valid();
  }
  void push_null() {
    if (validity.empty()) validity.assign(rows, 1);
    validity.push_back(0);
    ++rows;
    switch (type) {
      case ColumnType::Double: doubles.push_back(0.0); break;
      case ColumnType::String: offsets.push_back(bytes.size()); break;
      default: ints.push_back(0); break;
    }
  }
  void reserve(std::size_t n) {
    switch (type) {
      case ColumnType::Double: doubles.reserve(n); break;
      case ColumnType::String: offsets.reserve(n + 1); break;
      default: ints.reserve(n); break;
    }
  }

  // Appends `other` (same type) and empties it.
  void append(RawColumn& other) {
    if (!other.validity.empty() || !validity.empty()) {
      if (validity.empty()) validity.assign(rows, 1);
      if (other.validity.empty()) validity.insert(validity.end(), other.rows, 1);
      else validity.insert(validity.end(), other.validity.begin(), other.validity.end());
    }
    switch (type) {
      case ColumnType::Double: doubles.insert(doubles.end(), other.doubles.begin(), other.doubles.end()); break;
      case ColumnType::String: {
        const std::uint64_t base = bytes.size();
        bytes.append(other.bytes);
        const std::size_t at = offsets.size();
        offsets.resize(at + other.offsets.size() - 1);
        for (std::size_t i = 1; i < other.offsets.size(); ++i) offsets[at + i - 1] = base + other.offsets[i];
        break;
      }
      default: ints.insert(ints.end(), other.ints.begin(), other.ints.end()); break;
    }
    rows += other.rows;
    const ColumnType type_of_other = other.type;
    other = RawColumn{};  // frees the appended part now
    other.type = type_of_other;
  }

  Column finish(const std::string& name) {
    Column c(name, type);
    c.assign_raw(rows, std::move(ints), std::move(doubles), std::move(offsets), std::move(bytes), std::move(validity));
    return c;
  }
};

// A column without a declared type: cells are kept until the end, then the
// narrowest type that holds them all is chosen (int64 < double < string).
struct InferredColumn {
  enum Kind : std::uint8_t { Null, Int, Real, Text };
  std::vector<Kind> kinds;
  std::vector<std::int64_t> ints;
  std::vector<double> reals;
  std::vector<std::string> texts;
  bool any_int = false, any_real = false, any_text = false;

  void add(sqlite3_value* v) {
    switch (sqlite3_value_type(v)) {
      case SQLITE_NULL: kinds.push_back(Null); return;
      case SQLITE_INTEGER: kinds.push_back(Int); ints.push_back(sqlite3_value_int64(v)); any_int = true; return;
      case SQLITE_FLOAT: kinds.push_back(Real); reals.push_back(sqlite3_value_double(v)); any_real = true; return;
      default: kinds.push_back(Text); texts.emplace_back(text_of(v)); any_text = true; return;
    }
  }

  // Appends `other`'s cells (the type is chosen over all of them in finish()) and empties it.
  void append(InferredColumn& other) {
    kinds.insert(kinds.end(), other.kinds.begin(), other.kinds.end());
    ints.insert(ints.end(), other.ints.begin(), other.ints.end());
    reals.insert(reals.end(), other.reals.begin(), other.reals.end());
    texts.insert(texts.end(), std::make_move_iterator(other.texts.begin()), std::make_move_iterator(other.texts.end()));
    any_int = any_int || other.any_int;
    any_real = any_real || other.any_real;
    any_text = any_text || other.any_text;
    other = InferredColumn{};
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
  RawColumn raw;                   // when typed
  InferredColumn inferred;         // when not
  TimestampParser parse_text_time; // a Date or Timestamp column's text values (rows of one day share a parse)
};

}  // namespace

struct TablePart::Data {
  std::vector<ColumnPlan> plans;
  std::size_t rows = 0;
};

TablePart::TablePart(std::unique_ptr<Data> data) : data_(std::move(data)) {}
TablePart::TablePart(TablePart&&) noexcept = default;
TablePart& TablePart::operator=(TablePart&&) noexcept = default;
TablePart::~TablePart() = default;
std::size_t TablePart::num_rows() const { return data_->rows; }

namespace {

class Reader {
 public:
  Reader(Statement& query, std::string_view source, std::size_t reserve_rows, const std::vector<ColumnSpec>* schema)
      : st_(query.raw()), source_(source), data_(std::make_unique<TablePart::Data>()) {
    auto& plans = data_->plans;
    const int n = sqlite3_column_count(st_);
    for (int i = 0; i < n; ++i) {
      ColumnPlan p;
      p.name = sqlite3_column_name(st_, i);
      if (const ColumnSpec* spec = spec_for(schema, p.name)) {
        p.declared = std::string(to_string(spec->type)) + " by param 'schema'";
        p.type = spec->type;
      } else {
        const char* declared = sqlite3_column_decltype(st_, i);
        p.declared = declared ? declared : "";
        p.type = column_type_for_declared(p.declared);
      }
      if (p.type) {
        p.raw.type = *p.type;
        if (reserve_rows > 0) p.raw.reserve(reserve_rows);
      }
      for (const auto& other : plans)
        if (other.name == p.name)
          throw Error("the query on " + std::string(source) + " returns two columns named '" + p.name +
                      "'; give them distinct names with AS; SQL: " + query.sql());
      plans.push_back(std::move(p));
    }
    if (schema != nullptr) check_schema_names(*schema);
  }

  void check_schema_names(const std::vector<ColumnSpec>& schema) const {
    std::vector<std::string> names;
    for (const auto& p : data_->plans) names.push_back(p.name);
    for (const auto& spec : schema) {
      const bool found = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return same_identifier(n, spec.name); });
      if (!found)
        throw Error("param 'schema' types column '" + spec.name + "', which the result from " + std::string(source_) +
                    " does not have; it has: " + join_names(names));
    }
  }

  static const ColumnSpec* spec_for(const std::vector<ColumnSpec>* schema, const std::string& name) {
    if (schema == nullptr) return nullptr;
    for (const auto& spec : *schema)
      if (same_identifier(spec.name, name)) return &spec;
    return nullptr;
  }

  // Once a sample of rows is in, string columns get room for all their text at the sample's
  // average length (plus a tenth), instead of doubling their way to gigabytes.
  void reserve_text(std::size_t sampled_rows, std::size_t expected_rows) {
    if (expected_rows <= sampled_rows) return;
    for (auto& p : data_->plans) {
      if (!p.type || *p.type != ColumnType::String) continue;
      const std::size_t per_row = p.raw.bytes.size() / sampled_rows + 1;
      p.raw.bytes.reserve(per_row * expected_rows + per_row * expected_rows / 10);
    }
  }

  // Each cell is fetched once with sqlite3_column_value and read with the sqlite3_value_* functions:
  // every sqlite3_column_* call locks the statement's (no-op) mutex and checks for a malloc failure,
  // and reading a cell that way took two or three of them (its type, then its value, then its length).
  // The value is unprotected, which is safe here: the connection is NOMUTEX and this thread is its
  // only user while the statement steps.
  void read_row(std::size_t row) {
    auto& plans = data_->plans;
    for (int i = 0; i < static_cast<int>(plans.size()); ++i) {
      ColumnPlan& p = plans[static_cast<std::size_t>(i)];
      sqlite3_value* v = sqlite3_column_value(st_, i);
      if (!p.type) {
        p.inferred.add(v);
        continue;
      }
      RawColumn& c = p.raw;
      const int t = sqlite3_value_type(v);
      if (t == SQLITE_NULL) {
        c.push_null();
        continue;
      }
      switch (*p.type) {
        case ColumnType::Int64:
          if (t == SQLITE_INTEGER) c.push_int(sqlite3_value_int64(v));
          else if (t == SQLITE_FLOAT && is_integral(sqlite3_value_double(v)))
            c.push_int(static_cast<std::int64_t>(sqlite3_value_double(v)));
          else bad_value(p, v, row);
          break;
        case ColumnType::Double:
          if (t == SQLITE_FLOAT || t == SQLITE_INTEGER) c.push_double(sqlite3_value_double(v));
          else bad_value(p, v, row);
          break;
        case ColumnType::String: c.push_string(text_of(v)); break;
        case ColumnType::Date: c.push_int(date_value(p, v, t, row)); break;
        case ColumnType::Timestamp: c.push_int(timestamp_value(p, v, t, row)); break;
      }
    }
  }

  TablePart finish(std::size_t rows) {
    data_->rows = rows;
    return TablePart(std::move(data_));
  }

 private:
  static bool is_integral(double v) { return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.2e18; }

  [[noreturn]] void bad_value(const ColumnPlan& p, sqlite3_value* v, std::size_t row) const {
    const int t = sqlite3_value_type(v);
    throw RowValueError("column '" + p.name + "' is declared " + p.declared + " but row ", row,
                        " holds the " + std::string(storage_class_name(t)) + " value '" + std::string(text_of(v)) +
                            "' in " + std::string(source_) + "; CAST it in the query or fix the data");
  }

  std::int64_t date_value(ColumnPlan& p, sqlite3_value* v, int t, std::size_t row) const {
    if (t == SQLITE_TEXT) {
      const std::string_view text = text_of(v);
      try {
        // A date column may hold a full timestamp; keep its day (rounded down: before 1970 too).
        const std::int64_t micros = p.parse_text_time(text);
        return micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
      } catch (const std::exception&) {
      }
    }
    bad_value(p, v, row);
  }

  std::int64_t timestamp_value(ColumnPlan& p, sqlite3_value* v, int t, std::size_t row) const {
    if (t == SQLITE_INTEGER) return sqlite3_value_int64(v) * 1'000'000;  // unix seconds
    if (t == SQLITE_FLOAT) return static_cast<std::int64_t>(std::llround(sqlite3_value_double(v) * 1e6));
    if (t == SQLITE_TEXT) {
      const std::string_view text = text_of(v);
      try {
        return p.parse_text_time(text);
      } catch (const std::exception&) {
      }
    }
    bad_value(p, v, row);
  }

  sqlite3_stmt* st_;
  std::string_view source_;
  std::unique_ptr<TablePart::Data> data_;
};

}  // namespace

TablePart read_part(Statement& query, std::string_view source, const PartOptions& options) {
  Reader reader(query, source, options.reserve_rows, options.schema);
  std::size_t rows = 0, since_batch = 0;
  constexpr std::size_t kTextSample = 4096;
  while (query.step()) {
    reader.read_row(rows);
    if (++rows == kTextSample && options.reserve_rows > 0) reader.reserve_text(kTextSample, options.reserve_rows);
    if (++since_batch == options.rows_per_batch) {
      if (options.on_batch) options.on_batch(since_batch);
      since_batch = 0;
    }
  }
  return reader.finish(rows);
}

Table combine_parts(std::vector<TablePart> parts, unsigned threads) {
  Table out;
  if (parts.empty()) return out;
  auto& first = parts.front().data();
  const std::size_t n = first.plans.size();
  for (auto& part : parts)
    if (part.data().plans.size() != n) throw Error("the parts of an extract have different columns");

  // Column c of every part appended to column c of the first part, one column per task.
  std::vector<std::optional<Column>> columns(n);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t c = next++; c < n; c = next++) {
      try {
        ColumnPlan& target = first.plans[c];
        for (std::size_t k = 1; k < parts.size(); ++k) {
          ColumnPlan& src = parts[k].data().plans[c];
          if (src.name != target.name || src.type != target.type)
            throw Error("the parts of an extract have different columns ('" + target.name + "' and '" + src.name + "')");
          if (target.type) target.raw.append(src.raw);
          else target.inferred.append(src.inferred);
        }
        if (target.type) columns[c].emplace(target.raw.finish(target.name));
        else {
          columns[c].emplace(target.inferred.finish(target.name));
          target.inferred = InferredColumn{};
        }
      } catch (...) {
        errors[c] = std::current_exception();
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    const unsigned helpers = static_cast<unsigned>(std::min<std::size_t>(threads, n));
    for (unsigned t = 1; t < helpers; ++t) pool.emplace_back(work);
    work();
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  for (auto& c : columns) out.add_column(std::move(*c));
  return out;
}

Table read_table(Statement& query, Context& ctx, std::string_view source, std::size_t rows_per_batch,
                 std::size_t expected_rows, const std::vector<ColumnSpec>* schema) {
  std::size_t rows = 0;
  PartOptions options;
  options.schema = schema;
  options.rows_per_batch = rows_per_batch;
  options.reserve_rows = expected_rows;
  options.on_batch = [&](std::size_t batch) {
    rows += batch;
    ctx.check_cancelled();
    ctx.progress(rows, progress_total(rows, expected_rows), "rows");
  };
  std::vector<TablePart> parts;
  parts.push_back(read_part(query, source, options));
  rows = parts.front().num_rows();
  Table out = combine_parts(std::move(parts));
  ctx.progress(rows, rows, "rows");
  return out;
}

}  // namespace sluice::sqlite
