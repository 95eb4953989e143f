#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "gram_exact.hpp"
#include "objective.hpp"
#include "optimizer.hpp"

using namespace sluice::prophet;

namespace {

// A piecewise-linear series with two real rate changes among ten candidate
// changepoints, plus Fourier-like columns and noise: most deltas belong at zero.
ObjectiveData kinked_problem(Growth growth, bool multiplicative, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto u = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const int T = 300, K = 6, S = 10;
  ObjectiveData d;
  d.growth = growth;
  d.t = Eigen::VectorXd::LinSpaced(T, 0.0, 1.0);
  d.s = Eigen::VectorXd::LinSpaced(S, 0.05, 0.8);
  d.X = Eigen::MatrixXd(T, K);
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < K; ++j) d.X(i, j) = std::sin((j + 1) * 6.0 * d.t[i] + j);
  d.y = Eigen::VectorXd(T);
  for (int i = 0; i < T; ++i) {
    const double t = d.t[i];
    d.y[i] = 0.3 + 0.4 * t - 0.6 * std::max(0.0, t - 0.3) + 0.5 * std::max(0.0, t - 0.7) + 0.05 * d.X(i, 1) +
             0.04 * (u() - 0.5);
  }
  d.cap = Eigen::VectorXd::Constant(T, 1.5);
  d.additive = Eigen::VectorXd::Ones(K);
  if (multiplicative) d.additive[2] = 0.0;
  d.multiplicative = Eigen::VectorXd::Ones(K) - d.additive;
  d.sigmas = Eigen::VectorXd::Constant(K, 10.0);
  d.tau = 0.05;
  return d;
}

Eigen::VectorXd start_point(const ParamLayout& L) {
  Eigen::VectorXd x = Eigen::VectorXd::Zero(L.size());
  x[L.k()] = 0.2;
  x[L.m()] = 0.3;
  for (Eigen::Index j = 0; j < L.S; ++j) x[L.delta() + j] = 0.01 * ((j % 3) - 1);
  x[L.log_sigma()] = std::log(0.1);
  return x;
}

}  // namespace

TEST_CASE("the exact minimum satisfies the optimality conditions, kinks of the Laplace prior included") {
  for (const Growth growth : {Growth::Linear, Growth::Flat}) {
    const Objective f(kinked_problem(growth, false, 7));
    const ParamLayout& L = f.layout();
    const auto exact = minimize_gram_exact(f, start_point(L));
    REQUIRE(exact.has_value());
    CHECK(exact->iterations >= 1);
    CHECK(exact->value == doctest::Approx(f.value(exact->x)));

    Eigen::VectorXd g(L.size());
    f.smooth(exact->x, g);
    const double scale = 1.0 / f.data().tau;
    int at_zero = 0;
    for (Eigen::Index j = 0; j < L.size(); ++j) {
      const bool is_delta = j >= L.delta() && j < L.delta() + L.S;
      if (!is_delta) {
        CHECK(std::abs(g[j]) < 1e-6 * scale);
        continue;
      }
      const double d = exact->x[j];
      if (d == 0.0) {
        ++at_zero;
        CHECK(std::abs(g[j]) <= scale * (1.0 + 1e-9));  // the subgradient holds 0
      } else {
        CHECK(std::abs(g[j] + (d > 0 ? scale : -scale)) < 1e-6 * scale);
      }
    }
    if (growth == Growth::Linear) {
      CHECK(at_zero > 0);  // the prior put some candidate changepoints exactly at zero
      CHECK(at_zero < L.S);
    }
  }
}

TEST_CASE("the exact minimum is no higher than L-BFGS's, and no nearby point is lower") {
  const Objective f(kinked_problem(Growth::Linear, false, 11));
  const ParamLayout& L = f.layout();
  const Eigen::VectorXd x0 = start_point(L);
  const OptimizeResult quasi_newton = minimize_lbfgspp(f, x0, 10000);
  const auto exact = minimize_gram_exact(f, x0);
  REQUIRE(exact.has_value());
  CHECK(exact->value <= quasi_newton.value + 1e-9 * std::abs(quasi_newton.value));

  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0.0, 1e-5);
  for (int trial = 0; trial < 200; ++trial) {
    Eigen::VectorXd nearby = exact->x;
    for (Eigen::Index j = 0; j < L.size(); ++j) nearby[j] += normal(rng);
    CHECK(f.value(nearby) >= exact->value - 1e-9);
  }
  // The fit's path ends at the same point.
  const OptimizeResult fitted = minimize_lbfgs(f, x0, 10000);
  CHECK(fitted.value == doctest::Approx(exact->value).epsilon(1e-10));
}

TEST_CASE("without a Gram form (logistic growth, multiplicative columns) there is no exact path") {
  const Objective logistic(kinked_problem(Growth::Logistic, false, 5));
  CHECK(logistic.gram() == nullptr);
  CHECK_FALSE(minimize_gram_exact(logistic, start_point(logistic.layout())).has_value());
  const Objective multiplicative(kinked_problem(Growth::Linear, true, 5));
  CHECK(multiplicative.gram() == nullptr);
  CHECK_FALSE(minimize_gram_exact(multiplicative, start_point(multiplicative.layout())).has_value());
}
