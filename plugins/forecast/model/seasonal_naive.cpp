#include "seasonal_naive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "prophet.hpp"

namespace sluice::prophet {

SeasonalNaive::SeasonalNaive(int season_length_days, double interval_width)
    : season_us_(static_cast<std::int64_t>(season_length_days) * kDayUs), interval_width_(interval_width) {
  if (season_length_days < 1) throw ModelError("season_length must be at least 1 day");
}

void SeasonalNaive::fit(const std::vector<std::int64_t>& ds, const std::vector<double>& y) {
  ds_.clear();
  y_.clear();
  ds_.reserve(ds.size());
  y_.reserve(y.size());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    if (std::isnan(y[i])) continue;
    ds_.push_back(ds[i]);
    y_.push_back(y[i]);
  }
  // Residuals against the value one season earlier. Dates are ascending, so the earlier date's
  // position only moves forward.
  std::vector<double> residuals;
  residuals.reserve(ds_.size());
  std::size_t earlier = 0;
  for (std::size_t i = 0; i < ds_.size(); ++i) {
    const std::int64_t target = ds_[i] - season_us_;
    while (earlier < ds_.size() && ds_[earlier] < target) ++earlier;
    if (earlier < ds_.size() && ds_[earlier] == target) residuals.push_back(y_[i] - y_[earlier]);
  }
  if (residuals.empty()) {
    q_lower_ = q_upper_ = 0.0;
    return;
  }
  std::tie(q_lower_, q_upper_) = percentiles(residuals, 50.0 * (1.0 - interval_width_), 50.0 * (1.0 + interval_width_));
}

PointForecast SeasonalNaive::predict(const std::vector<std::int64_t>& targets) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  PointForecast out;
  for (std::int64_t d : targets) {
    double value = nan;
    double seasons = 0.0;
    if (!ds_.empty()) {
      // Step back one season at a time to the latest observed value at or before the history end.
      std::int64_t source = d - season_us_;
      for (int k = 1; source >= ds_.front(); ++k, source -= season_us_) {
        if (source > ds_.back()) continue;
        const auto it = std::lower_bound(ds_.begin(), ds_.end(), source);
        if (it != ds_.end() && *it == source) {
          value = y_[static_cast<std::size_t>(it - ds_.begin())];
          seasons = static_cast<double>(k);
          break;
        }
      }
    }
    const double widen = std::sqrt(seasons);
    out.yhat.push_back(value);
    out.lower.push_back(std::isnan(value) ? nan : value + q_lower_ * widen);
    out.upper.push_back(std::isnan(value) ? nan : value + q_upper_ * widen);
  }
  return out;
}

}  // namespace sluice::prophet
