#include "exec/cache_key.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include <sluice/serialize.hpp>

#include "cache/cache.hpp"

namespace sluice::engine {

std::string compute_key(const KeyParts& p) {
  Hasher h;
  h.add(static_cast<std::uint64_t>(kCacheFormatVersion));
  h.add(p.stage_id).add(p.stage_version).add(p.plugin_hash).add(p.params).add(p.inputs).add(p.fingerprint).add(p.scope);
  return h.finish().hex();
}

NodeState state_of(const std::string& key, const KeyParts& p) {
  return NodeState{key, p.stage_version, p.plugin_hash, p.params, p.inputs, p.fingerprint};
}

namespace {
std::map<std::string, std::string> split_inputs(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ';')) {
    const auto eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string param_changes(const std::string& before, const std::string& after) {
  nlohmann::json a, b;
  try {
    a = nlohmann::json::parse(before);
    b = nlohmann::json::parse(after);
  } catch (const std::exception&) {
    return "params changed";
  }
  std::vector<std::string> changes;
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (!a.contains(it.key())) changes.push_back("param `" + it.key() + "` added (" + it.value().dump() + ")");
    else if (a[it.key()] != it.value())
      changes.push_back("param `" + it.key() + "` changed " + a[it.key()].dump() + "→" + it.value().dump());
  }
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!b.contains(it.key())) changes.push_back("param `" + it.key() + "` removed (was " + it.value().dump() + ")");
  }
  std::string out;
  for (const auto& c : changes) out += (out.empty() ? "" : ", ") + c;
  return out.empty() ? "params changed" : out;
}
}  // namespace

std::string explain_change(const std::optional<NodeState>& previous, const KeyParts& now) {
  if (!previous) return "no cache entry";
  std::vector<std::string> reasons;
  if (previous->plugin_hash != now.plugin_hash) {
    reasons.push_back(previous->stage_version != now.stage_version
                          ? "stage version changed " + previous->stage_version + "→" + now.stage_version
                          : "plugin binary changed");
  }
  if (previous->params != now.params) reasons.push_back(param_changes(previous->params, now.params));
  if (previous->inputs != now.inputs) {
    const auto a = split_inputs(previous->inputs), b = split_inputs(now.inputs);
    // Entries are "port:node"; users think in upstream node names.
    auto node_of = [](const std::string& binding) { return binding.substr(binding.find(':') + 1); };
    for (const auto& [binding, hash] : b) {
      auto it = a.find(binding);
      if (it == a.end()) reasons.push_back("input `" + node_of(binding) + "` added");
      else if (it->second != hash) reasons.push_back("input `" + node_of(binding) + "` changed");
    }
    for (const auto& [binding, hash] : a)
      if (!b.count(binding)) reasons.push_back("input `" + node_of(binding) + "` removed");
  }
  if (previous->fingerprint != now.fingerprint) reasons.push_back("source changed (fingerprint differs)");
  if (reasons.empty()) {
    return previous->key == compute_key(now) ? "cache entry missing (evicted or cleared)" : "cache scope changed";
  }
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

}  // namespace sluice::engine
