#include <doctest/doctest.h>

#include <cmath>
#include <sluice/errors.hpp>

#include "forecast_data.hpp"
#include "synthetic.hpp"

using namespace sluice;
using namespace sluice::dashboard;
using namespace sluice::dashboard::test;

TEST_CASE("split_forecast groups by key, sorts by ds and by numeric key") {
  SyntheticShape shape;
  shape.stores = 12;
  shape.history_days = 40;
  shape.horizon = 5;
  const auto parts = split_forecast(make_forecast(shape), "store_id", "forecast");
  REQUIRE(parts.size() == 12);
  CHECK(parts[0].key == "1");
  CHECK(parts[1].key == "2");  // numeric order, not "1", "10", "11", "2"
  CHECK(parts[11].key == "12");
  CHECK(parts[0].size() == 45);
  CHECK(parts[0].last_observed() == shape.first_day + 39);
  CHECK(parts[0].has_components);
}

TEST_CASE("the total is the per-day sum of the stores") {
  SyntheticShape shape;
  shape.history_days = 10;
  shape.horizon = 3;
  const auto parts = split_forecast(make_forecast(shape), "store_id", "forecast");
  const ForecastSeries total = sum_series(parts);
  REQUIRE(total.size() == 13);
  CHECK(total.y[0] == doctest::Approx(parts[0].y[0] + parts[1].y[0] + parts[2].y[0]));
  CHECK(total.yhat[12] == doctest::Approx(parts[0].yhat[12] + parts[1].yhat[12] + parts[2].yhat[12]));
  CHECK(std::isnan(total.y[12]));
  CHECK(total.is_forecast[12] == 1);
  CHECK(total.is_forecast[9] == 0);
}

TEST_CASE("overview numbers: forecast total and the same weekdays a year earlier") {
  SyntheticShape shape;
  shape.stores = 1;
  const Table t = make_forecast(shape, /*with_key=*/false);
  const ForecastSeries s = read_forecast(t, "total");
  const OverviewNumbers o = overview_numbers(s);
  double expected = 0, last_year = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!s.is_forecast[i]) continue;
    expected += s.yhat[i];
    last_year += s.y[i - 364];
  }
  CHECK(o.forecast_days == kHorizon);
  CHECK(o.forecast_total == doctest::Approx(expected).epsilon(1e-12));
  CHECK(o.last_year_total == doctest::Approx(last_year).epsilon(1e-12));
  CHECK(o.change == doctest::Approx(expected / last_year - 1));
  CHECK(o.data_through == shape.first_day + shape.history_days - 1);
}

TEST_CASE("overview numbers: short history gives no last-year comparison") {
  SyntheticShape shape;
  shape.history_days = 100;
  const OverviewNumbers o = overview_numbers(read_forecast(make_forecast(shape, false), "total"));
  CHECK(std::isnan(o.last_year_total));
  CHECK(std::isnan(o.change));
}

TEST_CASE("recent_mape uses the last 28 observed days") {
  ForecastSeries s;
  for (int i = 0; i < 40; ++i) {
    s.ds.push_back(i);
    const bool future = i >= 35;
    s.y.push_back(future ? NAN : 100.0);
    s.yhat.push_back(i < 7 ? 1000.0 : 110.0);  // old days with huge error are outside the window
    s.is_forecast.push_back(future ? 1 : 0);
  }
  CHECK(recent_mape(s, 28) == doctest::Approx(0.10));
  s.y.assign(40, NAN);
  CHECK(std::isnan(recent_mape(s, 28)));
}

TEST_CASE("metrics are averaged over stores per model and horizon") {
  const AccuracyTable t = summarize_metrics(make_metrics(4, 30), "store_id");
  REQUIRE(t.models.size() == 2);
  CHECK(t.models[0] == "prophet");
  CHECK(t.models[1] == "seasonal_naive");
  CHECK(t.horizons.size() == 30);
  const double expected = (model_mape(1, 7) + model_mape(2, 7) + model_mape(3, 7) + model_mape(4, 7)) / 4;
  CHECK(t.by_model_horizon.at({"prophet", 7}).mape == doctest::Approx(expected));
  CHECK(std::isnan(t.by_model_horizon.at({"seasonal_naive", 7}).coverage));
  CHECK(t.by_model_horizon.at({"seasonal_naive", 7}).coverage_n == 0);
  CHECK(t.by_key_model.count({"3", "prophet"}) == 1);
}

TEST_CASE("missing columns name the port, the column and the fix") {
  Table t;
  t.add_column("ds", ColumnType::Date).push_int(1);
  CHECK_THROWS_WITH_AS(read_forecast(t, "total"),
                       "input 'total': missing column 'y'; the input has: ds (a forecast table needs ds, y, yhat, "
                       "yhat_lower, yhat_upper; connect the output of sluice.prophet_forecast)",
                       MissingColumn);
  SyntheticShape shape;
  shape.history_days = 3;
  shape.horizon = 1;
  CHECK_THROWS_WITH_AS(split_forecast(make_forecast(shape), "shop", "forecast"),
                       doctest::Contains("input 'forecast': missing key column 'shop'; set the 'key' parameter"),
                       MissingColumn);
  Table m;
  m.add_column("model", ColumnType::String).push_string("prophet");
  CHECK_THROWS_WITH_AS(summarize_metrics(m, "store_id"), doctest::Contains("input 'metrics': missing column 'horizon_days'"),
                       MissingColumn);
}

TEST_CASE("string dates are parsed and bad ones are reported") {
  Table t;
  t.add_column("ds", ColumnType::String);
  for (const char* c : {"y", "yhat", "yhat_lower", "yhat_upper"}) t.add_column(c, ColumnType::Double);
  t.column("ds").push_string("2025-01-02");
  for (std::size_t c = 1; c < 5; ++c) t.column(c).push_double(1.0);
  CHECK(read_forecast(t, "total").ds[0] == days_from_civil(2025, 1, 2));
  t.column("ds").push_string("soon");
  for (std::size_t c = 1; c < 5; ++c) t.column(c).push_double(1.0);
  CHECK_THROWS_WITH_AS(read_forecast(t, "total"), "column 'ds' row 1: 'soon' is not a YYYY-MM-DD date", Error);
}

TEST_CASE("stores: labels by key, an unknown label column is a parameter error") {
  const auto info = read_stores(make_stores(3), "store_id", "name");
  CHECK(info.at("2").label == kHostileName);
  CHECK(info.at("1").city == "Hamburg");
  CHECK_THROWS_WITH_AS(read_stores(make_stores(3), "store_id", "title"),
                       "parameter 'store_label': the stores table has no column 'title'; set store_label to one of its columns",
                       ParamError);
  // A store without a name gets no label (the dashboard then shows its key), never the text "(null)".
  Table unnamed;
  unnamed.add_column("store_id", ColumnType::Int64).push_int(4);
  unnamed.add_column("name", ColumnType::String).push_null();
  CHECK(read_stores(unnamed, "store_id", "name").at("4").label.empty());
}

TEST_CASE("several rows for one day are rejected with a hint") {
  SyntheticShape shape;
  shape.history_days = 3;
  shape.horizon = 1;
  CHECK_THROWS_WITH_AS(read_forecast(make_forecast(shape), "total"),
                       "input 'total': the series has more than one row for ds 2024-01-01; each series needs one row "
                       "per day (check the 'key' parameter, and bind per-store forecasts to 'forecast', not 'total')",
                       Error);
  Table twice = make_forecast(shape);
  const Table copy = twice;
  for (std::size_t r = 0; r < copy.num_rows(); ++r) twice.append_row(copy, r);
  CHECK_THROWS_WITH_AS(split_forecast(twice, "store_id", "forecast"),
                       doctest::Contains("input 'forecast': store_id 1 has more than one row for ds 2024-01-01"), Error);
}

TEST_CASE("a day without a forecast value has no total forecast, instead of a partial sum or 0") {
  SyntheticShape shape;
  shape.history_days = 10;
  shape.horizon = 3;
  auto parts = split_forecast(make_forecast(shape), "store_id", "forecast");
  for (auto* v : {&parts[1].yhat, &parts[1].yhat_lower, &parts[1].yhat_upper}) (*v)[11] = NAN;
  const ForecastSeries total = sum_series(parts);
  CHECK(std::isnan(total.yhat[11]));  // it was the sum of the two other stores
  CHECK(std::isnan(total.yhat_lower[11]));
  CHECK(std::isnan(total.yhat_upper[11]));
  CHECK(total.yhat[12] == doctest::Approx(parts[0].yhat[12] + parts[1].yhat[12] + parts[2].yhat[12]));
  CHECK(std::isnan(overview_numbers(total).forecast_total));

  const ForecastSeries alone = sum_series({parts[1]});
  CHECK(std::isnan(alone.yhat[11]));  // it was 0
  CHECK(std::isnan(overview_numbers(parts[1]).forecast_total));
  CHECK(overview_numbers(parts[0]).forecast_total ==
        doctest::Approx(parts[0].yhat[10] + parts[0].yhat[11] + parts[0].yhat[12]));
}
