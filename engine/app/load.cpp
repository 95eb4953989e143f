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
  throw_problems(std::move(problems));
  return LoadedPipeline{std::move(spec), std::move(dag), std::move(registry), std::move(resolved)};
}

}  // namespace sluice::engine
