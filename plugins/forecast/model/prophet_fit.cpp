// Fitting: data preparation (§1), changepoints (§2.1), features (§3), the MAP fit (§4).
#include <algorithm>
#include <cstdio>
#include <cmath>
#include <numeric>
#include <set>

#include "changepoints.hpp"
#include "optimizer.hpp"
#include "prophet.hpp"
#include "trend.hpp"

namespace sluice::prophet {
namespace {

constexpr double kMicrosPerDayD = 86'400'000'000.0;

std::string describe_day(std::int64_t ds_us) {
  // YYYY-MM-DD of a timestamp, for messages (civil-from-days, proleptic Gregorian).
  std::int64_t z = calendar_day(ds_us) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  return buf;
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

Frame select_rows(const Frame& f, const std::vector<std::size_t>& rows) {
  Frame out;
  for (std::size_t r : rows) {
    out.ds_us.push_back(f.ds_us[r]);
    out.y.push_back(f.y[r]);
    if (!f.cap.empty()) out.cap.push_back(f.cap[r]);
    if (!f.floor.empty()) out.floor.push_back(f.floor[r]);
  }
  for (const auto& [name, values] : f.regressors) {
    std::vector<double> v;
    v.reserve(rows.size());
    for (std::size_t r : rows) v.push_back(values[r]);
    out.regressors.emplace_back(name, std::move(v));
  }
  return out;
}

}  // namespace

Prophet::Prophet(ProphetOptions options) : options_(std::move(options)) {
  if (!(options_.changepoint_range >= 0.0 && options_.changepoint_range <= 1.0))
    throw ModelError("changepoint_range must be in [0, 1]");
  if (!(options_.changepoint_prior_scale > 0.0)) throw ModelError("changepoint_prior_scale must be > 0");
  if (!(options_.seasonality_prior_scale > 0.0)) throw ModelError("seasonality_prior_scale must be > 0");
  if (!(options_.holidays_prior_scale > 0.0)) throw ModelError("holidays_prior_scale must be > 0");
  if (!(options_.interval_width > 0.0 && options_.interval_width < 1.0))
    throw ModelError("interval_width must be strictly between 0 and 1");
  if (options_.n_changepoints < 0) throw ModelError("n_changepoints must be >= 0");
  if (options_.uncertainty_samples < 0) throw ModelError("uncertainty_samples must be >= 0");
}

const Eigen::VectorXd* Forecast::component(const std::string& name) const {
  for (const auto& [n, v] : components)
    if (n == name) return &v;
  return nullptr;
}

double Prophet::longest_period_days() const {
  double p = 0.0;
  for (const auto& s : features_.seasonalities) p = std::max(p, s.period_days);
  return p;
}

ProphetOptions Prophet::resolved_copy_options() const {
  ProphetOptions o = options_;
  o.yearly = o.weekly = o.daily = SeasonalitySwitch::off();
  o.custom_seasonalities.clear();
  for (const auto& s : features_.seasonalities)
    o.custom_seasonalities.push_back({s.name, s.period_days, s.order, s.prior_scale, s.mode});
  if (o.changepoints_us.empty()) o.n_changepoints = n_changepoints_;
  return o;
}

void Prophet::resolve_seasonalities(const std::vector<std::int64_t>& ds) {
  const double span_days = static_cast<double>(ds.back() - ds.front()) / kMicrosPerDayD;
  double min_dt_days = std::numeric_limits<double>::infinity();
  for (std::size_t i = 1; i < ds.size(); ++i)
    if (ds[i] != ds[i - 1]) min_dt_days = std::min(min_dt_days, static_cast<double>(ds[i] - ds[i - 1]) / kMicrosPerDayD);

  std::vector<ResolvedSeasonality> list;
  for (const auto& c : options_.custom_seasonalities) {
    if (!(c.period_days > 0.0)) throw ModelError("seasonality '" + c.name + "': period must be > 0 days");
    if (c.fourier_order <= 0) throw ModelError("seasonality '" + c.name + "': fourier_order must be > 0");
    list.push_back({c.name, c.period_days, c.fourier_order, c.prior_scale.value_or(options_.seasonality_prior_scale),
                    c.mode.value_or(options_.seasonality_mode)});
  }
  struct BuiltIn {
    const char* name;
    SeasonalitySwitch sw;
    double period;
    int default_order;
    bool auto_disabled;
  };
  const BuiltIn builtins[] = {
      {"yearly", options_.yearly, 365.25, 10, span_days < 730.0},
      {"weekly", options_.weekly, 7.0, 3, span_days < 14.0 || min_dt_days >= 7.0},
      {"daily", options_.daily, 1.0, 4, span_days < 2.0 || min_dt_days >= 1.0},
  };
  for (const auto& b : builtins) {
    auto existing = std::find_if(list.begin(), list.end(), [&](const auto& s) { return s.name == b.name; });
    int order = 0;
    switch (b.sw.kind) {
      case SeasonalitySwitch::Kind::Auto:
        order = (existing != list.end() || b.auto_disabled) ? 0 : b.default_order;
        break;
      case SeasonalitySwitch::Kind::On: order = b.default_order; break;
      case SeasonalitySwitch::Kind::Off: order = 0; break;
      case SeasonalitySwitch::Kind::Order: order = b.sw.order; break;
    }
    if (order <= 0) continue;
    ResolvedSeasonality s{b.name, b.period, order, options_.seasonality_prior_scale, options_.seasonality_mode};
    if (existing != list.end()) *existing = s;  // keeps its position, as a dict update does
    else list.push_back(s);
  }
  features_.seasonalities = std::move(list);
}

Eigen::VectorXd Prophet::floor_of(const Frame& f) const {
  if (!logistic_floor_) return Eigen::VectorXd::Zero(static_cast<Eigen::Index>(f.ds_us.size()));
  if (f.floor.size() != f.ds_us.size())
    throw ModelError("the model was fitted with a floor; give a floor value for every row");
  return Eigen::Map<const Eigen::VectorXd>(f.floor.data(), static_cast<Eigen::Index>(f.floor.size()));
}

Eigen::VectorXd Prophet::cap_scaled_of(const Frame& f, const Eigen::VectorXd& floor) const {
  const auto n = static_cast<Eigen::Index>(f.ds_us.size());
  if (options_.growth != Growth::Logistic) return Eigen::VectorXd::Zero(n);
  if (f.cap.size() != f.ds_us.size()) throw ModelError("logistic growth needs a cap value for every row");
  Eigen::VectorXd c(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double cap = f.cap[static_cast<std::size_t>(i)];
    if (!(cap > floor[i]))
      throw ModelError("cap must be greater than floor on every row (row for " + describe_day(f.ds_us[static_cast<std::size_t>(i)]) +
                       " has cap " + short_number(cap) + " and floor " + short_number(floor[i]) + ")");
    c[i] = (cap - floor[i]) / y_scale_;
  }
  return c;
}

std::vector<ResolvedRegressor> Prophet::standardise_regressors(const Frame& h) const {
  std::vector<ResolvedRegressor> out;
  for (const auto& r : options_.regressors) {
    const auto it = std::find_if(h.regressors.begin(), h.regressors.end(), [&](const auto& p) { return p.first == r.name; });
    if (it == h.regressors.end()) throw ModelError("extra regressor '" + r.name + "' is missing from the history");
    const auto& v = it->second;
    for (double x : v)
      if (std::isnan(x)) throw ModelError("extra regressor '" + r.name + "' has missing values in the history");
    std::set<double> unique(v.begin(), v.end());
    ResolvedRegressor rr{r.name, 0.0, 1.0, r.prior_scale.value_or(options_.holidays_prior_scale),
                         r.mode.value_or(options_.seasonality_mode)};
    bool standardise = r.standardize != Regressor::Standardize::No && unique.size() >= 2;
    if (r.standardize == Regressor::Standardize::Auto && unique == std::set<double>{0.0, 1.0}) standardise = false;
    if (standardise) {
      const double n = static_cast<double>(v.size());
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
      double ss = 0.0;
      for (double x : v) ss += (x - mean) * (x - mean);
      rr.mu = mean;
      rr.std = std::sqrt(ss / (n - 1.0));  // sample standard deviation, as pandas
    }
    out.push_back(rr);
  }
  return out;
}

Eigen::VectorXd Prophet::initial_parameters(const Eigen::VectorXd& t, const Eigen::VectorXd& y,
                                            const Eigen::VectorXd& cap) const {
  const ParamLayout& L = objective_->layout();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(L.size());
  const Eigen::Index i0 = 0, i1 = t.size() - 1;
  const double T01 = t[i1] - t[i0];
  double k = 0.0, m = 0.0;
  switch (options_.growth) {
    case Growth::Linear:
      k = (y[i1] - y[i0]) / T01;
      m = y[i0] - k * t[i0];
      break;
    case Growth::Logistic: {
      const double c0 = cap[i0], c1 = cap[i1];
      const double y0 = std::clamp(y[i0], 0.01 * c0, 0.99 * c0);
      const double y1 = std::clamp(y[i1], 0.01 * c1, 0.99 * c1);
      double r0 = c0 / y0;
      const double r1 = c1 / y1;
      if (std::abs(r0 - r1) <= 0.01) r0 *= 1.05;
      const double l0 = std::log(r0 - 1.0), l1 = std::log(r1 - 1.0);
      m = l0 * T01 / (l0 - l1);
      k = (l0 - l1) / T01;
      break;
    }
    case Growth::Flat:
      m = y.mean();
      break;
  }
  x[L.k()] = k;
  x[L.m()] = m;
  x[L.log_sigma()] = 0.0;  // sigma_obs = 1
  return x;
}

void Prophet::fit(const Frame& data) { fit_impl(data, true); }

void Prophet::resolve(const Frame& data) { fit_impl(data, false); }

void Prophet::fit_impl(const Frame& data, bool optimize) {
  fitted_ = false;
  const std::size_t n_all = data.ds_us.size();
  if (data.y.size() != n_all) throw ModelError("ds and y have different lengths");
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n_all; ++i) {
    if (std::isinf(data.y[i])) throw ModelError("y is infinite on " + describe_day(data.ds_us[i]) + "; remove or fix that row");
    if (!std::isnan(data.y[i])) rows.push_back(i);
  }
  if (rows.size() < 2)
    throw ModelError("the history has " + std::to_string(rows.size()) +
                     " non-null y row" + (rows.size() == 1 ? "" : "s") + "; a forecast needs at least 2");
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return data.ds_us[a] < data.ds_us[b]; });
  const Frame h = select_rows(data, rows);
  const auto N = static_cast<Eigen::Index>(rows.size());

  history_dates_ = data.ds_us;
  std::sort(history_dates_.begin(), history_dates_.end());
  history_dates_.erase(std::unique(history_dates_.begin(), history_dates_.end()), history_dates_.end());

  start_us_ = h.ds_us.front();
  t_scale_us_ = static_cast<double>(h.ds_us.back() - h.ds_us.front());
  if (t_scale_us_ <= 0.0) throw ModelError("every history row has the same ds; a forecast needs at least 2 distinct dates");
  history_t_.resize(N);
  for (Eigen::Index i = 0; i < N; ++i) history_t_[i] = scaled_time(h.ds_us[static_cast<std::size_t>(i)]);

  // y scaling (absmax).
  logistic_floor_ = options_.growth == Growth::Logistic && !h.floor.empty();
  const Eigen::VectorXd floor = floor_of(h);
  y_scale_ = 0.0;
  for (Eigen::Index i = 0; i < N; ++i) y_scale_ = std::max(y_scale_, std::abs(h.y[static_cast<std::size_t>(i)] - floor[i]));
  if (y_scale_ == 0.0) y_scale_ = 1.0;
  Eigen::VectorXd y_scaled(N);
  for (Eigen::Index i = 0; i < N; ++i) y_scaled[i] = (h.y[static_cast<std::size_t>(i)] - floor[i]) / y_scale_;
  const Eigen::VectorXd cap_scaled = cap_scaled_of(h, floor);

  // Features.
  resolve_seasonalities(h.ds_us);
  try {
    features_.holidays = holiday_columns(options_.holidays, options_.holidays_prior_scale);
  } catch (const std::invalid_argument& e) {
    throw HolidayError(e.what());
  }
  features_.holidays_mode = options_.holidays_mode.value_or(options_.seasonality_mode);
  features_.regressors = standardise_regressors(h);
  layout_ = design_layout(features_);

  // Changepoints.
  std::vector<double> cps;
  if (!options_.changepoints_us.empty()) {
    for (std::int64_t c : options_.changepoints_us) {
      if (c < h.ds_us.front() || c > h.ds_us.back())
        throw ModelError("changepoint " + describe_day(c) + " lies outside the history (" + describe_day(h.ds_us.front()) +
                         " to " + describe_day(h.ds_us.back()) + ")");
      cps.push_back(scaled_time(c));
    }
    n_changepoints_ = static_cast<int>(cps.size());
  } else {
    n_changepoints_ = options_.n_changepoints;
    for (std::size_t r : changepoint_rows(rows.size(), n_changepoints_, options_.changepoint_range))
      cps.push_back(history_t_[static_cast<Eigen::Index>(r)]);
  }
  std::sort(cps.begin(), cps.end());
  if (cps.empty()) cps.push_back(0.0);  // Stan's dummy changepoint; folded into k after the fit
  changepoints_t_ = Eigen::Map<Eigen::VectorXd>(cps.data(), static_cast<Eigen::Index>(cps.size()));

  if (!optimize) return;
  throw_if_cancelled(options_.cancelled);

  ObjectiveData od;
  od.growth = options_.growth;
  od.t = history_t_;
  od.y = y_scaled;
  od.cap = cap_scaled;
  od.s = changepoints_t_;
  try {
    od.X = design_matrix(features_, h.ds_us, h.regressors, design_rows_.get());
    if (design_rows_) od.xtx = gram_from_prefix(*design_rows_, features_, h.ds_us, od.X);
  } catch (const std::invalid_argument& e) {
    throw ModelError(e.what());
  }
  throw_if_cancelled(options_.cancelled);  // a design matrix of thousands of columns takes a while
  od.additive = layout_.additive;
  od.multiplicative = layout_.multiplicative;
  od.sigmas = layout_.sigmas;
  od.tau = options_.changepoint_prior_scale;
  objective_ = std::make_unique<Objective>(std::move(od), options_.cancelled);
  throw_if_cancelled(options_.cancelled);
  x0_ = initial_parameters(history_t_, y_scaled, cap_scaled);

  const bool constant_y = (y_scaled.array() == y_scaled[0]).all();
  if (constant_y && options_.growth != Growth::Logistic) {
    x_ = x0_;
    x_[objective_->layout().log_sigma()] = std::log(1e-9);
    algorithm_used_ = "none (constant y)";
    iterations_ = 0;
  } else {
    const bool newton = options_.algorithm == Algorithm::Newton || (options_.algorithm == Algorithm::Auto && N < 100);
    const CancelCheck& cancelled = options_.cancelled;
    OptimizeResult r = newton ? minimize_newton(*objective_, x0_, options_.max_iterations, cancelled)
                       : options_.algorithm == Algorithm::Lbfgspp
                           ? minimize_lbfgspp(*objective_, x0_, options_.max_iterations, cancelled)
                           : options_.algorithm == Algorithm::Lbfgs
                           ? minimize_lbfgs(*objective_, x0_, options_.max_iterations, cancelled)
                           : minimize_map(*objective_, x0_, options_.max_iterations, cancelled);
    x_ = r.x;
    algorithm_used_ = r.algorithm;
    iterations_ = r.iterations;
  }
  objective_value_ = objective_->value(x_);

  const ParamLayout& L = objective_->layout();
  params_.k = x_[L.k()];
  params_.m = x_[L.m()];
  params_.delta = x_.segment(L.delta(), L.S);
  params_.sigma_obs = std::exp(x_[L.log_sigma()]);
  params_.beta = x_.segment(L.beta(), L.K);
  if (n_changepoints_ == 0) {  // fold the dummy changepoint's rate change into k
    params_.k += params_.delta[0];
    params_.delta.setZero();
  }
  fitted_ = true;
}

Frame Prophet::make_future(int periods, bool include_history) const {
  if (!fitted_) throw ModelError("make_future needs a fitted model");
  Frame f;
  if (include_history) f.ds_us = history_dates_;
  const std::int64_t last = history_dates_.back();
  for (int i = 1; i <= periods; ++i) f.ds_us.push_back(last + static_cast<std::int64_t>(i) * 86'400'000'000LL);
  f.y.assign(f.ds_us.size(), std::numeric_limits<double>::quiet_NaN());
  return f;
}

}  // namespace sluice::prophet
