#pragma once
// Minimisers for the MAP objective: L-BFGS (LBFGSpp, with Stan's history size
// and tolerances) and a Stan-style Newton method for short series.
#include <Eigen/Dense>
#include <string>

#include "objective.hpp"

namespace sluice::prophet {

struct OptimizeResult {
  Eigen::VectorXd x;
  double value = 0.0;
  int iterations = 0;
  std::string algorithm;  // "lbfgs", "newton" or "lbfgs+newton"
};

// L-BFGS; if its line search fails, restarts from the best point with a fresh
// Hessian approximation (as Stan does once) and finally falls back to Newton
// when a restart brings no progress at all.
OptimizeResult minimize_lbfgs(const Objective& f, const Eigen::VectorXd& x0, int max_iterations);
// Newton with the exact Hessian of the smooth part (finite differences of the
// analytic gradient), eigenvalues made positive, step halving (Stan's newton.hpp).
OptimizeResult minimize_newton(const Objective& f, const Eigen::VectorXd& x0, int max_iterations);

}  // namespace sluice::prophet
