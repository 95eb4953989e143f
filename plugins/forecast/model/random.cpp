#include "random.hpp"

#include <cmath>

namespace sluice::prophet {

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

double Rng::laplace(double scale) {
  const double v = uniform_open() - 0.5;  // in (-0.5, 0.5)
  const double magnitude = -scale * std::log1p(-2.0 * std::abs(v));
  return v < 0.0 ? -magnitude : magnitude;
}

}  // namespace sluice::prophet
