#pragma once
// The pipeline's dependency graph (Boost.Graph): cycle detection reported as a
// path, topological order, and sub-graph selection for --target / --force.
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace sluice::engine {

class Dag {
 public:
  // Resolves inputs to node indices (spec.nodes order). Throws UsageError for an
  // unknown input node (with a suggestion) and for a cycle ("a -> b -> a").
  static Dag build(const PipelineSpec& spec);
  // The same, adding those problems to `problems` instead of throwing (so that a pipeline's other
  // problems are reported in the same pass); the graph then holds the inputs it could resolve, and
  // topo_order() is empty when they form a cycle.
  static Dag build(const PipelineSpec& spec, std::vector<Problem>& problems);
  // Builds from plain edges (benchmarks, tests). Throws UsageError on a cycle.
  static Dag from_edges(std::vector<std::string> ids, const std::vector<std::pair<std::size_t, std::size_t>>& edges);

  std::size_t size() const { return ids_.size(); }
  const std::string& id(std::size_t node) const { return ids_[node]; }
  std::size_t index_of(std::string_view id) const;  // throws UsageError if unknown
  // The node's index, or nullptr if there is no node `id` (constant time).
  const std::size_t* find(const std::string& id) const;
  // Every node after its inputs; otherwise in file order.
  const std::vector<std::size_t>& topo_order() const { return order_; }
  const std::vector<std::size_t>& predecessors(std::size_t node) const { return preds_[node]; }
  const std::vector<std::size_t>& successors(std::size_t node) const { return succs_[node]; }

  // `nodes` and everything upstream of them.
  std::vector<bool> with_upstream(const std::vector<std::size_t>& nodes) const;
  // `nodes` and everything downstream of them.
  std::vector<bool> with_downstream(const std::vector<std::size_t>& nodes) const;

 private:
  // Sets the ids and the index from id to node (a pipeline of thousands of nodes looks ids up
  // once per input, so a linear search would make loading quadratic).
  void set_ids(std::vector<std::string> ids);
  // Completes the graph from preds_. Returns the cycle as "a -> b -> a" if there is one (and then
  // computes no order).
  std::optional<std::string> finish();
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::vector<std::size_t>> preds_;
  std::vector<std::vector<std::size_t>> succs_;
  std::vector<std::size_t> order_;
};

}  // namespace sluice::engine
