#include "exec/dag_runner.hpp"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>

namespace sluice::engine {

unsigned default_jobs() { return static_cast<unsigned>(std::max(1, tbb::info::default_concurrency())); }

std::vector<unsigned> chain_lengths(const Dag& dag, const std::vector<bool>& selected) {
  std::vector<unsigned> length(dag.size(), 0);
  const auto& order = dag.topo_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::size_t v = *it;
    if (!selected[v]) continue;
    unsigned longest = 0;
    for (std::size_t s : dag.successors(v))
      if (selected[s]) longest = std::max(longest, length[s]);
    length[v] = longest + 1;
  }
  return length;
}

void run_dag(const Dag& dag, const std::vector<bool>& selected, unsigned jobs,
             const std::function<void(std::size_t)>& body) {
  using tbb::flow::continue_msg;
  using Node = tbb::flow::continue_node<continue_msg>;
  const unsigned threads = jobs == 0 ? default_jobs() : jobs;
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::flow::graph g;
    std::vector<std::unique_ptr<Node>> nodes(dag.size());
    // Of the nodes ready at once, those with the longest chain still behind them start first: a
    // node's body holds its thread until the stage returns, so a sink started early (a warehouse
    // load nothing waits for) would make the forecast that the dashboard waits for queue behind it.
    const std::vector<unsigned> priority = chain_lengths(dag, selected);
    for (std::size_t v = 0; v < dag.size(); ++v) {
      if (!selected[v]) continue;
      nodes[v] = std::make_unique<Node>(g, [&body, v](const continue_msg&) { body(v); },
                                        static_cast<tbb::flow::node_priority_t>(priority[v]));
    }
    std::vector<bool> has_pred(dag.size(), false);
    for (std::size_t v = 0; v < dag.size(); ++v) {
      if (!nodes[v]) continue;
      for (std::size_t u : dag.predecessors(v)) {
        if (!nodes[u]) continue;
        tbb::flow::make_edge(*nodes[u], *nodes[v]);
        has_pred[v] = true;
      }
    }
    if (threads == 1) {
      // One job: chain the nodes in topological file order, so they run in the order the file
      // lists them (inputs first) rather than in the order oneTBB happens to pick ready nodes.
      std::size_t previous = dag.size();
      for (std::size_t v : dag.topo_order()) {
        if (!nodes[v]) continue;
        const auto& preds = dag.predecessors(v);
        if (previous != dag.size() && std::find(preds.begin(), preds.end(), previous) == preds.end()) {
          tbb::flow::make_edge(*nodes[previous], *nodes[v]);
          has_pred[v] = true;
        }
        previous = v;
      }
    }
    for (std::size_t v = 0; v < dag.size(); ++v)
      if (nodes[v] && !has_pred[v]) nodes[v]->try_put(continue_msg());
    g.wait_for_all();
  });
}

}  // namespace sluice::engine
