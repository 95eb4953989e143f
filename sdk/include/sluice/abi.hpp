#pragma once
// The ABI stamp: a plain C struct that the engine reads through a C function
// *before* it calls anything that passes C++ objects. A layout mismatch in the
// standard library would crash instead of erroring, so this check comes first.
#include <cstdint>

#include "sluice/version.hpp"

extern "C" {
struct sluice_abi_stamp {
  std::uint32_t magic;          // SLUICE_ABI_MAGIC
  std::uint32_t sdk_major;      // must equal the engine's
  std::uint32_t sdk_minor;      // must be <= the engine's
  std::uint32_t cxx_standard;   // __cplusplus / 100 (e.g. 2020)
  char compiler[64];            // e.g. "gcc 12.2"
  char stdlib[64];              // e.g. "libstdc++ 20220819 abi 1"
};
}

// "SLC" plus the layout revision in the low byte. The revision changes whenever an SDK type
// that crosses the boundary changes layout (e.g. Table's column storage), so a stale plugin
// build is refused instead of crashing.
#define SLUICE_ABI_MAGIC_BASE 0x534C4300u
#define SLUICE_ABI_REVISION 3u  // 3: Stage::retire, StageDescriptor::one_of_inputs
#define SLUICE_ABI_MAGIC (SLUICE_ABI_MAGIC_BASE | SLUICE_ABI_REVISION)

#define SLUICE_STR_IMPL(x) #x
#define SLUICE_STR(x) SLUICE_STR_IMPL(x)

#if defined(__clang__)
#define SLUICE_COMPILER_ID "clang " SLUICE_STR(__clang_major__)
#elif defined(__GNUC__)
#define SLUICE_COMPILER_ID "gcc " SLUICE_STR(__GNUC__)
#else
#define SLUICE_COMPILER_ID "unknown"
#endif

#if defined(_GLIBCXX_RELEASE)
#define SLUICE_STDLIB_ID "libstdc++ " SLUICE_STR(_GLIBCXX_RELEASE) " cxx11abi " SLUICE_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define SLUICE_STDLIB_ID "libc++ " SLUICE_STR(_LIBCPP_ABI_VERSION)
#else
#define SLUICE_STDLIB_ID "unknown"
#endif

namespace sluice {
// The stamp of the code that includes this header (engine or plugin).
inline constexpr sluice_abi_stamp current_abi_stamp() {
  return sluice_abi_stamp{SLUICE_ABI_MAGIC, SLUICE_SDK_VERSION_MAJOR, SLUICE_SDK_VERSION_MINOR,
                          static_cast<std::uint32_t>(__cplusplus / 100), SLUICE_COMPILER_ID,
                          SLUICE_STDLIB_ID};
}
}  // namespace sluice
