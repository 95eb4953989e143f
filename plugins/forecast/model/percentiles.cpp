// numpy's percentile (linear interpolation) by selection instead of sorting.
//
// Intervals take two percentiles (10th and 90th by default) of each future row's
// `uncertainty_samples` draws, which makes the selection a large part of predict and of every
// backtest cutoff. Both percentiles only depend on a few order statistics near the two tails, so
// tail_percentiles() first gathers the candidates for each tail in one branch-free pass and selects
// within those; the results are the same values that full selection gives.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "prophet.hpp"

namespace sluice::prophet {

namespace {

struct Rank {
  std::size_t lo;  // floor of the fractional rank
  double frac;     // its fractional part
};

Rank rank_of(std::size_t n, double q) {
  const double pos = static_cast<double>(n - 1) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  return {lo, pos - static_cast<double>(lo)};
}

// numpy's lerp, symmetric form for accuracy near either end.
double lerp(double a, double b, double frac) { return frac >= 0.5 ? b - (b - a) * (1.0 - frac) : a + (b - a) * frac; }

// The value at `rank` (0-based, in sorted order) interpolated towards the next order statistic, as
// numpy does, given `v` with v[rank] in place after a selection and every later element >= it.
double interpolate_from(const std::vector<double>& v, std::size_t rank, std::size_t end, double frac) {
  const double a = v[rank];
  if (rank + 1 >= end) return a;
  const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(rank) + 1, v.begin() + static_cast<std::ptrdiff_t>(end));
  return lerp(a, b, frac);
}

// Both percentiles, for at least 512 values and ranks in the lowest and highest eighths. The
// thresholds come from a sorted sample of 64 values, with a margin so that each tail almost always
// holds the order statistics it needs; nullopt when one does not (or the input does not qualify),
// and the caller selects over everything. Every value at or below the low threshold is a low
// candidate, so if there are at least rank + 2 of them they include the rank + 2 smallest values
// (ties included); likewise for the high tail.
std::optional<std::pair<double, double>> tail_percentiles(const std::vector<double>& v, Rank rl, Rank rh) {
  constexpr std::size_t kSample = 64, kMargin = 6;
  const std::size_t n = v.size();
  const std::size_t need_lo = rl.lo + 2, need_hi = n - rh.lo;  // sorted[0, rl.lo + 1] and sorted[rh.lo, n)
  if (n < 8 * kSample || need_lo * 8 > n || need_hi * 8 > n) return std::nullopt;

  std::array<double, kSample> sample;
  const std::size_t stride = n / kSample;
  for (std::size_t i = 0; i < kSample; ++i) sample[i] = v[i * stride];
  // A NaN has no rank (and would break the sort); leave such input to the full selection.
  if (std::any_of(sample.begin(), sample.end(), [](double x) { return std::isnan(x); })) return std::nullopt;
  std::sort(sample.begin(), sample.end());
  const auto at_least = [&](std::size_t count) { return (count * kSample + n - 1) / n; };  // sample positions for `count` values
  const double low_cut = sample[std::min(kSample - 1, at_least(need_lo) + kMargin)];
  const double high_cut = sample[kSample - 1 - std::min(kSample - 1, at_least(need_hi) + kMargin)];
  if (!(low_cut < high_cut)) return std::nullopt;

  // Low candidates fill the buffer from the front, high ones from the back; they cannot meet,
  // since no value is both <= low_cut and >= high_cut.
  std::vector<double> buffer(n);
  std::size_t n_lo = 0, n_hi = 0;
  for (const double x : v) {
    buffer[n_lo] = x;
    n_lo += x <= low_cut ? 1 : 0;
    buffer[n - 1 - n_hi] = x;
    n_hi += x >= high_cut ? 1 : 0;
  }
  if (n_lo < need_lo || n_hi < need_hi) return std::nullopt;

  const auto it = [&](std::size_t i) { return buffer.begin() + static_cast<std::ptrdiff_t>(i); };
  std::nth_element(it(0), it(rl.lo), it(n_lo));
  const double lower = interpolate_from(buffer, rl.lo, n_lo, rl.frac);
  const std::size_t hi_begin = n - n_hi, hi_rank = hi_begin + (n_hi - need_hi);  // sorted[rh.lo] within the high tail
  std::nth_element(it(hi_begin), it(hi_rank), it(n));
  const double upper = interpolate_from(buffer, hi_rank, n, rh.frac);
  return std::pair{lower, upper};
}

}  // namespace

double percentile(std::vector<double>& v, double q) {
  const Rank r = rank_of(v.size(), q);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(r.lo), v.end());
  return interpolate_from(v, r.lo, v.size(), r.frac);
}

std::pair<double, double> percentiles(std::vector<double>& v, double q_lo, double q_hi) {
  if (q_lo > q_hi) {
    const auto [hi, lo] = percentiles(v, q_hi, q_lo);
    return {lo, hi};
  }
  const std::size_t n = v.size();
  const Rank rl = rank_of(n, q_lo), rh = rank_of(n, q_hi);
  if (const auto tails = tail_percentiles(v, rl, rh)) return *tails;
  const auto at = [&](std::size_t i) { return v.begin() + static_cast<std::ptrdiff_t>(i); };
  std::nth_element(v.begin(), at(rl.lo), v.end());
  // Everything after rl.lo is >= v[rl.lo], so the upper rank only needs that part.
  if (rh.lo > rl.lo) std::nth_element(at(rl.lo + 1), at(rh.lo), v.end());
  const double a_lo = v[rl.lo], a_hi = v[rh.lo];
  // Each b is the smallest value after its rank. Past rh.lo that is the minimum of the tail; for
  // rl.lo < rh.lo it lies in (rl.lo, rh.lo], since the tail is >= v[rh.lo].
  const double b_hi = rh.lo + 1 < n ? *std::min_element(at(rh.lo + 1), v.end()) : a_hi;
  const double b_lo = rh.lo > rl.lo ? *std::min_element(at(rl.lo + 1), at(rh.lo + 1)) : b_hi;
  return {rl.lo + 1 < n ? lerp(a_lo, b_lo, rl.frac) : a_lo, rh.lo + 1 < n ? lerp(a_hi, b_hi, rh.frac) : a_hi};
}

}  // namespace sluice::prophet
