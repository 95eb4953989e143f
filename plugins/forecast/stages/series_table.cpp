#include "series_table.hpp"

#include "features.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sluice::forecast {

std::string describe_ds(std::int64_t ds_us) {
  return ds_us % kMicrosPerDay == 0 ? format_date(ds_us / kMicrosPerDay) : format_timestamp(ds_us);
}

std::string number_text(double v) {
  std::string text = ParamValue(v).display();
  if (text.ends_with(".0")) text.resize(text.size() - 2);  // days and counts read as whole numbers
  return text;
}

namespace {

std::int64_t ds_micros(const Column& ds, std::size_t row) {
  return ds.type() == ColumnType::Date ? ds.int_at(row) * kMicrosPerDay : ds.int_at(row);
}

bool same_cell(const Column& c, std::size_t a, std::size_t b) {
  if (c.is_null(a) || c.is_null(b)) return c.is_null(a) == c.is_null(b);
  switch (c.type()) {
    case ColumnType::String: return c.string_at(a) == c.string_at(b);
    case ColumnType::Double: return c.double_at(a) == c.double_at(b) || (std::isnan(c.double_at(a)) && std::isnan(c.double_at(b)));
    default: return c.int_at(a) == c.int_at(b);
  }
}

// Table::require with the port named: a forecast node has two table inputs, and the message alone would
// not say which one lacks the column. `fix` says how to get the column right.
const Column& require_column(const Table& table, const std::string& port, const char* name,
                             std::initializer_list<ColumnType> types, const std::string& fix) {
  try {
    return table.require(name, types);
  } catch (const MissingColumn& e) {
    throw MissingColumn("input '" + port + "': " + e.what() + "; " + fix);
  } catch (const Error& e) {
    throw Error("input '" + port + "': " + e.what() + "; " + fix);
  }
}

// Holiday windows add one model column per day of offset, so they are whole days within a year.
constexpr double kMaxHolidayWindow = 365;

int window_days(const Column* c, std::size_t row, const char* name, const std::string& holiday) {
  if (c == nullptr || c->is_null(row)) return 0;
  const double v = c->numeric_at(row);
  if (!(std::abs(v) <= kMaxHolidayWindow) || v != std::trunc(v))
    throw Error("input 'holidays': holiday '" + holiday + "', row " + std::to_string(row + 1) + ": " + name + " " +
                number_text(v) + " is not a whole number of days within [-365, 365]; each day of a window " +
                "is one model column");
  return static_cast<int>(v);
}

}  // namespace

SeriesInput read_series(const Table& table, const std::string& port) {
  SeriesInput s;
  s.port = port;
  const std::string where = "input '" + port + "'";
  const Column& ds = require_column(table, port, "ds", {ColumnType::Date, ColumnType::Timestamp},
                                    "a forecast reads its dates from a date or timestamp column 'ds': sluice.daily_series "
                                    "writes one, or name and type it upstream (e.g. schema = [\"ds:date\"] in sluice.csv_read)");
  const Column& y = require_column(table, port, "y", {ColumnType::Double, ColumnType::Int64},
                                   "a forecast reads its values from a numeric column 'y': sluice.daily_series "
                                   "writes one, or name it upstream (e.g. with sluice.sql)");
  s.ds_type = ds.type();
  const std::size_t n = table.num_rows();

  // Key columns: everything else; they must hold one value within this input.
  std::vector<const Column*> keys;
  for (const Column& c : table.columns())
    if (c.name() != "ds" && c.name() != "y") keys.push_back(&c);
  Table key_row;
  for (const Column* c : keys) {
    Column& out = key_row.add_column(c->name(), c->type());
    if (n > 0) out.push_from(*c, 0);
    for (std::size_t r = 1; r < n; ++r)
      if (!same_cell(*c, 0, r))
        throw Error(where + ": key column '" + c->name() + "' has more than one value (" + cell_display(*c, 0) + " and " +
                    cell_display(*c, r) + "); run the node once per series with foreach = \"" + c->name() +
                    "\", or drop the column");
  }
  s.keys = std::move(key_row);

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t r = 0; r < n; ++r)
    if (ds.is_null(r)) throw Error(where + ": ds is null on row " + std::to_string(r + 1) + "; every row needs a date");
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ds.int_at(a) < ds.int_at(b); });
  std::size_t non_null = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t r = order[k];
    const std::int64_t d = ds_micros(ds, r);
    if (k > 0 && d == s.ds_us.back())
      throw Error(where + ": duplicate ds " + describe_ds(d) +
                  "; aggregate to one row per date (e.g. with sluice.daily_series) or partition by key with foreach");
    const double v = y.is_null(r) ? std::nan("") : y.numeric_at(r);
    if (std::isinf(v)) throw Error(where + ": y is infinite on " + describe_ds(d) + "; fix or remove that row");
    if (!std::isnan(v)) ++non_null;
    s.ds_us.push_back(d);
    s.y.push_back(v);
  }
  if (non_null < 2)
    throw Error(where + " has " + std::to_string(non_null) + " non-null y row" + (non_null == 1 ? "" : "s") +
                "; a forecast needs at least 2");
  return s;
}

std::vector<prophet::HolidayEvent> read_holidays(const Table& table) {
  const std::string fix = "the holidays table has a date 'ds' and a string 'holiday' per row";
  const Column& ds = require_column(table, "holidays", "ds", {ColumnType::Date, ColumnType::Timestamp}, fix);
  const Column& name = require_column(table, "holidays", "holiday", {ColumnType::String}, fix);
  auto optional_numeric = [&](const char* col) -> const Column* {
    const Column* c = table.find(col);
    if (c && c->type() == ColumnType::String)
      throw Error("input 'holidays': column '" + std::string(col) + "' must be numeric");
    return c;
  };
  const Column* lower = optional_numeric("lower_window");
  const Column* upper = optional_numeric("upper_window");
  const Column* prior = optional_numeric("prior_scale");
  std::vector<prophet::HolidayEvent> events;
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    if (ds.is_null(r) || name.is_null(r))
      throw Error("input 'holidays': row " + std::to_string(r + 1) + " has a null ds or holiday");
    prophet::HolidayEvent e;
    e.name = std::string(name.string_at(r));
    e.day = ds.type() == ColumnType::Date ? ds.int_at(r) : prophet::calendar_day(ds.int_at(r));
    e.lower_window = window_days(lower, r, "lower_window", e.name);
    e.upper_window = window_days(upper, r, "upper_window", e.name);
    if (prior && !prior->is_null(r)) e.prior_scale = prior->numeric_at(r);
    if (e.lower_window > 0 || e.upper_window < 0)
      throw Error("input 'holidays': holiday '" + e.name + "' on " + format_date(e.day) +
                  " needs lower_window <= 0 and upper_window >= 0");
    events.push_back(std::move(e));
  }
  return events;
}

Table forecast_table(const SeriesInput& series, const ForecastRows& rows) {
  const std::size_t n = rows.ds_us.size();
  Table t;
  for (const Column& key : series.keys.columns()) {
    Column& c = t.add_column(key.name(), key.type());
    c.reserve(n);
    for (std::size_t r = 0; r < n; ++r) c.push_from(key, 0);
  }
  Column& ds = t.add_column("ds", series.ds_type);
  for (std::int64_t d : rows.ds_us) ds.push_int(series.ds_type == ColumnType::Date ? d / kMicrosPerDay : d);
  auto add_double = [&](const char* name, const std::vector<double>& values) {
    Column& c = t.add_column(name, ColumnType::Double);
    c.reserve(n);
    for (double v : values) {
      if (std::isnan(v)) c.push_null();
      else c.push_double(v);
    }
  };
  add_double("y", rows.y);
  add_double("yhat", rows.yhat);
  add_double("yhat_lower", rows.yhat_lower);
  add_double("yhat_upper", rows.yhat_upper);
  add_double("trend", rows.trend);
  add_double("weekly", rows.weekly);
  add_double("yearly", rows.yearly);
  add_double("holidays", rows.holidays);
  Column& f = t.add_column("is_forecast", ColumnType::Int64);
  for (std::int64_t v : rows.is_forecast) f.push_int(v);
  return t;
}

}  // namespace sluice::forecast
