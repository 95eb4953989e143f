#include "stan_lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace sluice::prophet {

double cubic_interp(double x0, double f0, double df0, double x1, double f1, double df1, double lo, double hi) {
  // p(z) = f0 + df0 z + b z^2 + a z^3 with z = x - x0 and h = x1 - x0.
  const double h = x1 - x0;
  const double b = (3.0 * (f1 - f0) - h * (2.0 * df0 + df1)) / (h * h);
  const double a = (h * (df0 + df1) - 2.0 * (f1 - f0)) / (h * h * h);
  auto p = [&](double x) {
    const double z = x - x0;
    return f0 + z * (df0 + z * (b + z * a));
  };
  double best = lo, best_value = p(lo);
  auto consider = [&](double x) {
    if (!(x >= lo && x <= hi)) return;
    const double v = p(x);
    if (v < best_value) {
      best = x;
      best_value = v;
    }
  };
  consider(hi);
  // Critical points: 3a z^2 + 2b z + df0 = 0.
  if (std::abs(a) > 1e-300) {
    const double disc = 4.0 * b * b - 12.0 * a * df0;
    if (disc >= 0.0) {
      const double r = std::sqrt(disc);
      consider(x0 + (-2.0 * b + r) / (6.0 * a));
      consider(x0 + (-2.0 * b - r) / (6.0 * a));
    }
  } else if (std::abs(b) > 1e-300) {
    consider(x0 - df0 / (2.0 * b));
  }
  return best;
}

namespace {

constexpr double kC1 = 1e-4, kC2 = 0.9, kMinAlpha = 1e-12;
constexpr int kMaxLineSearchIterations = 20, kMaxRestarts = 10;

struct Point {
  Eigen::VectorXd x, g;
  double f = 0.0;
};

class LineSearch {
 public:
  // `trial` is scratch space for the trial points, reused across line searches.
  LineSearch(const ObjectiveFn& f, const Point& start, const Eigen::VectorXd& p, Point& trial)
      : f_(f), start_(start), p_(p), trial_(trial) {
    dfp0_ = start.g.dot(p);
  }

  // Returns true and the accepted point on success.
  bool run(double alpha1, Point& out, double& alpha_out) {
    double alpha0 = 0.0, f_prev = start_.f, dfp_prev = dfp0_;
    int restarts = 0;
    for (int it = 0;;) {
      if (it >= kMaxLineSearchIterations) return false;
      const Point& trial = at(alpha1);
      if (!std::isfinite(trial.f)) {
        if (restarts++ >= kMaxRestarts) return false;
        alpha1 = 0.5 * (alpha0 + alpha1);
        continue;
      }
      restarts = 0;
      const double dfp1 = trial.g.dot(p_);
      if (trial.f > start_.f + alpha1 * kC1 * dfp0_ || (it > 0 && trial.f >= f_prev))
        return zoom(alpha0, f_prev, dfp_prev, alpha1, trial.f, dfp1, out, alpha_out);
      if (std::abs(dfp1) <= -kC2 * dfp0_) {
        std::swap(out, trial_);
        alpha_out = alpha1;
        return true;
      }
      if (dfp1 >= 0.0) return zoom(alpha1, trial.f, dfp1, alpha0, f_prev, dfp_prev, out, alpha_out);
      alpha0 = alpha1;
      f_prev = trial.f;
      dfp_prev = dfp1;
      alpha1 *= 10.0;
      ++it;
    }
  }

 private:
  const Point& at(double alpha) const {
    Point& q = trial_;
    q.x.resize(start_.x.size());
    q.x.noalias() = start_.x + alpha * p_;
    q.g.resize(q.x.size());
    q.f = f_(q.x, q.g);
    return q;
  }

  bool zoom(double lo, double f_lo, double dfp_lo, double hi, double f_hi, double dfp_hi, Point& out,
            double& alpha_out) const {
    for (int it = 1;; ++it) {
      if (std::abs(lo - hi) < kMinAlpha) return false;
      double alpha;
      if (it % 5 == 0) {
        alpha = 0.5 * (lo + hi);
      } else {
        alpha = cubic_interp(lo, f_lo, dfp_lo, hi, f_hi, dfp_hi, std::min(lo, hi), std::max(lo, hi));
        const double span = std::abs(hi - lo);
        if (std::abs(alpha - lo) < 0.01 * span || std::abs(alpha - hi) < 0.01 * span) alpha = 0.5 * (lo + hi);
      }
      const Point* trial = &at(alpha);
      while (!std::isfinite(trial->f)) {
        alpha = 0.5 * (alpha + std::min(lo, hi));
        if (std::abs(std::min(lo, hi) - alpha) < kMinAlpha) return false;
        trial = &at(alpha);
      }
      const double dfp = trial->g.dot(p_);
      if (trial->f > start_.f + alpha * kC1 * dfp0_ || trial->f >= f_lo) {
        hi = alpha;
        f_hi = trial->f;
        dfp_hi = dfp;
      } else {
        if (std::abs(dfp) <= -kC2 * dfp0_) {
          std::swap(out, trial_);
          alpha_out = alpha;
          return true;
        }
        if (dfp * (hi - lo) >= 0.0) {
          hi = lo;
          f_hi = f_lo;
          dfp_hi = dfp_lo;
        }
        lo = alpha;
        f_lo = trial->f;
        dfp_lo = dfp;
      }
      if (it > 100) return false;  // guard against a stalled interval
    }
  }

  const ObjectiveFn& f_;
  const Point& start_;
  const Eigen::VectorXd& p_;
  Point& trial_;
  double dfp0_ = 0.0;
};

// The limited-memory inverse Hessian: (s, y) pairs and the two-loop recursion.
// The pairs live in a ring of preallocated slots, oldest first from head_.
class LbfgsMemory {
 public:
  explicit LbfgsMemory(int size) : slots_(static_cast<std::size_t>(size)), alpha_(static_cast<std::size_t>(size)) {}
  void clear() { count_ = 0; }
  void add(const Eigen::VectorXd& s, const Eigen::VectorXd& y) {
    const double sy = s.dot(y);
    gamma_ = sy / y.squaredNorm();
    Pair* slot;
    if (count_ == slots_.size()) {
      slot = &slots_[head_];  // drop the oldest
      head_ = (head_ + 1) % slots_.size();
    } else {
      slot = &slots_[(head_ + count_) % slots_.size()];
      ++count_;
    }
    slot->s = s;
    slot->y = y;
    slot->rho = 1.0 / sy;
  }
  // Sets p = -H g.
  void direction(const Eigen::VectorXd& g, Eigen::VectorXd& p) {
    Eigen::VectorXd& q = p;
    q = g;
    for (std::size_t i = count_; i-- > 0;) {
      const Pair& pr = pair(i);
      alpha_[i] = pr.rho * pr.s.dot(q);
      q -= alpha_[i] * pr.y;
    }
    q *= gamma_;
    for (std::size_t i = 0; i < count_; ++i) {
      const Pair& pr = pair(i);
      const double beta = pr.rho * pr.y.dot(q);
      q += (alpha_[i] - beta) * pr.s;
    }
    q = -q;
  }

 private:
  struct Pair {
    Eigen::VectorXd s, y;
    double rho = 0.0;
  };
  const Pair& pair(std::size_t i) const { return slots_[(head_ + i) % slots_.size()]; }
  std::vector<Pair> slots_;
  std::vector<double> alpha_;
  std::size_t head_ = 0, count_ = 0;
  double gamma_ = 1.0;
};

}  // namespace

StanLbfgsResult stan_lbfgs(const ObjectiveFn& f, const Eigen::VectorXd& x0, const StanLbfgsSettings& cfg) {
  const double eps = std::numeric_limits<double>::epsilon();
  StanLbfgsResult result;
  Point current;
  current.x = x0;
  current.g.resize(x0.size());
  current.f = f(current.x, current.g);
  if (!std::isfinite(current.f)) {
    result.x = x0;
    result.value = current.f;
    result.line_search_failed = true;
    result.reason = "non-finite objective at the initial point";
    return result;
  }
  LbfgsMemory memory(cfg.history_size);
  Eigen::VectorXd p = -current.g;
  Eigen::VectorXd p_prev;
  double alpha_prev = 0.0, f_prev = current.f;
  Eigen::VectorXd g_prev;
  bool reset = true;
  Point next, trial;
  Eigen::VectorXd s, y;
  for (int iteration = 1;; ++iteration) {
    throw_if_cancelled(cfg.cancelled);
    double alpha = 0.0;
    for (;;) {
      if (reset) p = -current.g;
      double alpha0 = cfg.init_alpha;
      if (!reset && iteration > 1) {
        alpha0 = std::min(1.0, 1.01 * cubic_interp(0.0, 0.0, g_prev.dot(p_prev), alpha_prev, current.f - f_prev,
                                                   current.g.dot(p_prev), kMinAlpha, 1.0));
      }
      LineSearch search(f, current, p, trial);
      if (search.run(alpha0, next, alpha)) break;
      if (reset) {
        result.x = current.x;
        result.value = current.f;
        result.iterations = iteration - 1;
        result.line_search_failed = true;
        result.reason = "line search failed to achieve a sufficient decrease";
        return result;
      }
      reset = true;  // retry once from a steepest-descent direction
    }
    s = next.x - current.x;
    y = next.g - current.g;
    f_prev = current.f;
    g_prev = current.g;
    p_prev = p;
    alpha_prev = alpha;
    std::swap(current, next);
    result.iterations = iteration;

    const char* reason = nullptr;
    if (std::abs(f_prev - current.f) < cfg.tol_obj) reason = "absolute change in objective below tol_obj";
    else if (current.g.norm() < cfg.tol_grad) reason = "gradient norm below tol_grad";
    else if (s.norm() < cfg.tol_param) reason = "parameter change below tol_param";
    else if (iteration >= cfg.max_iterations) reason = "maximum iterations reached";
    else if ((f_prev - current.f) / std::max({std::abs(f_prev), std::abs(current.f), 1.0}) < cfg.tol_rel_obj * eps)
      reason = "relative change in objective below tol_rel_obj";
    if (!reason) {
      if (reset) {
        memory.clear();
        // Rescale the previous direction as Stan does after a reset.
        const double b0 = y.squaredNorm() / s.dot(y);
        p_prev /= b0;
        alpha_prev *= b0;
      }
      memory.add(s, y);
      memory.direction(current.g, p);
      const double rel_grad = -current.g.dot(p) / std::max(std::abs(current.f), 1.0);
      if (rel_grad < cfg.tol_rel_grad * eps) reason = "relative gradient magnitude below tol_rel_grad";
    }
    reset = false;
    if (reason) {
      result.x = current.x;
      result.value = current.f;
      result.reason = reason;
      return result;
    }
  }
}

}  // namespace sluice::prophet
