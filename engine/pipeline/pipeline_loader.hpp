#pragma once
// Pipeline files: TOML text -> PipelineSpec. Handles ${...} interpolation and
// --set overrides. Structural checks happen here; checks that need the plugin
// schemas are in schema_check.hpp.
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace sluice::engine {

// Throws UsageError with every problem found, each as "file:line:col: message".
// The pipeline file's text; a UsageError says why it cannot be read (no such file, a directory,
// permission denied). Every command that reads a pipeline file goes through it.
std::string read_pipeline_text(const std::filesystem::path& file);
PipelineSpec load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
// Same, from text (used by tests and fuzzers); `file` names the source in messages.
PipelineSpec parse_pipeline(std::string_view text, const std::filesystem::path& file,
                            const std::vector<std::string>& overrides = {});

}  // namespace sluice::engine
