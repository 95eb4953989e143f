#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "prophet.hpp"
#include "random.hpp"
#include "test_support.hpp"

using namespace sluice::prophet;
using forecast_test::kDay;

TEST_CASE("the RNG is pinned: same seed, same bits, on any standard library") {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) CHECK(a.normal() == b.normal());
  // The reference sequences: splitmix64 from 0, and xoshiro256++ from the state {1, 2, 3, 4}.
  std::uint64_t counter = 0;
  CHECK(splitmix64(counter) == UINT64_C(0xe220a8397b1dcdaf));
  auto g = Xoshiro256pp::from_state({1, 2, 3, 4});
  CHECK(g() == UINT64_C(41943041));
  CHECK(g() == UINT64_C(58720359));
  CHECK(g() == UINT64_C(3588806011781223));
  // A seed's state is four splitmix64 outputs: the first draw of seed 0 follows from them.
  std::uint64_t seed = 0;
  std::array<std::uint64_t, 4> state{};
  for (auto& word : state) word = splitmix64(seed);
  Rng r(0);
  CHECK(r.engine()() == Xoshiro256pp::from_state(state)());
  Rng s(7);
  double mean = 0, var = 0, lap = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = s.normal();
    mean += z / n;
    var += z * z / n;
    lap += std::abs(s.laplace(2.0)) / n;
  }
  CHECK(std::abs(mean) < 0.01);
  CHECK(var == doctest::Approx(1.0).epsilon(0.01));
  CHECK(lap == doctest::Approx(2.0).epsilon(0.01));  // E|Laplace(0, b)| = b
}

TEST_CASE("normals() gives the values of as many normal() calls, wedge and tail draws included") {
  Rng one_by_one(5), in_bulk(5);
  std::vector<double> bulk(200000);
  in_bulk.normals(bulk.data(), 123);  // a first run that ends mid-stream
  in_bulk.normals(bulk.data() + 123, bulk.size() - 123);
  int beyond_base = 0, differing = 0;
  for (const double x : bulk) {
    differing += x == one_by_one.normal() ? 0 : 1;
    beyond_base += std::abs(x) > 3.4426 ? 1 : 0;
  }
  CHECK(differing == 0);
  CHECK(beyond_base > 50);  // the tail method ran (expected about 115)
  CHECK(in_bulk.uniform() == one_by_one.uniform());  // and both engines are in the same state
}

TEST_CASE("normal() follows the standard normal distribution, tails included") {
  Rng rng(11);
  const int n = 1000000;
  std::vector<double> z(n);
  for (auto& x : z) x = rng.normal();
  // Chi-square over bins 0.05 wide on [-4, 4) plus the two tails (161 degrees of freedom; 225 is
  // past the 0.1 % critical value). Fine bins see a flaw in any layer or wedge of the ziggurat:
  // accepting every wedge point, for one, gives about 450.
  const auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  constexpr int kBins = 160;
  constexpr double kWidth = 0.05, kLow = -4.0;
  std::vector<double> counts(kBins + 2, 0.0);
  for (const double x : z) {
    const int bin = x < kLow ? 0 : x >= kLow + kBins * kWidth ? kBins + 1 : 1 + static_cast<int>((x - kLow) / kWidth);
    counts[static_cast<std::size_t>(bin)] += 1.0;
  }
  double chi2 = 0.0;
  for (int b = 0; b < kBins + 2; ++b) {
    const double p = b == 0           ? cdf(kLow)
                     : b == kBins + 1 ? 1.0 - cdf(kLow + kBins * kWidth)
                                      : cdf(kLow + b * kWidth) - cdf(kLow + (b - 1) * kWidth);
    const double expected = p * n, d = counts[static_cast<std::size_t>(b)] - expected;
    chi2 += d * d / expected;
  }
  CHECK(chi2 < 225.0);
  // Beyond the ziggurat's base layer (|z| > 3.4426, sampled by the tail method): 2 (1 - Phi) = 5.76e-4.
  const auto beyond = [&](double t) {
    return static_cast<double>(std::count_if(z.begin(), z.end(), [&](double x) { return std::abs(x) > t; })) / n;
  };
  CHECK(beyond(3.442619855899) == doctest::Approx(5.76e-4).epsilon(0.15));
  CHECK(beyond(4.0) == doctest::Approx(6.33e-5).epsilon(0.4));
  CHECK(beyond(1.0) == doctest::Approx(0.3173).epsilon(0.01));
  // Symmetric: as many negative as positive values.
  const auto negative = std::count_if(z.begin(), z.end(), [](double x) { return x < 0; });
  CHECK(std::abs(static_cast<double>(negative) / n - 0.5) < 0.003);
}

TEST_CASE("exponential() follows the standard exponential distribution, tail included, and laplace() is symmetric") {
  Rng rng(13);
  const int n = 1000000;
  std::vector<double> e(n);
  for (auto& x : e) x = rng.exponential();
  // Chi-square over bins 0.05 wide on [0, 10) plus the tail (200 degrees of freedom; 267 is past the
  // 0.1 % critical value). The tail method runs beyond 7.697 (about 450 values).
  constexpr int kBins = 200;
  constexpr double kWidth = 0.05;
  std::vector<double> counts(kBins + 1, 0.0);
  CHECK(*std::min_element(e.begin(), e.end()) >= 0.0);
  for (const double x : e) counts[static_cast<std::size_t>(std::min(kBins, static_cast<int>(x / kWidth)))] += 1.0;
  double chi2 = 0.0;
  for (int b = 0; b <= kBins; ++b) {
    const double p = b == kBins ? std::exp(-kBins * kWidth) : std::exp(-b * kWidth) - std::exp(-(b + 1) * kWidth);
    const double expected = p * n, d = counts[static_cast<std::size_t>(b)] - expected;
    chi2 += d * d / expected;
  }
  CHECK(chi2 < 267.0);
  const auto beyond = [&](double t) {
    return static_cast<double>(std::count_if(e.begin(), e.end(), [&](double x) { return x > t; })) / n;
  };
  CHECK(beyond(7.69711747013104972) == doctest::Approx(std::exp(-7.69711747013104972)).epsilon(0.15));
  CHECK(beyond(10.0) == doctest::Approx(std::exp(-10.0)).epsilon(0.4));

  // Laplace(0, b): |X| is exponential with mean b, and the sign is a fair coin independent of it.
  int negative = 0, large_negative = 0, large = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.laplace(2.0);
    negative += x < 0 ? 1 : 0;
    large += std::abs(x) > 4.0 ? 1 : 0;
    large_negative += x < -4.0 ? 1 : 0;
  }
  CHECK(std::abs(static_cast<double>(negative) / n - 0.5) < 0.003);
  CHECK(static_cast<double>(large) / n == doctest::Approx(std::exp(-2.0)).epsilon(0.01));
  CHECK(static_cast<double>(large_negative) / large == doctest::Approx(0.5).epsilon(0.02));
}

TEST_CASE("geometric() counts the failures before a Bernoulli(p) success") {
  Rng rng(3);
  for (const double p : {0.023, 0.3, 0.9}) {
    const int n = 200000;
    double mean = 0.0, zeros = 0.0;
    for (int i = 0; i < n; ++i) {
      const auto g = rng.geometric(p);
      mean += static_cast<double>(g) / n;
      zeros += g == 0 ? 1.0 / n : 0.0;
    }
    CAPTURE(p);
    CHECK(mean == doctest::Approx((1.0 - p) / p).epsilon(0.02));  // E = (1 - p) / p
    CHECK(zeros == doctest::Approx(p).epsilon(0.02));             // P(0) = p
  }
  CHECK(rng.geometric(1.0) == 0);
  CHECK(rng.geometric(1.5) == 0);
  CHECK(rng.geometric(0.0) == UINT64_MAX);
  CHECK(rng.geometric(std::nan("")) == UINT64_MAX);
  CHECK(rng.geometric(1e-300) == UINT64_MAX);
}

TEST_CASE("percentile interpolates linearly like numpy") {
  std::vector<double> v{5, 1, 4, 2, 3};
  CHECK(percentile(v, 10) == doctest::Approx(1.4));
  CHECK(percentile(v, 90) == doctest::Approx(4.6));
  CHECK(percentile(v, 50) == 3.0);
  CHECK(percentile(v, 100) == 5.0);
  CHECK(percentile(v, 0) == 1.0);
}

TEST_CASE("fit and predict a daily series: components add up, intervals bracket yhat") {
  const Frame f = forecast_test::synthetic_daily(3 * 365);
  Prophet m;
  m.fit(f);
  CHECK(m.algorithm_used() == "active set");  // linear growth, additive terms: the exact minimum
  const Frame future = m.make_future(30);
  REQUIRE(future.ds_us.size() == f.ds_us.size() + 30);
  CHECK(future.ds_us.back() == f.ds_us.back() + 30 * kDay);
  const Forecast fc = m.predict(future);
  const Eigen::VectorXd& weekly = *fc.component("weekly");
  const Eigen::VectorXd& yearly = *fc.component("yearly");
  CHECK(fc.component("daily") == nullptr);
  const Eigen::VectorXd sum = fc.trend + weekly + yearly;
  CHECK((sum - fc.yhat).cwiseAbs().maxCoeff() < 1e-9);
  CHECK((*fc.component("additive_terms") - weekly - yearly).cwiseAbs().maxCoeff() < 1e-9);
  for (Eigen::Index i = 0; i < fc.yhat.size(); ++i) {
    CHECK(fc.yhat_lower[i] < fc.yhat[i]);
    CHECK(fc.yhat_upper[i] > fc.yhat[i]);
  }
  // The fit recovers the signal: in-sample RMSE near the noise level (uniform on +-2, sd 1.15).
  double sse = 0;
  for (std::size_t i = 0; i < f.y.size(); ++i) sse += std::pow(f.y[i] - fc.yhat[static_cast<Eigen::Index>(i)], 2);
  CHECK(std::sqrt(sse / static_cast<double>(f.y.size())) < 1.5);
  // Future intervals widen with the horizon (trend uncertainty).
  const Eigen::Index last = fc.yhat.size() - 1, first_future = static_cast<Eigen::Index>(f.y.size());
  CHECK(fc.trend_upper[last] - fc.trend_lower[last] > fc.trend_upper[first_future] - fc.trend_lower[first_future]);
  CHECK(fc.trend_upper[first_future + 10] - fc.trend_lower[first_future + 10] > 0.0);
  CHECK(fc.trend_lower[first_future - 1] == fc.trend[first_future - 1]);
}

TEST_CASE("same inputs and seed give bit-identical forecasts, another seed changes only the intervals") {
  const Frame f = forecast_test::synthetic_daily(400);
  ProphetOptions o;
  o.seed = 5;
  Prophet a(o), b(o);
  a.fit(f);
  b.fit(f);
  const Forecast fa = a.predict(a.make_future(10)), fb = b.predict(b.make_future(10));
  CHECK(std::memcmp(fa.yhat_lower.data(), fb.yhat_lower.data(), sizeof(double) * static_cast<std::size_t>(fa.yhat_lower.size())) == 0);
  CHECK(std::memcmp(fa.yhat.data(), fb.yhat.data(), sizeof(double) * static_cast<std::size_t>(fa.yhat.size())) == 0);
  o.seed = 6;
  Prophet c(o);
  c.fit(f);
  const Forecast fcst = c.predict(c.make_future(10));
  CHECK(fcst.yhat == fa.yhat);
  CHECK(fcst.yhat_upper != fa.yhat_upper);
}

TEST_CASE("interval coverage on the history is close to interval_width") {
  const Frame f = forecast_test::synthetic_daily(800, 0.05, 9);
  Prophet m;
  m.fit(f);
  const Forecast fc = m.predict(m.make_future(0));
  int inside = 0;
  for (std::size_t i = 0; i < f.y.size(); ++i)
    inside += (f.y[i] >= fc.yhat_lower[static_cast<Eigen::Index>(i)] && f.y[i] <= fc.yhat_upper[static_cast<Eigen::Index>(i)]);
  const double coverage = static_cast<double>(inside) / static_cast<double>(f.y.size());
  CHECK(coverage > 0.72);
  CHECK(coverage < 0.92);
}

TEST_CASE("short series use Newton, no changepoints fold the dummy one into k") {
  Frame f;
  for (int i = 0; i < 20; ++i) {
    f.ds_us.push_back(i * kDay);
    f.y.push_back(3.0 + 0.5 * i + (i % 2 ? 0.2 : -0.2));
  }
  ProphetOptions o;
  o.n_changepoints = 0;
  o.uncertainty_samples = 200;
  Prophet m(o);
  m.fit(f);
  CHECK(m.algorithm_used() == "newton");
  CHECK(m.n_changepoints() == 0);
  REQUIRE(m.params().delta.size() == 1);
  CHECK(m.params().delta[0] == 0.0);
  // Slope 0.5 per day over 19 days on y_scale 12.7: k ~ 9.5 / 12.7.
  CHECK(m.params().k * m.y_scale() == doctest::Approx(9.5).epsilon(0.02));
  const Forecast fc = m.predict(m.make_future(5));
  CHECK(fc.yhat[24] == doctest::Approx(3.0 + 0.5 * 24).epsilon(0.02));
}

TEST_CASE("constant y skips the optimizer") {
  Frame f;
  for (int i = 0; i < 50; ++i) {
    f.ds_us.push_back(i * kDay);
    f.y.push_back(7.0);
  }
  ProphetOptions o;
  o.uncertainty_samples = 0;
  Prophet m(o);
  m.fit(f);
  CHECK(m.algorithm_used() == "none (constant y)");
  CHECK(m.params().sigma_obs == doctest::Approx(1e-9));
  const Forecast fc = m.predict(m.make_future(3));
  CHECK(fc.yhat[52] == doctest::Approx(7.0));
  CHECK(std::isnan(fc.yhat_lower[0]));
}

TEST_CASE("logistic growth saturates below the cap") {
  Frame f;
  for (int i = 0; i < 300; ++i) {
    f.ds_us.push_back(i * kDay);
    f.y.push_back(100.0 / (1.0 + std::exp(-(i - 150) / 30.0)) + std::sin(i * 1.3));
  }
  f.cap.assign(300, 110.0);
  ProphetOptions o;
  o.growth = Growth::Logistic;
  o.uncertainty_samples = 300;
  Prophet m(o);
  m.fit(f);
  Frame future = m.make_future(200);
  future.cap.assign(future.ds_us.size(), 110.0);
  const Forecast fc = m.predict(future);
  CHECK(fc.trend.maxCoeff() < 110.0);
  CHECK(fc.trend[499] > 95.0);
  CHECK(fc.yhat_upper[499] > fc.yhat_lower[499]);
  future.cap.clear();
  CHECK_THROWS_WITH_AS(m.predict(future), "logistic growth needs a cap value for every row", ModelError);
}

TEST_CASE("model errors say what is wrong") {
  Frame f;
  f.ds_us = {0, kDay, 2 * kDay};
  f.y = {1.0, std::nan(""), std::nan("")};
  CHECK_THROWS_WITH_AS(Prophet().fit(f), "the history has 1 non-null y row; a forecast needs at least 2", ModelError);
  f.y = {1.0, INFINITY, 2.0};
  CHECK_THROWS_WITH_AS(Prophet().fit(f), "y is infinite on 1970-01-02; remove or fix that row", ModelError);
  f.y = {1.0, 2.0, 3.0};
  f.cap = {5.0, 5.0, -0.5};
  ProphetOptions o;
  o.growth = Growth::Logistic;
  CHECK_THROWS_WITH_AS(Prophet(o).fit(f),
                       "cap must be greater than floor on every row (row for 1970-01-03 has cap -0.5 and floor 0)",
                       ModelError);
  o.changepoints_us = {10 * kDay};
  f.cap = {5.0, 5.0, 5.0};
  CHECK_THROWS_WITH_AS(Prophet(o).fit(f), "changepoint 1970-01-11 lies outside the history (1970-01-01 to 1970-01-03)",
                       ModelError);
  o = {};
  o.interval_width = 1.5;
  CHECK_THROWS_WITH_AS(Prophet{o}, "interval_width must be strictly between 0 and 1", ModelError);
  // A holiday's settings have their own type, so that a caller can name where the holidays came from.
  o = {};
  o.holidays = {{"promo", 1, 0, 0, 1.0}, {"promo", 2, 0, 0, 2.0}};
  CHECK_THROWS_WITH_AS(Prophet(o).fit(f), "holiday 'promo' has different prior_scale values; use one per holiday",
                       HolidayError);
}

TEST_CASE("holidays and regressors enter the fit") {
  Frame f = forecast_test::synthetic_daily(500);
  std::vector<double> promo(500, 0.0), temp(500);
  for (int i = 0; i < 500; ++i) {
    temp[static_cast<std::size_t>(i)] = 20.0 + 5.0 * std::sin(i * 0.1);
    f.y[static_cast<std::size_t>(i)] += 0.8 * temp[static_cast<std::size_t>(i)];
    if (i % 50 == 10) {
      promo[static_cast<std::size_t>(i)] = 1.0;
      f.y[static_cast<std::size_t>(i)] += 30.0;
    }
  }
  f.regressors = {{"promo", promo}, {"temp", temp}};
  ProphetOptions o;
  o.uncertainty_samples = 0;
  o.regressors = {{"promo", std::nullopt, Regressor::Standardize::Auto, std::nullopt},
                  {"temp", std::nullopt, Regressor::Standardize::Auto, std::nullopt}};
  o.holidays = {{"launch", sluice::parse_date("2021-03-01"), 0, 1, std::nullopt}};
  Prophet m(o);
  m.fit(f);
  const auto& regs = m.features().regressors;
  CHECK(regs[0].mu == 0.0);  // binary: not standardised
  CHECK(regs[0].std == 1.0);
  CHECK(regs[1].mu == doctest::Approx(20.0).epsilon(0.05));
  const Forecast fc = m.predict(f);
  const Eigen::VectorXd& promo_effect = *fc.component("promo");
  CHECK(promo_effect[10] == doctest::Approx(30.0).epsilon(0.1));
  CHECK(fc.component("extra_regressors_additive") != nullptr);
  CHECK(fc.component("launch") != nullptr);
  Frame missing = f;
  missing.regressors.pop_back();
  CHECK_THROWS_WITH_AS(m.predict(missing), "extra regressor 'temp' is missing from the data (one value per row is needed)",
                       ModelError);
}

TEST_CASE("a model stops its fit and its prediction once its cancel check says so, and never without one") {
  const Frame history = forecast_test::synthetic_daily(200);
  int asked = 0;
  ProphetOptions o;
  o.cancelled = [&asked] { return ++asked > 3; };  // a few steps in: inside the optimizer
  Prophet cancelled(o);
  CHECK_THROWS_AS(cancelled.fit(history), Cancelled);
  CHECK(asked == 4);  // it stopped at the first check that said so
  CHECK_FALSE(cancelled.fitted());

  bool stop = false;
  o.cancelled = [&stop] { return stop; };
  Prophet model(o);
  model.fit(history);
  stop = true;
  CHECK_THROWS_AS(model.predict(model.make_future(30)), Cancelled);

  Prophet unchecked{ProphetOptions{}};  // no check: never cancelled
  unchecked.fit(history);
  CHECK(unchecked.predict(unchecked.make_future(30)).yhat.size() == 230);
}
