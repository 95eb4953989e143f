#include "exec/dag_runner.hpp"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>

namespace sluice::engine {

unsigned default_jobs() { return static_cast<unsigned>(std::max(1, tbb::info::default_concurrency())); }

void run_dag(const Dag& dag, const std::vector<bool>& selected, unsigned jobs,
             const std::function<void(std::size_t)>& body) {
  using tbb::flow::continue_msg;
  using Node = tbb::flow::continue_node<continue_msg>;
  const unsigned threads = jobs == 0 ? default_jobs() : jobs;
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::flow::graph g;
    std::vector<std::unique_ptr<Node>> nodes(dag.size());
    for (std::size_t v = 0; v < dag.size(); ++v) {
      if (!selected[v]) continue;
      // lightweight: the body is short-lived bookkeeping or a whole stage run; no extra task spawn per node.
      nodes[v] = std::make_unique<Node>(g, [&body, v](const continue_msg&) { body(v); });
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
