#pragma once
// The trend's uncertainty: sampled future changepoints, as Prophet's sample_predictive_trend.
#include <Eigen/Dense>

#include "options.hpp"
#include "random.hpp"

namespace sluice::prophet {

// Future trend deviations U (scaled units): one row per sample, one column per future row
// (`future_t`, ascending, all past the history). Each future cell changes the rate with probability
// S * step (S = the number of changepoints `s`, step = the future's time step) by Laplace(0, mean |delta|);
// linear growth gives the integrated changes, logistic growth the re-run curve centred across samples,
// flat growth zeros. Asks `cancelled` before every sample and throws Cancelled once it returns true.
Eigen::MatrixXd trend_deviations(Growth growth, const Eigen::VectorXd& future_t, const Eigen::VectorXd& future_cap,
                                 double history_step, const Eigen::VectorXd& s, double k, double m,
                                 const Eigen::VectorXd& delta, int samples, Rng& rng, const CancelCheck& cancelled = {});

}  // namespace sluice::prophet
