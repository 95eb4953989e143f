#pragma once
// ${...} interpolation in pipeline values: ${vars.NAME}, ${pipeline.dir},
// ${pipeline.name} and ${env.NAME}. A string that is exactly one reference
// takes the referenced value's type (so "${vars.horizon}" stays an integer).
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <sluice/params.hpp>

#include "pipeline/pipeline_spec.hpp"

namespace sluice::engine {

class Interpolator {
 public:
  using Sink = std::function<void(const SourceLoc&, const std::string&)>;

  Interpolator(std::string pipeline_name, const std::filesystem::path& pipeline_dir);
  void define(const std::string& var, const ParamValue& value);
  // Returns the value with references replaced; reports unknown references to `sink`.
  ParamValue apply(const ParamValue& value, const SourceLoc& loc, const Sink& sink) const;
  // The variables `value` refers to as ${vars.NAME}: their names, in order of appearance.
  static std::vector<std::string> referenced_vars(const ParamValue& value);
  // Whether any apply() so far referenced `ref` ("vars.horizon").
  bool was_used(const std::string& ref) const { return used_.contains(ref); }

 private:
  std::string apply_string(const std::string& text, const SourceLoc& loc, const Sink& sink) const;
  std::optional<ParamValue> lookup(const std::string& ref, const SourceLoc& loc, const Sink& sink) const;
  std::map<std::string, ParamValue> values_;
  mutable std::set<std::string> used_;
};

}  // namespace sluice::engine
