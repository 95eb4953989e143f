#pragma once
// Reading the input tables into per-series vectors, and the numbers the page
// shows (forecast totals, recent error, backtest averages). Pure functions of
// the tables, so tests can compare the page against them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::dashboard {

// One forecast series (a store, or the total), sorted by ds. Nulls are NaN.
struct ForecastSeries {
  std::string key;  // display text of the key value ("" for the total)
  std::vector<std::int64_t> ds;  // days since 1970-01-01
  std::vector<double> y, yhat, yhat_lower, yhat_upper, trend, weekly, yearly, holidays;
  std::vector<std::uint8_t> is_forecast;
  bool has_components = false;  // trend/weekly/yearly columns were present

  std::size_t size() const { return ds.size(); }
  // The last day with an observed y (the "today" of the report).
  std::optional<std::int64_t> last_observed() const;
};

// Splits a concatenated forecast table by `key_column` (kept in first-seen
// order, or numeric order for integer keys). `port` names the input in errors.
std::vector<ForecastSeries> split_forecast(const Table& table, const std::string& key_column, const std::string& port);
// Reads a forecast table that holds a single series (no key column).
ForecastSeries read_forecast(const Table& table, const std::string& port);
// The total series: per-ds sums of every store's values (y only where observed). A forecast value
// (yhat, its bounds, a component) that is null for some store is null in the total on that day.
ForecastSeries sum_series(const std::vector<ForecastSeries>& parts);

struct OverviewNumbers {
  std::optional<std::int64_t> data_through;  // last observed day
  std::int64_t forecast_first = 0, forecast_last = 0;
  int forecast_days = 0;
  double forecast_total = 0;  // sum of yhat over the forecast rows; NaN when some row has no yhat
  // Sum of y over the same days 52 weeks earlier (same weekdays); NaN when history is too short.
  double last_year_total = 0;
  double change = 0;  // forecast_total / last_year_total - 1, or NaN
};
OverviewNumbers overview_numbers(const ForecastSeries& total);

// MAPE of yhat against y over the last `days` observed days with y != 0; NaN if none.
double recent_mape(const ForecastSeries& series, int days);

// Backtest metrics averaged over stores, per model and horizon.
struct MetricMeans {
  double mape = 0, coverage = 0, rmse = 0, mae = 0;
  int mape_n = 0, coverage_n = 0, rmse_n = 0, mae_n = 0;  // how many non-null values were averaged
};
struct AccuracyTable {
  std::vector<std::string> models;  // sorted, the baseline last
  std::vector<std::int64_t> horizons;  // ascending
  std::map<std::pair<std::string, std::int64_t>, MetricMeans> by_model_horizon;
  std::map<std::pair<std::string, std::string>, MetricMeans> by_key_model;  // (store key, model) over all horizons
  std::map<std::string, MetricMeans> by_model;  // over everything
};
inline constexpr const char* kBaselineModel = "seasonal_naive";
AccuracyTable summarize_metrics(const Table& metrics, const std::string& key_column);

struct StoreInfo {
  std::string label;
  std::string city;
};
// store key text -> label/city. The key column is `key_column` if present, else store_id.
std::map<std::string, StoreInfo> read_stores(const Table& stores, const std::string& key_column,
                                             const std::string& label_column);

// The key value of a row as display text (integers without decimals).
std::string key_text(const Column& column, std::size_t row);

}  // namespace sluice::dashboard
