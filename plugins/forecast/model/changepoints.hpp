#pragma once
// Changepoint placement (§2.1): evenly spaced over the first changepoint_range
// of the history, with numpy's round-half-to-even on the row indices.
#include <cstddef>
#include <vector>

namespace sluice::prophet {

// Row indices (into the sorted history of n rows) of the changepoints; n_changepoints
// is reduced to hist_size - 1 when the history is too short (returned through the argument).
std::vector<std::size_t> changepoint_rows(std::size_t n_rows, int& n_changepoints, double changepoint_range);

}  // namespace sluice::prophet
