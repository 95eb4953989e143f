#pragma once
// Prophet's MAP objective (§4 of the model spec): the negative log posterior,
// constants dropped, in the unconstrained parameters
//   x = [k, m, delta_1..delta_S, u = ln(sigma_obs), beta_1..beta_K].
#include <Eigen/Dense>
#include <optional>
#include <vector>

#include "cancel.hpp"
#include "gram_form.hpp"
#include "options.hpp"

namespace sluice::prophet {

struct ObjectiveData {
  Growth growth = Growth::Linear;
  Eigen::VectorXd t;        // scaled time of the history rows
  Eigen::VectorXd y;        // scaled y
  Eigen::VectorXd cap;      // scaled cap (logistic only; else zeros)
  Eigen::VectorXd s;        // changepoints in scaled time (S >= 1)
  Eigen::MatrixXd X;        // T x K design matrix
  std::optional<Eigen::MatrixXd> xtx;  // X'X (lower triangle) when known beforehand (gram_from_prefix)
  Eigen::VectorXd additive;        // K: 1 if the column is additive
  Eigen::VectorXd multiplicative;  // K: 1 if the column is multiplicative
  Eigen::VectorXd sigmas;   // K prior scales
  double tau = 0.05;        // changepoint prior scale
};

// Positions of each block inside x.
struct ParamLayout {
  Eigen::Index S = 0, K = 0;
  Eigen::Index k() const { return 0; }
  Eigen::Index m() const { return 1; }
  Eigen::Index delta() const { return 2; }
  Eigen::Index log_sigma() const { return 2 + S; }
  Eigen::Index beta() const { return 3 + S; }
  Eigen::Index size() const { return 3 + S + K; }
};

class Objective {
 public:
  // `cancelled` is asked while the constructor sums X'X, which with thousands of columns takes a while.
  explicit Objective(ObjectiveData data, const CancelCheck& cancelled = {});

  const ParamLayout& layout() const { return layout_; }
  const ObjectiveData& data() const { return data_; }
  // F(x) and its gradient. The Laplace prior contributes sign(delta)/tau with
  // sign(0) = 0, the subgradient Stan's optimizers use.
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) const;
  double value(const Eigen::VectorXd& x) const;
  // F and gradient without the (non-smooth) Laplace term; used for Newton's Hessian.
  double smooth(const Eigen::VectorXd& x, Eigen::VectorXd& grad) const;
  // The Gram form, or null where the mean is not linear in psi (logistic growth,
  // multiplicative columns).
  const GramForm* gram() const { return gram_form_ ? &*gram_form_ : nullptr; }

 private:
  double evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* grad, bool with_laplace) const;
  void trend_gradient(const Eigen::VectorXd& x, const Eigen::VectorXd& w, Eigen::VectorXd& grad) const;

  // Fast path (GramForm): an evaluation costs O(P^2) instead of O(T P).
  double evaluate_gram(const Eigen::VectorXd& x, Eigen::VectorXd* grad, bool with_laplace) const;
  std::optional<GramForm> gram_form_;

  ObjectiveData data_;
  ParamLayout layout_;
  std::vector<int> segment_;
  Eigen::MatrixXd Xa_, Xm_;
  bool has_multiplicative_ = false;
};

}  // namespace sluice::prophet
