#include "optimizer.hpp"

#include <LBFGS.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace sluice::prophet {
namespace {

// LBFGSpp may leave x mid-line-search when it throws; remember the best point seen.
class TrackingObjective {
 public:
  explicit TrackingObjective(const Objective& f) : f_(f) {}
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const double v = f_(x, grad);
    if (std::isfinite(v) && v < best_value_) {
      best_value_ = v;
      best_x_ = x;
    }
    ++evaluations_;
    return v;
  }
  double best_value() const { return best_value_; }
  const Eigen::VectorXd& best_x() const { return best_x_; }

 private:
  const Objective& f_;
  double best_value_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x_;
  int evaluations_ = 0;
};

LBFGSpp::LBFGSParam<double> stan_like_params(int max_iterations) {
  LBFGSpp::LBFGSParam<double> p;
  p.m = 5;                     // Stan's history_size
  p.epsilon = 1e-8;            // tol_grad
  p.epsilon_rel = 0.0;
  p.past = 1;                  // relative objective change over one iteration...
  p.delta = 1e4 * std::numeric_limits<double>::epsilon();  // ...below tol_rel_obj
  p.max_iterations = max_iterations;
  p.max_linesearch = 40;
  p.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  p.ftol = 1e-4;               // c1
  p.wolfe = 0.9;               // c2
  return p;
}

}  // namespace

OptimizeResult minimize_lbfgs(const Objective& f, const Eigen::VectorXd& x0, int max_iterations) {
  TrackingObjective tracked(f);
  LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchNocedalWright> solver(stan_like_params(max_iterations));
  Eigen::VectorXd x = x0;
  OptimizeResult result;
  result.algorithm = "lbfgs";
  double previous_best = std::numeric_limits<double>::infinity();
  for (int attempt = 0; attempt < 4 && result.iterations < max_iterations; ++attempt) {
    double fx = 0.0;
    try {
      result.iterations += solver.minimize(tracked, x, fx);
      break;  // converged
    } catch (const std::exception&) {
      // Line search failure: usually at a kink of the Laplace prior near the
      // optimum. Restart from the best point with a fresh curvature estimate.
      if (!(tracked.best_value() < previous_best - 1e-12 * std::max(1.0, std::abs(previous_best)))) break;
      previous_best = tracked.best_value();
      x = tracked.best_x();
    }
  }
  result.x = tracked.best_x();
  result.value = tracked.best_value();
  if (!std::isfinite(result.value)) {
    OptimizeResult newton = minimize_newton(f, x0, max_iterations);
    newton.algorithm = "lbfgs+newton";
    return newton;
  }
  return result;
}

namespace {

Eigen::MatrixXd smooth_hessian(const Objective& f, const Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd H(n, n);
  Eigen::VectorXd gp(n), gm(n);
  Eigen::VectorXd xp = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(x[j]));
    xp[j] = x[j] + h;
    f.smooth(xp, gp);
    xp[j] = x[j] - h;
    f.smooth(xp, gm);
    xp[j] = x[j];
    H.col(j) = (gp - gm) / (2.0 * h);
  }
  return 0.5 * (H + H.transpose());
}

}  // namespace

OptimizeResult minimize_newton(const Objective& f, const Eigen::VectorXd& x0, int max_iterations) {
  OptimizeResult result;
  result.algorithm = "newton";
  Eigen::VectorXd x = x0;
  Eigen::VectorXd grad(x.size());
  double fx = f(x, grad);
  for (int it = 0; it < max_iterations; ++it) {
    ++result.iterations;
    const Eigen::MatrixXd H = smooth_hessian(f, x);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(H);
    // Flip negative curvature so the step always descends; floor tiny eigenvalues.
    Eigen::VectorXd lambda = eig.eigenvalues().cwiseAbs().cwiseMax(1e-8);
    const Eigen::VectorXd step =
        eig.eigenvectors() * (eig.eigenvectors().transpose() * grad).cwiseQuotient(lambda);
    double alpha = 2.0, f_new = std::numeric_limits<double>::infinity();
    Eigen::VectorXd x_new;
    while (!(f_new <= fx)) {
      alpha *= 0.5;
      if (alpha < 1e-50) break;
      x_new = x - alpha * step;
      f_new = f.value(x_new);
    }
    if (!(f_new <= fx)) break;  // no descent possible
    const double improvement = fx - f_new;
    x = x_new;
    fx = f(x, grad);
    if (improvement < 1e-8) break;
  }
  result.x = x;
  result.value = fx;
  return result;
}

}  // namespace sluice::prophet
