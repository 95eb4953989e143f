#pragma once
// glibc's malloc, tuned for a batch engine that allocates and frees the same
// few-hundred-KiB buffers many times per second on every worker thread.

namespace sluice::engine {

// By default glibc returns a block of 128 KiB or more to the kernel on free
// (munmap, or trimming the top of a heap) and faults it back in, zero-filled,
// on the next allocation. A model fit allocates such buffers per cutoff, and
// on virtual machines where page faults are expensive that costs up to 40 %
// of a backtest's CPU (see docs/performance.md). This keeps blocks under
// 32 MiB in the heap and trims a heap only once 64 MiB at its top are free.
// Call it first thing in main(). A user who sets GLIBC_TUNABLES for malloc
// keeps their settings; SLUICE_DEFAULT_MALLOC=1 skips the tuning.
void tune_allocator();

}  // namespace sluice::engine
