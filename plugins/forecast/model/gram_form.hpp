#pragma once
// With linear or flat growth and only additive columns, the mean is linear in
// psi = (k, m, delta, beta): mu = Z psi, where Z's columns are t, 1, the
// changepoint ramps (t - s_j)+ and the design matrix X. Then
// RSS = yy - 2 b'psi + psi' G psi with G = Z'Z and b = Z'y.
#include <Eigen/Dense>
#include <algorithm>
#include <vector>

#include "cancel.hpp"
#include "options.hpp"

namespace sluice::prophet {

struct GramForm {
  Eigen::MatrixXd G;
  Eigen::VectorXd b;
  double yy = 0.0;

  // RSS at psi, given Gpsi = G psi. Clamped: rounding can make the expanded form slightly negative
  // at a perfect fit.
  double rss(const Eigen::VectorXd& psi, const Eigen::VectorXd& Gpsi) const {
    return std::max(0.0, yy - 2.0 * b.dot(psi) + psi.dot(Gpsi));
  }
};

// G and b without forming Z. Only X'X costs O(T K^2); the blocks of t, 1 and the
// ramps come from per-segment sums (segment[i]: the changepoints at or before
// t[i], as segment_index gives), carried from the last changepoint to the first
// while re-centring, in O(T K + S^2 + S K). Flat growth has no t or ramp columns
// (their rows and columns of G stay zero). Logistic growth has no Gram form.
// `xtx`, when given, is X'X (its lower triangle is used), computed beforehand (gram_from_prefix).
// Otherwise X'X is summed in blocks of rows, and `cancelled` is asked before each (throws Cancelled).
GramForm linear_gram(Growth growth, const Eigen::VectorXd& t, const Eigen::VectorXd& y, const Eigen::MatrixXd& X,
                     const Eigen::VectorXd& s, const std::vector<int>& segment, const Eigen::MatrixXd* xtx = nullptr,
                     const CancelCheck& cancelled = {});

}  // namespace sluice::prophet
