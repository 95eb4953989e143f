#include "trend.hpp"

#include <algorithm>
#include <cmath>

namespace sluice::prophet {

std::vector<int> segment_index(const Eigen::VectorXd& t, const Eigen::VectorXd& s) {
  std::vector<int> seg(static_cast<std::size_t>(t.size()));
  const double* begin = s.data();
  const double* end = s.data() + s.size();
  for (Eigen::Index i = 0; i < t.size(); ++i)
    seg[static_cast<std::size_t>(i)] = static_cast<int>(std::upper_bound(begin, end, t[i]) - begin);
  return seg;
}

Segments linear_segments(const Eigen::VectorXd& s, double k, double m, const Eigen::VectorXd& delta) {
  const Eigen::Index n = s.size();
  Segments out{Eigen::VectorXd(n + 1), Eigen::VectorXd(n + 1)};
  out.rate[0] = k;
  out.offset[0] = m;
  for (Eigen::Index j = 0; j < n; ++j) {
    out.rate[j + 1] = out.rate[j] + delta[j];
    out.offset[j + 1] = out.offset[j] - s[j] * delta[j];
  }
  return out;
}

Segments logistic_segments(const Eigen::VectorXd& s, double k, double m, const Eigen::VectorXd& delta) {
  const Eigen::Index n = s.size();
  Segments out{Eigen::VectorXd(n + 1), Eigen::VectorXd(n + 1)};
  out.rate[0] = k;
  out.offset[0] = m;
  for (Eigen::Index j = 0; j < n; ++j) {
    out.rate[j + 1] = out.rate[j] + delta[j];
    // gamma_j = (s_j - m_prev) * (1 - k_{j-1} / k_j); offset_j = m_prev + gamma_j
    const double gamma = (s[j] - out.offset[j]) * (1.0 - out.rate[j] / out.rate[j + 1]);
    out.offset[j + 1] = out.offset[j] + gamma;
  }
  return out;
}

Eigen::VectorXd evaluate_trend(Growth growth, const Eigen::VectorXd& t, const std::vector<int>& segment,
                               const Eigen::VectorXd& cap, const Eigen::VectorXd& s, double k, double m,
                               const Eigen::VectorXd& delta) {
  Eigen::VectorXd g(t.size());
  switch (growth) {
    case Growth::Flat:
      g.setConstant(m);
      break;
    case Growth::Linear: {
      const Segments seg = linear_segments(s, k, m, delta);
      for (Eigen::Index i = 0; i < t.size(); ++i) {
        const int j = segment[static_cast<std::size_t>(i)];
        g[i] = seg.rate[j] * t[i] + seg.offset[j];
      }
      break;
    }
    case Growth::Logistic: {
      const Segments seg = logistic_segments(s, k, m, delta);
      for (Eigen::Index i = 0; i < t.size(); ++i) {
        const int j = segment[static_cast<std::size_t>(i)];
        g[i] = cap[i] / (1.0 + std::exp(-seg.rate[j] * (t[i] - seg.offset[j])));
      }
      break;
    }
  }
  return g;
}

}  // namespace sluice::prophet
