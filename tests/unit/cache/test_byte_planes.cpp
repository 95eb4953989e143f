#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cache/byte_planes.hpp"

using namespace sluice::engine;

namespace {
// `n` bytes that differ from their neighbours (a transposition bug cannot hide in repeats).
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (auto& c : s) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = static_cast<char>(state);
  }
  return s;
}

std::string planes_of(const std::string& in) {
  std::string out(in.size(), '\0');
  to_byte_planes(in.data(), out.data(), in.size());
  return out;
}
}  // namespace

TEST_CASE("byte planes put byte b of word w at b * words + w, and leave the bytes past the last word at the end") {
  // 37 words: two 16-word steps of the vector path and 5 words of the scalar one; then 5 spare bytes.
  for (std::size_t words : {0u, 1u, 15u, 16u, 17u, 37u, 64u}) {
    const std::string in = pattern(words * 8 + 5);
    const std::string out = planes_of(in);
    bool laid_out = true;
    for (std::size_t w = 0; w < words; ++w)
      for (std::size_t b = 0; b < 8; ++b) laid_out = laid_out && out[b * words + w] == in[w * 8 + b];
    CHECK_MESSAGE(laid_out, words, " words");
    CHECK(out.substr(words * 8) == in.substr(words * 8));
  }
}

TEST_CASE("byte planes turn back into the same bytes, at every length up to a block") {
  std::vector<std::size_t> sizes;
  for (std::size_t n = 0; n <= 300; ++n) sizes.push_back(n);
  sizes.insert(sizes.end(), {kPlaneBlock - 1, kPlaneBlock - 8, kPlaneBlock});
  for (std::size_t n : sizes) {
    const std::string in = pattern(n);
    const std::string planes = planes_of(in);
    std::string back(n, '\0');
    from_byte_planes(planes.data(), back.data(), n);
    CHECK_MESSAGE(back == in, n, " bytes");
  }
}

TEST_CASE("a buffer of several blocks, each turned into planes on its own, is turned back in place") {
  const std::size_t n = 3 * kPlaneBlock + 1234;
  const std::string in = pattern(n);
  std::string data(n, '\0');
  for (std::size_t at = 0; at < n; at += kPlaneBlock) {
    const std::size_t len = std::min(kPlaneBlock, n - at);
    to_byte_planes(in.data() + at, data.data() + at, len);
  }
  CHECK(data != in);
  from_byte_planes_in_place(data.data(), n);
  CHECK(data == in);
}
