#pragma once
// Options shared by the commands that take a pipeline file.
#include <string>
#include <vector>

#include "app/run_pipeline.hpp"
#include "cli/commands.hpp"

namespace sluice::cli {

struct PipelineArgs {
  std::string file;
  std::vector<std::string> overrides;
  std::string cache_dir;
};

// Adds P.toml, --set and --cache-dir to a sub-command.
void add_pipeline_args(CLI::App& cmd, PipelineArgs& args);
engine::RunOptions to_run_options(const PipelineArgs& args);

// Runs `body`, mapping UsageError to exit 2 and printing the message.
template <typename F>
void guarded(ExitCode& exit, F&& body);

// Formats rows as aligned columns.
std::string align_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace sluice::cli

#include "common/errors.hpp"
#include "common/log.hpp"

template <typename F>
void sluice::cli::guarded(ExitCode& exit, F&& body) {
  try {
    body();
  } catch (const engine::UsageError& e) {
    engine::log::error(e.what());
    exit.value = 2;
  }
}
