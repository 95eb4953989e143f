#pragma once
// Loading a pipeline for any command: parse, build the DAG, load the plugins it
// can see and validate every node against its stage schema. Nothing runs.
#include <memory>
#include <string>
#include <vector>

#include "graph/dag.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/schema_check.hpp"
#include "registry/registry.hpp"

namespace sluice::engine {

struct LoadedPipeline {
  PipelineSpec spec;
  Dag dag;
  std::unique_ptr<Registry> registry;
  std::vector<ResolvedNode> resolved;
};

// Throws UsageError with file:line:col messages for any problem.
LoadedPipeline load_and_validate(const std::filesystem::path& file, const std::vector<std::string>& overrides);

// The plugin directories a pipeline searches, in order.
std::vector<std::filesystem::path> plugin_search_path(const PipelineSpec& spec);

}  // namespace sluice::engine
