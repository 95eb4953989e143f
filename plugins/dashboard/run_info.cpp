#include "run_info.hpp"

#include <nlohmann/json.hpp>

namespace sluice::dashboard {

namespace {
std::string string_field(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}
// The engine may send ISO-8601 basic format ("20261125T125240[Z]"); show it the
// way the rest of the page writes times. Anything else is shown as sent.
std::string readable_time(const std::string& t) {
  const bool basic = (t.size() == 15 || (t.size() == 16 && t[15] == 'Z')) && t[8] == 'T' &&
                     t.find_first_not_of("0123456789", 0) == 8 && t.find_first_not_of("0123456789", 9) >= 15;
  if (!basic) return t;
  return t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + " " + t.substr(9, 2) + ":" + t.substr(11, 2) +
         ":" + t.substr(13, 2) + (t.size() == 16 ? " UTC" : "");
}
}  // namespace

int RunInfo::count_status(const std::string& status) const {
  int n = 0;
  for (const auto& node : nodes) n += node.status == status;
  return n;
}

double RunInfo::total_wall_ms() const {
  double sum = 0;
  for (const auto& node : nodes)
    if (node.wall_ms >= 0) sum += node.wall_ms;
  return sum;
}

RunInfo parse_run_info(const std::string& json) {
  RunInfo info;
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    info.problem = "the engine's run information could not be read";
    return info;
  }
  if (j.empty()) {
    info.problem = "rendered outside an engine run";
    return info;
  }
  info.available = true;
  info.pipeline = string_field(j, "pipeline");
  info.run_id = string_field(j, "run_id");
  info.started_at = readable_time(string_field(j, "started_at"));
  const auto nodes = j.find("nodes");
  if (nodes != j.end() && nodes->is_array()) {
    for (const auto& n : *nodes) {
      if (!n.is_object()) continue;
      NodeRun run;
      run.id = string_field(n, "id");
      run.plugin = string_field(n, "plugin");
      run.status = string_field(n, "status");
      run.reason = string_field(n, "reason");
      const auto ms = n.find("wall_ms");
      if (ms != n.end() && ms->is_number()) run.wall_ms = ms->get<double>();
      info.nodes.push_back(std::move(run));
    }
  }
  return info;
}

}  // namespace sluice::dashboard
