#pragma once
// Canonical binary encoding of values and their content hash (XXH3-128).
// The encoding is deterministic: equal values give equal bytes, so the hash of
// the encoding is the value's identity in the cache.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/value.hpp"

namespace sluice {

struct SLUICE_API Hash128 {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::string hex() const;  // 32 lowercase hex digits
  static Hash128 from_hex(std::string_view hex);  // throws std::invalid_argument
  friend bool operator==(const Hash128&, const Hash128&) = default;
  friend auto operator<=>(const Hash128&, const Hash128&) = default;
};

SLUICE_API Hash128 hash_bytes(std::string_view bytes);
// hash_bytes of a file's contents, read in 64 KiB pieces (for receipts of large files); nullopt when
// it cannot be opened as a regular file. A read error throws sluice::Error naming the file. (SDK 1.3)
SLUICE_API std::optional<Hash128> hash_file(const std::filesystem::path& path);

// Incremental hasher for composite keys (add), or for bytes that arrive in pieces (add_raw).
class SLUICE_API Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  Hasher& add(std::string_view bytes);  // length-prefixed, so fields never run together
  Hasher& add(std::uint64_t v);
  // The bytes alone, without a length prefix: over a fresh Hasher, pieces added this way hash to
  // hash_bytes of their concatenation (a file hashed as it is written, SDK 1.5).
  Hasher& add_raw(std::string_view bytes);
  Hash128 finish() const;

 private:
  void* state_;
};

// Encodes a value (Table or Blob) to bytes; decode throws sluice::Error on any
// malformed input (truncation, bad tag, inconsistent sizes) and never reads out of bounds.
SLUICE_API std::string encode_value(const Value& value);
SLUICE_API Value decode_value(std::string_view bytes);
SLUICE_API Hash128 hash_value(const Value& value);

// The same encoding delivered in pieces (column buffers without copying); the pieces
// concatenated equal encode_value(value).
using ValueSink = std::function<void(std::string_view)>;
SLUICE_API void encode_value_to(const Value& value, const ValueSink& sink);
// The encoding's hash (= hash_bytes(encode_value(value))) and size, without building it.
// `tee`, if given, also receives every piece (to keep a small encoding in the same pass).
struct ValueDigest {
  Hash128 hash;
  std::uint64_t size = 0;
};
SLUICE_API ValueDigest digest_value(const Value& value, const ValueSink& tee = nullptr);

}  // namespace sluice
