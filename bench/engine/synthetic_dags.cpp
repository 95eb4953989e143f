#include "synthetic_dags.hpp"

#include <algorithm>
#include <random>

namespace sluice::bench {

namespace {
std::vector<std::string> numbered_ids(std::size_t nodes) {
  std::vector<std::string> ids;
  ids.reserve(nodes);
  // append() rather than "n" + ...: GCC 12 at -O3 warns falsely (-Wrestrict) on the operator+ form.
  for (std::size_t i = 0; i < nodes; ++i) ids.push_back(std::string("n").append(std::to_string(i)));
  return ids;
}
}  // namespace

EdgeList make_chain(std::size_t nodes) {
  EdgeList g{"chain", numbered_ids(nodes), {}};
  for (std::size_t i = 1; i < nodes; ++i) g.edges.emplace_back(i - 1, i);
  return g;
}

EdgeList make_fan_out(std::size_t nodes) {
  EdgeList g{"fan-out", numbered_ids(nodes), {}};
  for (std::size_t i = 1; i < nodes; ++i) g.edges.emplace_back(0, i);
  return g;
}

EdgeList make_random(std::size_t nodes, std::uint64_t seed) {
  EdgeList g{"random", numbered_ids(nodes), {}};
  // mt19937_64 with an explicit distribution formula (not std::uniform_int_distribution,
  // whose output differs between standard libraries) keeps the graph identical everywhere.
  std::mt19937_64 rng(seed);
  for (std::size_t i = 1; i < nodes; ++i) {
    const std::size_t wanted = std::min<std::size_t>(i, 1 + rng() % 3);
    std::vector<std::size_t> preds;
    while (preds.size() < wanted) {
      const std::size_t p = static_cast<std::size_t>(rng() % i);
      if (std::find(preds.begin(), preds.end(), p) == preds.end()) preds.push_back(p);
    }
    for (std::size_t p : preds) g.edges.emplace_back(p, i);
  }
  return g;
}

}  // namespace sluice::bench
