#include "sluice/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "sluice/errors.hpp"
#include "sluice/stage.hpp"

namespace sluice {

std::string_view to_string(ParamType type) {
  switch (type) {
    case ParamType::Bool: return "bool";
    case ParamType::Int: return "int";
    case ParamType::Double: return "double";
    case ParamType::String: return "string";
    case ParamType::StringList: return "list of strings";
    case ParamType::IntList: return "list of ints";
    case ParamType::DoubleList: return "list of numbers";
    case ParamType::List: return "list";
    case ParamType::Any: return "scalar";
  }
  return "unknown";
}

namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Canonical text is JSON, for cache keys; display text is for the people reading a message.
enum class TextStyle : std::uint8_t { Canonical, Display };

void append_double(std::string& out, double v, TextStyle style) {
  if (std::isnan(v) || std::isinf(v)) {
    const std::string word = std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    out += style == TextStyle::Canonical ? "\"" + word + "\"" : word;  // JSON has no literal for them
    return;
  }
  // Shortest text that reads back to the same double: exact, canonical and readable (0.05, not 0.05000000000000000277).
  // A message writes a whole number out (-100000.0, not -1e+05) while every digit of it is exact.
  const bool written_out = style == TextStyle::Display && v == std::trunc(v) && std::abs(v) < 1e15;
  char buf[64];
  const auto res = written_out ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                               : std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  // Keep doubles distinguishable from ints: 1.0, not 1.
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  out += s;
}

void append_scalar(std::string& out, const Scalar& s, TextStyle style) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) out += "null";
        else if constexpr (std::is_same_v<T, bool>) out += v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::int64_t>) out += std::to_string(v);
        else if constexpr (std::is_same_v<T, double>) append_double(out, v, style);
        else append_json_string(out, v);
      },
      s);
}

Scalar scalar_of(const ParamValue& value) {
  if (value.is_bool()) return value.as_bool();
  if (value.is_int()) return value.as_int();
  if (value.is_double()) return value.as_double();
  if (value.is_string()) return value.as_string();
  return std::monostate{};
}

std::string text_of(const ParamValue& value, TextStyle style) {
  std::string out;
  if (!value.is_list()) {
    append_scalar(out, scalar_of(value), style);
    return out;
  }
  out += '[';
  bool first = true;
  for (const auto& s : value.as_list()) {
    if (!first) out += ',';
    first = false;
    append_scalar(out, s, style);
  }
  out += ']';
  return out;
}

bool scalar_is_number(const Scalar& s) {
  return std::holds_alternative<std::int64_t>(s) || std::holds_alternative<double>(s);
}

// Choices restrict a string, or each string of a list (the descriptor check allows them on String and
// StringList only). Empty when the value keeps to them.
std::string choices_problem(const ParamSpec& spec, const ParamValue& value) {
  if (spec.choices.empty()) return {};
  const auto allowed = [&](const std::string& s) {
    return std::find(spec.choices.begin(), spec.choices.end(), s) != spec.choices.end();
  };
  std::string list;
  for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
  if (value.is_string() && !allowed(value.as_string())) return "value " + value.display() + " is not one of: " + list;
  if (!value.is_list()) return {};
  for (const auto& element : value.as_list()) {
    const auto* text = std::get_if<std::string>(&element);
    if (text != nullptr && !allowed(*text)) {
      return "value " + value.display() + " has " + ParamValue(*text).display() + ", which is not one of: " + list;
    }
  }
  return {};
}

// Bounds restrict a number, or each number of a list (the descriptor check allows them on Int, Double,
// IntList and DoubleList only). Empty when the value keeps to them.
std::string range_problem(const ParamSpec& spec, const ParamValue& value) {
  if (!spec.min && !spec.max) return {};
  // Written so that NaN (TOML's nan), which compares false with every bound, is out of range too.
  const auto within = [&](double x) { return (!spec.min || x >= *spec.min) && (!spec.max || x <= *spec.max); };
  const std::string range = "[" + (spec.min ? ParamValue(*spec.min).display() : std::string("-inf")) + ", " +
                            (spec.max ? ParamValue(*spec.max).display() : std::string("inf")) + "]";
  if (value.is_int() || value.is_double()) {
    const double x = value.as_double();
    if (within(x)) return {};
    if (std::isnan(x)) return "value nan is not a number; use one in " + range;
    return "value " + value.display() + " is out of range " + range;
  }
  if (!value.is_list()) return {};
  for (const auto& element : value.as_list()) {
    if (!scalar_is_number(element)) continue;
    const ParamValue number = std::holds_alternative<double>(element) ? ParamValue(std::get<double>(element))
                                                                      : ParamValue(std::get<std::int64_t>(element));
    if (!within(number.as_double())) {
      return "value " + value.display() + " has " + number.display() + ", which is out of range " + range;
    }
  }
  return {};
}

}  // namespace

ParamValue ParamValue::strings(const std::vector<std::string>& items) {
  std::vector<Scalar> list(items.begin(), items.end());
  return ParamValue(std::move(list));
}

std::string ParamValue::canonical() const { return text_of(*this, TextStyle::Canonical); }

std::string ParamValue::display() const { return text_of(*this, TextStyle::Display); }

bool Params::has(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.is_null();
}

const ParamValue& Params::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.is_null()) throw ParamError(name, "parameter '" + name + "' is not set");
  return it->second;
}

template <typename F>
static decltype(auto) typed_get(const Params& p, const std::string& name, const char* type, F&& f) {
  const ParamValue& v = p.get(name);
  try {
    return static_cast<std::invoke_result_t<F, const ParamValue&>>(f(v));
  } catch (const std::bad_variant_access&) {
    throw ParamError(name, "parameter '" + name + "' must be " + type + ", got " + v.display());
  }
}

bool Params::get_bool(const std::string& name) const {
  return typed_get(*this, name, "a bool", [](const ParamValue& v) { return v.as_bool(); });
}
std::int64_t Params::get_int(const std::string& name) const {
  return typed_get(*this, name, "an integer", [](const ParamValue& v) { return v.as_int(); });
}
double Params::get_double(const std::string& name) const {
  return typed_get(*this, name, "a number", [](const ParamValue& v) { return v.as_double(); });
}
const std::string& Params::get_string(const std::string& name) const {
  return typed_get(*this, name, "a string", [](const ParamValue& v) -> const std::string& { return v.as_string(); });
}
std::vector<std::string> Params::get_string_list(const std::string& name) const {
  return typed_get(*this, name, "a list of strings", [](const ParamValue& v) {
    if (v.is_string()) return std::vector<std::string>{v.as_string()};
    std::vector<std::string> out;
    for (const auto& s : v.as_list()) out.push_back(std::get<std::string>(s));
    return out;
  });
}
std::vector<double> Params::get_double_list(const std::string& name) const {
  return typed_get(*this, name, "a list of numbers", [](const ParamValue& v) {
    std::vector<double> out;
    for (const auto& s : v.as_list()) {
      out.push_back(std::holds_alternative<std::int64_t>(s) ? static_cast<double>(std::get<std::int64_t>(s))
                                                            : std::get<double>(s));
    }
    return out;
  });
}
std::string Params::get_string_or(const std::string& name, const std::string& fallback) const {
  return has(name) ? get_string(name) : fallback;
}

std::string Params::canonical() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : values_) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, k);
    out += ':';
    out += v.canonical();
  }
  out += '}';
  return out;
}

std::string check_param(const ParamSpec& spec, const ParamValue& value) {
  auto expected = [&] { return "expected " + std::string(to_string(spec.type)) + ", got " + value.display(); };
  auto list_of = [&](auto pred) {
    if (!value.is_list()) return false;
    for (const auto& s : value.as_list())
      if (!pred(s)) return false;
    return true;
  };
  switch (spec.type) {
    case ParamType::Bool: if (!value.is_bool()) return expected(); break;
    case ParamType::Int: if (!value.is_int()) return expected(); break;
    case ParamType::Double: if (!value.is_int() && !value.is_double()) return expected(); break;
    case ParamType::String: if (!value.is_string()) return expected(); break;
    case ParamType::StringList:
      if (!value.is_string() && !list_of([](const Scalar& s) { return std::holds_alternative<std::string>(s); }))
        return expected();
      break;
    case ParamType::IntList:
      if (!list_of([](const Scalar& s) { return std::holds_alternative<std::int64_t>(s); })) return expected();
      break;
    case ParamType::DoubleList: if (!list_of(scalar_is_number)) return expected(); break;
    case ParamType::List: if (!value.is_list()) return expected(); break;
    case ParamType::Any: if (value.is_list()) return expected(); break;
  }
  if (std::string problem = range_problem(spec, value); !problem.empty()) return problem;
  return choices_problem(spec, value);
}

Params apply_schema(const StageDescriptor& descriptor, Params given) {
  for (const auto& [name, value] : given.values()) {
    if (descriptor.find_param(name) == nullptr) {
      throw ParamError(name, "unknown parameter '" + name + "' for stage " + descriptor.id);
    }
  }
  Params out;
  for (const auto& spec : descriptor.params) {
    auto it = given.values().find(spec.name);
    if (it != given.values().end() && !it->second.is_null()) {
      if (auto problem = check_param(spec, it->second); !problem.empty()) {
        throw ParamError(spec.name, "parameter '" + spec.name + "': " + problem);
      }
      // Doubles given as integers are normalised so that 1 and 1.0 hash alike.
      if (spec.type == ParamType::Double && it->second.is_int()) {
        out.set(spec.name, ParamValue(it->second.as_double()));
      } else if (spec.type == ParamType::StringList && it->second.is_string()) {
        out.set(spec.name, ParamValue::strings({it->second.as_string()}));
      } else {
        out.set(spec.name, it->second);
      }
    } else if (spec.default_value) {
      out.set(spec.name, spec.type == ParamType::Double && spec.default_value->is_int()
                             ? ParamValue(spec.default_value->as_double())
                             : *spec.default_value);
    } else if (spec.required) {
      throw ParamError(spec.name, "missing required parameter '" + spec.name + "' (" + std::string(to_string(spec.type)) +
                                      (spec.doc.empty() ? "" : ": " + spec.doc) + ")");
    }
  }
  return out;
}

}  // namespace sluice
