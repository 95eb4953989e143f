#include "registry/descriptor_check.hpp"

namespace sluice::engine {

namespace {

std::string number_text(double x) { return ParamValue(x).canonical(); }

// Bounds with min above max refuse every value, the default included.
std::string bounds_problem(const ParamSpec& spec) {
  if (!spec.min || !spec.max || *spec.min <= *spec.max) return {};
  return "parameter '" + spec.name + "' declares min " + number_text(*spec.min) + " above max " +
         number_text(*spec.max) + ", so no value is allowed; swap them, or correct the one that is wrong";
}

// The default is checked as a pipeline's value would be (sluice::check_param), one rule at a
// time so that the fix names the declaration to change. A null default means "no default".
std::string default_problem(const ParamSpec& spec) {
  if (!spec.default_value || spec.default_value->is_null()) return {};
  const ParamValue& value = *spec.default_value;
  const std::string head = "parameter '" + spec.name + "': its default ";
  ParamSpec type_only;
  type_only.type = spec.type;
  if (!check_param(type_only, value).empty()) {
    return head + value.canonical() + " is not of its declared type (" + std::string(to_string(spec.type)) +
           "); give it a default of that type, or declare the type the default has";
  }
  ParamSpec bounds_only = type_only;
  bounds_only.min = spec.min;
  bounds_only.max = spec.max;
  if (const std::string problem = check_param(bounds_only, value); !problem.empty()) {
    return head + problem + "; change the default, or the bounds (min/max) so that they include it";
  }
  if (const std::string problem = check_param(spec, value); !problem.empty()) {
    return head + problem + "; change the default to one of the choices, or add it to them";
  }
  return {};
}

// With empty bounds every default fails: saying so once is clearer than blaming the default.
std::string param_problem(const ParamSpec& spec) {
  std::string problem = bounds_problem(spec);
  return problem.empty() ? default_problem(spec) : problem;
}

// Ports are bound and read by name, so two of one name in the same direction are ambiguous.
void add_duplicate_ports(const std::vector<PortSpec>& ports, const char* direction, std::vector<std::string>& problems) {
  for (std::size_t i = 0; i < ports.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (ports[i].name == ports[j].name) {
        problems.push_back(std::string(direction) + " port '" + ports[i].name + "' is declared twice; give each " +
                           direction + " port its own name");
        break;
      }
    }
  }
}

}  // namespace

std::vector<std::string> descriptor_contradictions(const StageDescriptor& descriptor) {
  std::vector<std::string> problems;
  for (const auto& spec : descriptor.params) {
    if (std::string problem = param_problem(spec); !problem.empty()) problems.push_back(std::move(problem));
  }
  add_duplicate_ports(descriptor.inputs, "input", problems);
  add_duplicate_ports(descriptor.outputs, "output", problems);
  return problems;
}

}  // namespace sluice::engine
