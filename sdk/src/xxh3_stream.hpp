#pragma once
// 128-bit XXH3 digests fed in pieces: the one way the SDK sets up a streaming state (Hasher,
// digest_value, hash_file) and turns a digest into a Hash128. Internal to the SDK.
#include <xxhash.h>

#include <array>
#include <cstddef>
#include <cstring>
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

// Gathers the first `Gather` bytes and hashes them in one call when that is all there is: for a small
// value (a partition of a few rows) or key, setting up a streaming state costs more than the hashing.
// XXH3 gives the same digest either way.
template <std::size_t Gather>
class GatheringXxh3 {
 public:
  void update(const void* data, std::size_t size) {
    if (size == 0) return;
    if (!state_) {
      if (gathered_ + size <= Gather) {
        std::memcpy(gather_.data() + gathered_, data, size);
        gathered_ += size;
        return;
      }
      state_.reset(new_xxh3_state());
      XXH3_128bits_update(state_.get(), gather_.data(), gathered_);
    }
    XXH3_128bits_update(state_.get(), data, size);
  }
  Hash128 digest() const {
    return to_hash128(state_ ? XXH3_128bits_digest(state_.get()) : XXH3_128bits(gather_.data(), gathered_));
  }

 private:
  std::array<unsigned char, Gather> gather_;  // only the first `gathered_` bytes are set
  std::size_t gathered_ = 0;
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state_{nullptr, &XXH3_freeState};
};

// On the stack of one call (a value's digest, a file's hash).
using Xxh3Stream = GatheringXxh3<4096>;
// Behind Hasher's opaque pointer, on the heap: small enough for the allocator's fast path, and a
// key's parts are usually shorter.
using KeyXxh3Stream = GatheringXxh3<512>;

}  // namespace sluice::detail
