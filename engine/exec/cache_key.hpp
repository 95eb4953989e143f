#pragma once
// The action key of a node (or partition) and the human explanation of why a
// key differs from the last one recorded for the same node.
#include <optional>
#include <string>
#include <vector>

#include "cache/cache_index.hpp"

namespace sluice::engine {

struct KeyParts {
  std::string stage_id;
  std::string stage_version;
  std::string plugin_hash;
  std::string params;       // canonical JSON with defaults filled in
  std::string inputs;       // "port:node=hash;" in binding order
  std::string fingerprint;  // source probe, empty if none
  std::string scope;        // partition key / filter / foreach, empty for a plain node
};

std::string compute_key(const KeyParts& parts);
NodeState state_of(const std::string& key, const KeyParts& parts);

// "param `horizon` changed 30→35", "input `extract` changed", "plugin binary changed", ...
std::string explain_change(const std::optional<NodeState>& previous, const KeyParts& now);

}  // namespace sluice::engine
