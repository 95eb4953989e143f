#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gram_blocks.hpp"
#include "objective.hpp"
#include "prophet.hpp"
#include "test_support.hpp"
#include "trend.hpp"

using namespace sluice::prophet;

namespace {

ObjectiveData random_problem(Growth growth, bool multiplicative, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto u = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const int T = 60, K = 6;
  ObjectiveData d;
  d.growth = growth;
  d.t = Eigen::VectorXd::LinSpaced(T, 0.0, 1.0);
  d.s = Eigen::VectorXd(4);
  d.s << 0.15, 0.4, 0.55, 0.8;
  d.X = Eigen::MatrixXd(T, K);
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < K; ++j) d.X(i, j) = u() * 2.0 - 1.0;
  d.y = Eigen::VectorXd(T);
  for (int i = 0; i < T; ++i) d.y[i] = 0.3 + 0.4 * d.t[i] + 0.1 * (u() - 0.5);
  d.cap = Eigen::VectorXd::Constant(T, 1.2);
  d.additive = Eigen::VectorXd::Ones(K);
  if (multiplicative) d.additive[1] = d.additive[4] = 0.0;
  d.multiplicative = Eigen::VectorXd::Ones(K) - d.additive;
  d.sigmas = Eigen::VectorXd::Constant(K, 10.0);
  d.sigmas[0] = 3.0;
  d.tau = 0.05;
  return d;
}

Eigen::VectorXd random_point(const ParamLayout& L, Growth growth) {
  Eigen::VectorXd x(L.size());
  x[L.k()] = growth == Growth::Logistic ? 2.0 : 0.4;
  x[L.m()] = growth == Growth::Logistic ? 0.1 : 0.3;
  const double deltas[] = {0.3, -0.2, 0.15, -0.4};
  for (Eigen::Index j = 0; j < L.S; ++j) x[L.delta() + j] = deltas[j];  // away from the kink at 0
  x[L.log_sigma()] = std::log(0.2);
  for (Eigen::Index j = 0; j < L.K; ++j) x[L.beta() + j] = 0.05 * static_cast<double>(j + 1) * (j % 2 ? -1 : 1);
  return x;
}

// The same objective written naively from the spec, with an explicit A matrix.
double naive_objective(const ObjectiveData& d, const Eigen::VectorXd& x) {
  const Eigen::Index S = d.s.size(), K = d.X.cols(), T = d.t.size();
  const double k = x[0], m = x[1];
  const Eigen::VectorXd delta = x.segment(2, S);
  const double sigma = std::exp(x[2 + S]);
  const Eigen::VectorXd beta = x.segment(3 + S, K);
  Eigen::MatrixXd A(T, S);
  for (Eigen::Index i = 0; i < T; ++i)
    for (Eigen::Index j = 0; j < S; ++j) A(i, j) = d.t[i] >= d.s[j] ? 1.0 : 0.0;
  Eigen::VectorXd g(T);
  if (d.growth == Growth::Linear) {
    g = (Eigen::VectorXd::Constant(T, k) + A * delta).cwiseProduct(d.t) + Eigen::VectorXd::Constant(T, m) -
        A * d.s.cwiseProduct(delta);
  } else if (d.growth == Growth::Flat) {
    g.setConstant(m);
  } else {
    Eigen::VectorXd gamma(S);
    double m_prev = m, k_prev = k;
    for (Eigen::Index j = 0; j < S; ++j) {
      const double k_next = k_prev + delta[j];
      gamma[j] = (d.s[j] - m_prev) * (1.0 - k_prev / k_next);
      m_prev += gamma[j];
      k_prev = k_next;
    }
    const Eigen::VectorXd rate = Eigen::VectorXd::Constant(T, k) + A * delta;
    const Eigen::VectorXd off = Eigen::VectorXd::Constant(T, m) + A * gamma;
    for (Eigen::Index i = 0; i < T; ++i) g[i] = d.cap[i] / (1.0 + std::exp(-rate[i] * (d.t[i] - off[i])));
  }
  const Eigen::VectorXd mu =
      g.cwiseProduct((d.X * d.multiplicative.asDiagonal() * beta).array().matrix() + Eigen::VectorXd::Ones(T)) +
      d.X * d.additive.asDiagonal() * beta;
  const Eigen::VectorXd r = d.y - mu;
  double f = k * k / 50.0 + m * m / 50.0 + delta.cwiseAbs().sum() / d.tau + 2.0 * sigma * sigma;
  for (Eigen::Index j = 0; j < K; ++j) f += beta[j] * beta[j] / (2.0 * d.sigmas[j] * d.sigmas[j]);
  f += static_cast<double>(T) * std::log(sigma) + r.squaredNorm() / (2.0 * sigma * sigma);
  return f;
}

void check_gradient(Growth growth, bool multiplicative) {
  const Objective f(random_problem(growth, multiplicative, 11));
  const Eigen::VectorXd x = random_point(f.layout(), growth);
  Eigen::VectorXd grad(x.size());
  const double value = f(x, grad);
  CHECK(value == doctest::Approx(naive_objective(f.data(), x)).epsilon(1e-12));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double h = 1e-6;
    Eigen::VectorXd xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    const double fd = (f.value(xp) - f.value(xm)) / (2 * h);
    INFO("parameter " << i);
    CHECK(grad[i] == doctest::Approx(fd).epsilon(1e-6).scale(1.0));
  }
}

}  // namespace

TEST_CASE("analytic gradient matches finite differences: linear") { check_gradient(Growth::Linear, false); }
TEST_CASE("analytic gradient matches finite differences: linear, multiplicative") { check_gradient(Growth::Linear, true); }
TEST_CASE("analytic gradient matches finite differences: logistic") { check_gradient(Growth::Logistic, false); }
TEST_CASE("analytic gradient matches finite differences: logistic, multiplicative") { check_gradient(Growth::Logistic, true); }
TEST_CASE("analytic gradient matches finite differences: flat") { check_gradient(Growth::Flat, false); }

TEST_CASE("the Laplace prior uses sign(0) = 0 and smooth() drops it") {
  const Objective f(random_problem(Growth::Linear, false, 3));
  Eigen::VectorXd x = random_point(f.layout(), Growth::Linear);
  x.segment(f.layout().delta(), f.layout().S).setZero();
  Eigen::VectorXd g(x.size()), gs(x.size());
  const double full = f(x, g);
  const double smooth = f.smooth(x, gs);
  CHECK(full == smooth);  // all deltas are 0
  CHECK((g - gs).norm() == 0.0);
  x[f.layout().delta()] = -0.1;
  f(x, g);
  f.smooth(x, gs);
  CHECK(g[f.layout().delta()] - gs[f.layout().delta()] == doctest::Approx(-1.0 / 0.05));
}

TEST_CASE("objective value at a hand-computed point") {
  // T = 2 points, S = 1 changepoint at 0.5, K = 1 zero column: F is a closed form.
  ObjectiveData d;
  d.t = Eigen::Vector2d(0.0, 1.0);
  d.y = Eigen::Vector2d(0.5, 1.0);
  d.s = Eigen::VectorXd::Constant(1, 0.5);
  d.cap = Eigen::Vector2d::Zero();
  d.X = Eigen::MatrixXd::Zero(2, 1);
  d.additive = Eigen::VectorXd::Ones(1);
  d.multiplicative = Eigen::VectorXd::Zero(1);
  d.sigmas = Eigen::VectorXd::Ones(1);
  d.tau = 0.05;
  const Objective f(d);
  Eigen::VectorXd x(5);
  x << 1.0, 0.5, 0.2, std::log(0.5), 0.3;
  // g = [0.5, (1 + 0.2) * 1 + 0.5 - 0.5 * 0.2] = [0.5, 1.6]; r = [0, -0.6]
  const double expected = 1.0 / 50 + 0.25 / 50 + 0.2 / 0.05 + 2 * 0.25 + 0.09 / 2 + 2 * std::log(0.5) + 0.36 / (2 * 0.25);
  CHECK(f.value(x) == doctest::Approx(expected).epsilon(1e-14));
}

TEST_CASE("initial values follow Prophet's formulas") {
  sluice::prophet::Frame f;
  for (int i = 0; i < 11; ++i) {
    f.ds_us.push_back(forecast_test::day_us("2022-01-01") + i * forecast_test::kDay);
    f.y.push_back(i == 0 ? 2.0 : (i == 10 ? 8.0 : 5.0 + (i % 3)));
  }
  ProphetOptions o;
  o.uncertainty_samples = 0;
  o.growth = Growth::Linear;
  Prophet lin(o);
  lin.fit(f);
  const ParamLayout& L = lin.objective().layout();
  // y_scale = 8: k = (8 - 2) / 8 = 0.75, m = 0.25
  CHECK(lin.initial_x()[L.k()] == doctest::Approx(0.75));
  CHECK(lin.initial_x()[L.m()] == doctest::Approx(0.25));
  CHECK(lin.initial_x()[L.log_sigma()] == 0.0);
  CHECK(lin.initial_x().segment(L.delta(), L.S).isZero());

  o.growth = Growth::Flat;
  Prophet flat(o);
  flat.fit(f);
  double mean = 0;
  for (double y : f.y) mean += y / 8.0;
  CHECK(flat.initial_x()[L.m()] == doctest::Approx(mean / 11.0));
  CHECK(flat.initial_x()[L.k()] == 0.0);

  o.growth = Growth::Logistic;
  f.cap.assign(11, 10.0);
  Prophet logi(o);
  logi.fit(f);
  // C = 10/8 = 1.25, y0 = 0.25, y1 = 1.0: r0 = 5, r1 = 1.25; L0 = ln 4, L1 = ln 0.25
  const double l0 = std::log(4.0), l1 = std::log(0.25);
  CHECK(logi.initial_x()[L.k()] == doctest::Approx(l0 - l1));
  CHECK(logi.initial_x()[L.m()] == doctest::Approx(l0 / (l0 - l1)));
}

TEST_CASE("logistic init: equal ratios get r0 *= 1.05, and values are clamped into (0.01, 0.99) * C") {
  sluice::prophet::Frame f;
  for (int i = 0; i < 5; ++i) {
    f.ds_us.push_back(forecast_test::day_us("2022-01-01") + i * forecast_test::kDay);
    f.y.push_back(i == 2 ? 9.0 : 4.0);
  }
  f.cap.assign(5, 10.0);
  ProphetOptions o;
  o.growth = Growth::Logistic;
  o.uncertainty_samples = 0;
  Prophet m(o);
  m.fit(f);
  const double C = 10.0 / 9.0, y = 4.0 / 9.0;
  const double r0 = 1.05 * C / y, r1 = C / y;
  const double l0 = std::log(r0 - 1), l1 = std::log(r1 - 1);
  CHECK(m.initial_x()[0] == doctest::Approx(l0 - l1));
  CHECK(m.initial_x()[1] == doctest::Approx(l0 / (l0 - l1)));
}

TEST_CASE("the Gram form equals Z'Z and Z'y of the explicit columns (t, 1, ramps, X), rows in any order") {
  for (const Growth growth : {Growth::Linear, Growth::Flat}) {
    ObjectiveData d = random_problem(growth, false, 21);
    // Rows out of time order, and a changepoint before any row (ramp 0 covers every row).
    std::mt19937_64 rng(4);
    Eigen::PermutationMatrix<Eigen::Dynamic> shuffle(d.t.size());
    shuffle.setIdentity();
    std::shuffle(shuffle.indices().data(), shuffle.indices().data() + shuffle.size(), rng);
    d.t = shuffle * d.t;
    d.y = shuffle * d.y;
    d.X = shuffle * d.X;
    d.s[0] = -0.05;
    const Eigen::Index T = d.t.size(), S = d.s.size(), K = d.X.cols();
    Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(T, 2 + S + K);
    Z.col(1).setOnes();
    if (growth == Growth::Linear) {
      Z.col(0) = d.t;
      for (Eigen::Index i = 0; i < T; ++i)
        for (Eigen::Index j = 0; j < S; ++j) Z(i, 2 + j) = d.t[i] >= d.s[j] ? d.t[i] - d.s[j] : 0.0;
    }
    Z.rightCols(K) = d.X;
    const Objective f(d);
    REQUIRE(f.gram() != nullptr);
    const Eigen::MatrixXd G = Z.transpose() * Z;
    CHECK((f.gram()->G - G).cwiseAbs().maxCoeff() < 1e-12 * G.cwiseAbs().maxCoeff());
    CHECK(f.gram()->G.isApprox(f.gram()->G.transpose(), 0.0));
    const Eigen::VectorXd b = Z.transpose() * d.y;
    CHECK((f.gram()->b - b).cwiseAbs().maxCoeff() < 1e-12 * b.cwiseAbs().maxCoeff());
    CHECK(f.gram()->yy == doctest::Approx(d.y.squaredNorm()));
  }
}

TEST_CASE("X'X of a thousand columns is summed a block of rows at a time, asking the cancel check before each") {
  // 2^26 multiply-adds per block: 55 rows of 1,100 columns, so 120 rows make 3 blocks.
  const Eigen::Index T = 120, K = 1100;
  std::mt19937_64 rng(8);
  const Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(T, K, [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5; });
  const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(T, 0.0, 1.0), y = Eigen::VectorXd::Ones(T);
  const Eigen::VectorXd s = Eigen::VectorXd::Constant(1, 0.5);
  const std::vector<int> segment = segment_index(t, s);
  int asked = 0;
  const GramForm g = linear_gram(Growth::Flat, t, y, X, s, segment, nullptr, [&] { return ++asked > 100; });
  CHECK(asked == 3);
  const Eigen::Index beta = 2 + s.size();
  for (const auto& [i, j] : {std::pair<Eigen::Index, Eigen::Index>{0, 0}, {54, 3}, {1099, 0}, {1099, 1099}, {700, 699}})
    CHECK(g.G(beta + i, beta + j) == doctest::Approx(X.col(i).dot(X.col(j))).epsilon(1e-12));

  asked = 0;
  CHECK_THROWS_AS(linear_gram(Growth::Flat, t, y, X, s, segment, nullptr, [&] { return ++asked == 2; }), Cancelled);
  CHECK(asked == 2);  // the second block was never summed
}

TEST_CASE("add_gram_by_blocks adds X'X a block at a time, the last block shorter, and shows each running sum") {
  const Eigen::Index T = 10, K = 3;
  std::mt19937_64 rng(3);
  const Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(T, K, [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; });
  Eigen::MatrixXd xtx = Eigen::MatrixXd::Identity(K, K);  // added to, not overwritten
  std::vector<Eigen::MatrixXd> seen;
  int asked = 0;
  add_gram_by_blocks(xtx, X, 4, [&] { return ++asked > 10; }, [&] { seen.push_back(xtx); });
  CHECK(asked == 3);  // rows 0-3, 4-7, 8-9
  REQUIRE(seen.size() == 3);
  for (const auto& [block, rows] : {std::pair<std::size_t, Eigen::Index>{0, 4}, {1, 8}, {2, 10}}) {
    const Eigen::MatrixXd expected = Eigen::MatrixXd::Identity(K, K) + X.topRows(rows).transpose() * X.topRows(rows);
    CAPTURE(block);
    for (Eigen::Index i = 0; i < K; ++i)
      for (Eigen::Index j = 0; j <= i; ++j) CHECK(seen[block](i, j) == doctest::Approx(expected(i, j)).epsilon(1e-14));
    CHECK(seen[block](0, 2) == 0.0);  // only the lower triangle is summed
  }
  CHECK(xtx == seen.back());
  CHECK(gram_rows_per_block(1100) == 55);
  CHECK(gram_rows_per_block(30) == (Eigen::Index{1} << 26) / 900);
  CHECK(gram_rows_per_block(0) == Eigen::Index{1} << 26);
}
