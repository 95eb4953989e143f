#include "pipeline/pipeline_spec.hpp"

namespace sluice::engine {

std::string SourceLoc::str() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const NodeSpec* PipelineSpec::find(std::string_view id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

std::vector<std::string> PipelineSpec::node_ids() const {
  std::vector<std::string> ids;
  for (const auto& n : nodes) ids.push_back(n.id);
  return ids;
}

}  // namespace sluice::engine
