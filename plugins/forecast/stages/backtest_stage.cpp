#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "diagnostics.hpp"
#include "model_params.hpp"
#include "prophet.hpp"
#include "seasonal_naive.hpp"
#include "series_table.hpp"
#include "stages.hpp"

namespace sluice::forecast {

StageDescriptor backtest_descriptor() {
  StageDescriptor d;
  d.id = "sluice.backtest";
  d.kind = StageKind::Forecast;
  d.version = "1.7.0";  // 1.7: Laplace and geometric draws from an exponential ziggurat; 1.6: mdape null where mape is (a y near 0); 1.5: X'X of a cutoff from prefix sums; 1.4: the exact MAP where the mean is linear (gram_exact); 1.3: xoshiro256++ draws
  d.summary = "Prophet's cross_validation + performance_metrics on one series, optionally against a seasonal-naive baseline";
  d.inputs = {
      {"history", PortType::Table, false, false, "ds, y and constant key columns, as for sluice.prophet_forecast"},
      {"holidays", PortType::Table, true, false, "optional: ds, holiday, [lower_window, upper_window, prior_scale]"},
  };
  d.outputs = {{"metrics", PortType::Table, false, false,
                "keys..., model, horizon_days, mse, rmse, mae, mape, mdape (both null when some |y| ~ 0), smape, coverage"}};
  d.params = {
      {"horizon", ParamType::Int, ParamValue(30), false, 1.0, 100000.0, {}, "forecast horizon of each cutoff, in days"},
      // Bounded so that a span in days fits int64 microseconds.
      {"period", ParamType::Double, {}, false, 1e-6, 1e6, {}, "days between cutoffs (default horizon / 2)"},
      {"initial", ParamType::Double, {}, false, 0.0, 1e6, {},
       "days of training before the first cutoff (default max(3 * horizon, longest seasonal period))"},
      {"rolling_window", ParamType::Double, ParamValue(0.1), false, 0.0, 1.0, {},
       "share of the points averaged per reported horizon"},
      {"compare_baseline", ParamType::Bool, ParamValue(true), false, {}, {}, {},
       "also score the seasonal-naive baseline on the same cutoffs"},
      {"season_length", ParamType::Int, ParamValue(7), false, 1.0, 100000.0, {}, "season of the baseline, in days"},
      {"min_history_days", ParamType::Int, ParamValue(0), false, 0.0, 1e7, {},
       "a series with fewer rows (days, counting days without a value) is not backtested: it gets no metrics rows "
       "instead of an error, so a foreach over stores skips the young ones (0 = backtest every series)"},
  };
  for (auto& spec : prophet_param_specs()) d.params.push_back(std::move(spec));
  return d;
}

namespace {

class BacktestStage : public Stage {
 public:
  explicit BacktestStage(const Params& p)
      : horizon_days_(p.get_int("horizon")),
        rolling_window_(p.get_double("rolling_window")),
        compare_baseline_(p.get_bool("compare_baseline")),
        season_length_(static_cast<int>(p.get_int("season_length"))),
        min_history_days_(static_cast<std::size_t>(p.get_int("min_history_days"))),
        settings_(model_settings_from(p)) {
    if (p.has("period")) period_days_ = p.get_double("period");
    if (p.has("initial")) initial_days_ = p.get_double("initial");
  }

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    const Table& history = in.table("history");
    if (history.num_rows() < min_history_days_) {
      Table keys;
      for (const Column& c : history.columns())
        if (c.name() != "ds" && c.name() != "y") keys.add_column(c.name(), c.type());
      ctx.info("not backtested: " + std::to_string(history.num_rows()) + " days of history, fewer than min_history_days = " +
               std::to_string(min_history_days_));
      out.set("metrics", empty_result(keys));
      return;
    }
    const SeriesInput series = read_series(history, "history");
    const prophet::ProphetOptions options = settings_.options_for(in, ctx);

    const auto days = [](double d) { return static_cast<std::int64_t>(std::llround(d * prophet::kDayUs)); };
    Table result = empty_result(series.keys);
    run_model([&] {
      // Prophet cross-validates a fitted model: its seasonalities and changepoint count carry over.
      // Only those are used, so the full-history model is resolved, not optimised.
      prophet::Prophet full(options);
      full.resolve(settings_.with_cap_floor(prophet::Frame{series.ds_us, series.y, {}, {}, {}}));
      const std::int64_t horizon = horizon_days_ * prophet::kDayUs;
      const std::int64_t period = period_days_ ? days(*period_days_) : horizon / 2;
      const std::int64_t initial =
          initial_days_ ? days(*initial_days_) : std::max(3 * horizon, days(full.longest_period_days()));
      std::vector<std::int64_t> observed;
      for (std::size_t i = 0; i < series.ds_us.size(); ++i)
        if (!std::isnan(series.y[i])) observed.push_back(series.ds_us[i]);
      check_cutoff_count(observed, horizon, period, initial);
      const std::vector<std::int64_t> cutoffs = prophet::generate_cutoffs(observed, horizon, period, initial);
      ctx.debug(std::to_string(cutoffs.size()) + " cutoffs from " + describe_ds(cutoffs.front()) + " to " +
               describe_ds(cutoffs.back()));

      const prophet::ProphetOptions copy_options = full.resolved_copy_options();
      // Every cutoff's training and target dates are history dates: their design rows are computed once,
      // and X'X of the training rows comes from prefix sums over the observed dates.
      const auto rows = std::make_shared<const prophet::DesignRows>(
          prophet::cutoff_design_rows(full.features(), series.ds_us, observed, options.cancelled));
      const auto prophet_forecaster = [&](const std::vector<std::int64_t>& train_ds, const std::vector<double>& train_y,
                                          const std::vector<std::int64_t>& targets, const std::vector<double>& observed) {
        ctx.check_cancelled();
        return prophet::fit_predict_cutoff(
            copy_options, rows, settings_.with_cap_floor(prophet::Frame{train_ds, train_y, {}, {}, {}}),
            settings_.with_cap_floor(prophet::Frame{targets, std::vector<double>(targets.size(), 0.0), {}, {}, {}}), observed);
      };
      append(result, series, "prophet",
             prophet::cross_validation(series.ds_us, series.y, cutoffs, horizon, prophet_forecaster));
      ctx.progress(1, compare_baseline_ ? 2 : 1, "models");

      if (compare_baseline_) {
        const auto naive_forecaster = [&](const std::vector<std::int64_t>& train_ds, const std::vector<double>& train_y,
                                          const std::vector<std::int64_t>& targets, const std::vector<double>& observed) {
          ctx.check_cancelled();
          prophet::SeasonalNaive m(season_length_, options.interval_width);
          m.fit(train_ds, train_y);
          return prophet::scored(m.predict(targets), observed);
        };
        auto points = prophet::cross_validation(series.ds_us, series.y, cutoffs, horizon, naive_forecaster);
        // The baseline cannot forecast a date with no observation a whole number of seasons back.
        std::erase_if(points, [](const prophet::CvPoint& p) { return std::isnan(p.yhat); });
        append(result, series, "seasonal_naive", std::move(points));
        ctx.progress(2, 2, "models");
      }
    });
    out.set("metrics", std::move(result));
  }

 private:
  // Each cutoff is a model fit. Cutoffs closer together than the observations repeat the same training data,
  // and a tiny period would allocate millions of them before the first fit: more cutoffs than observed rows
  // is a period too short for the data. The count is an upper bound (gaps only remove cutoffs).
  void check_cutoff_count(const std::vector<std::int64_t>& observed, std::int64_t horizon, std::int64_t period,
                          std::int64_t initial) const {
    if (observed.empty() || period <= 0) return;
    const std::int64_t span = observed.back() - horizon - (observed.front() + initial);
    if (span < 0) return;  // no cutoff fits: generate_cutoffs says so
    const std::int64_t count = span / period + 1;
    if (count <= static_cast<std::int64_t>(observed.size())) return;
    const double period_days = static_cast<double>(period) / static_cast<double>(prophet::kDayUs);
    throw Error("parameter 'period' (" + number_text(period_days) + " days) gives " + std::to_string(count) +
                " cutoffs, more than the " + std::to_string(observed.size()) +
                " observed rows of input 'history'; each cutoff fits a model, and cutoffs closer than the data "
                "repeat its training rows: raise 'period' (the default is horizon / 2)");
  }

  // The metrics columns, after the key columns of `keys` (their names and types).
  static Table empty_result(const Table& keys) {
    Table t;
    for (const Column& key : keys.columns()) t.add_column(key.name(), key.type());
    t.add_column("model", ColumnType::String);
    t.add_column("horizon_days", ColumnType::Int64);
    for (const char* m : {"mse", "rmse", "mae", "mape", "mdape", "smape", "coverage"}) t.add_column(m, ColumnType::Double);
    return t;
  }

  void append(Table& t, const SeriesInput& series, const char* model, std::vector<prophet::CvPoint> points) const {
    for (const prophet::MetricsRow& r : prophet::performance_metrics(std::move(points), rolling_window_)) {
      std::size_t c = 0;
      for (const Column& key : series.keys.columns()) t.column(c++).push_from(key, 0);
      t.column(c++).push_string(model);
      t.column(c++).push_int(r.horizon_us / prophet::kDayUs);
      for (double v : {r.mse, r.rmse, r.mae}) t.column(c++).push_double(v);
      for (double v : {r.mape, r.mdape}) {
        if (r.has_mape && std::isfinite(v)) t.column(c++).push_double(v);
        else t.column(c++).push_null();
      }
      for (double v : {r.smape, r.coverage}) t.column(c++).push_double(v);
    }
  }

  std::int64_t horizon_days_;
  double rolling_window_;
  bool compare_baseline_;
  int season_length_;
  std::size_t min_history_days_;
  std::optional<double> period_days_, initial_days_;
  ModelSettings settings_;
};

}  // namespace

std::unique_ptr<Stage> make_backtest(const Params& params) { return std::make_unique<BacktestStage>(params); }

}  // namespace sluice::forecast
