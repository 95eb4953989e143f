#include <algorithm>
#include <limits>
#include <optional>

#include "key_groups.hpp"
#include "row_days.hpp"
#include "series_gaps.hpp"
#include "stages.hpp"
#include "value_expression.hpp"

namespace sluice::daily {

StageDescriptor daily_series_descriptor() {
  StageDescriptor d;
  d.id = "sluice.daily_series";
  d.kind = StageKind::Transform;
  d.version = "1.1.0";
  d.summary = "Aggregates transactions into one row per key and calendar day (ds, y), filling missing days";
  d.inputs = {{"in", PortType::Table, false, false, "transactions: key columns, a timestamp and numeric columns"}};
  d.outputs = {{"out", PortType::Table, false, false, "key columns..., ds (date), y (double), sorted by keys then ds"}};
  d.params = {
      {"keys", ParamType::StringList, ParamValue::strings({}), false, {}, {}, {},
       "columns that identify a series (one output series per distinct combination)"},
      {"ts", ParamType::String, {}, true, {}, {}, {},
       "timestamp column: a timestamp, a date, or a string holding ISO-8601 text"},
      {"value", ParamType::String, {}, false, {}, {}, {},
       "what to aggregate: a numeric column, or a op b (op: + - * /) of two columns or a column and a number, "
       "e.g. \"quantity * unit_price\"; may be omitted when agg = \"count\" (counts rows)"},
      {"agg", ParamType::String, ParamValue("sum"), false, {}, {}, {"sum", "mean", "count", "min", "max"},
       "aggregation per key and day; null values are ignored"},
      {"fill", ParamType::String, ParamValue("zero"), false, {}, {}, {"zero", "null"},
       "y for days without values between a series' first and last day (count always gives 0)"},
      {"timezone", ParamType::String, ParamValue("local"), false, {}, {}, {},
       "\"local\": timestamps are wall-clock times and the day is their date part; an IANA name such as "
       "\"Europe/Berlin\": timestamps are UTC and days are taken in that zone"},
      {"start", ParamType::String, {}, false, {}, {}, {}, "first day to keep (YYYY-MM-DD, optional)"},
      {"end", ParamType::String, {}, false, {}, {}, {}, "last day to keep (YYYY-MM-DD, inclusive, optional)"},
      {"max_gap_days", ParamType::Int, {}, false, 0.0, 1000000.0, {},
       "fail when a series has more consecutive days without rows than this (optional; without it, gaps over "
       "366 days are a warning)"},
  };
  return d;
}

namespace {

enum class Agg { Sum, Mean, Count, Min, Max };

Agg agg_from(const std::string& s) {
  if (s == "mean") return Agg::Mean;
  if (s == "count") return Agg::Count;
  if (s == "min") return Agg::Min;
  if (s == "max") return Agg::Max;
  return Agg::Sum;
}

std::optional<std::int32_t> date_param(const Params& p, const std::string& name) {
  if (!p.has(name)) return std::nullopt;
  try {
    return static_cast<std::int32_t>(parse_date(p.get_string(name)));
  } catch (const std::invalid_argument& e) {
    throw param_error(name, std::string(e.what()) + " (expected YYYY-MM-DD)");
  }
}

std::string available(const Table& t) {
  std::string have;
  for (const auto& n : t.column_names()) have += (have.empty() ? "" : ", ") + n;
  return have;
}

// Orders two rows of one key column: nulls first, then by value.
int compare_cells(const Column& c, std::size_t a, std::size_t b) {
  const bool na = c.is_null(a), nb = c.is_null(b);
  if (na || nb) return static_cast<int>(nb) - static_cast<int>(na);
  switch (c.type()) {
    case ColumnType::String: return c.string_at(a).compare(c.string_at(b));
    case ColumnType::Double: return c.double_at(a) < c.double_at(b) ? -1 : (c.double_at(b) < c.double_at(a) ? 1 : 0);
    default: return c.int_at(a) < c.int_at(b) ? -1 : (c.int_at(b) < c.int_at(a) ? 1 : 0);
  }
}

class DailySeriesStage : public Stage {
 public:
  explicit DailySeriesStage(const Params& p)
      : keys_(p.get_string_list("keys")),
        ts_(p.get_string("ts")),
        agg_(agg_from(p.get_string("agg"))),
        fill_null_(p.get_string("fill") == "null"),
        rule_(p.get_string("timezone")),
        start_(date_param(p, "start")),
        end_(date_param(p, "end")),
        max_gap_days_(p.has("max_gap_days") ? std::optional<std::int64_t>(p.get_int("max_gap_days")) : std::nullopt) {
    if (p.has("value")) {
      value_ = parse_value_expression(p.get_string("value"));
    } else if (agg_ != Agg::Count) {
      throw ParamError("value", "parameter 'value' is required unless agg = \"count\"; e.g. value = \"quantity * unit_price\"");
    }
    if (start_ && end_ && *start_ > *end_) {
      throw ParamError("end", "parameter 'end' (" + p.get_string("end") + ") is before 'start' (" + p.get_string("start") + ")");
    }
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == "ds" || keys_[i] == "y") {
        throw param_error("keys", "a key column cannot be named '" + keys_[i] +
                                      "', which is an output column; rename it upstream");
      }
      if (keys_[i] == ts_) {
        // Each distinct time would be a series of its own, one row long.
        throw param_error("keys", "'" + ts_ + "' is the ts column, which gives the days; keys "
                                      "name the columns that identify a series (e.g. keys = [\"store_id\"])");
      }
      if (std::find(keys_.begin(), keys_.begin() + static_cast<std::ptrdiff_t>(i), keys_[i]) != keys_.begin() + static_cast<std::ptrdiff_t>(i)) {
        throw param_error("keys", "column '" + keys_[i] + "' is listed twice");
      }
    }
  }

  void run(Context& ctx, const Inputs& inputs, Outputs& outputs) override {
    const Table& in = inputs.table("in");
    const std::size_t rows = in.num_rows();

    std::vector<const Column*> keys;
    for (const auto& k : keys_) {
      const Column* c = in.find(k);
      if (c == nullptr) throw MissingColumn("parameter 'keys': missing column '" + k + "'; the input has: " + available(in));
      keys.push_back(c);
    }
    const Column* ts = in.find(ts_);
    if (ts == nullptr) throw MissingColumn("parameter 'ts': missing column '" + ts_ + "'; the input has: " + available(in));

    Evaluated values;
    if (value_) values = evaluate(*value_, in);
    const std::vector<std::int32_t> days = row_days(*ts, rule_);
    ctx.check_cancelled();
    const KeyGroups groups = group_rows(rows, keys);

    // Pass 1: each group's first and last day among the kept rows.
    const std::int32_t lo_clip = start_.value_or(std::numeric_limits<std::int32_t>::min());
    const std::int32_t hi_clip = end_.value_or(std::numeric_limits<std::int32_t>::max());
    std::vector<std::int32_t> first(groups.count(), std::numeric_limits<std::int32_t>::max());
    std::vector<std::int32_t> last(groups.count(), std::numeric_limits<std::int32_t>::min());
    for (std::size_t r = 0; r < rows; ++r) {
      const std::int32_t d = days[r];
      if (d < lo_clip || d > hi_clip) continue;
      const auto g = groups.group_of_row[r];
      first[g] = std::min(first[g], d);
      last[g] = std::max(last[g], d);
    }

    // Each group owns a dense run of day slots, so filling gaps costs nothing extra.
    std::vector<std::size_t> offset(groups.count() + 1, 0);
    for (std::size_t g = 0; g < groups.count(); ++g) {
      const std::size_t span = first[g] <= last[g] ? static_cast<std::size_t>(last[g] - first[g]) + 1 : 0;
      offset[g + 1] = offset[g] + span;
    }
    const std::size_t slots = offset.back();
    std::vector<double> acc(slots, agg_ == Agg::Min   ? std::numeric_limits<double>::infinity()
                                   : agg_ == Agg::Max ? -std::numeric_limits<double>::infinity()
                                                      : 0.0);
    std::vector<std::uint32_t> n(slots, 0);

    // Pass 2: accumulate.
    const bool has_values = value_.has_value();
    const bool all_valid = values.valid.empty();
    for (std::size_t r = 0; r < rows; ++r) {
      const std::int32_t d = days[r];
      if (d < lo_clip || d > hi_clip) continue;
      if (has_values && !all_valid && values.valid[r] == 0) continue;
      const auto g = groups.group_of_row[r];
      const std::size_t s = offset[g] + static_cast<std::size_t>(d - first[g]);
      ++n[s];
      if (!has_values) continue;
      const double v = values.values[r];
      switch (agg_) {
        case Agg::Min: acc[s] = std::min(acc[s], v); break;
        case Agg::Max: acc[s] = std::max(acc[s], v); break;
        default: acc[s] += v; break;
      }
    }
    ctx.progress(rows, rows, "rows");
    check_gaps(ctx, keys, groups, first, offset, n);

    outputs.set("out", build_output(in, keys, groups, first, offset, acc, n));
  }

 private:
  // A day whose rows all have a null value counts as a day without values, as it does for filling.
  void check_gaps(Context& ctx, const std::vector<const Column*>& keys, const KeyGroups& groups,
                  const std::vector<std::int32_t>& first, const std::vector<std::size_t>& offset,
                  const std::vector<std::uint32_t>& n) const {
    const std::vector<SeriesGap> gaps = gaps_longer_than(max_gap_days_.value_or(kWarnGapDays), first, offset, n);
    if (gaps.empty()) return;
    const auto longest = std::max_element(gaps.begin(), gaps.end(),
                                          [](const SeriesGap& a, const SeriesGap& b) { return a.days() < b.days(); });
    std::string what = "series " + series_label(keys, groups.first_row[longest->group]) + " has " + describe_gap(*longest);
    if (gaps.size() > 1) what += " (and " + std::to_string(gaps.size() - 1) + " more series have a long gap)";
    if (max_gap_days_) {
      throw Error(what + ", more than max_gap_days = " + std::to_string(*max_gap_days_) +
                  "; a mistyped date? Fix the source, drop the early rows with 'start', or raise max_gap_days");
    }
    ctx.warn(what + ", which are filled as missing days; a mistyped date? Drop the early rows with 'start', or set "
                    "max_gap_days to make such a gap an error");
  }

  static constexpr std::int64_t kWarnGapDays = 366;

  Table build_output(const Table& in, const std::vector<const Column*>& keys, const KeyGroups& groups,
                     const std::vector<std::int32_t>& first, const std::vector<std::size_t>& offset,
                     const std::vector<double>& acc, const std::vector<std::uint32_t>& n) const {
    (void)in;
    std::vector<std::uint32_t> order;
    for (std::uint32_t g = 0; g < groups.count(); ++g)
      if (offset[g + 1] > offset[g]) order.push_back(g);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      for (const Column* k : keys) {
        const int c = compare_cells(*k, groups.first_row[a], groups.first_row[b]);
        if (c != 0) return c < 0;
      }
      return false;
    });

    const std::size_t total = offset.back();
    std::vector<Column> key_out;
    for (const Column* k : keys) {
      key_out.emplace_back(k->name(), k->type());
      key_out.back().reserve(total);
    }
    Column ds("ds", ColumnType::Date), y("y", ColumnType::Double);
    ds.reserve(total);
    y.reserve(total);
    for (const std::uint32_t g : order) {
      for (std::size_t s = offset[g]; s < offset[g + 1]; ++s) {
        for (std::size_t k = 0; k < keys.size(); ++k) key_out[k].push_from(*keys[k], groups.first_row[g]);
        ds.push_int(first[g] + static_cast<std::int64_t>(s - offset[g]));
        if (agg_ == Agg::Count) {
          y.push_double(n[s]);
        } else if (n[s] == 0) {
          fill_null_ ? y.push_null() : y.push_double(0.0);
        } else {
          y.push_double(agg_ == Agg::Mean ? acc[s] / n[s] : acc[s]);
        }
      }
    }
    Table out;
    for (auto& c : key_out) out.add_column(std::move(c));
    out.add_column(std::move(ds));
    out.add_column(std::move(y));
    return out;
  }

  std::vector<std::string> keys_;
  std::string ts_;
  std::optional<ValueExpression> value_;
  Agg agg_;
  bool fill_null_;
  DayRule rule_;
  std::optional<std::int32_t> start_, end_;
  std::optional<std::int64_t> max_gap_days_;
};

}  // namespace

std::unique_ptr<Stage> make_daily_series(const Params& params) { return std::make_unique<DailySeriesStage>(params); }

}  // namespace sluice::daily
