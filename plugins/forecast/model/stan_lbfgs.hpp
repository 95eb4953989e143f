#pragma once
// An L-BFGS minimiser that follows Stan's optimizer (bfgs.hpp, bfgs_linesearch.hpp,
// lbfgs_update.hpp) as described in §4.4 of the model spec: initial step 1e-3
// after a reset, cubic-interpolated initial steps afterwards, a strong-Wolfe
// line search (c1 = 1e-4, c2 = 0.9) with x10 bracketing and a cubic zoom,
// history 5, one Hessian reset on line-search failure, and Stan's six
// convergence tests. Following Stan's path matters because the Laplace prior
// makes the objective non-smooth: the optimum reached depends on the path.
#include <Eigen/Dense>
#include <functional>

#include "cancel.hpp"

namespace sluice::prophet {

struct StanLbfgsSettings {
  double init_alpha = 1e-3;
  double tol_obj = 1e-12;
  double tol_rel_obj = 1e4;
  double tol_grad = 1e-8;
  double tol_rel_grad = 1e7;
  double tol_param = 1e-8;
  int history_size = 5;
  int max_iterations = 10000;
  CancelCheck cancelled;  // asked before every iteration
};

struct StanLbfgsResult {
  Eigen::VectorXd x;
  double value = 0.0;
  int iterations = 0;
  bool line_search_failed = false;  // Stan's error return; Prophet then retries with Newton
  const char* reason = "";
};

// f(x, grad) returns the value (non-finite values make the line search back off).
using ObjectiveFn = std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>;
StanLbfgsResult stan_lbfgs(const ObjectiveFn& f, const Eigen::VectorXd& x0, const StanLbfgsSettings& settings = {});

// Minimiser over [lo, hi] of the cubic through (x0, f0, df0) and (x1, f1, df1).
double cubic_interp(double x0, double f0, double df0, double x1, double f1, double df1, double lo, double hi);

}  // namespace sluice::prophet
