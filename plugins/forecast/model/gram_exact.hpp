#pragma once
// The exact minimum of the MAP objective where the mean is linear in
// psi = (k, m, delta, beta) (Objective::gram()).
//
// For a fixed sigma, F is a quadratic in psi plus |delta| / tau: a lasso, which
// an active-set method solves exactly. For a fixed psi, the best sigma has a
// closed form (the root of 4 sigma^4 + T sigma^2 - RSS = 0). Alternating the
// two never raises F, and it stops where neither moves: at a stationary point
// of F, kinks of the Laplace prior included. This replaces the smoothed
// L-BFGS polish there, which reached the same point in hundreds to thousands
// of iterations.
#include <Eigen/Dense>
#include <optional>

#include "cancel.hpp"
#include "objective.hpp"

namespace sluice::prophet {

struct GramExactResult {
  Eigen::VectorXd x;
  double value = 0.0;
  int iterations = 0;  // alternations between the lasso and sigma
};

// From x (where L-BFGS stopped). Empty when the objective has no Gram form or
// an active set's system is singular; the caller then polishes another way.
// Asks `cancelled` before every alternation and throws Cancelled once it returns true.
std::optional<GramExactResult> minimize_gram_exact(const Objective& f, const Eigen::VectorXd& x,
                                                   const CancelCheck& cancelled = {});

}  // namespace sluice::prophet
