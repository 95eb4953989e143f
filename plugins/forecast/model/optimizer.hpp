#pragma once
// Minimisers for the MAP objective: L-BFGS (LBFGSpp, with Stan's history size
// and tolerances) and a Stan-style Newton method for short series. Each asks
// `cancelled` every iteration and throws Cancelled once it returns true.
#include <Eigen/Dense>
#include <string>

#include "cancel.hpp"
#include "objective.hpp"

namespace sluice::prophet {

struct OptimizeResult {
  Eigen::VectorXd x;
  double value = 0.0;
  int iterations = 0;
  std::string algorithm;  // "active set", "lbfgs", "newton" or "lbfgs+newton"
};

// Where the mean is linear in the parameters (Objective::gram()): the exact
// minimum from x0 (gram_exact.hpp). F has one minimum there in practice: on the
// demo stores' 427 backtest fits, it is where Stan's L-BFGS followed by the same
// search ends, to 2e-13, so Stan's path is not taken. Elsewhere, or when an
// active set's system is singular: minimize_lbfgs.
OptimizeResult minimize_map(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                            const CancelCheck& cancelled = {});
// Stan-style L-BFGS (stan_lbfgs.hpp). When its line search fails, Prophet
// retries with Newton from the initial point; we do the same and keep the
// better of the two optima.
OptimizeResult minimize_lbfgs(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                              const CancelCheck& cancelled = {});
// LBFGSpp's L-BFGS (strong-Wolfe line search, Stan's history size and
// tolerances), restarted from the best point after a line-search failure.
// Kept for comparison: on Prophet's objective it stops early far more often.
OptimizeResult minimize_lbfgspp(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                                const CancelCheck& cancelled = {});
// Newton as Stan's newton.hpp: a finite-difference Hessian of the gradient,
// eigenvalues made positive, step halving from 1 until F does not increase.
OptimizeResult minimize_newton(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                               const CancelCheck& cancelled = {});

}  // namespace sluice::prophet
