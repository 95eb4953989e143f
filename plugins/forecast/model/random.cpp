#include "random.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <limits>

namespace sluice::prophet {

namespace {

// The ziggurat of Marsaglia and Tsang (2000) for the standard normal: 128 layers of equal area
// under exp(-x^2 / 2); the base layer is the rectangle [0, r] plus the tail beyond r. The two
// constants fix the shape: with them the recursion below ends at the top of the curve.
constexpr int kLayers = 128;
constexpr double kBaseEdge = 3.442619855899;            // r
constexpr double kLayerArea = 9.91256303526217e-3;      // v

double unnormalised_density(double x) { return std::exp(-0.5 * x * x); }

// x (>= 0) negated when bit 7 of the draw is set. Without a branch: the bit is random, so a branch
// on it is mispredicted half the time, which took most of a normal's time.
double with_sign_bit(double x, std::uint64_t bits) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) ^ ((bits & 0x80u) << 56));
}

struct Ziggurat {
  std::array<double, kLayers + 1> edge;     // edge[0] = v / f(r) (the base's equivalent width), edge[1] = r > ... > edge[128] = 0
  std::array<double, kLayers + 1> density;  // f(edge[i])
  Ziggurat() {
    edge[0] = kLayerArea / unnormalised_density(kBaseEdge);
    edge[1] = kBaseEdge;
    for (int i = 1; i < kLayers - 1; ++i)
      edge[i + 1] = std::sqrt(-2.0 * std::log(kLayerArea / edge[i] + unnormalised_density(edge[i])));
    edge[kLayers] = 0.0;
    for (int i = 0; i <= kLayers; ++i) density[i] = unnormalised_density(edge[i]);
  }
};

const Ziggurat& ziggurat() {
  static const Ziggurat table;
  return table;
}

// The same construction for the standard exponential, exp(-x) on [0, inf): 256 layers, with the
// constants of the same paper. One draw and no logarithm for about 98.9 % of the values, where
// inverting the CDF takes a log1p each time: Laplace and geometric draws were a tenth of a
// backtest's CPU that way.
constexpr int kExpLayers = 256;
constexpr double kExpBaseEdge = 7.69711747013104972;     // r
constexpr double kExpLayerArea = 3.949659822581572e-3;   // v

struct ExponentialZiggurat {
  std::array<double, kExpLayers + 1> edge;     // as Ziggurat's, for exp(-x)
  std::array<double, kExpLayers + 1> density;  // exp(-edge[i])
  ExponentialZiggurat() {
    edge[0] = kExpLayerArea / std::exp(-kExpBaseEdge);
    edge[1] = kExpBaseEdge;
    for (int i = 1; i < kExpLayers - 1; ++i) edge[i + 1] = -std::log(kExpLayerArea / edge[i] + std::exp(-edge[i]));
    edge[kExpLayers] = 0.0;
    for (int i = 0; i <= kExpLayers; ++i) density[i] = std::exp(-edge[i]);
  }
};

const ExponentialZiggurat& exponential_ziggurat() {
  static const ExponentialZiggurat table;
  return table;
}

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

Xoshiro256pp::Xoshiro256pp(std::uint64_t seed) {
  // Four distinct values (splitmix64 is a bijection of its counter), so never the all-zero state.
  for (auto& word : s_) word = splitmix64(seed);
}

Xoshiro256pp Xoshiro256pp::from_state(const std::array<std::uint64_t, 4>& state) {
  Xoshiro256pp g;
  g.s_ = state;
  return g;
}

double Rng::normal() { return normal_from(engine_()); }

void Rng::normals(double* out, std::size_t n) {
  const Ziggurat& z = ziggurat();
  // The engine is copied so that its state stays in registers: updated in memory, each draw waited
  // for the store of the one before. It is handed back around the rare calls that draw more.
  Xoshiro256pp engine = engine_;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t bits = engine();
    const auto layer = static_cast<std::size_t>(bits & (kLayers - 1));
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.edge[layer];
    // The common case inline (normal_from's first test); the rest as normal() continues.
    if (x < z.edge[layer + 1]) [[likely]] {
      out[i] = with_sign_bit(x, bits);
    } else {
      engine_ = engine;
      out[i] = normal_from(bits);
      engine = engine_;
    }
  }
  engine_ = engine;
}

double Rng::normal_from(std::uint64_t bits) {
  const Ziggurat& z = ziggurat();
  for (;; bits = engine_()) {
    // One 64-bit draw: the low 7 bits pick the layer, bit 7 the sign, the top 53 bits the position.
    const auto layer = static_cast<std::size_t>(bits & (kLayers - 1));
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.edge[layer];
    if (x < z.edge[layer + 1]) return with_sign_bit(x, bits);  // under the curve for certain
    if (layer == 0) {
      // Beyond r: Marsaglia's tail method (exponential proposals, accepted under the curve).
      double a = 0.0, b = 0.0;
      do {
        a = -std::log(uniform_open()) / kBaseEdge;
        b = -std::log(uniform_open());
      } while (2.0 * b < a * a);
      return with_sign_bit(kBaseEdge + a, bits);
    }
    // In the wedge between the layer's inner rectangle and the curve: accept under the curve.
    const double y = z.density[layer] + uniform() * (z.density[layer + 1] - z.density[layer]);
    if (y < unnormalised_density(x)) return with_sign_bit(x, bits);
  }
}

double Rng::exponential() { return exponential_from(engine_()); }

double Rng::exponential_from(std::uint64_t bits) {
  const ExponentialZiggurat& z = exponential_ziggurat();
  double beyond = 0.0;  // the tail is exponential again, shifted by r (memoryless)
  for (;; bits = engine_()) {
    // The low 8 bits pick the layer, the top 53 bits the position (bits 8-10 are left to laplace's sign).
    const auto layer = static_cast<std::size_t>(bits & (kExpLayers - 1));
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.edge[layer];
    if (x < z.edge[layer + 1]) return beyond + x;
    if (layer == 0) {
      beyond += kExpBaseEdge;
      continue;
    }
    const double y = z.density[layer] + uniform() * (z.density[layer + 1] - z.density[layer]);
    if (y < std::exp(-x)) return beyond + x;
  }
}

// |X| of Laplace(0, scale) is exponential with mean `scale`; bit 8 of the first draw, which the
// exponential does not read, gives the sign.
double Rng::laplace(double scale) {
  const std::uint64_t bits = engine_();
  const double magnitude = scale * exponential_from(bits);
  return (bits & 0x100u) != 0 ? -magnitude : magnitude;
}

std::uint64_t Rng::geometric(double p) { return Geometric(p)(*this); }

Geometric::Geometric(double p) : p_(p), log_no_success_(p > 0.0 && p < 1.0 ? std::log1p(-p) : 0.0) {}

// floor(E / -log(1 - p)) with E standard exponential: P(failures >= k) = P(E >= -k log(1 - p)) = (1 - p)^k.
std::uint64_t Geometric::operator()(Rng& rng) const {
  if (p_ >= 1.0) return 0;
  if (!(p_ > 0.0)) return std::numeric_limits<std::uint64_t>::max();
  const double failures = std::floor(rng.exponential() / -log_no_success_);
  // 2^64 and beyond (p tiny) is as good as never.
  return failures < 0x1.0p64 ? static_cast<std::uint64_t>(failures) : std::numeric_limits<std::uint64_t>::max();
}

}  // namespace sluice::prophet
