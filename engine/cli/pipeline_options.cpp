#include "cli/pipeline_options.hpp"

#include <algorithm>

namespace sluice::cli {

void add_pipeline_args(CLI::App& cmd, PipelineArgs& args) {
  // Not CLI::ExistingFile: the loader's message says what is wrong with the path, as for every command.
  cmd.add_option("pipeline", args.file, "Pipeline file (TOML)")->required();
  cmd.add_option("--set", args.overrides,
                 "Override a value: vars.NAME=VALUE or nodes.NODE.params.NAME=VALUE (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  cmd.add_option("--cache-dir", args.cache_dir,
                 "Cache directory (default: $SLUICE_CACHE_DIR, else .sluice/cache beside the pipeline)");
}

engine::RunOptions to_run_options(const PipelineArgs& args) {
  engine::RunOptions o;
  o.pipeline_file = args.file;
  o.overrides = args.overrides;
  if (!args.cache_dir.empty()) o.cache_dir = args.cache_dir;
  return o;
}

std::string align_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace sluice::cli
