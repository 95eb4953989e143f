#pragma once
// Which scheduled slots are due now, given the last slot that was handled.
// A pure function, so the catch-up policy is tested without clocks or processes.
#include <optional>
#include <vector>

#include "schedule/cron_next.hpp"

namespace sluice::engine {

// With no recorded scheduled run, a slot counts as "due now" only within this
// grace period (a new schedule starts with the next slot, like cron; the grace
// covers a timer or poll that fires a little late).
inline constexpr std::chrono::minutes kFirstRunGrace{5};

// Slots in (last_slot, now], oldest first:
// - catchup = false: only the latest missed slot (one run after any downtime);
// - catchup = true: every missed slot, oldest first, at most `max_slots`.
// Without a last slot: the latest slot in (now - kFirstRunGrace, now], if any.
std::vector<SysSeconds> due_slots(const CronExpr& expr, const date::time_zone* zone,
                                  std::optional<SysTime> last_slot, SysTime now, bool catchup,
                                  std::size_t max_slots = 1000);

}  // namespace sluice::engine
