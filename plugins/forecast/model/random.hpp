#pragma once
// A seeded random source whose output is fully specified by this code.
//
// std::mt19937_64's sequence is fixed by the C++ standard, but the standard
// distributions (normal, uniform_real...) are implementation-defined. Every
// distribution here is written out so that the same seed gives the same bits
// with any standard library.
#include <cstdint>
#include <random>

namespace sluice::prophet {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1): never exactly 0, so log() is always finite.
  double uniform_open() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }
  // Standard normal by the ziggurat method (128 layers): one engine draw for about 98.8 % of the
  // values, against 1.27 draws plus a log and a square root per value for the polar method.
  double normal();
  // Laplace(0, scale) by inverting its CDF.
  double laplace(double scale);
  // The number of failures before the first success of Bernoulli(p) trials, by inverting the
  // geometric CDF (one draw, whatever p): 0 when p >= 1, UINT64_MAX ("never") when p <= 0.
  std::uint64_t geometric(double p);
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace sluice::prophet
