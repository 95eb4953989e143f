#pragma once
// 128-bit XXH3 digests fed in pieces: the one way the SDK sets up a streaming state (Hasher,
// digest_value, hash_file) and turns a digest into a Hash128. Internal to the SDK.
#include <xxhash.h>

#include <cstddef>
#include <memory>
#include <new>

#include "sluice/serialize.hpp"

namespace sluice::detail {

inline Hash128 to_hash128(const XXH128_hash_t& h) { return Hash128{h.high64, h.low64}; }

// A fresh state, ready for its first update; free it with XXH3_freeState.
inline XXH3_state_t* new_xxh3_state() {
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  XXH3_128bits_reset(state);
  return state;
}

class Xxh3Stream {
 public:
  Xxh3Stream() : state_(new_xxh3_state(), &XXH3_freeState) {}
  void update(const void* data, std::size_t size) { XXH3_128bits_update(state_.get(), data, size); }
  Hash128 digest() const { return to_hash128(XXH3_128bits_digest(state_.get())); }

 private:
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state_;
};

}  // namespace sluice::detail
