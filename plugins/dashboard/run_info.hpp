#pragma once
// The engine's run information (Context::run_info_json) as plain data.
// Parsing never throws: a report must still render outside an engine run ("{}")
// or when the engine sends a shape this version does not know.
#include <string>
#include <vector>

namespace sluice::dashboard {

struct NodeRun {
  std::string id;
  std::string plugin;
  std::string status;  // e.g. "ran", "cached", "failed", "skipped"
  std::string reason;
  double wall_ms = -1;  // -1 when absent
};

struct RunInfo {
  bool available = false;  // false for "{}" or unparsable input
  std::string problem;     // why it is unavailable, for the page
  std::string pipeline, run_id, started_at;
  std::vector<NodeRun> nodes;
  int count_status(const std::string& status) const;
  double total_wall_ms() const;
};

RunInfo parse_run_info(const std::string& json);

}  // namespace sluice::dashboard
