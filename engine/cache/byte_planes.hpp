#pragma once
// Byte planes: a block of 8-byte words rewritten as byte 0 of every word, then byte 1 of every word,
// ..., then byte 7. A table of numbers stores each column as 8-byte words whose high bytes barely
// vary (timestamps of one store, small quantities, prices), so in planes they form long runs and
// repeats: zstd at level 1 compresses such a cache object about twice as fast, decompresses it about
// twice as fast and makes it a little smaller (measured in docs/performance.md). Text gains nothing
// from planes, which is why the cache uses them only for tables that are mostly numbers.
//
// Objects are split into blocks of kPlaneBlock bytes (the last one shorter), each rewritten on its
// own, so that a stream can be rewritten a block at a time. Bytes past a block's last whole word
// stay as they are, at its end.
#include <cstddef>

namespace sluice::engine {

inline constexpr std::size_t kPlaneBlock = 64 * 1024;

// Writes the planes of the `n` bytes at `in` (n <= kPlaneBlock, any n) to `out` (n bytes, not
// overlapping `in`).
void to_byte_planes(const char* in, char* out, std::size_t n);

// The inverse: the `n` bytes of planes at `in` back to words at `out` (not overlapping `in`).
void from_byte_planes(const char* in, char* out, std::size_t n);

// Rewrites `n` bytes of planes in place, block by block (the inverse of to_byte_planes applied to
// each kPlaneBlock block of the original).
void from_byte_planes_in_place(char* data, std::size_t n);

}  // namespace sluice::engine
