// libFuzzer target: CSV bytes -> sluice::csv::parse_csv (first byte = options).
#include <cstddef>
#include <cstdint>

#include "fuzz_csv_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::fuzz_csv(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
