#include "app/load.hpp"

#include "common/errors.hpp"
#include "pipeline/pipeline_loader.hpp"

namespace sluice::engine {

std::vector<std::filesystem::path> plugin_search_path(const PipelineSpec& spec) {
  std::vector<std::filesystem::path> dirs = spec.plugin_dirs;
  for (auto& d : Registry::default_dirs()) dirs.push_back(std::move(d));
  return dirs;
}

namespace {
// The plugins the pipeline can see. A plugin that cannot be loaded stops the check here, with the
// problems found so far: its stages would otherwise all be reported as unknown.
std::unique_ptr<Registry> load_plugins(const PipelineSpec& spec, std::vector<Problem>& problems) {
  auto registry = std::make_unique<Registry>();
  try {
    registry->load_dirs(plugin_search_path(spec));
  } catch (const UsageError& e) {
    problems.push_back(Problem{{}, e.what()});
    throw_problems(std::move(problems));
  }
  return registry;
}

// Each stage is created once with its checked parameters, so that the checks a stage makes itself
// as it reads them (one parameter against another, the form of a date) are reported with the
// others, before anything runs. Only for a pipeline with no other problem: a stage given
// parameters that failed their schema would report the same problem again in other words.
void check_stage_creation(const PipelineSpec& spec, const Registry& registry, const std::vector<ResolvedNode>& resolved,
                          std::vector<Problem>& problems) {
  if (!problems.empty()) return;
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& node = spec.nodes[i];
    const LoadedStage* stage = registry.find(node.plugin);
    if (stage == nullptr) continue;
    const std::string who = "node '" + node.id + "' (" + node.plugin + "): ";
    try {
      (void)stage->factory(resolved[i].params);
    } catch (const ParamError& e) {
      problems.push_back(param_problem(node, e, node.loc, who));
    } catch (const std::exception& e) {
      problems.push_back(Problem{node.loc, who + "the stage could not be created: " + e.what()});
    }
  }
}
}  // namespace

LoadedPipeline load_and_validate(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  // Every check runs, and all they find is reported at once: one `sluice validate` lists every
  // problem of every node instead of one kind of problem per attempt.
  std::vector<Problem> problems;
  PipelineSpec spec = load_pipeline(file, overrides, problems);
  Dag dag = Dag::build(spec, problems);
  auto registry = load_plugins(spec, problems);
  const Registry* reg = registry.get();
  auto resolved = check_against_schemas(
      spec, dag,
      [reg](std::string_view id) -> const StageDescriptor* {
        const LoadedStage* s = reg->find(id);
        return s ? &s->descriptor : nullptr;
      },
      registry->ids(), problems);
  check_stage_creation(spec, *registry, resolved, problems);
  throw_problems(std::move(problems));
  return LoadedPipeline{std::move(spec), std::move(dag), std::move(registry), std::move(resolved)};
}

}  // namespace sluice::engine
