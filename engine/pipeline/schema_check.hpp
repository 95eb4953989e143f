#pragma once
// Validates a PipelineSpec against the stage schemas before anything runs:
// unknown plugin (with the closest name), unknown/missing/wrong-typed/out-of-range
// parameters, unknown ports and port type mismatches. Every error names file:line:col.
#include <functional>
#include <string>
#include <vector>

#include <sluice/stage.hpp>

#include "graph/dag.hpp"
#include "pipeline/pipeline_spec.hpp"

namespace sluice::engine {

struct Binding {
  std::string port;          // consumer's input port (for variadic: the upstream node id)
  std::size_t upstream = 0;  // index into spec.nodes
  std::string upstream_port;
};

struct ResolvedNode {
  const StageDescriptor* descriptor = nullptr;
  Params params;                  // defaults filled in, checked
  std::vector<Binding> bindings;  // in port order, variadic entries last
};

using DescriptorLookup = std::function<const StageDescriptor*(std::string_view id)>;

// Throws UsageError listing every problem. Returns one ResolvedNode per spec node. `dag` is
// Dag::build(spec): its node indices are those of spec.nodes.
std::vector<ResolvedNode> check_against_schemas(const PipelineSpec& spec, const Dag& dag, const DescriptorLookup& lookup,
                                                const std::vector<std::string>& known_ids);
// The same, adding every problem to `problems` instead of throwing (the resolved nodes are then
// incomplete). Keys the loader reported (NodeSpec::invalid_keys) and inputs from nodes the graph
// does not have are skipped, not reported again.
std::vector<ResolvedNode> check_against_schemas(const PipelineSpec& spec, const Dag& dag, const DescriptorLookup& lookup,
                                                const std::vector<std::string>& known_ids,
                                                std::vector<Problem>& problems);

// A stage's ParamError as one message that names the parameter once ("parameter 'weekly': ..."):
// bundled stages write that prefix themselves (sluice::param_error), a plugin built against an older
// SDK may not.
std::string param_error_text(const ParamError& e);

// A stage's ParamError as a problem of `node`: at the parameter's position in the file, or at
// `fallback` when the file does not set it; the message is `who` + param_error_text(e), and
// Problem::str() adds how a --set gave the value.
Problem param_problem(const NodeSpec& node, const ParamError& e, const SourceLoc& fallback, const std::string& who = "");

}  // namespace sluice::engine
