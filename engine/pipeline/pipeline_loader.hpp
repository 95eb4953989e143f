#pragma once
// Pipeline files: TOML text -> PipelineSpec. Handles ${...} interpolation and
// --set overrides. Structural checks happen here; checks that need the plugin
// schemas are in schema_check.hpp.
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace sluice::engine {

// The pipeline file's text; a UsageError says why it cannot be read (no such file, a directory,
// permission denied). Every command that reads a pipeline file goes through it.
std::string read_pipeline_text(const std::filesystem::path& file);
// Throws UsageError with every problem found, each as "file:line:col: message".
PipelineSpec load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
// Same, from text (used by tests and fuzzers); `file` names the source in messages.
PipelineSpec parse_pipeline(std::string_view text, const std::filesystem::path& file,
                            const std::vector<std::string>& overrides = {});

// The same, adding every problem to `problems` instead of throwing, so that the checks after the
// loader (graph, schemas) can report theirs in the same pass; the spec then holds what could be
// read, and NodeSpec::invalid_keys what could not. Throws UsageError only when nothing more can be
// checked: the file cannot be read, is not TOML, has no [pipeline] table, or a --set is malformed.
PipelineSpec load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                           std::vector<Problem>& problems);
PipelineSpec parse_pipeline(std::string_view text, const std::filesystem::path& file,
                            const std::vector<std::string>& overrides, std::vector<Problem>& problems);

}  // namespace sluice::engine
