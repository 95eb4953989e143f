#include <cmath>
#include <limits>

#include "model_params.hpp"
#include "prophet.hpp"
#include "series_table.hpp"
#include "stages.hpp"

namespace sluice::forecast {

StageDescriptor prophet_forecast_descriptor() {
  StageDescriptor d;
  d.id = "sluice.prophet_forecast";
  d.kind = StageKind::Forecast;
  d.version = "1.4.0";  // 1.4: Laplace and geometric draws from an exponential ziggurat; 1.3: the exact MAP where the mean is linear (gram_exact); 1.2: xoshiro256++ draws
  d.summary = "Fits a Prophet-equivalent model to one series (ds, y) and forecasts `horizon` days with intervals";
  d.inputs = {
      {"history", PortType::Table, false, false,
       "ds (date or timestamp), y (double); other columns are keys, constant within the input (use foreach)"},
      {"holidays", PortType::Table, true, false, "optional: ds, holiday, [lower_window, upper_window, prior_scale]"},
  };
  d.outputs = {{"forecast", PortType::Table, false, false,
                "keys..., ds, y (null in the future), yhat, yhat_lower, yhat_upper, trend, weekly, yearly, holidays, "
                "is_forecast"}};
  d.params = {{"horizon", ParamType::Int, ParamValue(30), false, 0.0, 100000.0, {}, "days to forecast past the history"}};
  for (auto& spec : prophet_param_specs()) d.params.push_back(std::move(spec));
  return d;
}

namespace {

class ProphetForecastStage : public Stage {
 public:
  explicit ProphetForecastStage(const Params& p)
      : horizon_(static_cast<int>(p.get_int("horizon"))), settings_(model_settings_from(p)) {}

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    const SeriesInput series = read_series(in.table("history"), "history");
    ctx.check_cancelled();
    prophet::Prophet model(settings_.options_for(in, ctx));
    prophet::Forecast fc;
    run_model([&] {
      model.fit(settings_.with_cap_floor(prophet::Frame{series.ds_us, series.y, {}, {}, {}}));
      fc = model.predict(settings_.with_cap_floor(model.make_future(horizon_, true)));
    });
    ctx.debug("fitted with " + model.algorithm_used() + " in " + std::to_string(model.iterations()) + " iterations");
    out.set("forecast", forecast_table(series, rows_from(series, fc)));
  }

 private:
  static ForecastRows rows_from(const SeriesInput& series, const prophet::Forecast& fc) {
    const std::size_t n = fc.ds_us.size();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    ForecastRows r;
    r.ds_us = fc.ds_us;
    auto copy = [&](const Eigen::VectorXd* v) {
      std::vector<double> out(n, 0.0);  // an absent component contributes nothing
      if (v) Eigen::Map<Eigen::VectorXd>(out.data(), static_cast<Eigen::Index>(n)) = *v;
      return out;
    };
    r.yhat = copy(&fc.yhat);
    r.yhat_lower = copy(&fc.yhat_lower);
    r.yhat_upper = copy(&fc.yhat_upper);
    r.trend = copy(&fc.trend);
    r.weekly = copy(fc.component("weekly"));
    r.yearly = copy(fc.component("yearly"));
    r.holidays = copy(fc.component("holidays"));
    const std::int64_t last = series.ds_us.back();
    std::size_t h = 0;  // history rows and forecast rows are both sorted
    for (std::size_t i = 0; i < n; ++i) {
      while (h < series.ds_us.size() && series.ds_us[h] < fc.ds_us[i]) ++h;
      const bool in_history = h < series.ds_us.size() && series.ds_us[h] == fc.ds_us[i];
      r.y.push_back(in_history ? series.y[h] : nan);
      r.is_forecast.push_back(fc.ds_us[i] > last ? 1 : 0);
    }
    return r;
  }

  int horizon_;
  ModelSettings settings_;
};

}  // namespace

std::unique_ptr<Stage> make_prophet_forecast(const Params& params) {
  return std::make_unique<ProphetForecastStage>(params);
}

}  // namespace sluice::forecast
