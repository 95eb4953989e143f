#include "gram_form.hpp"

#include <algorithm>
#include <vector>

#include "gram_blocks.hpp"

namespace sluice::prophet {

namespace {

// Sums over a set of rows, taken relative to a changepoint c: with d = t - c,
// n = count, d1 = sum d, d2 = sum d^2, dy = sum d y, ysum = sum y, x = sum X, dx = sum d X.
struct RampSums {
  double n = 0, d1 = 0, d2 = 0, dy = 0, ysum = 0;
  Eigen::RowVectorXd x, dx;
  explicit RampSums(Eigen::Index K) : x(Eigen::RowVectorXd::Zero(K)), dx(Eigen::RowVectorXd::Zero(K)) {}

  // The same rows relative to a changepoint h earlier: d grows by h.
  void shift(double h) {
    d2 += 2.0 * h * d1 + h * h * n;  // every term >= 0: no cancellation
    d1 += h * n;
    dy += h * ysum;
    dx += h * x;
  }
  void add(const RampSums& o) {
    n += o.n;
    d1 += o.d1;
    d2 += o.d2;
    dy += o.dy;
    ysum += o.ysum;
    x += o.x;
    dx += o.dx;
  }
};

}  // namespace

GramForm linear_gram(Growth growth, const Eigen::VectorXd& t, const Eigen::VectorXd& y, const Eigen::MatrixXd& X,
                     const Eigen::VectorXd& s, const std::vector<int>& segment, const Eigen::MatrixXd* xtx,
                     const CancelCheck& cancelled) {
  const Eigen::Index T = t.size(), S = s.size(), K = X.cols(), P = 2 + S + K;
  const Eigen::Index beta = 2 + S;
  GramForm g;
  g.G.setZero(P, P);  // the lower triangle is filled, then mirrored
  g.b.setZero(P);
  g.yy = y.squaredNorm();
  // X'X (symmetric: a rank update fills one triangle for half the multiplications), X'y, and 1.
  if (xtx != nullptr) g.G.block(beta, beta, K, K).triangularView<Eigen::Lower>() = *xtx;
  else add_gram_by_blocks(g.G.block(beta, beta, K, K), X, gram_rows_per_block(K), cancelled);
  g.b.tail(K).noalias() = X.transpose() * y;
  g.G(1, 1) = static_cast<double>(T);
  g.b[1] = y.sum();
  g.G.block(beta, 1, K, 1) = X.colwise().sum().transpose();
  if (growth == Growth::Linear) {
    g.G(0, 0) = t.squaredNorm();
    g.G(1, 0) = t.sum();
    g.b[0] = t.dot(y);
    g.G.block(beta, 0, K, 1).noalias() = X.transpose() * t;

    // Row i has ramps t_i - s_j for j < segment[i]. Sum each segment q >= 1 (rows with
    // s_{q-1} <= t < s_q) relative to its own changepoint s_{q-1}, a run of one segment's rows at a
    // time; a run's sums of X column by column (X is column-major), each column's rows in row order:
    // the same sums, bit for bit, as a row-by-row pass...
    std::vector<RampSums> own(static_cast<std::size_t>(S + 1), RampSums(K));
    std::vector<double> d;
    for (Eigen::Index first = 0, end = 0; first < T; first = end) {
      const int q = segment[static_cast<std::size_t>(first)];
      end = first + 1;
      while (end < T && segment[static_cast<std::size_t>(end)] == q) ++end;
      if (q == 0) continue;
      RampSums& r = own[static_cast<std::size_t>(q)];
      d.resize(static_cast<std::size_t>(end - first));
      for (Eigen::Index i = first; i < end; ++i) {
        const double di = t[i] - s[q - 1];
        d[static_cast<std::size_t>(i - first)] = di;
        r.n += 1.0;
        r.d1 += di;
        r.d2 += di * di;
        r.dy += di * y[i];
        r.ysum += y[i];
      }
      for (Eigen::Index c = 0; c < K; ++c) {
        const double* column = X.col(c).data();
        double x = r.x[c], dx = r.dx[c];
        for (Eigen::Index i = first; i < end; ++i) {
          x += column[i];
          dx += d[static_cast<std::size_t>(i - first)] * column[i];
        }
        r.x[c] = x;
        r.dx[c] = dx;
      }
    }
    // ...then carry the sums down: the rows of ramp j are the segments after j, relative to s_j.
    std::vector<RampSums> ramp(static_cast<std::size_t>(S), RampSums(K));
    RampSums carried(K);
    for (Eigen::Index j = S - 1; j >= 0; --j) {
      if (j + 1 < S) carried.shift(s[j + 1] - s[j]);
      carried.add(own[static_cast<std::size_t>(j + 1)]);
      ramp[static_cast<std::size_t>(j)] = carried;
    }
    for (Eigen::Index j = 0; j < S; ++j) {
      const RampSums& r = ramp[static_cast<std::size_t>(j)];
      const Eigen::Index col = 2 + j;
      g.G(col, 0) = r.d2 + s[j] * r.d1;  // sum (t - s_j) t
      g.G(col, 1) = r.d1;
      g.b[col] = r.dy;
      g.G.block(beta, col, K, 1) = r.dx.transpose();
      // Ramps j <= l share ramp l's rows: sum (t - s_j)(t - s_l) = d2_l + (s_l - s_j) d1_l.
      for (Eigen::Index l = j; l < S; ++l) {
        const RampSums& later = ramp[static_cast<std::size_t>(l)];
        g.G(2 + l, col) = later.d2 + (s[l] - s[j]) * later.d1;
      }
    }
  }
  g.G.triangularView<Eigen::StrictlyUpper>() = g.G.transpose();
  return g;
}

}  // namespace sluice::prophet
