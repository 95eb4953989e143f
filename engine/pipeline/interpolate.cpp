#include "pipeline/interpolate.hpp"

#include <cstdlib>

#include "common/suggest.hpp"

namespace sluice::engine {

Interpolator::Interpolator(std::string pipeline_name, const std::filesystem::path& pipeline_dir) {
  values_["pipeline.name"] = ParamValue(std::move(pipeline_name));
  values_["pipeline.dir"] = ParamValue(pipeline_dir.string());
}

void Interpolator::define(const std::string& var, const ParamValue& value) { values_["vars." + var] = value; }

std::optional<ParamValue> Interpolator::lookup(const std::string& ref, const SourceLoc& loc, const Sink& sink) const {
  used_.insert(ref);
  if (ref.rfind("env.", 0) == 0) {
    const char* v = std::getenv(ref.substr(4).c_str());
    if (v == nullptr) {
      sink(loc, "environment variable " + ref.substr(4) + " (referenced as ${" + ref + "}) is not set");
      return std::nullopt;
    }
    return ParamValue(std::string(v));
  }
  auto it = values_.find(ref);
  if (it != values_.end()) return it->second;
  std::vector<std::string> known;
  for (const auto& [k, v] : values_) known.push_back(k);
  std::string hint = did_you_mean(ref, known);
  sink(loc, "unknown reference ${" + ref + "}" + hint +
                (ref.rfind("vars.", 0) == 0 ? "; define it under [vars] or pass --set " + ref + "=VALUE"
                                            : "; use ${vars.NAME}, ${pipeline.dir}, ${pipeline.name} or ${env.NAME}"));
  return std::nullopt;
}

std::string Interpolator::apply_string(const std::string& text, const SourceLoc& loc, const Sink& sink) const {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto start = text.find("${", pos);
    if (start == std::string::npos) {
      out.append(text, pos);
      break;
    }
    out.append(text, pos, start - pos);
    const auto end = text.find('}', start);
    if (end == std::string::npos) {
      sink(loc, "unterminated reference in \"" + text + "\"; write ${vars.NAME}");
      return text;
    }
    const std::string ref = text.substr(start + 2, end - start - 2);
    if (auto v = lookup(ref, loc, sink)) out += v->is_string() ? v->as_string() : v->canonical();
    pos = end + 1;
  }
  return out;
}

std::vector<std::string> Interpolator::referenced_vars(const ParamValue& value) {
  std::vector<std::string> out;
  auto scan = [&out](const std::string& text) {
    for (auto start = text.find("${vars."); start != std::string::npos; start = text.find("${vars.", start + 2)) {
      const auto end = text.find('}', start);
      if (end == std::string::npos) return;
      out.push_back(text.substr(start + 7, end - start - 7));
    }
  };
  if (value.is_string()) scan(value.as_string());
  if (value.is_list())
    for (const auto& item : value.as_list())
      if (const auto* s = std::get_if<std::string>(&item)) scan(*s);
  return out;
}

ParamValue Interpolator::apply(const ParamValue& value, const SourceLoc& loc, const Sink& sink) const {
  if (value.is_string()) {
    const std::string& s = value.as_string();
    if (s.find("${") == std::string::npos) return value;
    if (s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}' && s.find("${", 2) == std::string::npos) {
      if (auto v = lookup(s.substr(2, s.size() - 3), loc, sink)) return *v;
      return value;
    }
    return ParamValue(apply_string(s, loc, sink));
  }
  if (value.is_list()) {
    std::vector<Scalar> items;
    for (const auto& item : value.as_list()) {
      if (const auto* s = std::get_if<std::string>(&item)) items.emplace_back(apply_string(*s, loc, sink));
      else items.push_back(item);
    }
    return ParamValue(std::move(items));
  }
  return value;
}

}  // namespace sluice::engine
