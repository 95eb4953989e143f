#pragma once
// Reads values back from the rendered page through the ids and data-*
// attributes the dashboard emits, so tests compare what the page says with
// what the input tables hold.
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace sluice::dashboard::test {

// The value of `attr` on the first element whose opening tag contains `marker`.
inline std::string attribute_after(const std::string& html, const std::string& marker, const std::string& attr,
                                   std::size_t from = 0) {
  const auto at = html.find(marker, from);
  if (at == std::string::npos) throw std::runtime_error("marker not found: " + marker);
  const auto tag_start = html.rfind('<', at);
  const auto tag_end = html.find('>', at);
  const std::string tag = html.substr(tag_start, tag_end - tag_start);
  const auto a = tag.find(" " + attr + "=\"");
  if (a == std::string::npos) throw std::runtime_error("attribute " + attr + " not found near " + marker);
  const auto v = a + attr.size() + 3;
  return tag.substr(v, tag.find('"', v) - v);
}

inline double number_attribute(const std::string& html, const std::string& marker, const std::string& attr) {
  return std::strtod(attribute_after(html, marker, attr).c_str(), nullptr);
}

inline std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + needle.size())) ++n;
  return n;
}

}  // namespace sluice::dashboard::test
