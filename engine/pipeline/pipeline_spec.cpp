#include "pipeline/pipeline_spec.hpp"

#include <algorithm>
#include <tuple>

#include "common/errors.hpp"

namespace sluice::engine {

std::string SourceLoc::str() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Problem::str() const {
  const std::string text = loc.via.empty() ? message : message + "; " + loc.via;
  if (loc.file.empty()) return text;
  return loc.str() + ": " + text;
}

void throw_problems(std::vector<Problem> problems) {
  if (problems.empty()) return;
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::make_tuple(a.loc.line != 0, a.loc.line, a.loc.column) <
           std::make_tuple(b.loc.line != 0, b.loc.line, b.loc.column);
  });
  std::string all;
  for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p.str();
  throw UsageError(all);
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
