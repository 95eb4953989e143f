// numpy's percentile (linear interpolation) by selection instead of sorting, and whether a value
// lies between two percentiles by counting instead of selecting.
//
// Intervals take two percentiles (10th and 90th by default) of each future row's
// `uncertainty_samples` draws, which makes the selection a large part of predict and of every
// backtest cutoff. Both percentiles only depend on four order statistics, so
// bucket_percentiles() counts the values into buckets of equal width over their range and
// selects only within the buckets that hold those four; the results are the values that full
// selection gives.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
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

// Both percentiles by counting, for at least 64 finite values. The range [min, max] is cut into
// 256 buckets of equal width; a value's bucket, floor((x - min) * scale), never decreases as x
// grows, so the buckets' running counts say which bucket holds each needed order statistic and at
// which rank inside it. One more pass gathers those buckets' values (a few per bucket for draws
// that spread over the range), and each is sorted. nullopt for NaN or infinite values, which the
// caller leaves to full selection. 2-3x faster than selecting twice over 1,000 draws.
std::optional<std::pair<double, double>> bucket_percentiles(const std::vector<double>& v, Rank rl, Rank rh) {
  constexpr std::size_t kBuckets = 256;
  const std::size_t n = v.size();
  if (n < 64) return std::nullopt;
  double lo = v[0], hi = v[0];
  bool nan = false;
  for (const double x : v) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    nan |= std::isnan(x);
  }
  if (nan || !std::isfinite(lo) || !std::isfinite(hi)) return std::nullopt;
  if (lo == hi) return std::pair{lo, lo};
  const double range = hi - lo;
  if (!std::isfinite(range)) return std::nullopt;  // a range beyond the largest double
  const double scale = static_cast<double>(kBuckets) / range;
  if (!std::isfinite(scale)) return std::nullopt;  // a range so small that 256 / range overflows

  thread_local std::vector<std::uint8_t> bucket_of_storage;
  bucket_of_storage.resize(n);
  std::uint8_t* const bucket_of = bucket_of_storage.data();  // not reloaded from thread-local storage per value
  std::array<std::uint32_t, kBuckets + 1> first_rank{};  // first_rank[b]: values in buckets before b
  for (std::size_t i = 0; i < n; ++i) {
    // In [0, 256]: a signed conversion, which unlike an unsigned one needs no range branch.
    const auto b = std::min<std::int64_t>(kBuckets - 1, static_cast<std::int64_t>((v[i] - lo) * scale));
    bucket_of[i] = static_cast<std::uint8_t>(b);
    ++first_rank[static_cast<std::size_t>(b) + 1];
  }
  for (std::size_t b = 1; b <= kBuckets; ++b) first_rank[b] += first_rank[b - 1];

  // The order statistics needed: ranks rl.lo, rl.lo + 1, rh.lo, rh.lo + 1 (clamped to n - 1).
  const std::array<std::size_t, 4> ranks{rl.lo, std::min(rl.lo + 1, n - 1), rh.lo, std::min(rh.lo + 1, n - 1)};
  std::array<std::size_t, 4> bucket{};
  std::array<int, kBuckets> slot;
  slot.fill(-1);
  thread_local std::array<std::vector<double>, 4> gathered;  // reused: no allocation per row
  for (auto& values : gathered) values.clear();
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    bucket[k] = static_cast<std::size_t>(
        std::upper_bound(first_rank.begin(), first_rank.end(), ranks[k]) - first_rank.begin() - 1);
    slot[bucket[k]] = static_cast<int>(k);  // ranks in one bucket share its slot (the last one)
  }
  for (std::size_t i = 0; i < n; ++i)
    if (const int s = slot[bucket_of[i]]; s >= 0) gathered[static_cast<std::size_t>(s)].push_back(v[i]);
  for (auto& values : gathered) std::sort(values.begin(), values.end());
  const auto order_statistic = [&](std::size_t k) {
    const auto& values = gathered[static_cast<std::size_t>(slot[bucket[k]])];
    return values[ranks[k] - first_rank[bucket[k]]];
  };
  return std::pair{lerp(order_statistic(0), order_statistic(1), rl.frac),
                   lerp(order_statistic(2), order_statistic(3), rh.frac)};
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
  if (const auto counted = bucket_percentiles(v, rl, rh)) return *counted;
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

namespace {
// Where y falls among the values: how many are below it and how many at most it, and whether all
// are finite. One pass of compares and adds, which the compiler vectorises.
struct Position {
  std::size_t below = 0, at_most = 0;
  bool finite = true;
};

Position position_of(const std::vector<double>& v, double y) {
  std::size_t below = 0, at_most = 0, not_finite = 0;
  for (const double x : v) {
    below += x < y ? 1 : 0;
    at_most += x <= y ? 1 : 0;
    not_finite += std::abs(x) <= std::numeric_limits<double>::max() ? 0 : 1;  // NaN too
  }
  return {below, at_most, not_finite == 0};
}

// The order statistics next to y, found only when a test cannot decide without them.
class Neighbours {
 public:
  Neighbours(const std::vector<double>& v, double y, const Position& p) : v_(v), y_(y), p_(p) {}
  // The value of rank k (0-based, sorted), for k in [below - 1, at_most]: the largest value below
  // y, y itself, or the smallest value above y.
  double at(std::size_t k) {
    if (k >= p_.below && k < p_.at_most) return y_;
    if (!found_) {
      for (const double x : v_) {
        if (x < y_) largest_below_ = std::max(largest_below_, x);
        if (x > y_) smallest_above_ = std::min(smallest_above_, x);
      }
      found_ = true;
    }
    return k < p_.below ? largest_below_ : smallest_above_;
  }

 private:
  const std::vector<double>& v_;
  double y_;
  Position p_;
  bool found_ = false;
  double largest_below_ = -std::numeric_limits<double>::infinity();
  double smallest_above_ = std::numeric_limits<double>::infinity();
};

// Whether percentile q <= y (or, with `at_least` false, y <= percentile q). The percentile lies
// between the order statistics of ranks r.lo and r.lo + 1 (clamped), so the counts decide unless y
// falls between those two; then they are found and interpolated as percentiles() does.
bool compare_percentile(std::size_t n, Rank r, const Position& p, Neighbours& near, double y, bool at_least) {
  const std::size_t lo = r.lo, hi = std::min(r.lo + 1, n - 1);
  if (at_least) {
    if (hi < p.at_most) return true;  // value[hi] <= y
    if (lo >= p.at_most) return false;  // value[lo] > y
    return lerp(near.at(lo), near.at(hi), r.frac) <= y;
  }
  if (lo >= p.at_most) return true;  // value[lo] > y
  if (hi < p.below) return false;  // value[hi] < y
  return y <= lerp(near.at(lo), near.at(hi), r.frac);
}
}  // namespace

bool within_percentiles(const std::vector<double>& v, double q_lo, double q_hi, double y) {
  if (v.empty() || std::isnan(y)) return false;
  const Position p = position_of(v, y);
  if (!p.finite || !std::isfinite(y)) {  // interpolation with infinities is not monotone: select
    std::vector<double> copy = v;
    const auto [lo, hi] = percentiles(copy, q_lo, q_hi);
    return lo <= y && y <= hi;
  }
  Neighbours near(v, y, p);
  const std::size_t n = v.size();
  return compare_percentile(n, rank_of(n, q_lo), p, near, y, true) &&
         compare_percentile(n, rank_of(n, q_hi), p, near, y, false);
}

}  // namespace sluice::prophet
