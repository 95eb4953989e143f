// What cross-validation shares between its cutoff models must not change their results:
// percentile pairs, intervals scored by counting, predictions without the trend interval,
// resolve() instead of fit(), and design rows computed once for the whole history.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <utility>

#include "prophet.hpp"
#include "test_support.hpp"

using namespace sluice::prophet;
using forecast_test::kDay;

namespace {

// The first n rows of f.
Frame prefix(const Frame& f, std::size_t n) {
  Frame out;
  out.ds_us.assign(f.ds_us.begin(), f.ds_us.begin() + static_cast<std::ptrdiff_t>(n));
  out.y.assign(f.y.begin(), f.y.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

// Rows (n, n + h] of f's dates, for predicting.
Frame targets(const Frame& f, std::size_t n, std::size_t h) {
  Frame out;
  out.ds_us.assign(f.ds_us.begin() + static_cast<std::ptrdiff_t>(n), f.ds_us.begin() + static_cast<std::ptrdiff_t>(n + h));
  out.y.assign(h, 0.0);
  return out;
}

// The same training frame fitted by a model that computes everything and by one given `rows`.
std::pair<Prophet, Prophet> fit_cold_and_shared(const ProphetOptions& o, std::shared_ptr<const DesignRows> rows,
                                                const Frame& train) {
  Prophet cold(o), shared(o);
  shared.set_design_rows(std::move(rows));
  cold.fit(train);
  shared.fit(train);
  return {std::move(cold), std::move(shared)};
}

bool same_bits(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  if (a.size() != b.size()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

}  // namespace

TEST_CASE("percentiles gives exactly the two percentile() values") {
  std::mt19937_64 rng(3);
  // Sizes around the counting selection's minimum (64), and inputs that defeat its buckets (few
  // distinct values, one far outlier that leaves every other value in one bucket, the widest
  // finite range, an infinity) as well as random, sorted and reversed ones.
  enum class Shape { Random, Ties, Sorted, Reversed, Constant, Outlier, Widest, Infinite, Subnormal };
  for (std::size_t n : {1u, 2u, 3u, 10u, 63u, 64u, 65u, 511u, 512u, 513u, 999u, 1000u, 1001u, 4096u}) {
    for (Shape shape : {Shape::Random, Shape::Ties, Shape::Sorted, Shape::Reversed, Shape::Constant, Shape::Outlier,
                        Shape::Widest, Shape::Infinite, Shape::Subnormal}) {
      std::vector<double> v(n);
      for (auto& x : v) x = shape == Shape::Ties ? static_cast<double>(rng() % 7) : static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5;
      if (shape == Shape::Sorted) std::sort(v.begin(), v.end());
      if (shape == Shape::Reversed) std::sort(v.rbegin(), v.rend());
      if (shape == Shape::Constant) std::fill(v.begin(), v.end(), 2.5);
      if (shape == Shape::Outlier) v[n / 2] = 1e300;
      if (shape == Shape::Widest) {
        v.front() = -std::numeric_limits<double>::max();
        v.back() = std::numeric_limits<double>::max();
      }
      if (shape == Shape::Infinite) v[n / 3] = -std::numeric_limits<double>::infinity();
      if (shape == Shape::Subnormal)  // a range of a few subnormals: 256 / range overflows
        for (std::size_t i = 0; i < n; ++i) v[i] = std::numeric_limits<double>::denorm_min() * static_cast<double>(i % 3);
      for (const auto& [lo, hi] : {std::pair{10.0, 90.0}, {2.5, 97.5}, {0.0, 100.0}, {50.0, 50.0}, {90.0, 10.0}, {49.9, 50.1},
                                   {1.0, 99.0}, {12.0, 88.0}, {12.6, 87.4}, {0.1, 99.9}, {10.0, 50.0}}) {
        std::vector<double> a = v, b = v, c = v;
        const auto [plo, phi] = percentiles(c, lo, hi);
        CAPTURE(n);
        CAPTURE(static_cast<int>(shape));
        CAPTURE(lo);
        CAPTURE(hi);
        // Interpolating between infinities (or the largest doubles) gives NaN either way.
        const auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
        CHECK(same(plo, percentile(a, lo)));
        CHECK(same(phi, percentile(b, hi)));
      }
    }
  }
}

TEST_CASE("within_percentiles says exactly what comparing with percentiles() says") {
  std::mt19937_64 rng(5);
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t n : {1u, 2u, 3u, 10u, 63u, 64u, 65u, 1000u, 1001u}) {
    for (int shape = 0; shape < 5; ++shape) {  // random, ties, constant, an infinity, a NaN
      std::vector<double> v(n);
      for (auto& x : v) x = shape == 1 ? static_cast<double>(rng() % 5) : static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5;
      if (shape == 2) std::fill(v.begin(), v.end(), 2.5);
      if (shape == 3) v[n / 3] = inf;
      if (shape == 4) v[n / 2] = std::nan("");
      for (const auto& [lo, hi] : {std::pair{10.0, 90.0}, {2.5, 97.5}, {0.0, 100.0}, {50.0, 50.0}, {90.0, 10.0}, {12.6, 87.4}}) {
        std::vector<double> sorted = v;
        const auto [plo, phi] = percentiles(sorted, lo, hi);
        // Every value, the percentiles and their neighbouring doubles (where the counts alone cannot
        // decide), values outside the range, infinities and NaN.
        std::vector<double> ys = v;
        for (double p : {plo, phi})
          ys.insert(ys.end(), {p, std::nextafter(p, -inf), std::nextafter(p, inf), p + 1e-9, p - 1e-9});
        ys.insert(ys.end(), {-1.0, 1.0, 3.0, -inf, inf, std::nan("")});
        for (double y : ys) {
          CAPTURE(n);
          CAPTURE(shape);
          CAPTURE(lo);
          CAPTURE(hi);
          CAPTURE(y);
          CHECK(within_percentiles(v, lo, hi, y) == (plo <= y && y <= phi));
        }
      }
    }
  }
  CHECK_FALSE(within_percentiles({}, 10.0, 90.0, 0.0));
}

TEST_CASE("predict scoring observed values covers them exactly where its interval holds them") {
  const Frame f = forecast_test::synthetic_daily(400);
  Prophet m;
  m.fit(f);
  const Frame future = m.make_future(30);  // history rows and 30 future rows
  const Forecast full = m.predict(future);
  // Observed values at, just inside and just outside each bound, at yhat, and far away, with the
  // rows given in reverse date order (predict sorts them).
  const auto rows = static_cast<Eigen::Index>(future.ds_us.size());
  for (int variant = 0; variant < 6; ++variant) {
    Frame reversed;
    std::vector<double> observed;
    for (Eigen::Index i = rows - 1; i >= 0; --i) {
      reversed.ds_us.push_back(future.ds_us[static_cast<std::size_t>(i)]);
      const double lo = full.yhat_lower[i], hi = full.yhat_upper[i];
      const double at[] = {lo, hi, std::nextafter(lo, -INFINITY), std::nextafter(hi, INFINITY), full.yhat[i], hi + 100.0};
      observed.push_back(at[variant]);
    }
    const Forecast scored = m.predict(reversed, PredictOptions{.trend_interval = false, .observed = &observed});
    REQUIRE(scored.covered.size() == static_cast<std::size_t>(rows));
    CHECK(same_bits(scored.yhat, full.yhat));
    CHECK(std::isnan(scored.yhat_lower[rows - 1]));  // scored, not returned
    std::size_t covered = 0;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const double y = observed[static_cast<std::size_t>(rows - 1 - i)];
      CAPTURE(variant);
      CAPTURE(i);
      CHECK(static_cast<bool>(scored.covered[static_cast<std::size_t>(i)]) == (full.yhat_lower[i] <= y && y <= full.yhat_upper[i]));
      covered += scored.covered[static_cast<std::size_t>(i)] ? 1 : 0;
    }
    // At the bounds and at yhat every row is covered; just outside and far away none is.
    CHECK(covered == (variant == 0 || variant == 1 || variant == 4 ? static_cast<std::size_t>(rows) : 0u));
  }
  std::vector<double> too_few(3, 0.0);
  CHECK_THROWS_AS(m.predict(future, PredictOptions{.observed = &too_few}), ModelError);
}

TEST_CASE("predict without the trend interval gives the same yhat and interval") {
  const Frame f = forecast_test::synthetic_daily(400);
  Prophet m;
  m.fit(f);
  const Frame future = m.make_future(30);
  const Forecast full = m.predict(future);
  const Forecast lean = m.predict(future, PredictOptions{.trend_interval = false});
  CHECK(same_bits(full.yhat, lean.yhat));
  CHECK(same_bits(full.yhat_lower, lean.yhat_lower));
  CHECK(same_bits(full.yhat_upper, lean.yhat_upper));
  CHECK(same_bits(full.trend, lean.trend));
  CHECK(std::isnan(lean.trend_lower[lean.trend_lower.size() - 1]));
  CHECK(full.trend_upper[full.trend_upper.size() - 1] > full.trend_lower[full.trend_lower.size() - 1]);
}

TEST_CASE("resolve() settles the features and changepoints as fit() does, without fitting") {
  const Frame f = forecast_test::synthetic_daily(800);
  ProphetOptions o;
  o.holidays = {{"launch", sluice::parse_date("2021-03-01"), -1, 1, std::nullopt}};
  Prophet fitted(o), resolved(o);
  fitted.fit(f);
  resolved.resolve(f);
  CHECK_FALSE(resolved.fitted());
  CHECK(resolved.longest_period_days() == fitted.longest_period_days());
  CHECK(resolved.n_changepoints() == fitted.n_changepoints());
  CHECK(resolved.layout().names == fitted.layout().names);
  const ProphetOptions a = resolved.resolved_copy_options(), b = fitted.resolved_copy_options();
  CHECK(a.n_changepoints == b.n_changepoints);
  REQUIRE(a.custom_seasonalities.size() == b.custom_seasonalities.size());
  for (std::size_t i = 0; i < a.custom_seasonalities.size(); ++i) {
    CHECK(a.custom_seasonalities[i].name == b.custom_seasonalities[i].name);
    CHECK(a.custom_seasonalities[i].fourier_order == b.custom_seasonalities[i].fourier_order);
  }
  CHECK_THROWS_AS(resolved.predict(f), ModelError);
  Frame bad = f;
  bad.y[5] = INFINITY;
  CHECK_THROWS_AS(Prophet(o).resolve(bad), ModelError);  // the same validation as fit
}

TEST_CASE("design rows shared across cutoffs give bit-identical fits and forecasts") {
  Frame f = forecast_test::synthetic_daily(900);
  f.y[100] = std::nan("");  // a missing day, as daily_series with fill = null gives
  ProphetOptions o;
  o.holidays = {{"launch", sluice::parse_date("2021-03-01"), 0, 2, std::nullopt},
                {"launch", sluice::parse_date("2022-03-01"), 0, 2, std::nullopt}};
  Prophet full(o);
  full.resolve(f);
  const ProphetOptions copy = full.resolved_copy_options();
  const auto rows = std::make_shared<const DesignRows>(design_rows(full.features(), f.ds_us));
  for (std::size_t n : {400u, 650u, 870u}) {
    CAPTURE(n);
    auto [cold, shared] = fit_cold_and_shared(copy, rows, prefix(f, n));
    CHECK(same_bits(cold.fitted_x(), shared.fitted_x()));
    // Targets inside the history come from the rows; past its end they fall back to computing.
    for (const Frame& t : {targets(f, n, 30), shared.make_future(f.ds_us.size() - n + 5, false)}) {
      const Forecast a = cold.predict(t), b = shared.predict(t);
      CHECK(same_bits(a.yhat, b.yhat));
      CHECK(same_bits(a.yhat_lower, b.yhat_lower));
      CHECK(same_bits(a.yhat_upper, b.yhat_upper));
    }
  }
  // Rows of other features are not used: a weekly-only model gets its own columns.
  ProphetOptions weekly_only = copy;
  weekly_only.custom_seasonalities.pop_back();
  Prophet other(weekly_only);
  other.set_design_rows(rows);
  other.fit(prefix(f, 500));
  CHECK(other.layout().names.size() < full.layout().names.size());
  Prophet other_cold(weekly_only);
  other_cold.fit(prefix(f, 500));
  CHECK(same_bits(other.fitted_x(), other_cold.fitted_x()));
}

TEST_CASE("X'X from prefix sums matches X'X formed directly, and only for leading observed dates") {
  Frame f = forecast_test::synthetic_daily(300);
  FeatureSpec spec;
  spec.seasonalities = {{"weekly", 7.0, 3, 10.0, Mode::Additive}, {"yearly", 365.25, 10, 10.0, Mode::Additive}};
  std::vector<std::int64_t> observed;
  for (std::size_t i = 0; i < f.ds_us.size(); ++i)
    if (i != 40 && i != 41 && i != 200) observed.push_back(f.ds_us[i]);  // three unknown days
  const DesignRows rows = cutoff_design_rows(spec, f.ds_us, observed);
  REQUIRE(rows.gram);
  for (std::size_t n : {0u, 1u, 31u, 32u, 33u, 64u, 100u, 250u, 297u}) {
    CAPTURE(n);
    const std::vector<std::int64_t> ds(observed.begin(), observed.begin() + static_cast<std::ptrdiff_t>(n));
    const Eigen::MatrixXd X = design_matrix(spec, ds, {}, &rows);
    const auto xtx = gram_from_prefix(rows, spec, ds, X);
    REQUIRE(xtx);
    const Eigen::MatrixXd direct = X.transpose() * X;
    const Eigen::MatrixXd lower = xtx->triangularView<Eigen::Lower>();
    const Eigen::MatrixXd expected = direct.triangularView<Eigen::Lower>();
    CHECK((lower - expected).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, direct.cwiseAbs().maxCoeff()));
  }
  // Not a prefix of the observed dates (one skipped, or an unknown day included), other columns, no sums.
  std::vector<std::int64_t> skipped(observed.begin() + 1, observed.begin() + 50);
  CHECK_FALSE(gram_from_prefix(rows, spec, skipped, design_matrix(spec, skipped, {})));
  std::vector<std::int64_t> with_unknown(f.ds_us.begin(), f.ds_us.begin() + 50);
  CHECK_FALSE(gram_from_prefix(rows, spec, with_unknown, design_matrix(spec, with_unknown, {})));
  FeatureSpec weekly = spec;
  weekly.seasonalities.pop_back();
  const std::vector<std::int64_t> head(observed.begin(), observed.begin() + 50);
  CHECK_FALSE(gram_from_prefix(rows, weekly, head, design_matrix(weekly, head, {})));
  CHECK_FALSE(gram_from_prefix(design_rows(spec, f.ds_us), spec, head, design_matrix(spec, head, {})));
}

TEST_CASE("prefix sums that would take more than PrefixGram::kMaxBytes are not kept, and fits form X'X themselves") {
  Frame f = forecast_test::synthetic_daily(1100);
  FeatureSpec wide;  // 1,000 columns: 35 sums of 8 MB would be 280 MB
  wide.seasonalities = {{"yearly", 365.25, 500, 10.0, Mode::Additive}};
  const DesignRows rows = cutoff_design_rows(wide, f.ds_us, f.ds_us);
  CHECK(rows.X.cols() == 1000);
  CHECK_FALSE(rows.gram);
  const std::vector<std::int64_t> head(f.ds_us.begin(), f.ds_us.begin() + 64);
  CHECK_FALSE(gram_from_prefix(rows, wide, head, design_matrix(wide, head, {}, &rows)));
  // The flagship's few dozen columns over the same days are far inside it.
  FeatureSpec usual;
  usual.seasonalities = {{"weekly", 7.0, 3, 10.0, Mode::Additive}, {"yearly", 365.25, 10, 10.0, Mode::Additive}};
  CHECK(cutoff_design_rows(usual, f.ds_us, f.ds_us).gram);
}

TEST_CASE("a cutoff fitted with X'X from prefix sums matches the fit that forms it, up to rounding") {
  Frame f = forecast_test::synthetic_daily(900);
  f.y[100] = std::nan("");
  Prophet full(ProphetOptions{});
  full.resolve(f);
  const ProphetOptions copy = full.resolved_copy_options();
  std::vector<std::int64_t> observed;
  for (std::size_t i = 0; i < f.ds_us.size(); ++i)
    if (!std::isnan(f.y[i])) observed.push_back(f.ds_us[i]);
  const auto rows = std::make_shared<const DesignRows>(cutoff_design_rows(full.features(), f.ds_us, observed));
  for (std::size_t n : {400u, 651u, 870u}) {
    CAPTURE(n);
    auto [cold, summed] = fit_cold_and_shared(copy, rows, prefix(f, n));
    const Eigen::VectorXd a = cold.fitted_x(), b = summed.fitted_x();
    CHECK((a - b).cwiseAbs().maxCoeff() <= 1e-7 * std::max(1.0, a.cwiseAbs().maxCoeff()));
    const Forecast pa = cold.predict(targets(f, n, 30)), pb = summed.predict(targets(f, n, 30));
    CHECK((pa.yhat - pb.yhat).cwiseAbs().maxCoeff() <= 1e-7 * pa.yhat.cwiseAbs().maxCoeff());
  }
}

TEST_CASE("design_matrix copies the rows it is given, and computes what they do not cover") {
  Frame f = forecast_test::synthetic_daily(60);
  FeatureSpec spec;
  spec.seasonalities = {{"weekly", 7.0, 3, 10.0, Mode::Additive}};
  DesignRows rows = design_rows(spec, f.ds_us);
  const std::vector<std::int64_t> some{f.ds_us[3], f.ds_us[10], f.ds_us[59]};
  const Eigen::MatrixXd computed = design_matrix(spec, some, {});
  CHECK(design_matrix(spec, some, {}, &rows) == computed);
  rows.X *= 2.0;  // marks the copied rows
  CHECK(design_matrix(spec, some, {}, &rows) == 2.0 * computed);
  // A run of consecutive rows (one block), rows out of order, a permutation whose ends span
  // exactly its length, and a repeated date: each is the rows it names.
  for (const std::vector<std::size_t>& picks : std::vector<std::vector<std::size_t>>{
           {20, 21, 22, 23}, {0}, {59, 3, 10}, {0, 2, 1, 3}, {3, 3, 4}, {5, 4, 3, 2, 1}}) {
    std::vector<std::int64_t> dates;
    for (std::size_t i : picks) dates.push_back(f.ds_us[i]);
    CHECK(design_matrix(spec, dates, {}, &rows) == 2.0 * design_matrix(spec, dates, {}));
  }
  CHECK(design_matrix(spec, {}, {}, &rows).rows() == 0);
  const std::vector<std::int64_t> beyond{f.ds_us[3], f.ds_us[59] + kDay};
  CHECK(design_matrix(spec, beyond, {}, &rows) == design_matrix(spec, beyond, {}));
  FeatureSpec other = spec;
  other.seasonalities[0].order = 2;
  CHECK(design_matrix(other, some, {}, &rows) == design_matrix(other, some, {}));
  other.regressors = {{"temp", 0.0, 1.0, 10.0, Mode::Additive}};
  CHECK_THROWS_AS(design_rows(other, f.ds_us), std::invalid_argument);
}
