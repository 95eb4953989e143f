#pragma once
// Deployment snippets for a scheduled pipeline: a systemd .service + .timer pair
// or a crontab line. Both run `sluice schedule --once P.toml` at each slot, so
// catch-up, retries, max_runtime, locking and history behave exactly as under
// the `sluice schedule` daemon.
#include <filesystem>
#include <string>
#include <vector>

#include "schedule/schedule_spec.hpp"

namespace sluice::engine {

// systemd OnCalendar= values equivalent to the expression in `timezone`. Usually
// one; two when both day fields are restricted (cron ORs them, systemd ANDs).
std::vector<std::string> to_on_calendar(const CronExpr& expr, const std::string& timezone);

// "sluice-<pipeline>.service" and ".timer" text, with the file names as headers.
std::string emit_systemd(const ScheduleSpec& spec, const std::filesystem::path& sluice_binary);
// A daemon service running `sluice schedule` over several pipelines (no timer).
std::string emit_systemd_daemon(const std::vector<ScheduleSpec>& specs, const std::filesystem::path& sluice_binary);
// CRON_TZ=... and the crontab line.
std::string emit_crontab(const ScheduleSpec& spec, const std::filesystem::path& sluice_binary);

}  // namespace sluice::engine
