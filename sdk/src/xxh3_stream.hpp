#pragma once
// A 128-bit XXH3 digest fed in pieces: the one streaming state behind digest_value (an encoding
// produced piece by piece) and hash_file (a file read in fixed-size pieces). Internal to the SDK.
#include <xxhash.h>

#include <cstddef>
#include <memory>
#include <new>

#include "sluice/serialize.hpp"

namespace sluice::detail {

class Xxh3Stream {
 public:
  Xxh3Stream() : state_(XXH3_createState(), &XXH3_freeState) {
    if (!state_) throw std::bad_alloc();
    XXH3_128bits_reset(state_.get());
  }
  void update(const void* data, std::size_t size) { XXH3_128bits_update(state_.get(), data, size); }
  Hash128 digest() const {
    const XXH128_hash_t h = XXH3_128bits_digest(state_.get());
    return Hash128{h.high64, h.low64};
  }

 private:
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state_;
};

}  // namespace sluice::detail
