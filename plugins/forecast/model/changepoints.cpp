#include "changepoints.hpp"

#include <cfenv>
#include <cmath>

namespace sluice::prophet {

std::vector<std::size_t> changepoint_rows(std::size_t n_rows, int& n_changepoints, double changepoint_range) {
  const auto hist_size = static_cast<long long>(std::floor(static_cast<double>(n_rows) * changepoint_range));
  if (n_changepoints + 1 > hist_size) n_changepoints = static_cast<int>(std::max(0LL, hist_size - 1));
  std::vector<std::size_t> rows;
  if (n_changepoints <= 0) return rows;
  // linspace(0, hist_size - 1, n + 1) computed as numpy does (start + i * step),
  // rounded half-to-even (nearbyint in the default FE_TONEAREST mode).
  const double last = static_cast<double>(hist_size - 1);
  const double step = last / static_cast<double>(n_changepoints);
  for (int i = 1; i <= n_changepoints; ++i) {
    const double position = (i == n_changepoints) ? last : static_cast<double>(i) * step;
    rows.push_back(static_cast<std::size_t>(std::nearbyint(position)));
  }
  return rows;
}

}  // namespace sluice::prophet
