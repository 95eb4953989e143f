// libFuzzer target: cron expression -> CronExpr::parse -> next fire time.
#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::fuzz_cron(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
