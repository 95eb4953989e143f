#include "forecast_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sluice/errors.hpp>
#include <unordered_map>

#include "format.hpp"
#include "input_columns.hpp"

namespace sluice::dashboard {

using input::kNaN;
using input::mean_or_nan;
using input::need;
using input::num_at;

namespace {

constexpr const char* kForecastShape =
    "a forecast table needs ds, y, yhat, yhat_lower, yhat_upper; connect the output of sluice.prophet_forecast";

std::int64_t day_at(const Column& c, std::size_t row) {
  switch (c.type()) {
    case ColumnType::Date: return c.int_at(row);
    case ColumnType::Timestamp: {
      const std::int64_t us = c.int_at(row);
      return us >= 0 ? us / kMicrosPerDay : -((-us + kMicrosPerDay - 1) / kMicrosPerDay);
    }
    case ColumnType::String: return parse_date(c.string_at(row).substr(0, 10));
    default: break;
  }
  return c.int_at(row);
}

struct ForecastColumns {
  const Column *ds, *y, *yhat, *lo, *hi, *trend, *weekly, *yearly, *holidays, *is_forecast;
};

ForecastColumns forecast_columns(const Table& t, const std::string& port) {
  const std::initializer_list<ColumnType> numeric = {ColumnType::Double, ColumnType::Int64};
  ForecastColumns c{};
  c.ds = &need(t, "ds", {ColumnType::Date, ColumnType::Timestamp, ColumnType::String}, port, kForecastShape);
  c.y = &need(t, "y", numeric, port, kForecastShape);
  c.yhat = &need(t, "yhat", numeric, port, kForecastShape);
  c.lo = &need(t, "yhat_lower", numeric, port, kForecastShape);
  c.hi = &need(t, "yhat_upper", numeric, port, kForecastShape);
  // Components and the forecast flag are optional: without them the page omits
  // the components section and treats rows with a null y as forecast rows.
  c.trend = t.find("trend");
  c.weekly = t.find("weekly");
  c.yearly = t.find("yearly");
  c.holidays = t.find("holidays");
  c.is_forecast = t.find("is_forecast");
  for (const Column* opt : {c.trend, c.weekly, c.yearly, c.holidays, c.is_forecast})
    if (opt != nullptr && opt->type() == ColumnType::String)
      throw Error("input '" + port + "': column '" + opt->name() + "' is a string column; it must be numeric");
  return c;
}

void push_row(ForecastSeries& s, const ForecastColumns& c, std::size_t row) {
  try {
    s.ds.push_back(day_at(*c.ds, row));
  } catch (const std::invalid_argument&) {
    throw Error("column 'ds' row " + std::to_string(row) + ": '" + std::string(c.ds->string_at(row)) +
                "' is not a YYYY-MM-DD date");
  }
  s.y.push_back(num_at(c.y, row));
  s.yhat.push_back(num_at(c.yhat, row));
  s.yhat_lower.push_back(num_at(c.lo, row));
  s.yhat_upper.push_back(num_at(c.hi, row));
  s.trend.push_back(num_at(c.trend, row));
  s.weekly.push_back(num_at(c.weekly, row));
  s.yearly.push_back(num_at(c.yearly, row));
  s.holidays.push_back(num_at(c.holidays, row));
  const bool future = c.is_forecast != nullptr ? (!c.is_forecast->is_null(row) && c.is_forecast->numeric_at(row) != 0)
                                               : c.y->is_null(row);
  s.is_forecast.push_back(future ? 1 : 0);
}

// Sorts every vector of a series by ds (inputs are usually sorted already).
void sort_by_ds(ForecastSeries& s) {
  std::vector<std::size_t> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  if (std::is_sorted(s.ds.begin(), s.ds.end())) return;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return s.ds[a] < s.ds[b]; });
  auto permute = [&](auto& v) {
    auto copy = v;
    for (std::size_t i = 0; i < order.size(); ++i) v[i] = copy[order[i]];
  };
  permute(s.ds), permute(s.y), permute(s.yhat), permute(s.yhat_lower), permute(s.yhat_upper);
  permute(s.trend), permute(s.weekly), permute(s.yearly), permute(s.holidays), permute(s.is_forecast);
}

// Two rows for one day mean the series is really several series (a wrong key, or
// per-store rows bound to the total input); summing or plotting them would mislead.
void require_unique_days(const ForecastSeries& s, const std::string& port, const std::string& what) {
  for (std::size_t i = 1; i < s.size(); ++i)
    if (s.ds[i] == s.ds[i - 1])
      throw Error("input '" + port + "': " + what + " has more than one row for ds " + iso_date(s.ds[i]) +
                  "; each series needs one row per day (check the 'key' parameter, and bind per-store forecasts to "
                  "'forecast', not 'total')");
}

}  // namespace

std::optional<std::int64_t> ForecastSeries::last_observed() const {
  for (std::size_t i = size(); i-- > 0;)
    if (!is_forecast[i] && std::isfinite(y[i])) return ds[i];
  return std::nullopt;
}

std::string key_text(const Column& column, std::size_t row) {
  if (column.is_null(row)) return "(null)";
  switch (column.type()) {
    case ColumnType::String: return std::string(column.string_at(row));
    case ColumnType::Double: return exact_number(column.double_at(row));
    case ColumnType::Date: return iso_date(column.int_at(row));
    case ColumnType::Timestamp: return format_timestamp(column.int_at(row));
    case ColumnType::Int64: break;
  }
  return std::to_string(column.int_at(row));
}

std::vector<ForecastSeries> split_forecast(const Table& table, const std::string& key_column, const std::string& port) {
  const ForecastColumns cols = forecast_columns(table, port);
  const Column* key = table.find(key_column);
  if (key == nullptr)
    throw MissingColumn("input '" + port + "': missing key column '" + key_column +
                        "'; set the 'key' parameter to the column that names the store (the input has: " +
                        [&] {
                          std::string names;
                          for (const auto& n : table.column_names()) names += (names.empty() ? "" : ", ") + n;
                          return names;
                        }() +
                        ")");
  std::vector<ForecastSeries> out;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<double> numeric_key;
  for (std::size_t row = 0; row < table.num_rows(); ++row) {
    std::string k = key_text(*key, row);
    auto [it, inserted] = index.try_emplace(k, out.size());
    if (inserted) {
      out.emplace_back();
      out.back().key = k;
      out.back().has_components = cols.trend && cols.weekly && cols.yearly;
      numeric_key.push_back(key->type() == ColumnType::Int64 && !key->is_null(row) ? key->numeric_at(row) : 0.0);
    }
    push_row(out[it->second], cols, row);
  }
  for (auto& s : out) {
    sort_by_ds(s);
    require_unique_days(s, port, key_column + " " + s.key);
  }
  if (key->type() == ColumnType::Int64) {
    std::vector<std::size_t> order(out.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return numeric_key[a] < numeric_key[b]; });
    std::vector<ForecastSeries> sorted;
    sorted.reserve(out.size());
    for (auto i : order) sorted.push_back(std::move(out[i]));
    out = std::move(sorted);
  }
  return out;
}

ForecastSeries read_forecast(const Table& table, const std::string& port) {
  const ForecastColumns cols = forecast_columns(table, port);
  ForecastSeries s;
  s.has_components = cols.trend && cols.weekly && cols.yearly;
  for (std::size_t row = 0; row < table.num_rows(); ++row) push_row(s, cols, row);
  sort_by_ds(s);
  require_unique_days(s, port, "the series");
  return s;
}

ForecastSeries sum_series(const std::vector<ForecastSeries>& parts) {
  struct Acc {
    double y = 0, yhat = 0, lo = 0, hi = 0, trend = 0, weekly = 0, yearly = 0, holidays = 0;
    int y_n = 0;
    bool future = false;
  };
  std::map<std::int64_t, Acc> by_day;
  bool components = !parts.empty();
  // A store without a forecast value makes the day's total unknown (NaN propagates): skipping it
  // would show a partial sum, or 0 for a single store, as if it were the forecast.
  auto add = [](double& acc, double v) { acc += v; };
  for (const auto& p : parts) {
    components = components && p.has_components;
    for (std::size_t i = 0; i < p.size(); ++i) {
      Acc& a = by_day[p.ds[i]];
      if (std::isfinite(p.y[i]) && !p.is_forecast[i]) a.y += p.y[i], ++a.y_n;
      add(a.yhat, p.yhat[i]), add(a.lo, p.yhat_lower[i]), add(a.hi, p.yhat_upper[i]);
      add(a.trend, p.trend[i]), add(a.weekly, p.weekly[i]), add(a.yearly, p.yearly[i]), add(a.holidays, p.holidays[i]);
      a.future = a.future || p.is_forecast[i];
    }
  }
  ForecastSeries s;
  s.has_components = components;
  for (const auto& [day, a] : by_day) {
    s.ds.push_back(day);
    s.y.push_back(a.y_n > 0 && !a.future ? a.y : kNaN);
    s.yhat.push_back(a.yhat), s.yhat_lower.push_back(a.lo), s.yhat_upper.push_back(a.hi);
    s.trend.push_back(a.trend), s.weekly.push_back(a.weekly), s.yearly.push_back(a.yearly);
    s.holidays.push_back(a.holidays);
    s.is_forecast.push_back(a.future ? 1 : 0);
  }
  return s;
}

OverviewNumbers overview_numbers(const ForecastSeries& total) {
  OverviewNumbers o;
  o.data_through = total.last_observed();
  // History days, with a day without sales (null y: a closure or an outage) counting as zero;
  // last year's window is complete when it lies inside the history.
  std::map<std::int64_t, double> observed;
  for (std::size_t i = 0; i < total.size(); ++i)
    if (!total.is_forecast[i]) observed[total.ds[i]] = std::isfinite(total.y[i]) ? total.y[i] : 0.0;
  bool last_year_complete = true;
  double last_year = 0;
  for (std::size_t i = 0; i < total.size(); ++i) {
    if (!total.is_forecast[i]) continue;
    if (o.forecast_days == 0) o.forecast_first = total.ds[i];
    o.forecast_last = total.ds[i];
    ++o.forecast_days;
    o.forecast_total += total.yhat[i];  // a day without a forecast leaves the total unknown (NaN)
    // 364 days back lands on the same weekday, which matters for weekly retail patterns.
    const auto it = observed.find(total.ds[i] - 364);
    if (it == observed.end()) last_year_complete = false;
    else last_year += it->second;
  }
  o.last_year_total = last_year_complete && o.forecast_days > 0 ? last_year : kNaN;
  o.change = std::isfinite(o.last_year_total) && o.last_year_total != 0 ? o.forecast_total / o.last_year_total - 1.0
                                                                        : kNaN;
  return o;
}

double recent_mape(const ForecastSeries& s, int days) {
  const auto last = s.last_observed();
  if (!last) return kNaN;
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.is_forecast[i] || s.ds[i] <= *last - days || s.ds[i] > *last) continue;
    if (!std::isfinite(s.y[i]) || !std::isfinite(s.yhat[i]) || s.y[i] == 0) continue;
    sum += std::fabs(s.y[i] - s.yhat[i]) / std::fabs(s.y[i]);
    ++n;
  }
  return mean_or_nan(sum, n);
}

}  // namespace sluice::dashboard
