#include "optimizer.hpp"

#include <LBFGS.h>

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "gram_exact.hpp"
#include "stan_lbfgs.hpp"

namespace sluice::prophet {
namespace {

// LBFGSpp may leave x mid-line-search when it throws; remember the best point seen.
// LBFGSpp has no per-iteration hook, so cancellation is asked at every evaluation.
class TrackingObjective {
 public:
  TrackingObjective(const Objective& f, const CancelCheck& cancelled) : f_(f), cancelled_(cancelled) {}
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    throw_if_cancelled(cancelled_);
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
  const CancelCheck& cancelled_;
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

// Stan's quasi-Newton stalls near the kinks of the Laplace prior, so where it
// stops depends on its path. Polish: minimise F with |delta| replaced by
// sqrt(delta^2 + eps^2) - eps (smooth, within S * eps / tau of F) from the
// stopping point, for shrinking eps, keeping a point only if the exact F drops.
// The result stays next to Stan's answer and its objective is never higher.
void polish_laplace(const Objective& f, OptimizeResult& result, StanLbfgsSettings settings) {
  const ParamLayout& L = f.layout();
  const double tau = f.data().tau;
  settings.max_iterations = 2000;
  for (const double eps : {1e-4, 1e-6}) {
    const auto smoothed = [&](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
      double v = f.smooth(x, g);
      for (Eigen::Index j = 0; j < L.S; ++j) {
        const double d = x[L.delta() + j];
        const double r = std::sqrt(d * d + eps * eps);
        v += (r - eps) / tau;
        g[L.delta() + j] += d / (r * tau);
      }
      return v;
    };
    const StanLbfgsResult r = stan_lbfgs(smoothed, result.x, settings);
    result.iterations += r.iterations;
    const double exact = f.value(r.x);
    if (exact < result.value) {
      result.x = r.x;
      result.value = exact;
    }
  }
}

}  // namespace

OptimizeResult minimize_lbfgs(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                              const CancelCheck& cancelled) {
  StanLbfgsSettings settings;
  settings.max_iterations = max_iterations;
  settings.cancelled = cancelled;
  const StanLbfgsResult r = stan_lbfgs([&f](const Eigen::VectorXd& x, Eigen::VectorXd& g) { return f(x, g); }, x0, settings);
  OptimizeResult result{r.x, r.value, r.iterations, "lbfgs"};
  if (!r.line_search_failed) {
    // Where the mean is linear in the parameters, the exact minimum near Stan's
    // stopping point is found directly; elsewhere by the smoothed polish.
    if (const std::optional<GramExactResult> exact = minimize_gram_exact(f, result.x, cancelled)) {
      result.iterations += exact->iterations;
      if (exact->value < result.value) {
        result.x = exact->x;
        result.value = exact->value;
      }
      return result;
    }
    polish_laplace(f, result, settings);
    return result;
  }
  OptimizeResult newton = minimize_newton(f, x0, max_iterations, cancelled);
  newton.iterations += result.iterations;
  if (newton.value < result.value) {
    newton.algorithm = "lbfgs+newton";
    return newton;
  }
  result.algorithm = "lbfgs (line search ended)";
  return result;
}

OptimizeResult minimize_map(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                            const CancelCheck& cancelled) {
  if (const std::optional<GramExactResult> exact = minimize_gram_exact(f, x0, cancelled))
    return OptimizeResult{exact->x, exact->value, exact->iterations, "active set"};
  return minimize_lbfgs(f, x0, max_iterations, cancelled);
}

OptimizeResult minimize_lbfgspp(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                                const CancelCheck& cancelled) {
  TrackingObjective tracked(f, cancelled);
  // The solver keeps a reference to its settings: they must outlive it.
  const LBFGSpp::LBFGSParam<double> params = stan_like_params(max_iterations);
  LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchNocedalWright> solver(params);
  Eigen::VectorXd x = x0;
  OptimizeResult result;
  result.algorithm = "lbfgspp";
  double previous_best = std::numeric_limits<double>::infinity();
  for (int attempt = 0; attempt < 4 && result.iterations < max_iterations; ++attempt) {
    double fx = 0.0;
    try {
      result.iterations += solver.minimize(tracked, x, fx);
      break;  // converged
    } catch (const Cancelled&) {
      throw;  // not a line-search failure: no restart
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
    OptimizeResult newton = minimize_newton(f, x0, max_iterations, cancelled);
    newton.algorithm = "lbfgspp+newton";
    return newton;
  }
  return result;
}

namespace {

// Stan's Newton takes the Hessian by finite differences of the gradient with a
// step of 1e-3, Laplace term included: across the kink at delta = 0 this gives
// a large curvature that keeps rate changes small. We do the same, to follow
// Prophet's Newton fits rather than to improve on them. Each column costs four
// gradients, so with thousands of columns cancellation is asked per column.
Eigen::MatrixXd finite_difference_hessian(const Objective& f, const Eigen::VectorXd& x, const CancelCheck& cancelled) {
  const Eigen::Index n = x.size();
  const double h = 1e-3;
  Eigen::MatrixXd H(n, n);
  Eigen::VectorXd g1(n), g2(n), g3(n), g4(n);
  Eigen::VectorXd xp = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    throw_if_cancelled(cancelled);
    xp[j] = x[j] + 2 * h;
    f(xp, g1);
    xp[j] = x[j] + h;
    f(xp, g2);
    xp[j] = x[j] - h;
    f(xp, g3);
    xp[j] = x[j] - 2 * h;
    f(xp, g4);
    xp[j] = x[j];
    H.col(j) = (-g1 + 8.0 * g2 - 8.0 * g3 + g4) / (12.0 * h);
  }
  return 0.5 * (H + H.transpose());
}

}  // namespace

OptimizeResult minimize_newton(const Objective& f, const Eigen::VectorXd& x0, int max_iterations,
                               const CancelCheck& cancelled) {
  OptimizeResult result;
  result.algorithm = "newton";
  Eigen::VectorXd x = x0;
  Eigen::VectorXd grad(x.size());
  double fx = f(x, grad);
  for (int it = 0; it < max_iterations; ++it) {
    ++result.iterations;
    const Eigen::MatrixXd H = finite_difference_hessian(f, x, cancelled);
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
