#pragma once
// Seasonal-naive baseline: yhat(d) = y(d - L), stepping back whole seasons past
// the end of the history. Intervals come from the empirical quantiles of the
// in-sample seasonal differences y(d) - y(d - L), widened by sqrt(seasons ahead).
#include <cstdint>
#include <vector>

#include "diagnostics.hpp"

namespace sluice::prophet {

class SeasonalNaive {
 public:
  SeasonalNaive(int season_length_days, double interval_width);
  // ds sorted ascending with distinct values; NaN y rows are ignored.
  void fit(const std::vector<std::int64_t>& ds, const std::vector<double>& y);
  // NaN where no earlier observation exists at a whole number of seasons back.
  PointForecast predict(const std::vector<std::int64_t>& targets) const;

 private:
  std::int64_t season_us_;
  double interval_width_;
  std::vector<std::int64_t> ds_;
  std::vector<double> y_;
  double q_lower_ = 0.0, q_upper_ = 0.0;
};

}  // namespace sluice::prophet
