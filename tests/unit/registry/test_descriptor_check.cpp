#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "registry/descriptor_check.hpp"

using sluice::ParamSpec;
using sluice::ParamType;
using sluice::ParamValue;
using sluice::engine::descriptor_contradictions;

namespace {

sluice::StageDescriptor with_param(ParamSpec spec) {
  sluice::StageDescriptor d;
  d.id = "test.stage";
  d.version = "1.0.0";
  d.params = {std::move(spec)};
  return d;
}

ParamSpec param(ParamType type, std::optional<ParamValue> default_value) {
  ParamSpec spec;
  spec.name = "p";
  spec.type = type;
  spec.default_value = std::move(default_value);
  return spec;
}

}  // namespace

TEST_CASE("descriptor check: defaults a pipeline could also give pass") {
  // An integer default for a Double parameter is accepted, as an integer value in a pipeline is.
  auto number = param(ParamType::Double, ParamValue(3));
  number.min = 0.0;
  number.max = 3.0;  // bounds are inclusive
  CHECK(descriptor_contradictions(with_param(number)).empty());
  // A single string for a list of strings, as a pipeline may write it.
  CHECK(descriptor_contradictions(with_param(param(ParamType::StringList, ParamValue("a")))).empty());
  CHECK(descriptor_contradictions(with_param(param(ParamType::IntList, ParamValue(std::vector<sluice::Scalar>{})))).empty());
  // No default, or a null one, is no default: nothing to check against the bounds.
  auto required = param(ParamType::Int, std::nullopt);
  required.min = 1.0;
  CHECK(descriptor_contradictions(with_param(required)).empty());
  auto null_default = param(ParamType::Int, ParamValue());
  null_default.min = 1.0;
  CHECK(descriptor_contradictions(with_param(null_default)).empty());
  // min equal to max allows one value.
  auto pinned = param(ParamType::Int, ParamValue(2));
  pinned.min = pinned.max = 2.0;
  CHECK(descriptor_contradictions(with_param(pinned)).empty());
}

TEST_CASE("descriptor check: each contradiction names the parameter or port and the fix") {
  auto below = param(ParamType::Int, ParamValue(-1));
  below.min = 0.0;
  CHECK(descriptor_contradictions(with_param(below)) ==
        std::vector<std::string>{"parameter 'p': its default value -1 is out of range [0.0, inf]; change the default, "
                                 "or the bounds (min/max) so that they include it"});
  CHECK(descriptor_contradictions(with_param(param(ParamType::Bool, ParamValue(1)))) ==
        std::vector<std::string>{"parameter 'p': its default 1 is not of its declared type (bool); give it a default "
                                 "of that type, or declare the type the default has"});
  CHECK(descriptor_contradictions(with_param(param(ParamType::IntList, ParamValue(std::vector<sluice::Scalar>{1.5})))) ==
        std::vector<std::string>{"parameter 'p': its default [1.5] is not of its declared type (list of ints); give "
                                 "it a default of that type, or declare the type the default has"});
  // The type is reported, not the choices the wrong type could never match.
  auto wrong_type_choice = param(ParamType::String, ParamValue(2));
  wrong_type_choice.choices = {"a", "b"};
  CHECK(descriptor_contradictions(with_param(wrong_type_choice)).size() == 1);
  // Empty bounds are reported once, not also as a default outside them.
  auto empty = param(ParamType::Int, ParamValue(5));
  empty.min = 9.0;
  empty.max = 1.0;
  CHECK(descriptor_contradictions(with_param(empty)) ==
        std::vector<std::string>{"parameter 'p' declares min 9.0 above max 1.0, so no value is allowed; swap them, or "
                                 "correct the one that is wrong"});

  sluice::StageDescriptor ports;
  ports.inputs = {{"a", sluice::PortType::Table, false, false, ""},
                  {"b", sluice::PortType::Table, false, false, ""},
                  {"a", sluice::PortType::Blob, true, false, ""}};
  // An input and an output may share a name: they are bound from different sides.
  ports.outputs = {{"a", sluice::PortType::Table, false, false, ""}};
  CHECK(descriptor_contradictions(ports) ==
        std::vector<std::string>{"input port 'a' is declared twice; give each input port its own name"});
}

TEST_CASE("descriptor check: choices belong to strings and lists of strings only") {
  auto word = param(ParamType::String, ParamValue("a"));
  word.choices = {"a", "b"};
  CHECK(descriptor_contradictions(with_param(word)).empty());
  auto words = param(ParamType::StringList, ParamValue::strings({"b", "a"}));
  words.choices = {"a", "b"};
  CHECK(descriptor_contradictions(with_param(words)).empty());
  // Each element of a list default is held to the choices, as a pipeline's list is.
  words.default_value = ParamValue::strings({"a", "c"});
  CHECK(descriptor_contradictions(with_param(words)) ==
        std::vector<std::string>{"parameter 'p': its default value [\"a\",\"c\"] has \"c\", which is not one of: a, b; "
                                 "change the default to one of the choices, or add it to them"});

  for (const ParamType type : {ParamType::Bool, ParamType::Int, ParamType::Double, ParamType::IntList,
                               ParamType::DoubleList, ParamType::List, ParamType::Any}) {
    CAPTURE(to_string(type));
    auto numeric = param(type, std::nullopt);
    numeric.choices = {"1", "2"};
    CHECK(descriptor_contradictions(with_param(numeric)) ==
          std::vector<std::string>{"parameter 'p' declares choices, but its type (" + std::string(to_string(type)) +
                                   ") is not a string or a list of strings, so they restrict nothing; remove the "
                                   "choices, or declare it a string or a list of strings"});
  }
}

TEST_CASE("descriptor check: bounds belong to numbers and lists of numbers only") {
  for (const ParamType type : {ParamType::Int, ParamType::Double, ParamType::IntList, ParamType::DoubleList}) {
    CAPTURE(to_string(type));
    auto numeric = param(type, std::nullopt);
    numeric.min = 0.0;
    CHECK(descriptor_contradictions(with_param(numeric)).empty());
  }
  // Each element of a list default is held to the bounds, as a pipeline's list is.
  auto lags = param(ParamType::IntList, ParamValue(std::vector<sluice::Scalar>{std::int64_t{7}, std::int64_t{0}}));
  lags.min = 1.0;
  CHECK(descriptor_contradictions(with_param(lags)) ==
        std::vector<std::string>{"parameter 'p': its default value [7,0] has 0, which is out of range [1.0, inf]; "
                                 "change the default, or the bounds (min/max) so that they include it"});

  for (const ParamType type : {ParamType::Bool, ParamType::String, ParamType::StringList, ParamType::List, ParamType::Any}) {
    CAPTURE(to_string(type));
    auto other = param(type, std::nullopt);
    other.max = 10.0;
    CHECK(descriptor_contradictions(with_param(other)) ==
          std::vector<std::string>{"parameter 'p' declares bounds (min/max), but its type (" +
                                   std::string(to_string(type)) +
                                   ") is not a number or a list of numbers, so they restrict nothing; remove the "
                                   "bounds, or declare it a number or a list of numbers"});
  }
}

TEST_CASE("descriptor check: a required parameter with a default is refused, a null default is no default") {
  auto required = param(ParamType::Int, ParamValue(3));
  required.required = true;
  CHECK(descriptor_contradictions(with_param(required)) ==
        std::vector<std::string>{"parameter 'p' is required and also has a default (3), which is never used; remove "
                                 "the default, or make the parameter optional (required = false)"});
  required.default_value = ParamValue();
  CHECK(descriptor_contradictions(with_param(required)).empty());
  required.default_value.reset();
  CHECK(descriptor_contradictions(with_param(required)).empty());
}

TEST_CASE("descriptor check: parameter names are unique and one_of_inputs names optional input ports") {
  sluice::StageDescriptor twice;
  twice.params = {param(ParamType::Int, std::nullopt), param(ParamType::String, std::nullopt)};
  CHECK(descriptor_contradictions(twice) ==
        std::vector<std::string>{"parameter 'p' is declared twice; give each parameter its own name"});

  sluice::StageDescriptor one_of;
  one_of.inputs = {{"a", sluice::PortType::Table, true, false, ""}, {"b", sluice::PortType::Table, false, false, ""}};
  one_of.one_of_inputs = {{"a"}};
  CHECK(descriptor_contradictions(one_of).empty());
  one_of.one_of_inputs = {{"a", "b", "c"}, {}};
  CHECK(descriptor_contradictions(one_of) ==
        std::vector<std::string>{
            "one_of_inputs lists 'b', which is not one of its optional input ports; declare an optional input port "
            "'b', or remove it from the group",
            "one_of_inputs lists 'c', which is not one of its optional input ports; declare an optional input port "
            "'c', or remove it from the group",
            "one_of_inputs has an empty group; list the optional input ports of which one must be connected, or "
            "remove the group"});
}
