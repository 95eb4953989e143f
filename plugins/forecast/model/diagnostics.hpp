#pragma once
// Prophet's cross_validation cutoffs and performance_metrics (§6 of the spec),
// for any forecaster (Prophet or a baseline).
#include <cstdint>
#include <functional>
#include <vector>

namespace sluice::prophet {

constexpr std::int64_t kDayUs = 86'400'000'000LL;

// Cutoffs (ascending) for sorted history timestamps; throws ModelError when none fit.
std::vector<std::int64_t> generate_cutoffs(const std::vector<std::int64_t>& history_ds, std::int64_t horizon_us,
                                           std::int64_t period_us, std::int64_t initial_us);

// One forecast point of a cutoff: the observed y, the prediction, and whether y lay within the
// prediction's interval (all that performance_metrics uses of the interval, for coverage).
struct CvPoint {
  std::int64_t ds_us = 0, cutoff_us = 0;
  double y = 0.0, yhat = 0.0;
  bool covered = false;
};

// Predictions at `targets` from a model trained on (train_ds, train_y); one value per target.
struct PointForecast {
  std::vector<double> yhat, lower, upper;
};
// Predictions at a cutoff's targets, each scored against the value observed there.
struct ScoredForecast {
  std::vector<double> yhat;
  std::vector<char> covered;  // 1 where the observed value lies within the prediction's interval
};
// A point forecast scored: covered where lower <= observed <= upper.
ScoredForecast scored(const PointForecast& forecast, const std::vector<double>& observed);
// Fits on (train_ds, train_y) and predicts at `targets` (ascending), scoring each prediction's
// interval against `observed` (the values at the targets; a model may score its interval without
// computing its bounds).
using Forecaster = std::function<ScoredForecast(const std::vector<std::int64_t>& train_ds, const std::vector<double>& train_y,
                                                const std::vector<std::int64_t>& targets, const std::vector<double>& observed)>;

// Fits one model per cutoff on rows with ds <= cutoff and predicts rows in
// (cutoff, cutoff + horizon]. Cutoffs run in parallel (TBB); the result is in
// cutoff order, so it does not depend on scheduling.
std::vector<CvPoint> cross_validation(const std::vector<std::int64_t>& ds, const std::vector<double>& y,
                                      const std::vector<std::int64_t>& cutoffs, std::int64_t horizon_us,
                                      const Forecaster& forecaster);

struct MetricsRow {
  std::int64_t horizon_us = 0;
  double mse = 0, rmse = 0, mae = 0, mape = 0, mdape = 0, smape = 0, coverage = 0;
  bool has_mape = true;  // false when some |y| < 1e-8: mape and mdape are then undefined (as in Prophet)
};
std::vector<MetricsRow> performance_metrics(std::vector<CvPoint> points, double rolling_window = 0.1);

// Prophet's windowed mean / median by horizon (exposed for tests). x and h are sorted by h.
std::vector<std::pair<std::int64_t, double>> rolling_mean_by_h(const std::vector<double>& x,
                                                                const std::vector<std::int64_t>& h, std::size_t w);
std::vector<std::pair<std::int64_t, double>> rolling_median_by_h(const std::vector<double>& x,
                                                                  const std::vector<std::int64_t>& h, std::size_t w);

}  // namespace sluice::prophet
