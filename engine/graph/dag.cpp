#include "graph/dag.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>

#include <algorithm>
#include <functional>
#include <queue>

#include "common/errors.hpp"
#include "common/suggest.hpp"

namespace sluice::engine {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

// Records the first back edge and the DFS tree parents, so the cycle can be printed as a path.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::pair<Vertex, Vertex>* first_back_edge;
  bool* found;
  template <typename Edge, typename G>
  void tree_edge(Edge e, const G& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  template <typename Edge, typename G>
  void back_edge(Edge e, const G& g) const {
    if (!*found) {
      *found = true;
      *first_back_edge = {boost::source(e, g), boost::target(e, g)};
    }
  }
};

std::string cycle_message(const std::string& file, const std::string& cycle) {
  return file + ": the pipeline has a cycle: " + cycle +
         "; a node cannot depend on its own output, remove one of these inputs";
}
}  // namespace

std::optional<std::string> Dag::finish() {
  const std::size_t n = ids_.size();
  Graph g(n);
  for (std::size_t v = 0; v < n; ++v) {
    std::sort(preds_[v].begin(), preds_[v].end());
    preds_[v].erase(std::unique(preds_[v].begin(), preds_[v].end()), preds_[v].end());
    for (std::size_t u : preds_[v]) {
      boost::add_edge(u, v, g);
      succs_[u].push_back(v);
    }
  }
  std::vector<Vertex> parent(n, static_cast<Vertex>(-1));
  std::pair<Vertex, Vertex> back{0, 0};
  bool found = false;
  CycleFinder finder;
  finder.parent = &parent;
  finder.first_back_edge = &back;
  finder.found = &found;
  boost::depth_first_search(g, boost::visitor(finder));
  if (found) {
    // back = (u -> v) with v an ancestor of u: the cycle is v -> ... -> u -> v.
    std::vector<std::string> path{ids_[back.first]};
    for (Vertex x = back.first; x != back.second && parent[x] != static_cast<Vertex>(-1);) {
      x = parent[x];
      path.push_back(ids_[x]);
    }
    std::reverse(path.begin(), path.end());
    std::string text;
    for (const auto& p : path) text += p + " -> ";
    return text + ids_[back.second];
  }
  // Dependencies first, otherwise file order (Kahn's algorithm, smallest ready index first), so
  // a serial run follows the file as its reader does.
  std::vector<std::size_t> waiting(n);
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t v = 0; v < n; ++v)
    if ((waiting[v] = preds_[v].size()) == 0) ready.push(v);
  order_.clear();
  while (!ready.empty()) {
    const std::size_t v = ready.top();
    ready.pop();
    order_.push_back(v);
    for (std::size_t w : succs_[v])
      if (--waiting[w] == 0) ready.push(w);
  }
  return std::nullopt;
}

void Dag::set_ids(std::vector<std::string> ids) {
  ids_ = std::move(ids);
  index_.clear();
  index_.reserve(ids_.size());
  for (std::size_t v = 0; v < ids_.size(); ++v) index_.emplace(ids_[v], v);
  preds_.assign(ids_.size(), {});
  succs_.assign(ids_.size(), {});
}

const std::size_t* Dag::find(const std::string& id) const {
  const auto it = index_.find(id);
  return it == index_.end() ? nullptr : &it->second;
}

Dag Dag::build(const PipelineSpec& spec) {
  std::vector<Problem> problems;
  Dag dag = build(spec, problems);
  throw_problems(std::move(problems));
  return dag;
}

Dag Dag::build(const PipelineSpec& spec, std::vector<Problem>& problems) {
  Dag dag;
  dag.set_ids(spec.node_ids());
  for (std::size_t v = 0; v < spec.nodes.size(); ++v) {
    for (const auto& in : spec.nodes[v].inputs) {
      const std::size_t* up = dag.find(in.node);
      if (up == nullptr) {
        problems.push_back(Problem{in.loc, "node '" + spec.nodes[v].id + "' takes input from unknown node '" + in.node +
                                               "'" + did_you_mean(in.node, dag.ids_) +
                                               "; inputs name other [nodes.<id>] tables"});
        continue;
      }
      dag.preds_[v].push_back(*up);
    }
  }
  if (const auto cycle = dag.finish()) problems.push_back(Problem{{}, cycle_message(spec.file.string(), *cycle)});
  return dag;
}

Dag Dag::from_edges(std::vector<std::string> ids, const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  Dag dag;
  dag.set_ids(std::move(ids));
  for (const auto& [from, to] : edges) dag.preds_[to].push_back(from);
  if (const auto cycle = dag.finish()) throw UsageError(cycle_message("<graph>", *cycle));
  return dag;
}

std::size_t Dag::index_of(std::string_view id) const {
  const std::string key(id);
  const std::size_t* v = find(key);
  if (v == nullptr) {
    throw UsageError("unknown node '" + key + "'" + did_you_mean(id, ids_) + "; the pipeline's nodes are listed by `sluice graph`");
  }
  return *v;
}

namespace {
// Marks `start` and everything reachable from it through `next`.
std::vector<bool> reachable(std::size_t n, const std::vector<std::size_t>& start,
                            const std::vector<std::vector<std::size_t>>& next) {
  std::vector<bool> mark(n, false);
  std::vector<std::size_t> stack(start);
  while (!stack.empty()) {
    const std::size_t v = stack.back();
    stack.pop_back();
    if (mark[v]) continue;
    mark[v] = true;
    for (std::size_t w : next[v]) stack.push_back(w);
  }
  return mark;
}
}  // namespace

std::vector<bool> Dag::with_upstream(const std::vector<std::size_t>& nodes) const { return reachable(size(), nodes, preds_); }

std::vector<bool> Dag::with_downstream(const std::vector<std::size_t>& nodes) const { return reachable(size(), nodes, succs_); }

}  // namespace sluice::engine
