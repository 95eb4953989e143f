#include "gram_exact.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sluice::prophet {
namespace {

// min h(d) = 1/2 d'M d - r'd + mu * |d|_1 by feature-sign search (Lee, Battle,
// Raina and Ng, 2006). Coefficients that are not zero keep a sign, and the
// quadratic in them is solved exactly. Where that solution would flip a sign, a
// discrete line search moves to the best point of the segment towards it (the
// solution, or where a coefficient reaches zero), and a coefficient at zero
// leaves the active set. A zero coefficient joins once its gradient exceeds mu.
// Every step lowers h, so no active set repeats and the search ends.
class SignedLasso {
 public:
  SignedLasso(const Eigen::MatrixXd& M, const Eigen::VectorXd& r, double mu) : M_(M), r_(r), mu_(mu) {}

  // From d, in place. False if an active set's system is not positive definite
  // or the search does not settle.
  bool solve(Eigen::VectorXd& d) {
    const Eigen::Index n = d.size();
    const double curvature_floor = 1e-14 * std::max(1.0, M_.diagonal().cwiseAbs().maxCoeff());
    sign_.assign(static_cast<std::size_t>(n), 0);
    blocked_.assign(static_cast<std::size_t>(n), false);
    for (Eigen::Index j = 0; j < n; ++j) {
      // No curvature (as for delta under flat growth): only the penalty depends
      // on d_j, so it belongs at zero and never joins.
      if (!(M_(j, j) > curvature_floor)) {
        d[j] = 0.0;
        blocked_[idx(j)] = true;
      }
      sign_[idx(j)] = d[j] > 0.0 ? 1 : (d[j] < 0.0 ? -1 : 0);
    }
    const int max_steps = 10 * static_cast<int>(n) + 10;
    Eigen::VectorXd target(n);
    for (int step = 0; step < max_steps; ++step) {
      if (!solve_active(target)) return false;
      if (!signs_agree(target)) {
        if (!line_search(d, target)) return false;
        continue;
      }
      d = target;
      if (!admit_violator(d)) return true;
    }
    return false;
  }

 private:
  static std::size_t idx(Eigen::Index j) { return static_cast<std::size_t>(j); }

  double value(const Eigen::VectorXd& d) const { return 0.5 * d.dot(M_ * d) - r_.dot(d) + mu_ * d.lpNorm<1>(); }

  // The minimiser of h with the active signs fixed and the rest at zero.
  bool solve_active(Eigen::VectorXd& target) const {
    const Eigen::Index n = r_.size();
    std::vector<Eigen::Index> F;
    for (Eigen::Index j = 0; j < n; ++j)
      if (sign_[idx(j)] != 0) F.push_back(j);
    target.setZero(n);
    const auto a = static_cast<Eigen::Index>(F.size());
    if (a == 0) return true;
    Eigen::MatrixXd A(a, a);
    Eigen::VectorXd rhs(a);
    for (Eigen::Index i = 0; i < a; ++i) {
      for (Eigen::Index k = 0; k <= i; ++k) A(i, k) = M_(F[idx(i)], F[idx(k)]);
      rhs[i] = r_[F[idx(i)]] - mu_ * sign_[idx(F[idx(i)])];
    }
    const Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> llt(A);
    if (llt.info() != Eigen::Success) return false;
    const Eigen::VectorXd z = llt.solve(rhs);
    if (!z.allFinite()) return false;
    for (Eigen::Index i = 0; i < a; ++i) target[F[idx(i)]] = z[i];
    return true;
  }

  bool signs_agree(const Eigen::VectorXd& target) const {
    for (Eigen::Index j = 0; j < target.size(); ++j)
      if (sign_[idx(j)] != 0 && target[j] * sign_[idx(j)] <= 0.0) return false;
    return true;
  }

  // Moves d to the best of: target, and each point on the way where a
  // coefficient that would flip reaches zero (that coefficient set to zero
  // exactly). Coefficients at zero leave the active set.
  bool line_search(Eigen::VectorXd& d, const Eigen::VectorXd& target) {
    const Eigen::VectorXd step = target - d;
    double best_value = value(target);
    Eigen::VectorXd best = target;
    for (Eigen::Index j = 0; j < d.size(); ++j) {
      if (sign_[idx(j)] == 0 || d[j] == 0.0 || target[j] * sign_[idx(j)] > 0.0) continue;
      const double t = d[j] / (d[j] - target[j]);
      Eigen::VectorXd point = d + t * step;
      point[j] = 0.0;
      const double v = value(point);
      if (v < best_value) {
        best_value = v;
        best = std::move(point);
      }
    }
    if (!(best_value <= value(d))) return false;
    d = best;
    for (Eigen::Index j = 0; j < d.size(); ++j) {
      if (sign_[idx(j)] == 0) continue;
      if (d[j] * sign_[idx(j)] <= 0.0) {  // reached zero, or (rounding) just past it
        d[j] = 0.0;
        sign_[idx(j)] = 0;
      }
    }
    return true;
  }

  // A zero coefficient whose gradient exceeds mu joins with the sign that
  // lowers h; the largest violation first. False when there is none: d is optimal.
  bool admit_violator(const Eigen::VectorXd& d) {
    const Eigen::VectorXd grad = M_ * d - r_;
    Eigen::Index worst = -1;
    double worst_excess = 1e-10 * std::max(1.0, mu_);
    for (Eigen::Index j = 0; j < d.size(); ++j) {
      if (sign_[idx(j)] != 0 || blocked_[idx(j)]) continue;
      const double excess = std::abs(grad[j]) - mu_;
      if (excess > worst_excess) {
        worst_excess = excess;
        worst = j;
      }
    }
    if (worst < 0) return false;
    sign_[idx(worst)] = grad[worst] > 0.0 ? -1 : 1;
    return true;
  }

  const Eigen::MatrixXd& M_;
  const Eigen::VectorXd& r_;
  double mu_;
  std::vector<signed char> sign_;
  std::vector<bool> blocked_;
};

// For a fixed sigma^2: h(psi) = 1/2 psi'Q psi - c'psi + |delta|_1 / tau with
// Q = G / sigma^2 + the Gaussian priors' curvature and c = b / sigma^2. The
// unpenalised block u = (k, m, beta) is minimised out in closed form,
// u = Q_uu^-1 (c_u - Q_ud delta), which leaves a lasso in delta alone with the
// Schur complement M = Q_dd - Q_du Q_uu^-1 Q_ud: its active-set steps factor at
// most S x S systems instead of (S + K + 2)-square ones.
class ReducedLasso {
 public:
  ReducedLasso(const Eigen::MatrixXd& Q, const Eigen::VectorXd& c, Eigen::Index S) : S_(S) {
    const Eigen::Index P = c.size(), U = P - S;
    unpenalised_.reserve(static_cast<std::size_t>(U));
    for (Eigen::Index j = 0; j < P; ++j)
      if (j < 2 || j >= 2 + S) unpenalised_.push_back(j);
    Eigen::MatrixXd Quu(U, U), Qud(U, S);
    Eigen::VectorXd cu(U);
    for (Eigen::Index i = 0; i < U; ++i) {
      const Eigen::Index qi = unpenalised_[static_cast<std::size_t>(i)];
      for (Eigen::Index k = 0; k < U; ++k) Quu(i, k) = Q(qi, unpenalised_[static_cast<std::size_t>(k)]);
      Qud.row(i) = Q.block(qi, 2, 1, S);
      cu[i] = c[qi];
    }
    const Eigen::LLT<Eigen::MatrixXd> llt(Quu);  // positive definite: every u has a Gaussian prior
    ok_ = llt.info() == Eigen::Success;
    if (!ok_) return;
    W_ = llt.solve(Qud);
    a_ = llt.solve(cu);
    M_ = Q.block(2, 2, S, S) - Qud.transpose() * W_;
    r_ = c.segment(2, S) - W_.transpose() * cu;
    ok_ = W_.allFinite() && a_.allFinite();
  }

  bool solve(Eigen::VectorXd& psi, double mu) const {
    if (!ok_) return false;
    Eigen::VectorXd delta = psi.segment(2, S_);
    if (!SignedLasso(M_, r_, mu).solve(delta)) return false;
    const Eigen::VectorXd u = a_ - W_ * delta;
    psi.segment(2, S_) = delta;
    for (std::size_t i = 0; i < unpenalised_.size(); ++i) psi[unpenalised_[i]] = u[static_cast<Eigen::Index>(i)];
    return true;
  }

 private:
  Eigen::Index S_;
  std::vector<Eigen::Index> unpenalised_;
  Eigen::MatrixXd W_, M_;
  Eigen::VectorXd a_, r_;
  bool ok_ = false;
};

}  // namespace

std::optional<GramExactResult> minimize_gram_exact(const Objective& f, const Eigen::VectorXd& x,
                                                   const CancelCheck& cancelled) {
  const GramForm* gram = f.gram();
  if (gram == nullptr) return std::nullopt;
  const ParamLayout& L = f.layout();
  const ObjectiveData& d = f.data();
  const Eigen::Index head = 2 + L.S, P = head + L.K;  // psi = (k, m, delta, beta)
  Eigen::VectorXd psi(P);
  psi.head(head) = x.head(head);
  psi.tail(L.K) = x.segment(L.beta(), L.K);
  // The Gaussian priors' curvature: k, m ~ N(0, 5); beta_j ~ N(0, sigma_j).
  Eigen::VectorXd prior = Eigen::VectorXd::Zero(P);
  prior[0] = prior[1] = 1.0 / 25.0;
  prior.tail(L.K) = d.sigmas.cwiseProduct(d.sigmas).cwiseInverse();
  const double T = static_cast<double>(d.t.size());
  double sigma2 = std::exp(2.0 * x[L.log_sigma()]);

  GramExactResult result;
  Eigen::MatrixXd Q(P, P);
  Eigen::VectorXd c(P);
  for (int round = 0; round < 100; ++round) {
    throw_if_cancelled(cancelled);
    ++result.iterations;
    Q = gram->G / sigma2;
    Q.diagonal() += prior;
    c = gram->b / sigma2;
    if (!ReducedLasso(Q, c, L.S).solve(psi, 1.0 / d.tau)) return std::nullopt;
    const double rss = gram->rss(psi, gram->G * psi);
    const double next = (std::sqrt(T * T + 16.0 * rss) - T) / 8.0;
    if (!(next > 0.0) || !std::isfinite(next)) return std::nullopt;  // a perfect fit: no finite optimum
    const bool settled = std::abs(next - sigma2) <= 1e-13 * sigma2;
    sigma2 = next;
    if (settled) break;
  }
  result.x = x;
  result.x.head(head) = psi.head(head);
  result.x.segment(L.beta(), L.K) = psi.tail(L.K);
  result.x[L.log_sigma()] = 0.5 * std::log(sigma2);
  result.value = f.value(result.x);
  return result;
}

}  // namespace sluice::prophet
