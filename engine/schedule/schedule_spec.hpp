#pragma once
// The [pipeline.schedule] table of a pipeline file:
//
//   [pipeline.schedule]
//   cron = "0 6 * * MON"          # required
//   timezone = "Europe/Berlin"    # IANA name, default "UTC"
//   catchup = false               # run every missed slot after downtime (true) or only the latest (false)
//   max_runtime = "2h"            # cancel a run that takes longer
//   retries = 2                   # re-run a failed scheduled run up to this many times
//   retry_backoff = "1m"          # wait before retry k: retry_backoff * 2^(k-1)
//
// Every error is "file:line:col: what is wrong; how to fix", pointing at the value.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include <date/tz.h>
#include <toml++/toml.h>

#include "schedule/cron.hpp"

namespace sluice::engine {

struct ScheduleSpec {
  std::filesystem::path pipeline_file;
  std::string pipeline;  // [pipeline].name
  std::string cron_text;
  CronExpr cron;
  std::string timezone = "UTC";
  const date::time_zone* zone = nullptr;
  bool catchup = false;
  std::optional<std::chrono::milliseconds> max_runtime;
  int retries = 0;
  std::chrono::milliseconds retry_backoff{std::chrono::minutes(1)};
};

// Reads the schedule; nullopt when the file has no [pipeline.schedule]. Throws UsageError
// (common/errors.hpp) with file:line:col for a malformed or invalid schedule.
std::optional<ScheduleSpec> load_schedule(const std::filesystem::path& pipeline_file);
// The same from a pipeline document already parsed (load_pipeline checks the schedule with it, so
// the file is not parsed twice); `pipeline_file` names the source in messages.
std::optional<ScheduleSpec> read_schedule(const toml::table& doc, const std::filesystem::path& pipeline_file);
// As load_schedule, but a missing schedule is an error too (for `sluice schedule`).
ScheduleSpec require_schedule(const std::filesystem::path& pipeline_file);

// [pipeline].name of a pipeline file; throws UsageError if unreadable or missing.
std::string read_pipeline_name(const std::filesystem::path& pipeline_file);

// The zone for an IANA name, or nullptr if unknown.
const date::time_zone* find_zone(const std::string& name);

}  // namespace sluice::engine
