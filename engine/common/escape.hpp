#pragma once
// Character-level escaping shared by the formats the engine writes: partition keys, Graphviz and
// Mermaid labels, systemd unit files and crontab lines each escape a few characters their own way.
#include <string>
#include <string_view>

namespace sluice::engine {

// `text` with `escape` put before every character that is in `special`.
inline std::string escape_chars(std::string_view text, std::string_view special, char escape) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (special.find(c) != std::string_view::npos) out += escape;
    out += c;
  }
  return out;
}

// `text` with every `c` replaced by `replacement`.
inline std::string replace_char(std::string_view text, char c, std::string_view replacement) {
  std::string out;
  out.reserve(text.size());
  for (char x : text) {
    if (x == c) out += replacement;
    else out += x;
  }
  return out;
}

}  // namespace sluice::engine
