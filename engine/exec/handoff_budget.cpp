#include "exec/handoff_budget.hpp"

#include <cstdlib>
#include <string>
#include <variant>

#include "common/errors.hpp"
#include "common/log.hpp"
#include "common/units.hpp"

namespace sluice::engine {

bool HandoffBudget::take(std::uint64_t bytes) {
  std::uint64_t left = left_.load(std::memory_order_relaxed);
  while (left >= bytes) {
    if (left_.compare_exchange_weak(left, left - bytes, std::memory_order_relaxed)) return true;
  }
  refused_.store(true, std::memory_order_relaxed);
  return false;
}

bool HandoffBudget::first_refusal() {
  return refused_.load(std::memory_order_relaxed) && !reported_.exchange(true, std::memory_order_relaxed);
}

bool keep_in_memory(HandoffBudget& budget, const Value& value) {
  if (budget.total() == 0) return false;  // the default: nothing to tell
  if (budget.take(value_bytes(value))) return true;
  if (budget.first_refusal()) {
    log::info("the in-memory handoff budget (" + format_size(budget.total()) +
              ") is used up: outputs from now on reach their consumers through the cache (--handoff-memory or "
              "SLUICE_HANDOFF_MEMORY raises it)");
  }
  return false;
}

std::uint64_t value_bytes(const Value& value) {
  if (const auto* blob = std::get_if<Blob>(&value)) return blob->bytes.capacity();
  std::uint64_t bytes = 0;
  for (const Column& c : std::get<Table>(value).columns()) {
    bytes += c.ints().capacity() * sizeof(std::int64_t) + c.doubles().capacity() * sizeof(double) +
             c.string_offsets().capacity() * sizeof(std::uint64_t) + c.string_bytes().capacity() + c.validity().capacity();
  }
  return bytes;
}

std::uint64_t default_handoff_bytes() {
  if (const char* env = std::getenv("SLUICE_HANDOFF_MEMORY")) {
    const auto bytes = parse_size(env);
    if (!bytes) {
      throw UsageError(std::string("SLUICE_HANDOFF_MEMORY=") + env + ": not a size; use e.g. 512MiB or 4GiB");
    }
    return *bytes;
  }
  return 0;
}

}  // namespace sluice::engine
