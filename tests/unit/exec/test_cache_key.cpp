#include <doctest/doctest.h>

#include <sluice/serialize.hpp>

#include "cache/cache.hpp"
#include "exec/cache_key.hpp"

using namespace sluice::engine;

namespace {
// The definition every recorded entry's key was made by: XXH3-128 of the cache format version, then
// each part as its length (8 bytes, native order) and its bytes.
std::string reference_key(const KeyParts& p) {
  std::string bytes;
  const auto add_length = [&bytes](std::uint64_t n) { bytes.append(reinterpret_cast<const char*>(&n), sizeof n); };
  add_length(static_cast<std::uint64_t>(kCacheFormatVersion));
  for (const std::string* part : {&p.stage_id, &p.stage_version, &p.plugin_hash, &p.params, &p.inputs, &p.fingerprint, &p.scope}) {
    add_length(part->size());
    bytes += *part;
  }
  return sluice::hash_bytes(bytes).hex();
}
}  // namespace

TEST_CASE("an action key is the hash of its length-prefixed parts, so keys recorded earlier still match") {
  KeyParts p{"sluice.pi_leibniz", "1.0.0", std::string(32, 'a'), R"({"order":5})", "rows:rows=0123;", "", "partition=row=7"};
  CHECK(compute_key(p) == reference_key(p));
  CHECK(compute_key(p).size() == 32);
  // Every part counts, and the lengths keep neighbouring parts apart.
  KeyParts moved = p;
  moved.stage_id = "sluice.pi_leibniz1";
  moved.stage_version = ".0.0";
  CHECK(compute_key(moved) == reference_key(moved));
  CHECK(compute_key(moved) != compute_key(p));
  KeyParts big = p;
  big.inputs = std::string(10'000, 'x');  // past XXH3's short-input paths
  CHECK(compute_key(big) == reference_key(big));
  CHECK(compute_key(KeyParts{}) == reference_key(KeyParts{}));
}
