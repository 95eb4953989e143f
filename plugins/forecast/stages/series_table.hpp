#pragma once
// Reading a daily-series table (key columns..., ds, y) into model inputs, and
// writing the forecast-shaped output table that repeats the key columns.
#include <sluice/sdk.hpp>

#include <string>
#include <vector>

#include "options.hpp"

namespace sluice::forecast {

struct SeriesInput {
  std::string port;                  // for messages
  Table keys;                        // one row: the key columns' (constant) values
  ColumnType ds_type = ColumnType::Date;
  std::vector<std::int64_t> ds_us;   // sorted ascending, distinct
  std::vector<double> y;             // NaN where y is null
};

// Validates and reads the series: ds date/timestamp without nulls or duplicates,
// y numeric and finite, >= 2 non-null y rows, key columns constant. Throws sluice::Error.
SeriesInput read_series(const Table& table, const std::string& port);

// Holiday events from a table with ds, holiday and optional lower_window, upper_window, prior_scale.
std::vector<prophet::HolidayEvent> read_holidays(const Table& table);

// Formats a number for messages as ParamValue::display does (nan, inf and -inf unquoted, no exponent on a whole
// number), but a whole number without the ".0" that marks a double: -100000, not -100000.0.
std::string number_text(double v);

// Formats a timestamp for messages: a date when it is midnight, otherwise date and time.
std::string describe_ds(std::int64_t ds_us);

// Rows of a forecast-shaped table (same layout for Prophet and the baseline).
struct ForecastRows {
  std::vector<std::int64_t> ds_us;
  std::vector<double> y;  // NaN = null
  std::vector<double> yhat, yhat_lower, yhat_upper, trend, weekly, yearly, holidays;  // NaN = null
  std::vector<std::int64_t> is_forecast;
};
Table forecast_table(const SeriesInput& series, const ForecastRows& rows);

}  // namespace sluice::forecast
