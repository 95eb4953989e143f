#include <doctest/doctest.h>

#include <cmath>

#include "diagnostics.hpp"
#include "prophet.hpp"
#include "seasonal_naive.hpp"
#include "test_support.hpp"

using namespace sluice::prophet;
using forecast_test::kDay;

namespace {
std::vector<std::int64_t> days(int from, int to) {
  std::vector<std::int64_t> v;
  for (int d = from; d <= to; ++d) v.push_back(d * kDay);
  return v;
}
}  // namespace

TEST_CASE("cutoffs step back by period from max(ds) - horizon while initial fits") {
  // 100 days, horizon 10, period 5, initial 60: first cutoff 89, then 84, 79, 74, 69, 64; 59 < 60 is dropped.
  const auto c = generate_cutoffs(days(0, 99), 10 * kDay, 5 * kDay, 60 * kDay);
  std::vector<std::int64_t> expected;
  for (int d : {64, 69, 74, 79, 84, 89}) expected.push_back(d * kDay);
  CHECK(c == expected);
}

TEST_CASE("cutoffs jump over gaps in the data") {
  // Data on days 0..49 and 80..99; horizon 10, period 10, initial 20.
  std::vector<std::int64_t> ds = days(0, 49);
  for (auto d : days(80, 99)) ds.push_back(d);
  const auto c = generate_cutoffs(ds, 10 * kDay, 10 * kDay, 20 * kDay);
  // 89, 79 (has data at 80..89), 69: no data in (69, 79] -> 49 - 10 = 39, then 29, 19 (dropped: 19 < 20).
  std::vector<std::int64_t> expected;
  for (int d : {29, 39, 79, 89}) expected.push_back(d * kDay);
  CHECK(c == expected);
}

TEST_CASE("cutoff errors") {
  CHECK_THROWS_WITH_AS(generate_cutoffs(days(0, 5), 10 * kDay, 5 * kDay, 0),
                       "the history is shorter than the horizon; shorten the horizon or add history", ModelError);
  CHECK_THROWS_AS(generate_cutoffs(days(0, 20), 10 * kDay, 5 * kDay, 30 * kDay), ModelError);
}

TEST_CASE("rolling mean by horizon weights the left-most group") {
  // Horizons 1,1,2,3,3,3 with x = 1..6 and w = 4.
  const std::vector<double> x{1, 2, 3, 4, 5, 6};
  const std::vector<std::int64_t> h{1, 1, 2, 3, 3, 3};
  const auto r = rolling_mean_by_h(x, h, 4);
  // From the right: h=3 (sum 15, n 3) < 4; add h=2 -> n 4: (18 - 0)/4 = 4.5 at h=3.
  // Remove h=3: sum 3, n 1; add h=1: sum 6, n 3 < 4. So only h=3 remains... then nothing more.
  REQUIRE(r.size() == 1);
  CHECK(r[0].first == 3);
  CHECK(r[0].second == doctest::Approx(4.5));
  const auto r2 = rolling_mean_by_h(x, h, 2);
  // h=3: n 3 >= 2, excess 1 -> (15 - 5)/2 = 5. Then h=2 (sum 3, n 1) + h=1 (sum 3, n 2): n 3, excess 1 weighted
  // by h=1's mean 1.5 -> (6 - 1.5)/2 = 2.25 for h=2; what is left (h=1: sum 3, n 2) gives 1.5 for h=1.
  REQUIRE(r2.size() == 3);
  CHECK(r2[0] == std::pair<std::int64_t, double>{1, 1.5});
  CHECK(r2[1].first == 2);
  CHECK(r2[1].second == doctest::Approx(2.25));
  CHECK(r2[2].second == doctest::Approx(5.0));
}

TEST_CASE("rolling median by horizon adds single earlier points") {
  const std::vector<double> x{10, 20, 30, 40, 50};
  const std::vector<std::int64_t> h{1, 2, 2, 3, 4};
  const auto r = rolling_median_by_h(x, h, 2);
  // h=4: [50, 40] -> 45; h=3: [40, 30] -> 35; h=2: [20, 30] -> 25; h=1: [10] cannot reach 2: stop.
  REQUIRE(r.size() == 3);
  CHECK(r[0] == std::pair<std::int64_t, double>{2, 25.0});
  CHECK(r[1] == std::pair<std::int64_t, double>{3, 35.0});
  CHECK(r[2] == std::pair<std::int64_t, double>{4, 45.0});
}

TEST_CASE("performance metrics from cross-validation points") {
  std::vector<CvPoint> pts;
  // Intervals [8.5 + h, 11.5 + h] around yhat = 10 + h: only h = 1 holds y = 10.
  for (int c = 0; c < 2; ++c)
    for (int hzn = 1; hzn <= 5; ++hzn)
      pts.push_back({(10 * c + hzn) * kDay, 10 * c * kDay, 10.0, 10.0 + hzn, 8.5 + hzn <= 10.0 && 10.0 <= 11.5 + hzn});
  const auto rows = performance_metrics(pts, 0.1);  // w = 1: per horizon
  REQUIRE(rows.size() == 5);
  CHECK(rows[2].horizon_us == 3 * kDay);
  CHECK(rows[2].mse == doctest::Approx(9.0));
  CHECK(rows[2].rmse == doctest::Approx(3.0));
  CHECK(rows[2].mae == doctest::Approx(3.0));
  CHECK(rows[2].mape == doctest::Approx(0.3));
  CHECK(rows[2].mdape == doctest::Approx(0.3));
  CHECK(rows[2].smape == doctest::Approx(3.0 / 11.5));
  CHECK(rows[0].coverage == 1.0);  // [9.5, 12.5] holds y = 10
  CHECK(rows[1].coverage == 0.0);
  pts[0].y = 0.0;
  CHECK_FALSE(performance_metrics(pts, 0.1)[0].has_mape);
}

TEST_CASE("cross-validation runs every cutoff and keeps cutoff order") {
  const Frame f = forecast_test::synthetic_daily(200);
  const auto cutoffs = generate_cutoffs(f.ds_us, 14 * kDay, 7 * kDay, 100 * kDay);
  const auto naive = [](const std::vector<std::int64_t>& ds, const std::vector<double>& y,
                        const std::vector<std::int64_t>& targets, const std::vector<double>& observed) {
    SeasonalNaive m(7, 0.8);
    m.fit(ds, y);
    return scored(m.predict(targets), observed);
  };
  const auto points = cross_validation(f.ds_us, f.y, cutoffs, 14 * kDay, naive);
  CHECK(points.size() == cutoffs.size() * 14);
  for (std::size_t i = 1; i < points.size(); ++i) CHECK(points[i - 1].cutoff_us <= points[i].cutoff_us);
}

TEST_CASE("seasonal naive repeats the last season and widens with seasons ahead") {
  std::vector<std::int64_t> ds = days(0, 27);
  std::vector<double> y;
  for (int i = 0; i < 28; ++i) y.push_back(static_cast<double>(i % 7) + (i >= 14 ? 1.0 : 0.0));
  SeasonalNaive m(7, 0.8);
  m.fit(ds, y);
  const auto p = m.predict({28 * kDay, 36 * kDay, 3 * kDay});
  CHECK(p.yhat[0] == y[21]);
  CHECK(p.yhat[1] == y[22]);  // two seasons back
  CHECK(std::isnan(p.yhat[2]));
  // Seasonal differences are 0 (x14) and 1 (x7): quantiles 0 and 1; two seasons ahead widens by sqrt(2).
  CHECK(p.upper[0] - p.yhat[0] == doctest::Approx(1.0));
  CHECK(p.upper[1] - p.yhat[1] == doctest::Approx(std::sqrt(2.0)));
  CHECK(p.lower[0] == p.yhat[0]);
}

TEST_CASE("seasonal naive intervals come from the differences one season apart, over gaps and missing values") {
  // Days 0..59 without days 9, 30 and 31, and with two unknown values: a difference is taken only
  // where both days are known.
  std::vector<std::int64_t> ds;
  std::vector<double> y;
  for (int d = 0; d < 60; ++d) {
    if (d == 9 || d == 30 || d == 31) continue;
    ds.push_back(d * kDay);
    y.push_back(d == 17 || d == 40 ? std::nan("") : std::sin(d * 0.7) * 10.0 + d);
  }
  std::vector<double> differences;
  for (std::size_t i = 0; i < ds.size(); ++i)
    for (std::size_t j = 0; j < ds.size(); ++j)
      if (ds[j] == ds[i] - 7 * kDay && !std::isnan(y[i]) && !std::isnan(y[j])) differences.push_back(y[i] - y[j]);
  REQUIRE(differences.size() > 20);
  SeasonalNaive m(7, 0.8);
  m.fit(ds, y);
  const auto p = m.predict({60 * kDay});
  REQUIRE(p.yhat[0] == y[ds.size() - 7]);  // day 53
  std::vector<double> copy = differences;
  CHECK(p.upper[0] - p.yhat[0] == doctest::Approx(percentile(copy, 90.0)));
  copy = differences;
  CHECK(p.lower[0] - p.yhat[0] == doctest::Approx(percentile(copy, 10.0)));
}
