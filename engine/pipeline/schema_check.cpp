#include "pipeline/schema_check.hpp"

#include <algorithm>
#include <string_view>

#include "common/errors.hpp"
#include "common/suggest.hpp"

namespace sluice::engine {

namespace {

std::vector<std::string> names_of(const std::vector<PortSpec>& ports) {
  std::vector<std::string> names;
  for (const auto& p : ports) names.push_back(p.name);
  return names;
}

class Checker {
 public:
  Checker(const PipelineSpec& spec, const Dag& dag, const DescriptorLookup& lookup, const std::vector<std::string>& ids,
          std::vector<Problem>& problems)
      : spec_(spec), dag_(dag), lookup_(lookup), ids_(ids), problems_(problems) {}

  std::vector<ResolvedNode> run() {
    std::vector<ResolvedNode> out(spec_.nodes.size());
    for (std::size_t i = 0; i < spec_.nodes.size(); ++i) {
      const NodeSpec& node = spec_.nodes[i];
      if (node.invalid_keys.count("plugin")) continue;  // the loader said why
      out[i].descriptor = lookup_(node.plugin);
      if (out[i].descriptor == nullptr) {
        problem(node.plugin_loc, "node '" + node.id + "': unknown plugin '" + node.plugin + "'" +
                                     did_you_mean(node.plugin, ids_) +
                                     "; `sluice plugins` lists the stages found in the plugin directories");
      }
    }
    for (std::size_t i = 0; i < spec_.nodes.size(); ++i) {
      if (out[i].descriptor == nullptr) continue;
      out[i].params = check_params(spec_.nodes[i], *out[i].descriptor);
      out[i].bindings = bind_inputs(spec_.nodes[i], *out[i].descriptor, out);
    }
    return out;
  }

 private:
  void problem(const SourceLoc& loc, const std::string& message) { problems_.push_back(Problem{loc, message}); }

  Params check_params(const NodeSpec& node, const StageDescriptor& d) {
    if (node.invalid_keys.count("params")) return {};  // not a table: the loader said so
    Params given;
    std::vector<std::string> names;
    for (const auto& p : d.params) names.push_back(p.name);
    const std::string who = "node '" + node.id + "' (" + d.id + ")";
    bool ok = true;
    for (const auto& [name, value] : node.params) {
      if (node.invalid_keys.count("params." + name)) {
        ok = false;  // its value could not be read or resolved: the loader said why
        continue;
      }
      const ParamSpec* spec = d.find_param(name);
      const SourceLoc& loc = node.param_locs.at(name);
      if (spec == nullptr) {
        problem(loc, who + ": unknown parameter '" + name + "'" + did_you_mean(name, names) +
                         "; its parameters are: " + list_text(names));
        ok = false;
        continue;
      }
      if (auto issue = check_param(*spec, value); !issue.empty()) {
        problem(loc, who + ": parameter '" + name + "': " + issue + (spec->doc.empty() ? "" : " (" + spec->doc + ")"));
        ok = false;
      }
      given.set(name, value);
    }
    for (const auto& spec : d.params) {
      // param_locs also holds the parameters whose value the loader rejected: given, if wrongly.
      if (spec.required && !spec.default_value && node.param_locs.count(spec.name) == 0) {
        problem(node.params_loc.line ? node.params_loc : node.loc,
                who + ": missing required parameter '" + spec.name + "' (" + std::string(to_string(spec.type)) +
                    (spec.doc.empty() ? "" : ": " + spec.doc) + "); add it under params");
        ok = false;
      }
    }
    if (!ok) return {};
    try {
      return apply_schema(d, std::move(given));
    } catch (const ParamError& e) {
      auto it = node.param_locs.find(e.param());
      problem(it != node.param_locs.end() ? it->second : node.loc, who + ": " + e.what());
      return {};
    }
  }

  std::vector<Binding> bind_inputs(const NodeSpec& node, const StageDescriptor& d, const std::vector<ResolvedNode>& all) {
    std::vector<Binding> out;
    const std::string who = "node '" + node.id + "' (" + d.id + ")";
    const auto ports = names_of(d.inputs);
    std::vector<bool> bound(d.inputs.size(), false);
    std::size_t next_positional = 0;
    for (const auto& in : node.inputs) {
      // Which consumer port?
      std::size_t port_index = d.inputs.size();
      if (!in.port.empty()) {
        auto it = std::find(ports.begin(), ports.end(), in.port);
        if (it == ports.end()) {
          problem(in.loc, who + ": no input port '" + in.port + "'" + did_you_mean(in.port, ports) +
                              "; its input ports are: " + list_text(ports));
          continue;
        }
        port_index = static_cast<std::size_t>(it - ports.begin());
      } else {
        while (next_positional < d.inputs.size() && bound[next_positional] && !d.inputs[next_positional].variadic) {
          ++next_positional;
        }
        if (next_positional >= d.inputs.size()) {
          problem(in.loc, who + ": too many inputs; the stage takes " + std::to_string(d.inputs.size()) +
                              " input port(s): " + list_text(ports));
          continue;
        }
        port_index = next_positional;
      }
      const PortSpec& port = d.inputs[port_index];
      bound[port_index] = true;  // also when the node is unknown: the port is not missing, its input is
      const std::size_t* upstream = dag_.find(in.node);
      if (upstream == nullptr) continue;  // reported by the DAG builder
      const std::size_t up = *upstream;
      // Which upstream output port?
      const StageDescriptor* ud = all[up].descriptor;
      if (ud == nullptr) continue;
      if (ud->outputs.empty()) {
        problem(in.loc, who + ": node '" + in.node + "' (" + ud->id + ") has no outputs to read");
        continue;
      }
      const PortSpec* out_port = &ud->outputs.front();
      if (!in.node_port.empty()) {
        out_port = nullptr;
        for (const auto& p : ud->outputs)
          if (p.name == in.node_port) out_port = &p;
        if (out_port == nullptr) {
          const auto outs = names_of(ud->outputs);
          problem(in.loc, who + ": node '" + in.node + "' (" + ud->id + ") has no output port '" + in.node_port + "'" +
                              did_you_mean(in.node_port, outs) + "; its outputs are: " + list_text(outs));
          continue;
        }
      }
      if (out_port->type != port.type) {
        problem(in.loc, who + ": input port '" + port.name + "' takes a " + std::string(to_string(port.type)) +
                            " but '" + in.node + "." + out_port->name + "' produces a " +
                            std::string(to_string(out_port->type)) + "; connect a port of the matching type");
        continue;
      }
      out.push_back(Binding{port.variadic ? in.node : port.name, up, out_port->name});
    }
    // Inputs the loader could not read may be the missing ones: it said what is wrong with them.
    if (!node.invalid_keys.count("inputs")) check_connected(node, d, bound);
    return out;
  }

  // Every required input port, and one of each one-of group, is connected; a foreach node has a table.
  void check_connected(const NodeSpec& node, const StageDescriptor& d, const std::vector<bool>& bound) {
    const std::string who = "node '" + node.id + "' (" + d.id + ")";
    const auto ports = names_of(d.inputs);
    for (std::size_t i = 0; i < d.inputs.size(); ++i) {
      if (!bound[i] && !d.inputs[i].optional && !d.inputs[i].variadic) {
        problem(node.loc, who + ": input port '" + d.inputs[i].name + "' is not connected" +
                              (d.inputs[i].doc.empty() ? "" : " (" + d.inputs[i].doc + ")") +
                              "; add it to inputs, e.g. inputs = { " + d.inputs[i].name + " = \"<node>\" }");
      }
    }
    for (const auto& group : d.one_of_inputs) {
      const bool any = std::any_of(group.begin(), group.end(), [&](const std::string& name) {
        const auto it = std::find(ports.begin(), ports.end(), name);
        return it != ports.end() && bound[static_cast<std::size_t>(it - ports.begin())];
      });
      if (!any) {
        problem(node.loc, who + ": connect input port " + alternatives_text(group, "'") +
                              " (the stage needs one of them); add it to inputs, e.g. inputs = { " + group.front() +
                              " = \"<node>\" }");
      }
    }
    if (!node.foreach.empty() && std::none_of(bound.begin(), bound.end(), [](bool b) { return b; })) {
      problem(node.foreach_loc, who + ": foreach needs a table input to partition");
    }
  }

  const PipelineSpec& spec_;
  const Dag& dag_;
  const DescriptorLookup& lookup_;
  const std::vector<std::string>& ids_;
  std::vector<Problem>& problems_;
};

}  // namespace

std::vector<ResolvedNode> check_against_schemas(const PipelineSpec& spec, const Dag& dag, const DescriptorLookup& lookup,
                                                const std::vector<std::string>& known_ids) {
  std::vector<Problem> problems;
  auto resolved = check_against_schemas(spec, dag, lookup, known_ids, problems);
  throw_problems(std::move(problems));
  return resolved;
}

std::vector<ResolvedNode> check_against_schemas(const PipelineSpec& spec, const Dag& dag, const DescriptorLookup& lookup,
                                                const std::vector<std::string>& known_ids,
                                                std::vector<Problem>& problems) {
  return Checker(spec, dag, lookup, known_ids, problems).run();
}

std::string param_error_text(const ParamError& e) {
  const std::string prefix = "parameter '" + e.param() + "'";
  const std::string_view message = e.what();
  if (message.substr(0, prefix.size()) == prefix) return std::string(message);
  return prefix + ": " + std::string(message);
}

Problem param_problem(const NodeSpec& node, const ParamError& e, const SourceLoc& fallback, const std::string& who) {
  const auto at = node.param_locs.find(e.param());
  return Problem{at != node.param_locs.end() ? at->second : fallback, who + param_error_text(e)};
}

}  // namespace sluice::engine
