#include "diagnostics.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "prophet.hpp"

namespace sluice::prophet {

std::vector<std::int64_t> generate_cutoffs(const std::vector<std::int64_t>& ds, std::int64_t horizon_us,
                                           std::int64_t period_us, std::int64_t initial_us) {
  if (ds.empty()) throw ModelError("cross-validation needs a non-empty history");
  if (period_us <= 0) throw ModelError("cross-validation period must be positive");
  const std::int64_t first = ds.front(), last = ds.back();
  std::int64_t cutoff = last - horizon_us;
  if (cutoff < first)
    throw ModelError("the history is shorter than the horizon; shorten the horizon or add history");
  std::vector<std::int64_t> result{cutoff};
  while (result.back() >= first + initial_us) {
    cutoff -= period_us;
    // No data in (cutoff, cutoff + horizon]: jump to the last date <= cutoff, minus the horizon.
    const auto after = std::upper_bound(ds.begin(), ds.end(), cutoff);
    const bool has_data = after != ds.end() && *after <= cutoff + horizon_us;
    if (!has_data && cutoff > first) {
      const std::int64_t closest = *(after - 1);
      cutoff = closest - horizon_us;
    }
    result.push_back(cutoff);
  }
  result.pop_back();
  if (result.empty())
    throw ModelError("no cross-validation cutoff fits: the history is shorter than initial + horizon; "
                     "lower 'initial' or 'horizon', or provide more history");
  std::reverse(result.begin(), result.end());
  return result;
}

std::vector<CvPoint> cross_validation(const std::vector<std::int64_t>& ds, const std::vector<double>& y,
                                      const std::vector<std::int64_t>& cutoffs, std::int64_t horizon_us,
                                      const Forecaster& forecaster) {
  std::vector<std::vector<CvPoint>> per_cutoff(cutoffs.size());
  tbb::parallel_for(std::size_t{0}, cutoffs.size(), [&](std::size_t c) {
    const std::int64_t cutoff = cutoffs[c];
    std::vector<std::int64_t> train_ds, targets;
    std::vector<double> train_y, target_y;
    for (std::size_t i = 0; i < ds.size(); ++i) {
      if (std::isnan(y[i])) continue;
      if (ds[i] <= cutoff) {
        train_ds.push_back(ds[i]);
        train_y.push_back(y[i]);
      } else if (ds[i] <= cutoff + horizon_us) {
        targets.push_back(ds[i]);
        target_y.push_back(y[i]);
      }
    }
    if (train_ds.size() < 2)
      throw ModelError("a cross-validation cutoff has fewer than 2 history rows before it; increase 'initial'");
    if (targets.empty()) return;
    const ScoredForecast p = forecaster(train_ds, train_y, targets, target_y);
    auto& out = per_cutoff[c];
    for (std::size_t j = 0; j < targets.size(); ++j)
      out.push_back({targets[j], cutoff, target_y[j], p.yhat[j], p.covered[j] != 0});
  });
  std::vector<CvPoint> all;
  for (auto& v : per_cutoff) all.insert(all.end(), v.begin(), v.end());
  return all;
}

ScoredForecast scored(const PointForecast& forecast, const std::vector<double>& observed) {
  ScoredForecast out;
  out.yhat = forecast.yhat;
  out.covered.resize(observed.size());
  for (std::size_t i = 0; i < observed.size(); ++i)
    out.covered[i] = forecast.lower[i] <= observed[i] && observed[i] <= forecast.upper[i];
  return out;
}

std::vector<std::pair<std::int64_t, double>> rolling_mean_by_h(const std::vector<double>& x,
                                                                const std::vector<std::int64_t>& h, std::size_t w) {
  // Group sums and counts by unique horizon (x, h sorted by h).
  std::vector<std::int64_t> hs;
  std::vector<double> xs, ns;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (hs.empty() || hs.back() != h[i]) {
      hs.push_back(h[i]);
      xs.push_back(0.0);
      ns.push_back(0.0);
    }
    xs.back() += x[i];
    ns.back() += 1.0;
  }
  const double wd = static_cast<double>(w);
  std::vector<double> res(hs.size(), 0.0);
  auto trailing = static_cast<std::ptrdiff_t>(hs.size()) - 1;
  double x_sum = 0.0, n_sum = 0.0;
  for (auto i = static_cast<std::ptrdiff_t>(hs.size()) - 1; i >= 0; --i) {
    x_sum += xs[static_cast<std::size_t>(i)];
    n_sum += ns[static_cast<std::size_t>(i)];
    while (n_sum >= wd) {
      // Weight the left-most group by how many of its points the window still needs.
      const double excess_n = n_sum - wd;
      const double excess_x = excess_n * xs[static_cast<std::size_t>(i)] / ns[static_cast<std::size_t>(i)];
      res[static_cast<std::size_t>(trailing)] = (x_sum - excess_x) / wd;
      x_sum -= xs[static_cast<std::size_t>(trailing)];
      n_sum -= ns[static_cast<std::size_t>(trailing)];
      --trailing;
    }
  }
  std::vector<std::pair<std::int64_t, double>> out;
  for (auto j = static_cast<std::size_t>(trailing + 1); j < hs.size(); ++j) out.emplace_back(hs[j], res[j]);
  return out;
}

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
}  // namespace

std::vector<std::pair<std::int64_t, double>> rolling_median_by_h(const std::vector<double>& x,
                                                                  const std::vector<std::int64_t>& h, std::size_t w) {
  std::vector<std::pair<std::int64_t, double>> out;
  std::size_t end = x.size();  // rows [begin, end) share the current horizon
  while (end > 0) {
    const std::int64_t hi = h[end - 1];
    std::size_t begin = end;
    while (begin > 0 && h[begin - 1] == hi) --begin;
    std::vector<double> xs(x.begin() + static_cast<std::ptrdiff_t>(begin), x.begin() + static_cast<std::ptrdiff_t>(end));
    // Add single points from smaller horizons until the window is full.
    for (std::size_t next = begin; xs.size() < w && next > 0; --next) xs.push_back(x[next - 1]);
    if (xs.size() < w) break;
    out.emplace_back(hi, median(std::move(xs)));
    end = begin;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<MetricsRow> performance_metrics(std::vector<CvPoint> points, double rolling_window) {
  std::vector<MetricsRow> rows;
  if (points.empty()) return rows;
  std::stable_sort(points.begin(), points.end(), [](const CvPoint& a, const CvPoint& b) {
    return a.ds_us - a.cutoff_us < b.ds_us - b.cutoff_us;
  });
  const std::size_t n = points.size();
  auto w = static_cast<std::size_t>(std::max(0.0, std::floor(rolling_window * static_cast<double>(n))));
  w = std::clamp<std::size_t>(w, 1, n);
  std::vector<std::int64_t> h(n);
  std::vector<double> se(n), ae(n), ape(n), sape(n), cov(n);
  // As Prophet, a y near 0 drops both percentage errors: its |e / y| is inf or NaN, and a NaN would also
  // break the median's sort. Their columns are then zeros that no row reports.
  const bool has_mape = std::none_of(points.begin(), points.end(), [](const CvPoint& p) { return std::abs(p.y) < 1e-8; });
  for (std::size_t i = 0; i < n; ++i) {
    const CvPoint& p = points[i];
    h[i] = p.ds_us - p.cutoff_us;
    const double e = p.y - p.yhat;
    se[i] = e * e;
    ae[i] = std::abs(e);
    ape[i] = has_mape ? std::abs(e / p.y) : 0.0;
    const double s = std::abs(e) / ((std::abs(p.y) + std::abs(p.yhat)) / 2.0);
    sape[i] = std::isnan(s) ? 0.0 : s;
    cov[i] = p.covered ? 1.0 : 0.0;
  }
  const auto mse = rolling_mean_by_h(se, h, w);
  const auto mae = rolling_mean_by_h(ae, h, w);
  const auto mape = rolling_mean_by_h(ape, h, w);
  const auto smape = rolling_mean_by_h(sape, h, w);
  const auto coverage = rolling_mean_by_h(cov, h, w);
  const auto mdape = rolling_median_by_h(ape, h, w);
  for (std::size_t i = 0; i < mse.size(); ++i) {
    const auto md = std::find_if(mdape.begin(), mdape.end(), [&](const auto& p) { return p.first == mse[i].first; });
    if (md == mdape.end()) continue;  // inner join on horizon, as Prophet merges the metric frames
    MetricsRow r;
    r.horizon_us = mse[i].first;
    r.mse = mse[i].second;
    r.rmse = std::sqrt(r.mse);
    r.mae = mae[i].second;
    r.mape = mape[i].second;
    r.has_mape = has_mape;
    r.mdape = md->second;
    r.smape = smape[i].second;
    r.coverage = coverage[i].second;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace sluice::prophet
