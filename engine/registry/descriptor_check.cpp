#include "registry/descriptor_check.hpp"

#include <algorithm>

namespace sluice::engine {

namespace {

// Bounds with min above max refuse every value, the default included.
std::string bounds_problem(const ParamSpec& spec) {
  if (!spec.min || !spec.max || *spec.min <= *spec.max) return {};
  return "parameter '" + spec.name + "' declares min " + ParamValue(*spec.min).display() + " above max " +
         ParamValue(*spec.max).display() + ", so no value is allowed; swap them, or correct the one that is wrong";
}

// Choices are strings: they restrict a string, or each element of a list of strings. On any other
// type they would restrict nothing, or (on Any) only the values that happen to be strings, which is
// for the stage to check.
std::string choices_problem(const ParamSpec& spec) {
  if (spec.choices.empty() || spec.type == ParamType::String || spec.type == ParamType::StringList) return {};
  return "parameter '" + spec.name + "' declares choices, but its type (" + std::string(to_string(spec.type)) +
         ") is not a string or a list of strings, so they restrict nothing; remove the choices, or declare it a "
         "string or a list of strings";
}

// Bounds are numbers: they restrict a number, or each element of a list of numbers. On any other
// type they would restrict nothing, or (on Any and List) only the values that happen to be numbers,
// which is for the stage to check.
std::string range_declaration_problem(const ParamSpec& spec) {
  if (!spec.min && !spec.max) return {};
  switch (spec.type) {
    case ParamType::Int:
    case ParamType::Double:
    case ParamType::IntList:
    case ParamType::DoubleList: return {};
    default: break;
  }
  return "parameter '" + spec.name + "' declares bounds (min/max), but its type (" + std::string(to_string(spec.type)) +
         ") is not a number or a list of numbers, so they restrict nothing; remove the bounds, or declare it a "
         "number or a list of numbers";
}

// A pipeline must give a required parameter, so its default would never be used.
std::string required_default_problem(const ParamSpec& spec) {
  if (!spec.required || !spec.default_value || spec.default_value->is_null()) return {};
  return "parameter '" + spec.name + "' is required and also has a default (" + spec.default_value->display() +
         "), which is never used; remove the default, or make the parameter optional (required = false)";
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
    return head + value.display() + " is not of its declared type (" + std::string(to_string(spec.type)) +
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

// One problem per parameter: the declaration's own contradictions first, since a default can only
// fail them too (with empty bounds every default does), and saying so once is clearer.
std::string param_problem(const ParamSpec& spec) {
  for (const auto check :
       {bounds_problem, range_declaration_problem, choices_problem, required_default_problem, default_problem}) {
    if (std::string problem = check(spec); !problem.empty()) return problem;
  }
  return {};
}

// Parameters and ports are given and read by name, so two of one name (ports: in the same
// direction) are ambiguous.
template <typename Spec>
void add_duplicate_names(const std::vector<Spec>& specs, const std::string& what, std::vector<std::string>& problems) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto earlier = specs.begin() + static_cast<std::ptrdiff_t>(i);
    if (std::any_of(specs.begin(), earlier, [&](const Spec& other) { return other.name == specs[i].name; })) {
      problems.push_back(what + " '" + specs[i].name + "' is declared twice; give each " + what + " its own name");
    }
  }
}

// A one_of_inputs group is satisfied by connecting one of its ports, so each must be an optional
// input port (a required one is always connected, an unknown one never).
void add_one_of_problems(const StageDescriptor& descriptor, std::vector<std::string>& problems) {
  for (const auto& group : descriptor.one_of_inputs) {
    if (group.empty()) {
      problems.emplace_back(
          "one_of_inputs has an empty group; list the optional input ports of which one must be connected, or "
          "remove the group");
    }
    for (const auto& name : group) {
      const bool optional_port = std::any_of(descriptor.inputs.begin(), descriptor.inputs.end(),
                                             [&](const PortSpec& p) { return p.name == name && p.optional; });
      if (!optional_port) {
        problems.push_back("one_of_inputs lists '" + name + "', which is not one of its optional input ports; "
                           "declare an optional input port '" + name + "', or remove it from the group");
      }
    }
  }
}

}  // namespace

std::vector<std::string> descriptor_contradictions(const StageDescriptor& descriptor) {
  std::vector<std::string> problems;
  add_duplicate_names(descriptor.params, "parameter", problems);
  for (const auto& spec : descriptor.params) {
    if (std::string problem = param_problem(spec); !problem.empty()) problems.push_back(std::move(problem));
  }
  add_duplicate_names(descriptor.inputs, "input port", problems);
  add_duplicate_names(descriptor.outputs, "output port", problems);
  add_one_of_problems(descriptor, problems);
  return problems;
}

}  // namespace sluice::engine
