#pragma once
// Deterministic pseudo-random numbers for the demo data generator.
//
// Why not <random>: std:: distributions are implementation-defined, so the same
// seed would give different data with another standard library. Everything here
// is plain integer arithmetic plus IEEE double multiplication, which is exact
// and identical on every platform we build for.
#include <cstdint>
#include <initializer_list>

namespace sluice::demo {

// SplitMix64 finaliser: a strong 64-bit mixing function.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Hashes a list of integers (seed, store, day, purpose...) into one 64-bit key.
// Randomness is derived per (store, day) from such keys rather than from one
// long stream, so a day's data does not depend on how many days came before:
// appending days later gives exactly the rows a longer first run would have.
inline std::uint64_t hash_key(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x243F6A8885A308D3ULL;
  for (std::uint64_t p : parts) h = mix64(h ^ mix64(p));
  return h;
}

// A small, fast generator (SplitMix64 stream) seeded from a hash key.
class Rng {
 public:
  explicit Rng(std::uint64_t key) : state_(key) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) (n > 0), by the multiply-high method.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
  }
  bool chance(double p) { return uniform() < p; }
  // Approximately standard normal (Irwin-Hall sum of 4 uniforms, rescaled):
  // bounded to about +-3.46, which is what we want for sales noise.
  double normalish() {
    const double s = uniform() + uniform() + uniform() + uniform();
    return (s - 2.0) * 1.7320508075688772;
  }

 private:
  std::uint64_t state_;
};

}  // namespace sluice::demo
