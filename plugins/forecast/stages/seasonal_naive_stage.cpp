#include <cmath>
#include <limits>

#include "seasonal_naive.hpp"
#include "series_table.hpp"
#include "stages.hpp"

namespace sluice::forecast {

StageDescriptor seasonal_naive_descriptor() {
  StageDescriptor d;
  d.id = "sluice.seasonal_naive";
  d.kind = StageKind::Forecast;
  d.version = "1.0.0";
  d.summary = "Seasonal-naive baseline forecast (y of one season earlier) in the prophet_forecast output shape";
  d.inputs = {{"history", PortType::Table, false, false, "ds, y and constant key columns"}};
  d.outputs = {{"forecast", PortType::Table, false, false,
                "same columns as sluice.prophet_forecast; trend, weekly, yearly and holidays are null"}};
  d.params = {
      {"horizon", ParamType::Int, ParamValue(30), false, 0.0, 100000.0, {}, "days to forecast past the history"},
      {"season_length", ParamType::Int, ParamValue(7), false, 1.0, 100000.0, {}, "season length in days"},
      {"interval_width", ParamType::Double, ParamValue(0.8), false, 0.01, 0.99, {},
       "coverage of the interval from the seasonal differences' quantiles"},
  };
  return d;
}

namespace {

class SeasonalNaiveStage : public Stage {
 public:
  explicit SeasonalNaiveStage(const Params& p)
      : horizon_(p.get_int("horizon")),
        season_length_(static_cast<int>(p.get_int("season_length"))),
        interval_width_(p.get_double("interval_width")) {}

  void run(Context&, const Inputs& in, Outputs& out) override {
    const SeriesInput series = read_series(in.table("history"), "history");
    prophet::SeasonalNaive model(season_length_, interval_width_);
    model.fit(series.ds_us, series.y);
    ForecastRows r;
    r.ds_us = series.ds_us;
    r.y = series.y;
    r.is_forecast.assign(series.ds_us.size(), 0);
    for (std::int64_t h = 1; h <= horizon_; ++h) {
      r.ds_us.push_back(series.ds_us.back() + h * prophet::kDayUs);
      r.y.push_back(std::numeric_limits<double>::quiet_NaN());
      r.is_forecast.push_back(1);
    }
    const prophet::PointForecast p = model.predict(r.ds_us);
    r.yhat = p.yhat;
    r.yhat_lower = p.lower;
    r.yhat_upper = p.upper;
    const std::vector<double> nulls(r.ds_us.size(), std::numeric_limits<double>::quiet_NaN());
    r.trend = r.weekly = r.yearly = r.holidays = nulls;
    out.set("forecast", forecast_table(series, r));
  }

 private:
  std::int64_t horizon_;
  int season_length_;
  double interval_width_;
};

}  // namespace

std::unique_ptr<Stage> make_seasonal_naive(const Params& params) {
  return std::make_unique<SeasonalNaiveStage>(params);
}

}  // namespace sluice::forecast
