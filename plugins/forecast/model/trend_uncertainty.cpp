// The trend's simulated future (§5): Prophet's changepoint process carried past the history.
#include "trend_uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "trend.hpp"

namespace sluice::prophet {

Eigen::MatrixXd trend_deviations(Growth growth, const Eigen::VectorXd& future_t, const Eigen::VectorXd& future_cap,
                                 double history_step, const Eigen::VectorXd& s, double k, double m,
                                 const Eigen::VectorXd& delta, int samples, Rng& rng, const CancelCheck& cancelled) {
  const Eigen::Index nf = future_t.size();
  Eigen::MatrixXd U(samples, nf);
  if (growth == Growth::Flat || nf == 0) {
    U.setZero();
    return U;
  }
  const double step = nf > 1 ? (future_t[nf - 1] - future_t[0]) / static_cast<double>(nf - 1) : history_step;
  const double p = static_cast<double>(s.size()) * step;  // historical changepoint rate per unit time
  const double scale = delta.cwiseAbs().mean() + 1e-8;

  // Smoothed shift matrix, one row per sample: M_j = (Z_j + Z_{j-1}) / 2 with Z ~ Bernoulli(p) * Laplace(0, scale).
  // Each row is turned into its path as soon as it is drawn (the paths use no random numbers).
  // The cells are independent, so instead of a Bernoulli draw per cell the gaps between changes
  // are drawn (geometric, across rows): random numbers only for the few cells that change, and
  // work only from a row's first change (about half the rows have none in a 30-day horizon).
  const Geometric gap(p);
  std::uint64_t cells_before_change = gap(rng);
  Eigen::VectorXd z = Eigen::VectorXd::Zero(nf), row = Eigen::VectorXd::Zero(nf);
  std::vector<Eigen::Index> changed;  // this row's changed cells, in column order
  // Draws the next row into `row` (zero before its first change, which it returns; nf if none).
  const auto draw_row = [&]() -> Eigen::Index {
    for (Eigen::Index j : changed) z[j] = 0.0;
    changed.clear();
    Eigen::Index j = 0;
    while (cells_before_change < static_cast<std::uint64_t>(nf - j)) {
      j += static_cast<Eigen::Index>(cells_before_change);
      z[j] = rng.laplace(scale);
      changed.push_back(j);
      cells_before_change = gap(rng);
      ++j;
    }
    cells_before_change -= static_cast<std::uint64_t>(nf - j);
    const Eigen::Index first = changed.empty() ? nf : changed.front();
    row.head(first).setZero();
    for (Eigen::Index c = first; c < nf; ++c) row[c] = 0.5 * (z[c] + (c > 0 ? z[c - 1] : 0.0));
    return first;
  };
  if (growth == Growth::Linear) {
    U.setZero();  // a row without changes has no deviation
    for (int i = 0; i < samples; ++i) {
      throw_if_cancelled(cancelled);
      const Eigen::Index first = draw_row();
      double slope = 0.0, level = 0.0;
      for (Eigen::Index j = first; j < nf; ++j) {
        slope += row[j];
        level += slope;
        U(i, j) = step * level;
      }
    }
    return U;
  }
  // Logistic: re-run the whole piecewise curve with the fitted changes placed on
  // a grid of the future step, then the sampled changes; centre across samples.
  std::vector<double> grid;  // numpy's arange(0, 1 + step, step): start + i * step
  for (std::size_t i = 0; static_cast<double>(i) * step < 1.0 + step; ++i) grid.push_back(static_cast<double>(i) * step);
  Eigen::VectorXd grid_delta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.size()));
  for (Eigen::Index j = 0; j < s.size(); ++j) {
    const auto it = std::upper_bound(grid.begin(), grid.end(), s[j]);
    if (it != grid.end()) grid_delta[it - grid.begin()] = delta[j];  // assignment, as Prophet
  }
  const auto H = static_cast<Eigen::Index>(grid.size());
  Eigen::VectorXd times(H + nf), changes(H + nf);
  for (Eigen::Index j = 0; j < H; ++j) times[j] = grid[static_cast<std::size_t>(j)];
  times.tail(nf) = future_t;
  changes.head(H) = grid_delta;
  for (int i = 0; i < samples; ++i) {
    throw_if_cancelled(cancelled);
    (void)draw_row();
    changes.tail(nf) = row;
    // Zero changes keep the rate (Prophet forward-fills), which the recursion does by itself.
    const Segments seg = logistic_segments(times, k, m, changes);
    for (Eigen::Index j = 0; j < nf; ++j) {
      const Eigen::Index q = H + j + 1;
      U(i, j) = future_cap[j] / (1.0 + std::exp(-seg.rate[q] * (future_t[j] - seg.offset[q])));
    }
  }
  const Eigen::RowVectorXd mean = U.colwise().mean();
  U.rowwise() -= mean;
  return U;
}


}  // namespace sluice::prophet
