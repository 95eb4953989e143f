#include <nlohmann/json.hpp>

#include "app/run_pipeline.hpp"

namespace sluice::engine {

std::string RunReport::to_json() const {
  nlohmann::ordered_json j;
  j["pipeline"] = pipeline;
  j["status"] = status;
  j["wall_ms"] = wall_ms;
  j["run_id"] = run_id;
  j["nodes"] = nlohmann::ordered_json::array();
  for (const auto& n : nodes) {
    nlohmann::ordered_json node;
    node["id"] = n.id;
    node["plugin"] = n.plugin;
    node["status"] = n.status;
    node["reason"] = n.reason;
    node["wall_ms"] = n.wall_ms;
    node["started_ms"] = n.started_ms;
    node["error"] = n.error ? nlohmann::ordered_json(*n.error) : nlohmann::ordered_json(nullptr);
    if (n.partitions) {
      node["partitions"] = {{"total", n.partitions->total},
                            {"ran", n.partitions->ran},
                            {"cached", n.partitions->cached},
                            {"failed", n.partitions->failed},
                            {"retired", n.partitions->retired}};
    }
    j["nodes"].push_back(std::move(node));
  }
  return j.dump(2);
}

std::size_t RunReport::count(std::string_view s) const {
  std::size_t n = 0;
  for (const auto& node : nodes) n += node.status == s ? 1 : 0;
  return n;
}

std::optional<std::string> RunReport::first_failure() const {
  for (const auto& node : nodes)
    if (node.status == "failed") return node.error.value_or("node '" + node.id + "' failed");
  return std::nullopt;
}

}  // namespace sluice::engine
