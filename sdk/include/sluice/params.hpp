#pragma once
// Parameter schemas (data, not code: `sluice plugins --schema ID` prints them)
// and the validated parameter values a stage receives.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sluice/export.hpp"

namespace sluice {

enum class ParamType : std::uint8_t {
  Bool,
  Int,
  Double,  // accepts integers too
  String,
  StringList,
  IntList,
  DoubleList,
  List,  // a list of mixed scalars (e.g. bound SQL values)
  Any,   // any scalar; the stage checks it in validate()
};
SLUICE_API std::string_view to_string(ParamType type);

// A scalar or a list of scalars. Lists hold Scalar elements.
using Scalar = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

class SLUICE_API ParamValue {
 public:
  ParamValue() = default;
  ParamValue(bool v) : v_(v) {}
  ParamValue(int v) : v_(static_cast<std::int64_t>(v)) {}
  ParamValue(std::int64_t v) : v_(v) {}
  ParamValue(double v) : v_(v) {}
  ParamValue(const char* v) : v_(std::string(v)) {}
  ParamValue(std::string v) : v_(std::move(v)) {}
  ParamValue(std::vector<Scalar> v) : v_(std::move(v)) {}
  static ParamValue strings(const std::vector<std::string>& items);

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }
  bool is_double() const { return std::holds_alternative<double>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<std::vector<Scalar>>(v_); }

  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const std::vector<Scalar>& as_list() const { return std::get<std::vector<Scalar>>(v_); }

  // Canonical, stable text (JSON) used for cache keys and explanations.
  std::string canonical() const;
  // Short human form for messages: 30, 0.05, "linear", ["a","b"]. Unlike canonical(), nan and inf are
  // unquoted and whole doubles never take an exponent (-100000.0, not -1e+05); doubles keep their ".0".
  std::string display() const;

  friend bool operator==(const ParamValue& a, const ParamValue& b) { return a.v_ == b.v_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, std::vector<Scalar>> v_;
};

struct SLUICE_API ParamSpec {
  std::string name;
  ParamType type = ParamType::String;
  std::optional<ParamValue> default_value;  // filled in before the stage sees the params
  bool required = false;
  std::optional<double> min;  // numeric bounds, inclusive
  std::optional<double> max;
  // Allowed strings, if not empty: of a String value, or of each element of a StringList. The
  // registry refuses choices on any other type, where no value is a string they could restrict.
  std::vector<std::string> choices;
  std::string doc;
};

// Validated parameters: defaults filled in, types checked against the schema.
class SLUICE_API Params {
 public:
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const;  // present and not null
  const ParamValue& get(const std::string& name) const;  // throws ParamError if absent

  bool get_bool(const std::string& name) const;
  std::int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  std::vector<std::string> get_string_list(const std::string& name) const;
  std::vector<double> get_double_list(const std::string& name) const;
  // Optional forms: the fallback when the parameter is absent or null.
  std::string get_string_or(const std::string& name, const std::string& fallback) const;

  const std::map<std::string, ParamValue>& values() const { return values_; }
  // Canonical JSON object of all values, keys sorted: the cache key's view of params.
  std::string canonical() const;

 private:
  std::map<std::string, ParamValue> values_;
};

// Applies a schema: fills defaults, then checks presence, type, bounds and choices.
// Throws ParamError naming the parameter; unknown names are rejected too.
struct StageDescriptor;
SLUICE_API Params apply_schema(const StageDescriptor& descriptor, Params given);
// Checks one value against its spec; returns an empty string or the problem.
SLUICE_API std::string check_param(const ParamSpec& spec, const ParamValue& value);

}  // namespace sluice
