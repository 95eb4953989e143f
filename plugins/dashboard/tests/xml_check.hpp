#pragma once
// A minimal XML well-formedness check for the SVG the charts produce:
// balanced tags, quoted attributes, known entities, no raw '<' or '&' in text.
// Returns an empty string when well-formed, else the first problem.
#include <string>
#include <vector>

namespace sluice::dashboard::test {

inline std::string xml_problem(const std::string& s) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  auto check_entities = [&](std::size_t from, std::size_t to) -> std::string {
    for (std::size_t k = from; k < to; ++k) {
      if (s[k] == '<') return "raw '<' at " + std::to_string(k);
      if (s[k] != '&') continue;
      const auto semi = s.find(';', k);
      if (semi == std::string::npos || semi > to) return "unterminated entity at " + std::to_string(k);
      const std::string e = s.substr(k + 1, semi - k - 1);
      if (e != "amp" && e != "lt" && e != "gt" && e != "quot" && e != "apos" && e.rfind('#', 0) != 0)
        return "unknown entity &" + e + "; at " + std::to_string(k);
    }
    return "";
  };
  while (i < s.size()) {
    const auto lt = s.find('<', i);
    const auto text_end = lt == std::string::npos ? s.size() : lt;
    if (auto p = check_entities(i, text_end); !p.empty()) return p;
    if (lt == std::string::npos) break;
    if (s.compare(lt, 5, "<?xml") == 0) {
      i = s.find("?>", lt) + 2;
      continue;
    }
    const auto gt = s.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag at " + std::to_string(lt);
    std::string tag = s.substr(lt + 1, gt - lt - 1);
    // '>' inside a quoted attribute value would end the tag early; the escaper never emits it.
    std::size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2 != 0) return "odd quotes in tag at " + std::to_string(lt);
    if (auto p = check_entities(lt + 1, gt); !p.empty() && p.rfind("raw", 0) != 0) return p;
    if (tag.find('<') != std::string::npos) return "'<' inside a tag at " + std::to_string(lt);
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name)
        return "closing </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) + ">";
      stack.pop_back();
    } else if (!tag.empty() && tag.back() == '/') {
      // self-closing
    } else {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n\t")));
    }
    i = gt + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  return "";
}

}  // namespace sluice::dashboard::test
