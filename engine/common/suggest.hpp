#pragma once
// "Did you mean ...?" suggestions for misspelt names, and the list of valid ones.
#include <string>
#include <string_view>
#include <vector>

namespace sluice::engine {

std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or "" if none is close.
std::string closest_match(std::string_view name, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);
// "a, b, c", or "(none)" when there are no names.
std::string list_text(const std::vector<std::string>& names);
// "a, b or c" (each name between `quote`s): alternatives, of which one is needed.
std::string alternatives_text(const std::vector<std::string>& names, std::string_view quote = "");

}  // namespace sluice::engine
