#include "exec/dag_runner.hpp"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <memory>

namespace sluice::engine {

unsigned default_jobs() { return static_cast<unsigned>(std::max(1, tbb::info::default_concurrency())); }

void run_dag(const Dag& dag, const std::vector<bool>& selected, unsigned jobs,
             const std::function<void(std::size_t)>& body) {
  using tbb::flow::continue_msg;
  using Node = tbb::flow::continue_node<continue_msg>;
  const unsigned threads = jobs == 0 ? default_jobs() : jobs;
  tbb::task_arena arena(static_cast<int>(threads));
  if (threads == 1) {
    // One job: the nodes run one after another in the order of the file (inputs first), which a
    // flow graph would not keep; partitions still run inside this arena.
    arena.execute([&] {
      for (std::size_t v : dag.topo_order())
        if (selected[v]) body(v);
    });
    return;
  }
  arena.execute([&] {
    tbb::flow::graph g;
    std::vector<std::unique_ptr<Node>> nodes(dag.size());
    for (std::size_t v = 0; v < dag.size(); ++v) {
      if (!selected[v]) continue;
      // lightweight: the body is short-lived bookkeeping or a whole stage run; no extra task spawn per node.
      nodes[v] = std::make_unique<Node>(g, [&body, v](const continue_msg&) { body(v); });
    }
    std::vector<Node*> roots;
    for (std::size_t v = 0; v < dag.size(); ++v) {
      if (!nodes[v]) continue;
      bool has_pred = false;
      for (std::size_t u : dag.predecessors(v)) {
        if (!nodes[u]) continue;
        tbb::flow::make_edge(*nodes[u], *nodes[v]);
        has_pred = true;
      }
      if (!has_pred) roots.push_back(nodes[v].get());
    }
    for (Node* r : roots) r->try_put(continue_msg());
    g.wait_for_all();
  });
}

}  // namespace sluice::engine
