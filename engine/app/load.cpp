#include "app/load.hpp"

#include "common/errors.hpp"
#include "pipeline/pipeline_loader.hpp"

namespace sluice::engine {

std::vector<std::filesystem::path> plugin_search_path(const PipelineSpec& spec) {
  std::vector<std::filesystem::path> dirs = spec.plugin_dirs;
  for (auto& d : Registry::default_dirs()) dirs.push_back(std::move(d));
  return dirs;
}

LoadedPipeline load_and_validate(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  PipelineSpec spec = load_pipeline(file, overrides);
  Dag dag = Dag::build(spec);
  auto registry = std::make_unique<Registry>();
  registry->load_dirs(plugin_search_path(spec));
  const auto ids = registry->ids();
  const Registry* reg = registry.get();
  auto resolved = check_against_schemas(
      spec, dag,
      [reg](std::string_view id) -> const StageDescriptor* {
        const LoadedStage* s = reg->find(id);
        return s ? &s->descriptor : nullptr;
      },
      ids);
  return LoadedPipeline{std::move(spec), std::move(dag), std::move(registry), std::move(resolved)};
}

}  // namespace sluice::engine
