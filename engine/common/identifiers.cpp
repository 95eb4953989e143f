#include "common/identifiers.hpp"

namespace sluice::engine {

namespace {
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '-'; }  // [A-Za-z0-9_-]
bool is_key_char(char c) { return is_alpha(c) || c == '_'; }                            // [A-Za-z_]
bool is_stage_char(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_'; }  // [a-z0-9_]

template <class Pred>
bool all_of_nonempty(std::string_view s, Pred ok) {
  if (s.empty()) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}

// Splits off the text before the first '.'; `rest` gets what follows it (npos: no dot).
std::string_view take_segment(std::string_view& rest, bool& had_dot) {
  const auto dot = rest.find('.');
  had_dot = dot != std::string_view::npos;
  const std::string_view head = rest.substr(0, dot);
  rest = had_dot ? rest.substr(dot + 1) : std::string_view{};
  return head;
}
}  // namespace

bool is_node_id(std::string_view id) {
  return !id.empty() && (is_alpha(id.front()) || id.front() == '_') && all_of_nonempty(id, is_word_char);
}

bool is_pipeline_name(std::string_view name) {
  return all_of_nonempty(name, [](char c) { return is_word_char(c) || c == '.'; });
}

bool is_stage_id(std::string_view id) {
  std::size_t words = 0;
  bool had_dot = true;
  while (had_dot) {
    if (!all_of_nonempty(take_segment(id, had_dot), is_stage_char)) return false;
    ++words;
  }
  return words >= 2;
}

bool is_override_path(std::string_view path) {
  bool dot = false;
  const std::string_view root = take_segment(path, dot);
  if (!dot) return false;
  if (root == "vars") return all_of_nonempty(path, is_word_char);
  if (root == "pipeline") return all_of_nonempty(path, is_key_char);
  if (root != "nodes") return false;
  const std::string_view node = take_segment(path, dot);
  if (!dot || !all_of_nonempty(node, is_word_char)) return false;
  const std::string_view key = take_segment(path, dot);
  if (!dot) return all_of_nonempty(key, is_key_char);  // nodes.NODE.KEY
  return key == "params" && all_of_nonempty(path, is_word_char);  // nodes.NODE.params.NAME
}

}  // namespace sluice::engine
