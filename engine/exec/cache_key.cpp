#include "exec/cache_key.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include <sluice/serialize.hpp>

#include "cache/cache.hpp"

namespace sluice::engine {

std::string compute_key(const KeyParts& p) {
  // The bytes Hasher would be given (the format version, then each part as its length and its bytes),
  // gathered and hashed at once: for a key's few hundred bytes, setting up a streaming hash state costs
  // more than the hashing. XXH3 gives the same hash either way, so keys are unchanged.
  const std::string* const fields[] = {&p.stage_id, &p.stage_version, &p.plugin_hash, &p.params,
                                       &p.inputs,   &p.fingerprint,   &p.scope};
  std::size_t size = sizeof(std::uint64_t) * (1 + std::size(fields));
  for (const std::string* f : fields) size += f->size();
  std::string bytes;
  bytes.reserve(size);
  const auto add_length = [&bytes](std::uint64_t n) { bytes.append(reinterpret_cast<const char*>(&n), sizeof n); };
  add_length(static_cast<std::uint64_t>(kCacheFormatVersion));
  for (const std::string* f : fields) {
    add_length(f->size());
    bytes += *f;
  }
  return hash_bytes(bytes).hex();
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
