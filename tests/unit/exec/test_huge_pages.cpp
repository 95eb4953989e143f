#include <doctest/doctest.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "common/huge_pages.hpp"

namespace {

constexpr std::size_t kHuge = std::size_t{2} << 20;

// An anonymous mapping of `bytes`, unmapped on destruction.
struct Mapping {
  explicit Mapping(std::size_t n) : bytes(n) {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    data = static_cast<char*>(p);
  }
  ~Mapping() { ::munmap(data, bytes); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  char* data;
  std::size_t bytes;
};

// The VmFlags line of the mapping in /proc/self/smaps that contains `address`.
std::string vm_flags_at(const void* address) {
  const auto target = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> lo >> dash >> hi && dash == '-' && line.find(':') > line.find(' ')) {
      inside = lo <= target && target < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return {};
}

bool has_flag(const std::string& vm_flags, const std::string& flag) {
  std::istringstream words(vm_flags.substr(std::strlen("VmFlags:")));
  for (std::string w; words >> w;)
    if (w == flag) return true;
  return false;
}

// Whether this kernel takes MADV_HUGEPAGE at all (CONFIG_TRANSPARENT_HUGEPAGE).
bool kernel_takes_advice() {
  Mapping probe(2 * kHuge);
  const auto aligned = (reinterpret_cast<std::uintptr_t>(probe.data) + kHuge - 1) & ~(kHuge - 1);
  return ::madvise(reinterpret_cast<void*>(aligned), kHuge, MADV_HUGEPAGE) == 0;
}

}  // namespace

TEST_CASE("advise_huge_pages marks the aligned interior of a large buffer, and nothing outside it") {
  if (!kernel_takes_advice()) {
    MESSAGE("this kernel has no transparent huge pages; nothing to check");
    return;
  }
  Mapping m(5 * kHuge);
  // An unaligned start: the advice must round inward, never touch the bytes before the buffer.
  char* buffer = m.data + 4096;
  const std::size_t bytes = 4 * kHuge;
  std::memset(m.data, 0x5a, 4096);
  sluice::engine::advise_huge_pages(buffer, bytes);

  const auto first_aligned = (reinterpret_cast<std::uintptr_t>(buffer) + kHuge - 1) & ~(kHuge - 1);
  CHECK(has_flag(vm_flags_at(reinterpret_cast<const void*>(first_aligned)), "hg"));
  CHECK_FALSE(has_flag(vm_flags_at(m.data), "hg"));  // the page before the buffer keeps its mapping's flags
  // Advice changes no data.
  for (int i = 0; i < 4096; ++i) REQUIRE(m.data[i] == 0x5a);
  std::memset(buffer, 1, bytes);
  CHECK(buffer[bytes - 1] == 1);
}

TEST_CASE("advise_huge_pages leaves small and empty buffers alone") {
  Mapping m(kHuge);
  sluice::engine::advise_huge_pages(m.data + 1, kHuge - 1);  // no aligned 2 MiB inside
  CHECK_FALSE(has_flag(vm_flags_at(m.data + 1), "hg"));
  sluice::engine::advise_huge_pages(nullptr, 0);
  sluice::engine::advise_huge_pages(m.data, 0);
  CHECK_FALSE(has_flag(vm_flags_at(m.data), "hg"));
}
