#pragma once
// Piecewise trends of Prophet (§2 of the model spec) on scaled time.
//
// Each time point belongs to a segment: the number of changepoints s_j <= t.
// Segment rates and offsets are computed once per parameter vector, so the
// trend costs O(T + S) for any number of points.
#include <Eigen/Dense>
#include <vector>

#include "options.hpp"

namespace sluice::prophet {

// For each t_i, how many changepoints s_j satisfy s_j <= t_i (s sorted ascending).
std::vector<int> segment_index(const Eigen::VectorXd& t, const Eigen::VectorXd& s);

// Rate and offset of every segment 0..S: g(t) = rate * t + offset (linear) or
// cap / (1 + exp(-rate * (t - offset))) (logistic).
struct Segments {
  Eigen::VectorXd rate;
  Eigen::VectorXd offset;
};
Segments linear_segments(const Eigen::VectorXd& s, double k, double m, const Eigen::VectorXd& delta);
// Prophet's sequential gamma recursion keeps the logistic curve continuous.
Segments logistic_segments(const Eigen::VectorXd& s, double k, double m, const Eigen::VectorXd& delta);

// The trend g(t) in scaled units for any growth. `cap` is used by logistic growth only.
Eigen::VectorXd evaluate_trend(Growth growth, const Eigen::VectorXd& t, const std::vector<int>& segment,
                               const Eigen::VectorXd& cap, const Eigen::VectorXd& s, double k, double m,
                               const Eigen::VectorXd& delta);

}  // namespace sluice::prophet
