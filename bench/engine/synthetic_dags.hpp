#pragma once
// Synthetic DAG shapes for the scheduling-overhead benchmark: each is a list of
// node ids plus (from, to) edges, ready for Dag::from_edges.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sluice::bench {

struct EdgeList {
  std::string shape;
  std::vector<std::string> ids;
  std::vector<std::pair<std::size_t, std::size_t>> edges;
};

// n0 -> n1 -> ... : no parallelism at all, every node waits for the previous one.
EdgeList make_chain(std::size_t nodes);
// n0 -> every other node: maximal parallelism after the root.
EdgeList make_fan_out(std::size_t nodes);
// Node i (> 0) depends on 1..3 distinct random earlier nodes; the same seed gives the same graph.
EdgeList make_random(std::size_t nodes, std::uint64_t seed);

}  // namespace sluice::bench
