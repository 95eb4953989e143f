#pragma once
// Renders stage schemas as text, JSON and the Markdown stage reference.
#include <nlohmann/json.hpp>
#include <string>

#include "registry/registry.hpp"

namespace sluice::cli {

nlohmann::ordered_json schema_json(const engine::LoadedStage& stage);
std::string schema_text(const engine::LoadedStage& stage);
std::string stages_markdown(const engine::Registry& registry);

}  // namespace sluice::cli
