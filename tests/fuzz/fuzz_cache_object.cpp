// libFuzzer target: cache object file -> ObjectStore::unframe -> decode_value.
#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::fuzz_cache_object(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
