#include "common/suggest.hpp"

#include <algorithm>
#include <numeric>

namespace sluice::engine {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (!best.empty()) return best;
  // A shortened or differently inflected word ('retry' for 'retries') is too far by edits but
  // shares a long start with what was meant: at least 4 characters and half the name.
  std::size_t best_prefix = std::max<std::size_t>(4, (name.size() + 1) / 2);
  for (const auto& c : candidates) {
    const auto mismatch = std::mismatch(name.begin(), name.end(), c.begin(), c.end());
    const auto prefix = static_cast<std::size_t>(mismatch.first - name.begin());
    if (prefix >= best_prefix) {
      best_prefix = prefix + 1;  // a longer shared start wins; ties keep the first
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(name, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::string list_text(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

std::string alternatives_text(const std::vector<std::string>& names, std::string_view quote) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
    out.append(quote).append(names[i]).append(quote);
  }
  return out;
}

}  // namespace sluice::engine
