#include "cache/byte_planes.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice::engine {

namespace {
constexpr std::size_t kWord = 8;

#if defined(__SSE2__)
// 16 words at a time: the 8x16 byte matrix transposed with four rounds of interleaving (bytes, then
// 2, 4 and 8 bytes wide), all in registers.
constexpr std::size_t kWordsPerStep = 16;

void words_to_planes_sse2(const char* in, char* out, std::size_t words, std::size_t steps) {
  for (std::size_t s = 0; s < steps; ++s) {
    const auto* src = reinterpret_cast<const __m128i*>(in + s * kWordsPerStep * kWord);
    __m128i v[8], t[8];
    for (int i = 0; i < 8; ++i) v[i] = _mm_loadu_si128(src + i);  // words 2i and 2i+1
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm_unpacklo_epi8(v[i], v[i + 1]);
      t[i + 1] = _mm_unpackhi_epi8(v[i], v[i + 1]);
    }
    // v[2g]: bytes 0-3 of words 4g..4g+3 (each byte of the four words together); v[2g+1]: bytes 4-7.
    for (int i = 0; i < 8; i += 2) {
      v[i] = _mm_unpacklo_epi8(t[i], t[i + 1]);
      v[i + 1] = _mm_unpackhi_epi8(t[i], t[i + 1]);
    }
    // t: each byte of eight words together; t[0..3] words 0-7, t[4..7] words 8-15.
    t[0] = _mm_unpacklo_epi32(v[0], v[2]);  // bytes 0, 1
    t[1] = _mm_unpackhi_epi32(v[0], v[2]);  // bytes 2, 3
    t[2] = _mm_unpacklo_epi32(v[1], v[3]);  // bytes 4, 5
    t[3] = _mm_unpackhi_epi32(v[1], v[3]);  // bytes 6, 7
    t[4] = _mm_unpacklo_epi32(v[4], v[6]);
    t[5] = _mm_unpackhi_epi32(v[4], v[6]);
    t[6] = _mm_unpacklo_epi32(v[5], v[7]);
    t[7] = _mm_unpackhi_epi32(v[5], v[7]);
    for (int i = 0; i < 4; ++i) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (2 * i) * words + s * kWordsPerStep),
                       _mm_unpacklo_epi64(t[i], t[i + 4]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (2 * i + 1) * words + s * kWordsPerStep),
                       _mm_unpackhi_epi64(t[i], t[i + 4]));
    }
  }
}

void planes_to_words_sse2(const char* in, char* out, std::size_t words, std::size_t steps) {
  for (std::size_t s = 0; s < steps; ++s) {
    __m128i p[8], q[8];
    for (int b = 0; b < 8; ++b)
      p[b] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + b * words + s * kWordsPerStep));
    // q[2i] / q[2i+1]: bytes 2i and 2i+1 of words 0-7 / 8-15, side by side.
    for (int b = 0; b < 8; b += 2) {
      q[b] = _mm_unpacklo_epi8(p[b], p[b + 1]);
      q[b + 1] = _mm_unpackhi_epi8(p[b], p[b + 1]);
    }
    // p: four bytes of four words each (bytes 0-3 or 4-7 of words 0-3, 4-7, 8-11, 12-15).
    p[0] = _mm_unpacklo_epi16(q[0], q[2]);  // bytes 0-3, words 0-3
    p[1] = _mm_unpackhi_epi16(q[0], q[2]);  // bytes 0-3, words 4-7
    p[2] = _mm_unpacklo_epi16(q[4], q[6]);  // bytes 4-7, words 0-3
    p[3] = _mm_unpackhi_epi16(q[4], q[6]);  // bytes 4-7, words 4-7
    p[4] = _mm_unpacklo_epi16(q[1], q[3]);  // bytes 0-3, words 8-11
    p[5] = _mm_unpackhi_epi16(q[1], q[3]);  // bytes 0-3, words 12-15
    p[6] = _mm_unpacklo_epi16(q[5], q[7]);  // bytes 4-7, words 8-11
    p[7] = _mm_unpackhi_epi16(q[5], q[7]);  // bytes 4-7, words 12-15
    auto* dst = reinterpret_cast<__m128i*>(out + s * kWordsPerStep * kWord);
    for (int g = 0; g < 4; ++g) {  // words 4g..4g+3 from (bytes 0-3, bytes 4-7)
      const __m128i lo = p[g < 2 ? g : g + 2];
      const __m128i hi = p[g < 2 ? g + 2 : g + 4];
      _mm_storeu_si128(dst + 2 * g, _mm_unpacklo_epi32(lo, hi));
      _mm_storeu_si128(dst + 2 * g + 1, _mm_unpackhi_epi32(lo, hi));
    }
  }
}
#else
constexpr std::size_t kWordsPerStep = 1;
void words_to_planes_sse2(const char*, char*, std::size_t, std::size_t) {}
void planes_to_words_sse2(const char*, char*, std::size_t, std::size_t) {}
#endif
}  // namespace

namespace {
// The vector steps, then the words they leave one at a time, then the spare bytes as they are.
// `to_planes` picks the direction: byte b of word w moves between w * 8 + b and b * words + w.
void transpose(const char* in, char* out, std::size_t n, bool to_planes) {
  const std::size_t words = n / kWord;
  const std::size_t steps = kWordsPerStep > 1 ? words / kWordsPerStep : 0;
  (to_planes ? words_to_planes_sse2 : planes_to_words_sse2)(in, out, words, steps);
  for (std::size_t w = steps * kWordsPerStep; w < words; ++w)
    for (std::size_t b = 0; b < kWord; ++b) {
      const std::size_t word_at = w * kWord + b, plane_at = b * words + w;
      out[to_planes ? plane_at : word_at] = in[to_planes ? word_at : plane_at];
    }
  std::memcpy(out + words * kWord, in + words * kWord, n - words * kWord);
}
}  // namespace

void to_byte_planes(const char* in, char* out, std::size_t n) { transpose(in, out, n, true); }

void from_byte_planes(const char* in, char* out, std::size_t n) { transpose(in, out, n, false); }

void from_byte_planes_in_place(char* data, std::size_t n) {
  const auto block = std::make_unique_for_overwrite<char[]>(kPlaneBlock);
  for (std::size_t at = 0; at < n; at += kPlaneBlock) {
    const std::size_t len = std::min(kPlaneBlock, n - at);
    std::memcpy(block.get(), data + at, len);
    from_byte_planes(block.get(), data + at, len);
  }
}

}  // namespace sluice::engine
