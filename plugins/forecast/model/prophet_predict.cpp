// Prediction (§5): trend, components, yhat and simulated uncertainty intervals.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "prophet.hpp"
#include "random.hpp"
#include "trend.hpp"
#include "trend_uncertainty.hpp"

namespace sluice::prophet {


Forecast Prophet::predict(const Frame& input) const { return predict(input, PredictOptions{}); }

Forecast Prophet::predict(const Frame& input, const PredictOptions& how) const {
  if (!fitted_) throw ModelError("predict needs a fitted model; call fit first");
  // Work on rows sorted by ds, as Prophet does.
  std::vector<std::size_t> order(input.ds_us.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return input.ds_us[a] < input.ds_us[b]; });
  Frame f;
  for (std::size_t r : order) {
    f.ds_us.push_back(input.ds_us[r]);
    if (!input.cap.empty()) f.cap.push_back(input.cap.at(r));
    if (!input.floor.empty()) f.floor.push_back(input.floor.at(r));
  }
  for (const auto& [name, values] : input.regressors) {
    std::vector<double> v;
    for (std::size_t r : order) v.push_back(values.at(r));
    f.regressors.emplace_back(name, std::move(v));
  }
  const auto n = static_cast<Eigen::Index>(f.ds_us.size());

  Forecast out;
  out.ds_us = f.ds_us;
  Eigen::VectorXd t(n);
  for (Eigen::Index i = 0; i < n; ++i) t[i] = scaled_time(f.ds_us[static_cast<std::size_t>(i)]);
  const Eigen::VectorXd floor = floor_of(f);
  const Eigen::VectorXd cap = cap_scaled_of(f, floor);
  const std::vector<int> seg = segment_index(t, changepoints_t_);
  const Eigen::VectorXd g =
      evaluate_trend(options_.growth, t, seg, cap, changepoints_t_, params_.k, params_.m, params_.delta);
  out.trend = g * y_scale_ + floor;

  throw_if_cancelled(options_.cancelled);
  Eigen::MatrixXd X;
  try {
    X = design_matrix(features_, f.ds_us, f.regressors, design_rows_.get());
  } catch (const std::invalid_argument& e) {
    throw ModelError(e.what());
  }
  Eigen::VectorXd additive_terms = Eigen::VectorXd::Zero(n), multiplicative_terms = Eigen::VectorXd::Zero(n);
  for (const auto& [name, cols] : layout_.components) {
    Eigen::VectorXd value = Eigen::VectorXd::Zero(n);
    for (Eigen::Index c : cols) value += X.col(c) * params_.beta[c];
    const bool additive = cols.empty() ? name != "multiplicative_terms" && name != "extra_regressors_multiplicative"
                                       : layout_.additive[cols.front()] > 0.5;
    if (additive) value *= y_scale_;
    if (name == "additive_terms") additive_terms = value;
    if (name == "multiplicative_terms") multiplicative_terms = value;
    out.components.emplace_back(name, std::move(value));
  }
  const Eigen::VectorXd one_plus_xm = multiplicative_terms.array() + 1.0;
  out.yhat = out.trend.cwiseProduct(one_plus_xm) + additive_terms;

  const int samples = options_.uncertainty_samples;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> observed;  // sorted by ds, as the rows
  if (how.observed != nullptr) {
    if (how.observed->size() != input.ds_us.size())
      throw ModelError("predict got " + std::to_string(how.observed->size()) + " observed values for " +
                       std::to_string(input.ds_us.size()) + " rows");
    for (std::size_t r : order) observed.push_back((*how.observed)[r]);
    out.covered.assign(observed.size(), 0);
  }
  if (samples == 0) {
    out.yhat_lower = out.yhat_upper = out.trend_lower = out.trend_upper = Eigen::VectorXd::Constant(n, nan);
    return out;  // no interval, so nothing is covered
  }
  Rng rng(options_.seed);
  std::vector<Eigen::Index> future_rows;
  for (Eigen::Index i = 0; i < n; ++i)
    if (t[i] > 1.0) future_rows.push_back(i);
  const auto nf = static_cast<Eigen::Index>(future_rows.size());
  Eigen::VectorXd future_t(nf), future_cap(nf);
  for (Eigen::Index j = 0; j < nf; ++j) {
    future_t[j] = t[future_rows[static_cast<std::size_t>(j)]];
    future_cap[j] = cap[future_rows[static_cast<std::size_t>(j)]];
  }
  const double history_step = 1.0 / static_cast<double>(history_t_.size() - 1);
  const Eigen::MatrixXd U = trend_deviations(options_.growth, future_t, future_cap, history_step, changepoints_t_,
                                             params_.k, params_.m, params_.delta, samples, rng, options_.cancelled);

  const double lo_q = 50.0 * (1.0 - options_.interval_width), hi_q = 50.0 * (1.0 + options_.interval_width);
  const double noise_scale = y_scale_ * params_.sigma_obs;
  out.yhat_lower.resize(n);
  out.yhat_upper.resize(n);
  if (how.trend_interval) {
    out.trend_lower = out.trend;
    out.trend_upper = out.trend;
  } else {
    out.trend_lower = out.trend_upper = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::quiet_NaN());
  }
  std::vector<double> draws(static_cast<std::size_t>(samples)), trends(static_cast<std::size_t>(samples)),
      noise(static_cast<std::size_t>(samples));
  // Rows without trend uncertainty (t <= 1) differ across paths by noise only:
  // yhat + y_scale * sigma * eps. Their percentiles are yhat plus the noise
  // percentiles, taken from one shared set of draws. Each row's interval has
  // the distribution Prophet's per-row draws give it (only the draws are shared
  // between rows), at O(1) per row instead of O(samples).
  // (A forecast of future rows only, such as a backtest cutoff's, needs none of them.)
  double noise_lo = 0.0, noise_hi = 0.0;
  if (nf < n) {
    rng.normals(draws.data(), draws.size());
    std::tie(noise_lo, noise_hi) = percentiles(draws, lo_q, hi_q);
  }
  const bool scoring = how.observed != nullptr;
  Eigen::Index future_index = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto row = static_cast<std::size_t>(i);
    if (t[i] <= 1.0) {
      out.yhat_lower[i] = out.yhat[i] + noise_scale * noise_lo;
      out.yhat_upper[i] = out.yhat[i] + noise_scale * noise_hi;
      if (scoring) out.covered[row] = out.yhat_lower[i] <= observed[row] && observed[row] <= out.yhat_upper[i];
      continue;
    }
    throw_if_cancelled(options_.cancelled);  // each future row draws `samples` values
    const Eigen::Index j = future_index++;
    // Per sample: trend path = (g + U) * y_scale + floor; draw = path * (1 + xm) + additive + noise.
    // Whole columns at a time (the normals drawn first, in sample order), so the loop vectorises.
    rng.normals(noise.data(), noise.size());
    Eigen::Map<Eigen::ArrayXd> trend_paths(trends.data(), samples), drawn(draws.data(), samples);
    trend_paths = (U.col(j).array() + g[i]) * y_scale_ + floor[i];
    drawn = trend_paths * one_plus_xm[i] + additive_terms[i] +
            noise_scale * Eigen::Map<const Eigen::ArrayXd>(noise.data(), samples);
    if (scoring) out.covered[row] = within_percentiles(draws, lo_q, hi_q, observed[row]);
    else std::tie(out.yhat_lower[i], out.yhat_upper[i]) = percentiles(draws, lo_q, hi_q);
    if (how.trend_interval) std::tie(out.trend_lower[i], out.trend_upper[i]) = percentiles(trends, lo_q, hi_q);
  }
  if (scoring) {  // scored, not returned
    out.yhat_lower.setConstant(nan);
    out.yhat_upper.setConstant(nan);
  }
  return out;
}

ScoredForecast fit_predict_cutoff(const ProphetOptions& options, std::shared_ptr<const DesignRows> rows,
                                  const Frame& train, const Frame& future, const std::vector<double>& observed) {
  Prophet m(options);
  m.set_design_rows(std::move(rows));
  m.fit(train);
  const Forecast fc = m.predict(future, PredictOptions{.trend_interval = false, .observed = &observed});
  // predict's rows are sorted by ds, as cross_validation's targets already are.
  ScoredForecast p;
  p.yhat.assign(fc.yhat.begin(), fc.yhat.end());
  p.covered = fc.covered;
  return p;
}

}  // namespace sluice::prophet
