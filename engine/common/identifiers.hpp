#pragma once
// The naming rules of pipelines, nodes, stage ids and --set paths, as plain character checks:
// they run for every node of every command, and std::regex compiles at ~1 M instructions each.
#include <string_view>

namespace sluice::engine {

// A node id: a letter or '_', then letters, digits, '_' and '-'.
bool is_node_id(std::string_view id);
// A pipeline name: letters, digits, '_', '-' and '.' (at least one).
bool is_pipeline_name(std::string_view name);
// A stage id: reverse-DNS, two or more non-empty words of [a-z0-9_] separated by dots.
bool is_stage_id(std::string_view id);
// A --set path: vars.NAME, nodes.NODE.params.NAME, nodes.NODE.KEY or pipeline.KEY, where NAME and
// NODE are [A-Za-z0-9_-]+ and KEY is [A-Za-z_]+.
bool is_override_path(std::string_view path);

}  // namespace sluice::engine
