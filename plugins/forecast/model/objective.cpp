#include "objective.hpp"

#include <cmath>

#include "trend.hpp"

namespace sluice::prophet {

Objective::Objective(ObjectiveData data, const CancelCheck& cancelled) : data_(std::move(data)) {
  layout_.S = data_.s.size();
  layout_.K = data_.X.cols();
  segment_ = segment_index(data_.t, data_.s);
  has_multiplicative_ = data_.multiplicative.sum() > 0.0;
  if (!has_multiplicative_ && data_.growth != Growth::Logistic) {
    gram_form_ = linear_gram(data_.growth, data_.t, data_.y, data_.X, data_.s, segment_, data_.xtx ? &*data_.xtx : nullptr,
                             cancelled);
    return;  // the Gram form does not use Xa_ and Xm_
  }
  Xa_ = data_.X * data_.additive.asDiagonal();
  if (has_multiplicative_) Xm_ = data_.X * data_.multiplicative.asDiagonal();
}

double Objective::evaluate_gram(const Eigen::VectorXd& x, Eigen::VectorXd* grad, bool with_laplace) const {
  const auto& L = layout_;
  const Eigen::Index P = 2 + L.S + L.K;
  // Per-thread scratch: the optimizers evaluate F thousands of times per fit.
  thread_local Eigen::VectorXd psi, Gpsi;
  psi.resize(P);
  psi.head(2 + L.S) = x.head(2 + L.S);
  psi.tail(L.K) = x.segment(L.beta(), L.K);
  const double k = x[L.k()], m = x[L.m()], u = x[L.log_sigma()];
  const double sigma2 = std::exp(2.0 * u);
  Gpsi.resize(P);
  const GramForm& gram = *gram_form_;
  const Eigen::VectorXd& b = gram.b;
  Gpsi.noalias() = gram.G * psi;
  const double rss = gram.rss(psi, Gpsi);
  const auto beta = x.segment(L.beta(), L.K);
  const auto delta = x.segment(L.delta(), L.S);
  const double T = static_cast<double>(data_.t.size());
  double f = (k * k + m * m) / 50.0 + 2.0 * sigma2 + 0.5 * beta.cwiseQuotient(data_.sigmas).squaredNorm() + T * u +
             rss / (2.0 * sigma2);
  if (with_laplace) f += delta.cwiseAbs().sum() / data_.tau;
  if (grad == nullptr) return f;
  Eigen::VectorXd& Gr = *grad;
  Gr.resize(L.size());
  // d(RSS / 2 sigma^2) / d psi = (G psi - b) / sigma^2
  Gr.head(2 + L.S) = (Gpsi.head(2 + L.S) - b.head(2 + L.S)) / sigma2;
  Gr.segment(L.beta(), L.K) =
      (Gpsi.tail(L.K) - b.tail(L.K)) / sigma2 + beta.cwiseQuotient(data_.sigmas.cwiseProduct(data_.sigmas));
  Gr[L.k()] += k / 25.0;
  Gr[L.m()] += m / 25.0;
  if (with_laplace) {
    for (Eigen::Index j = 0; j < L.S; ++j) {
      const double d = delta[j];
      Gr[L.delta() + j] += (d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : 0.0)) / data_.tau;
    }
  }
  Gr[L.log_sigma()] = 4.0 * sigma2 + T - rss / sigma2;
  return f;
}

double Objective::operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) const {
  return evaluate(x, &grad, true);
}

double Objective::value(const Eigen::VectorXd& x) const { return evaluate(x, nullptr, true); }

double Objective::smooth(const Eigen::VectorXd& x, Eigen::VectorXd& grad) const { return evaluate(x, &grad, false); }

double Objective::evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* grad, bool with_laplace) const {
  if (gram_form_) return evaluate_gram(x, grad, with_laplace);
  const auto& L = layout_;
  const double k = x[L.k()], m = x[L.m()];
  const Eigen::VectorXd delta = x.segment(L.delta(), L.S);
  const double u = x[L.log_sigma()];
  const Eigen::VectorXd beta = x.segment(L.beta(), L.K);
  const double sigma = std::exp(u);
  const double sigma2 = sigma * sigma;
  const double T = static_cast<double>(data_.t.size());

  const Eigen::VectorXd g = evaluate_trend(data_.growth, data_.t, segment_, data_.cap, data_.s, k, m, delta);
  const Eigen::VectorXd xa = Xa_ * beta;
  Eigen::VectorXd mu = g + xa;
  Eigen::VectorXd one_plus_xm;
  if (has_multiplicative_) {
    one_plus_xm = (Xm_ * beta).array() + 1.0;
    mu = g.cwiseProduct(one_plus_xm) + xa;
  }
  const Eigen::VectorXd r = data_.y - mu;
  const double rss = r.squaredNorm();

  double f = (k * k + m * m) / 50.0 + 2.0 * sigma2 + 0.5 * beta.cwiseQuotient(data_.sigmas).squaredNorm() + T * u +
             rss / (2.0 * sigma2);
  if (with_laplace) f += delta.cwiseAbs().sum() / data_.tau;
  if (grad == nullptr) return f;

  Eigen::VectorXd& G = *grad;
  G.setZero(L.size());
  // w_i = dF/dg_i
  Eigen::VectorXd w = -r / sigma2;
  if (has_multiplicative_) w = w.cwiseProduct(one_plus_xm);
  trend_gradient(x, w, G);
  G[L.k()] += k / 25.0;
  G[L.m()] += m / 25.0;
  if (with_laplace) {
    for (Eigen::Index j = 0; j < L.S; ++j) {
      const double d = delta[j];
      G[L.delta() + j] += (d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : 0.0)) / data_.tau;
    }
  }
  G[L.log_sigma()] = 4.0 * sigma2 + T - rss / sigma2;
  Eigen::VectorXd gb = beta.cwiseQuotient(data_.sigmas.cwiseProduct(data_.sigmas)) - (Xa_.transpose() * r) / sigma2;
  if (has_multiplicative_) gb -= (Xm_.transpose() * g.cwiseProduct(r)) / sigma2;
  G.segment(L.beta(), L.K) = gb;
  return f;
}

void Objective::trend_gradient(const Eigen::VectorXd& x, const Eigen::VectorXd& w, Eigen::VectorXd& G) const {
  const auto& L = layout_;
  const Eigen::Index S = L.S;
  const Eigen::VectorXd& t = data_.t;
  const Eigen::VectorXd& s = data_.s;
  switch (data_.growth) {
    case Growth::Flat:
      G[L.m()] += w.sum();
      return;
    case Growth::Linear: {
      // Per-segment sums, then suffix sums: dF/d delta_j = sum_{t_i >= s_j} w_i (t_i - s_j).
      Eigen::VectorXd w_seg = Eigen::VectorXd::Zero(S + 1), wt_seg = Eigen::VectorXd::Zero(S + 1);
      for (Eigen::Index i = 0; i < t.size(); ++i) {
        const int j = segment_[static_cast<std::size_t>(i)];
        w_seg[j] += w[i];
        wt_seg[j] += w[i] * t[i];
      }
      double suffix_w = 0.0, suffix_wt = 0.0;
      for (Eigen::Index j = S - 1; j >= 0; --j) {
        suffix_w += w_seg[j + 1];
        suffix_wt += wt_seg[j + 1];
        G[L.delta() + j] += suffix_wt - s[j] * suffix_w;
      }
      G[L.k()] += wt_seg.sum();
      G[L.m()] += w_seg.sum();
      return;
    }
    case Growth::Logistic: {
      const Segments seg = logistic_segments(s, x[L.k()], x[L.m()], x.segment(L.delta(), S));
      Eigen::VectorXd g_rate = Eigen::VectorXd::Zero(S + 1), g_offset = Eigen::VectorXd::Zero(S + 1);
      for (Eigen::Index i = 0; i < t.size(); ++i) {
        const int j = segment_[static_cast<std::size_t>(i)];
        const double z = seg.rate[j] * (t[i] - seg.offset[j]);
        const double p = 1.0 / (1.0 + std::exp(-z));
        const double dg_dz = data_.cap[i] * p * (1.0 - p);
        g_rate[j] += w[i] * dg_dz * (t[i] - seg.offset[j]);
        g_offset[j] -= w[i] * dg_dz * seg.rate[j];
      }
      // Back through offset_{j+1} = offset_j + (s_j - offset_j) * (1 - rate_j / rate_{j+1}).
      for (Eigen::Index j = S - 1; j >= 0; --j) {
        const double r0 = seg.rate[j], r1 = seg.rate[j + 1];
        const double gap = s[j] - seg.offset[j];
        const double adj = g_offset[j + 1];
        g_offset[j] += adj * r0 / r1;
        g_rate[j] += -adj * gap / r1;
        g_rate[j + 1] += adj * gap * r0 / (r1 * r1);
      }
      // rate_j = k + sum_{l < j} delta_l
      double suffix = 0.0;
      for (Eigen::Index j = S; j >= 1; --j) {
        suffix += g_rate[j];
        G[L.delta() + j - 1] += suffix;
      }
      G[L.k()] += suffix + g_rate[0];
      G[L.m()] += g_offset[0];
      return;
    }
  }
}

}  // namespace sluice::prophet
