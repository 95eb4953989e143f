#pragma once
// Runs a body once per selected DAG node on a oneTBB flow graph: a node starts
// when all its selected predecessors have finished; at most `jobs` bodies run
// at once. The body must not throw (the executor records failures itself).
#include <cstddef>
#include <functional>
#include <vector>

#include "graph/dag.hpp"

namespace sluice::engine {

void run_dag(const Dag& dag, const std::vector<bool>& selected, unsigned jobs,
             const std::function<void(std::size_t)>& body);

unsigned default_jobs();

}  // namespace sluice::engine
