#include "common/allocator_tuning.hpp"

#include <cstdlib>
#include <string_view>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sluice::engine {

void tune_allocator() {
#if defined(__GLIBC__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::string_view(tunables).find("glibc.malloc.") != std::string_view::npos) return;
  const char* opt_out = std::getenv("SLUICE_DEFAULT_MALLOC");
  if (opt_out != nullptr && std::string_view(opt_out) == "1") return;
  // Fixing the mmap threshold also stops glibc from adjusting it (and the trim threshold) by itself.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

}  // namespace sluice::engine
