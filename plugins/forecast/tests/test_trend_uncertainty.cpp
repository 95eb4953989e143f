// The sampled future trend: the gap-drawing simulation against a cell-by-cell one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "random.hpp"
#include "trend_uncertainty.hpp"

using namespace sluice::prophet;

namespace {

// Prophet's process drawn literally: per cell a Bernoulli(p) change of Laplace(0, scale), smoothed
// over neighbouring cells and integrated twice. The Bernoulli draws come from the same geometric
// gaps as in the engine (a gap of g means g unchanged cells, then a change), so the random numbers
// and their order are the same, and so must every bit of the result be.
Eigen::MatrixXd linear_reference(const Eigen::VectorXd& future_t, const Eigen::VectorXd& s, const Eigen::VectorXd& delta,
                                 int samples, std::uint64_t seed) {
  Rng rng(seed);
  const Eigen::Index nf = future_t.size();
  const double step = (future_t[nf - 1] - future_t[0]) / static_cast<double>(nf - 1);
  const double p = static_cast<double>(s.size()) * step;
  const double scale = delta.cwiseAbs().mean() + 1e-8;
  Eigen::MatrixXd U(samples, nf);
  std::uint64_t gap = rng.geometric(p);
  for (int i = 0; i < samples; ++i) {
    double previous = 0.0, slope = 0.0, level = 0.0;
    for (Eigen::Index j = 0; j < nf; ++j) {
      double z = 0.0;
      if (gap == 0) {
        z = rng.laplace(scale);
        gap = rng.geometric(p);
      } else {
        --gap;
      }
      slope += 0.5 * (z + previous);
      level += slope;
      U(i, j) = step * level;
      previous = z;
    }
  }
  return U;
}

bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("Geometric draws the values of Rng::geometric for the same p") {
  for (const double p : {0.0, 1e-300, 0.004, 0.023, 0.3, 0.9, 1.0, 1.5}) {
    Rng a(11), b(11);
    const Geometric gap(p);
    CAPTURE(p);
    for (int i = 0; i < 2000; ++i) REQUIRE(gap(a) == b.geometric(p));
  }
}

TEST_CASE("linear trend deviations: the same bits as drawing every cell, at low and high change rates") {
  const Eigen::Index nf = 30;
  Eigen::VectorXd future_t(nf), cap = Eigen::VectorXd::Zero(nf);
  for (Eigen::Index j = 0; j < nf; ++j) future_t[j] = 1.0 + static_cast<double>(j + 1) / 1000.0;
  Eigen::VectorXd delta(5);
  delta << 0.02, -0.01, 0.0, 0.05, -0.03;
  // The change rate is S * step: 25 changepoints at a step of 1/1000 is the flagship's 2.5 % a day;
  // 1,000 changepoints make every cell change.
  for (const int changepoints : {1, 25, 200, 1000}) {
    const Eigen::VectorXd s = Eigen::VectorXd::LinSpaced(changepoints, 0.0, 0.8);
    Eigen::VectorXd d = Eigen::VectorXd::Zero(changepoints);
    for (Eigen::Index j = 0; j < changepoints; ++j) d[j] = delta[j % delta.size()];
    for (const std::uint64_t seed : {1u, 2u, 77u}) {
      Rng rng(seed);
      const Eigen::MatrixXd U = trend_deviations(Growth::Linear, future_t, cap, 1.0 / 1000.0, s, 0.1, 0.5, d, 500, rng);
      CAPTURE(changepoints);
      CAPTURE(seed);
      CHECK(same_bits(U, linear_reference(future_t, s, d, 500, seed)));
      CHECK(U.cwiseAbs().maxCoeff() > 0.0);
    }
  }
}

TEST_CASE("flat growth has no trend deviations") {
  Eigen::VectorXd future_t(3);
  future_t << 1.01, 1.02, 1.03;
  Rng rng(5);
  const Eigen::MatrixXd U = trend_deviations(Growth::Flat, future_t, Eigen::VectorXd::Zero(3), 0.01,
                                             Eigen::VectorXd::Constant(1, 0.5), 0.0, 0.0, Eigen::VectorXd::Zero(1), 10, rng);
  CHECK(U.rows() == 10);
  CHECK(U.cwiseAbs().maxCoeff() == 0.0);
}
