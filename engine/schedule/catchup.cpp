#include "schedule/catchup.hpp"

namespace sluice::engine {

std::vector<SysSeconds> due_slots(const CronExpr& expr, const date::time_zone* zone,
                                  std::optional<SysTime> last_slot, SysTime now, bool catchup,
                                  std::size_t max_slots) {
  const SysTime from = last_slot ? *last_slot : now - kFirstRunGrace;
  if (from >= now || max_slots == 0) return {};
  if (catchup && last_slot) return fires_between(expr, zone, from, now, max_slots);
  const auto span = std::chrono::ceil<std::chrono::hours>(now - from);
  const auto latest = latest_fire_at_or_before(expr, zone, now, span);
  if (!latest || *latest <= from) return {};
  return {*latest};
}

}  // namespace sluice::engine
