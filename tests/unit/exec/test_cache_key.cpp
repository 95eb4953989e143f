#include <doctest/doctest.h>

#include <sluice/serialize.hpp>

#include "cache/cache.hpp"
#include "exec/cache_key.hpp"

using namespace sluice::engine;

namespace {
// The key as Hasher streams it: the definition that every existing cache entry was recorded under.
std::string streamed_key(const KeyParts& p) {
  sluice::Hasher h;
  h.add(static_cast<std::uint64_t>(kCacheFormatVersion));
  h.add(p.stage_id).add(p.stage_version).add(p.plugin_hash).add(p.params).add(p.inputs).add(p.fingerprint).add(p.scope);
  return h.finish().hex();
}
}  // namespace

TEST_CASE("an action key is the streamed hash of its parts, so keys recorded earlier still match") {
  KeyParts p{"sluice.pi_leibniz", "1.0.0", std::string(32, 'a'), R"({"order":5})", "rows:rows=0123;", "", "partition=row=7"};
  CHECK(compute_key(p) == streamed_key(p));
  CHECK(compute_key(p).size() == 32);
  // Every part counts, and the lengths keep neighbouring parts apart.
  KeyParts moved = p;
  moved.stage_id = "sluice.pi_leibniz1";
  moved.stage_version = ".0.0";
  CHECK(compute_key(moved) == streamed_key(moved));
  CHECK(compute_key(moved) != compute_key(p));
  KeyParts big = p;
  big.inputs = std::string(10'000, 'x');  // past XXH3's short-input paths
  CHECK(compute_key(big) == streamed_key(big));
  CHECK(compute_key(KeyParts{}) == streamed_key(KeyParts{}));
}
