#include <doctest/doctest.h>
#include <malloc.h>

#include <memory>

#include "common/allocator_tuning.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SLUICE_GLIBC_MALLOC 0  // the sanitizers bring their own allocator
#else
#define SLUICE_GLIBC_MALLOC 1
#endif

namespace {

// Blocks glibc currently holds as separate memory mappings.
std::size_t mapped_blocks() { return mallinfo2().hblks; }

}  // namespace

TEST_CASE("after tune_allocator, a few-MiB buffer comes from the heap, not from its own mapping" *
          doctest::skip(!SLUICE_GLIBC_MALLOC)) {
  sluice::engine::tune_allocator();
  const std::size_t before = mapped_blocks();
  // 4 MiB: glibc's default would map it (and unmap it on free), paying page faults on every reuse.
  auto block = std::make_unique_for_overwrite<char[]>(4u << 20);
  block[0] = 1;
  CHECK(mapped_blocks() == before);
  block.reset();
  // Blocks from 32 MiB are still mapped, so a huge table's memory goes back to the system when freed.
  auto huge = std::make_unique_for_overwrite<char[]>(64u << 20);
  huge[0] = 1;
  CHECK(mapped_blocks() == before + 1);
}
