// Accuracy against R Prophet 1.0 on the fixtures of scripts/make-prophet-fixtures.R.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "prophet.hpp"
#include "test_support.hpp"

using namespace sluice::prophet;
using namespace forecast_test;

namespace {

struct Reference {
  Frame train;
  std::vector<double> all_y;  // input incl. held-out rows
  Csv prophet;                // Prophet's forecast
  std::map<std::string, double> params;
  int holdout = 0;
};

Reference load(const std::string& name) {
  Reference r;
  const Csv input = read_csv(fixture(name + "_input.csv"));
  const Csv params = read_csv(fixture(name + "_params.csv"));
  for (std::size_t i = 0; i < params.rows; ++i) r.params[params.col("name")[i]] = std::stod(params.col("value")[i]);
  r.holdout = static_cast<int>(r.params.at("holdout"));
  r.all_y = input.numbers("y");
  const auto train_rows = input.rows - static_cast<std::size_t>(r.holdout);
  for (std::size_t i = 0; i < train_rows; ++i) {
    r.train.ds_us.push_back(sluice::parse_date(input.col("ds")[i]) * kDay);
    r.train.y.push_back(r.all_y[i]);
  }
  const double cap = r.params.at("cap");  // 0 = linear growth
  if (cap > 0.0) r.train.cap.assign(r.train.ds_us.size(), cap);
  r.prophet = read_csv(fixture(name + "_prophet.csv"));
  return r;
}

ProphetOptions options_for(const std::string& name) {
  ProphetOptions o;
  if (name == "multiplicative") o.seasonality_mode = Mode::Multiplicative;
  if (name == "logistic") o.growth = Growth::Logistic;
  if (name == "holidays") {
    const Csv h = read_csv(fixture("holidays.csv"));
    for (std::size_t i = 0; i < h.rows; ++i)
      o.holidays.push_back({h.col("holiday")[i], sluice::parse_date(h.col("ds")[i]),
                            std::stoi(h.col("lower_window")[i]), std::stoi(h.col("upper_window")[i]), std::nullopt});
  }
  return o;
}

// Prophet's fitted parameters as our x vector (beta matched by column name).
Eigen::VectorXd prophet_x(const Prophet& m, const Reference& r) {
  const ParamLayout& L = m.objective().layout();
  Eigen::VectorXd x(L.size());
  x[L.k()] = r.params.at("k");
  x[L.m()] = r.params.at("m");
  for (Eigen::Index j = 0; j < L.S; ++j) x[L.delta() + j] = r.params.at("delta_" + std::to_string(j + 1));
  x[L.log_sigma()] = std::log(r.params.at("sigma_obs"));
  for (Eigen::Index j = 0; j < L.K; ++j) {
    const std::string key = "beta_" + m.layout().names[static_cast<std::size_t>(j)];
    REQUIRE_MESSAGE(r.params.count(key) == 1, "Prophet has no column " << key);
    x[L.beta() + j] = r.params.at(key);
  }
  return x;
}

double mean_width(const Eigen::VectorXd& lo, const Eigen::VectorXd& hi, Eigen::Index from, Eigen::Index to) {
  return (hi.segment(from, to - from) - lo.segment(from, to - from)).mean();
}

void compare_with_prophet(const std::string& name) {
  const Reference r = load(name);
  Prophet m(options_for(name));
  m.fit(r.train);
  Frame future = m.make_future(30);
  if (!r.train.cap.empty()) future.cap.assign(future.ds_us.size(), r.train.cap.front());
  const Forecast fc = m.predict(future);
  REQUIRE(static_cast<std::size_t>(fc.yhat.size()) == r.prophet.rows);
  CHECK(m.y_scale() == doctest::Approx(r.params.at("y_scale")).epsilon(1e-9));

  const double scale = *std::max_element(r.train.y.begin(), r.train.y.end(), [](double a, double b) {
    return std::abs(a) < std::abs(b);
  });
  const auto theirs = r.prophet.numbers("yhat");
  const auto their_lo = r.prophet.numbers("yhat_lower"), their_hi = r.prophet.numbers("yhat_upper");
  const auto their_trend = r.prophet.numbers("trend");
  const Eigen::Index n_hist = static_cast<Eigen::Index>(r.train.y.size()), n = fc.yhat.size();
  double max_hist = 0, max_future = 0, max_trend = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double d = std::abs(fc.yhat[i] - theirs[static_cast<std::size_t>(i)]);
    (i < n_hist ? max_hist : max_future) = std::max(i < n_hist ? max_hist : max_future, d);
    max_trend = std::max(max_trend, std::abs(fc.trend[i] - their_trend[static_cast<std::size_t>(i)]));
  }
  Eigen::VectorXd lo = Eigen::Map<const Eigen::VectorXd>(their_lo.data(), n);
  Eigen::VectorXd hi = Eigen::Map<const Eigen::VectorXd>(their_hi.data(), n);
  const double width_hist = mean_width(fc.yhat_lower, fc.yhat_upper, 0, n_hist) / mean_width(lo, hi, 0, n_hist);
  const double width_future = mean_width(fc.yhat_lower, fc.yhat_upper, n_hist, n) / mean_width(lo, hi, n_hist, n);

  const double ours = m.objective_value();
  const double prophets = m.objective().value(prophet_x(m, r));
  MESSAGE(name << ": max|dyhat|/scale history " << max_hist / std::abs(scale) << ", horizon " << max_future / std::abs(scale)
               << "; max|dtrend|/scale " << max_trend / std::abs(scale) << "; width ratio history " << width_hist
               << ", horizon " << width_future << "; objective ours " << ours << " vs Prophet's " << prophets << " ("
               << m.algorithm_used() << ", " << m.iterations() << " iterations)");
  CHECK(max_hist <= 0.01 * std::abs(scale));
  CHECK(max_future <= 0.01 * std::abs(scale));
  CHECK(width_hist == doctest::Approx(1.0).epsilon(0.10));
  CHECK(width_future == doctest::Approx(1.0).epsilon(0.10));
  // The parameters are printed with 10 significant digits; allow for that rounding.
  CHECK(ours <= prophets + 1e-6 * std::abs(prophets));
}

}  // namespace

TEST_CASE("accuracy vs R Prophet: linear trend with changepoints") { compare_with_prophet("linear_changepoints"); }
TEST_CASE("accuracy vs R Prophet: strong weekly and yearly seasonality") { compare_with_prophet("seasonal"); }
TEST_CASE("accuracy vs R Prophet: multiplicative seasonality") { compare_with_prophet("multiplicative"); }
TEST_CASE("accuracy vs R Prophet: holidays with windows") { compare_with_prophet("holidays"); }
TEST_CASE("accuracy vs R Prophet: holdout series") { compare_with_prophet("holdout"); }
TEST_CASE("accuracy vs R Prophet: logistic growth with a cap") { compare_with_prophet("logistic"); }

TEST_CASE("holdout MAE on the last 30 days is no worse than 1.02x Prophet's") {
  const Reference r = load("holdout");
  REQUIRE(r.holdout == 30);
  Prophet m(options_for("holdout"));
  m.fit(r.train);
  const Forecast fc = m.predict(m.make_future(30, false));
  const auto theirs = r.prophet.numbers("yhat");
  const std::size_t n_train = r.train.y.size();
  double ours = 0, prophets = 0;
  for (std::size_t i = 0; i < 30; ++i) {
    const double actual = r.all_y[n_train + i];
    ours += std::abs(actual - fc.yhat[static_cast<Eigen::Index>(i)]) / 30.0;
    prophets += std::abs(actual - theirs[n_train + i]) / 30.0;
  }
  MESSAGE("holdout MAE: ours " << ours << ", Prophet " << prophets << " (ratio " << ours / prophets << ")");
  CHECK(ours <= 1.02 * prophets);
}

TEST_CASE("the Stan-style L-BFGS beats LBFGSpp on Prophet's objective") {
  // Why the model ships its own L-BFGS: from Prophet's initial point LBFGSpp's
  // line search stalls after a few steps, far from the optimum.
  const Reference r = load("holdout");
  ProphetOptions o = options_for("holdout");
  o.uncertainty_samples = 0;
  o.algorithm = Algorithm::Lbfgs;
  Prophet stan_like(o);
  stan_like.fit(r.train);
  o.algorithm = Algorithm::Lbfgspp;
  Prophet lbfgspp(o);
  lbfgspp.fit(r.train);
  MESSAGE("objective: Stan-style " << stan_like.objective_value() << ", LBFGSpp " << lbfgspp.objective_value());
  CHECK(stan_like.algorithm_used() == "lbfgs");
  CHECK(stan_like.objective_value() < lbfgspp.objective_value() - 100.0);
  // The default search (the exact minimum from Prophet's initial values) ends where Stan's path
  // followed by the same search ends.
  o.algorithm = Algorithm::Auto;
  Prophet exact(o);
  exact.fit(r.train);
  CHECK(exact.algorithm_used() == "active set");
  CHECK(exact.objective_value() == doctest::Approx(stan_like.objective_value()).epsilon(1e-10));
}
