// Parameter schemas: defaults, types, ranges, choices, unknown names, and the
// canonical text that goes into cache keys.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <sluice/errors.hpp>
#include <sluice/stage.hpp>

using namespace sluice;

namespace {
StageDescriptor schema() {
  StageDescriptor d;
  d.id = "test.stage";
  d.version = "1.0.0";
  d.params = {
      {"n", ParamType::Int, {}, true, 0.0, 10.0, {}, "how many"},
      {"rate", ParamType::Double, ParamValue(1), false, 0.0, {}, {}, "a rate"},
      {"method", ParamType::String, ParamValue("linear"), false, {}, {}, {"linear", "flat"}, ""},
      {"keys", ParamType::StringList, {}, false, {}, {}, {}, "key columns"},
      {"weights", ParamType::DoubleList, {}, false, {}, {}, {}, ""},
      {"ids", ParamType::IntList, {}, false, {}, {}, {}, ""},
      {"flag", ParamType::Bool, ParamValue(false), false, {}, {}, {}, ""},
      {"bind", ParamType::List, {}, false, {}, {}, {}, ""},
      {"anything", ParamType::Any, {}, false, {}, {}, {}, ""},
      {"columns", ParamType::StringList, {}, false, {}, {}, {"ds", "y"}, ""},
  };
  return d;
}

Params with(std::initializer_list<std::pair<const char*, ParamValue>> values) {
  Params p;
  for (const auto& [k, v] : values) p.set(k, v);
  return p;
}

std::string schema_error(std::initializer_list<std::pair<const char*, ParamValue>> values) {
  try {
    apply_schema(schema(), with(values));
  } catch (const ParamError& e) {
    return e.param() + ": " + e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("apply_schema fills defaults and normalises numbers") {
  const Params p = apply_schema(schema(), with({{"n", 3}}));
  CHECK(p.get_int("n") == 3);
  CHECK(p.get("rate").is_double());  // an int default of a double param becomes 1.0
  CHECK(p.get_double("rate") == 1.0);
  CHECK(p.get_string("method") == "linear");
  CHECK(p.get_bool("flag") == false);
  CHECK_FALSE(p.has("keys"));
  CHECK(p.canonical() == R"({"flag":false,"method":"linear","n":3,"rate":1.0})");

  const Params q = apply_schema(schema(), with({{"n", 3}, {"rate", 2}, {"keys", "store_id"}}));
  CHECK(q.get("rate") == ParamValue(2.0));  // 2 and 2.0 give the same cache key
  CHECK(q.get_string_list("keys") == std::vector<std::string>{"store_id"});
  CHECK(q.get("keys").is_list());
}

TEST_CASE("a null value counts as not given") {
  const Params p = apply_schema(schema(), with({{"n", 1}, {"method", ParamValue()}}));
  CHECK(p.get_string("method") == "linear");
}

TEST_CASE("apply_schema names the parameter and the problem") {
  CHECK(schema_error({}) == "n: missing required parameter 'n' (int: how many)");
  CHECK(schema_error({{"n", 1}, {"speed", 2}}) == "speed: unknown parameter 'speed' for stage test.stage");
  CHECK(schema_error({{"n", "three"}}) == "n: parameter 'n': expected int, got \"three\"");
  CHECK(schema_error({{"n", 2.5}}) == "n: parameter 'n': expected int, got 2.5");
  CHECK(schema_error({{"n", 11}}) == "n: parameter 'n': value 11 is out of range [0.0, 10.0]");
  CHECK(schema_error({{"n", -1}}) == "n: parameter 'n': value -1 is out of range [0.0, 10.0]");
  CHECK(schema_error({{"n", 1}, {"rate", -0.5}}) == "rate: parameter 'rate': value -0.5 is out of range [0.0, inf]");
  CHECK(schema_error({{"n", 1}, {"rate", true}}) == "rate: parameter 'rate': expected double, got true");
  CHECK(schema_error({{"n", 1}, {"rate", std::nan("")}}) ==
        "rate: parameter 'rate': value nan is not a number; use one in [0.0, inf]");
  CHECK(schema_error({{"n", 1}, {"method", "cubic"}}) ==
        "method: parameter 'method': value \"cubic\" is not one of: linear, flat");
  CHECK(schema_error({{"n", 1}, {"keys", ParamValue(std::vector<Scalar>{std::string("a"), std::int64_t{1}})}}) ==
        "keys: parameter 'keys': expected list of strings, got [\"a\",1]");
  CHECK(schema_error({{"n", 1}, {"ids", ParamValue(std::vector<Scalar>{1.5})}}) ==
        "ids: parameter 'ids': expected list of ints, got [1.5]");
  CHECK(schema_error({{"n", 1}, {"weights", 3}}) == "weights: parameter 'weights': expected list of numbers, got 3");
  CHECK(schema_error({{"n", 1}, {"bind", "x"}}) == "bind: parameter 'bind': expected list, got \"x\"");
  CHECK(schema_error({{"n", 1}, {"anything", ParamValue::strings({"a"})}}) ==
        "anything: parameter 'anything': expected scalar, got [\"a\"]");
}

TEST_CASE("choices of a list of strings apply to each element, and the error lists them") {
  CHECK(schema_error({{"n", 1}, {"columns", ParamValue::strings({"y", "ds"})}}) == "no error");
  CHECK(schema_error({{"n", 1}, {"columns", ParamValue::strings({"ds", "yhat", "trend"})}}) ==
        "columns: parameter 'columns': value [\"ds\",\"yhat\",\"trend\"] has \"yhat\", which is not one of: ds, y");
  // A single string given for the list is checked as its one element.
  CHECK(schema_error({{"n", 1}, {"columns", "yhat"}}) ==
        "columns: parameter 'columns': value \"yhat\" is not one of: ds, y");
  CHECK(schema_error({{"n", 1}, {"columns", ParamValue(std::vector<Scalar>{})}}) == "no error");
}

TEST_CASE("range messages show nan and inf bare, as the bounds are") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(schema_error({{"n", 1}, {"rate", -inf}}) == "rate: parameter 'rate': value -inf is out of range [0.0, inf]");
  ParamSpec capped{"cap", ParamType::Double, {}, false, {}, 100.0, {}, ""};
  CHECK(check_param(capped, ParamValue(inf)) == "value inf is out of range [-inf, 100.0]");
  ParamSpec floor{"floor", ParamType::Double, {}, false, 0.0, {}, {}, ""};
  CHECK(check_param(floor, ParamValue(-100000.0)) == "value -100000.0 is out of range [0.0, inf]");
}

TEST_CASE("bounds of a list of numbers apply to each element, and the error names it") {
  ParamSpec weights{"weights", ParamType::DoubleList, {}, false, 0.0, 1.0, {}, ""};
  CHECK(check_param(weights, ParamValue(std::vector<Scalar>{0.25, std::int64_t{1}, 0.0})).empty());
  CHECK(check_param(weights, ParamValue(std::vector<Scalar>{0.25, 1.5})) ==
        "value [0.25,1.5] has 1.5, which is out of range [0.0, 1.0]");
  CHECK(check_param(weights, ParamValue(std::vector<Scalar>{std::nan("")})) ==
        "value [nan] has nan, which is out of range [0.0, 1.0]");
  ParamSpec lags{"lags", ParamType::IntList, {}, false, 1.0, {}, {}, ""};
  CHECK(check_param(lags, ParamValue(std::vector<Scalar>{std::int64_t{7}, std::int64_t{0}})) ==
        "value [7,0] has 0, which is out of range [1.0, inf]");
  CHECK(check_param(lags, ParamValue(std::vector<Scalar>{})).empty());
}

TEST_CASE("bounds are inclusive and lists of mixed numbers pass DoubleList") {
  CHECK(schema_error({{"n", 0}}) == "no error");
  CHECK(schema_error({{"n", 10}}) == "no error");
  CHECK(schema_error({{"n", 1}, {"weights", ParamValue(std::vector<Scalar>{std::int64_t{1}, 0.5})}}) == "no error");
  const Params p = apply_schema(schema(), with({{"n", 1}, {"weights", ParamValue(std::vector<Scalar>{std::int64_t{1}, 0.5})}}));
  CHECK(p.get_double_list("weights") == std::vector<double>{1.0, 0.5});
}

TEST_CASE("Params getters report absent and mistyped values") {
  Params p = with({{"s", "abc"}, {"i", 4}});
  CHECK_THROWS_WITH_AS(p.get("missing"), "parameter 'missing' is not set", ParamError);
  CHECK_THROWS_WITH_AS(p.get_int("s"), "parameter 's' must be an integer, got \"abc\"", ParamError);
  CHECK_THROWS_WITH_AS(p.get_string("i"), "parameter 'i' must be a string, got 4", ParamError);
  CHECK_THROWS_WITH_AS(p.get_bool("i"), "parameter 'i' must be a bool, got 4", ParamError);
  CHECK(p.get_double("i") == 4.0);  // an int reads as a number
  CHECK(p.get_string_or("missing", "fallback") == "fallback");
  CHECK(p.get_string_or("s", "fallback") == "abc");
  CHECK(p.get_string_list("s") == std::vector<std::string>{"abc"});
}

TEST_CASE("ParamValue::canonical is stable JSON that keeps ints and doubles apart") {
  CHECK(ParamValue().canonical() == "null");
  CHECK(ParamValue(true).canonical() == "true");
  CHECK(ParamValue(30).canonical() == "30");
  CHECK(ParamValue(std::int64_t{-9'007'199'254'740'993}).canonical() == "-9007199254740993");
  CHECK(ParamValue(1.0).canonical() == "1.0");
  CHECK(ParamValue(0.5).canonical() == "0.5");
  CHECK(ParamValue(0.1).canonical() == "0.1");  // shortest text that reads back to the same double
  CHECK(ParamValue(0.1 + 0.2).canonical() == "0.30000000000000004");
  CHECK(ParamValue(1e300).canonical() == "1e+300");
  CHECK(ParamValue(3600000.0).canonical() == "3600000.0");
  CHECK(ParamValue(std::nan("")).canonical() == "\"nan\"");
  CHECK(ParamValue(-std::numeric_limits<double>::infinity()).canonical() == "\"-inf\"");
  CHECK(ParamValue("a\"b\\c\n\t\x01").canonical() == R"("a\"b\\c\n\t\u0001")");
  CHECK(ParamValue("Zürich").canonical() == "\"Zürich\"");
  CHECK(ParamValue(std::vector<Scalar>{std::monostate{}, true, std::int64_t{1}, 2.0, std::string("x")}).canonical() ==
        R"([null,true,1,2.0,"x"])");
  CHECK(ParamValue(std::vector<Scalar>{}).canonical() == "[]");
  CHECK(ParamValue(1).canonical() != ParamValue(1.0).canonical());
}

TEST_CASE("ParamValue::display is for messages: nan and inf bare, whole numbers written out") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(ParamValue(std::nan("")).display() == "nan");
  CHECK(ParamValue(inf).display() == "inf");
  CHECK(ParamValue(-inf).display() == "-inf");
  CHECK(ParamValue(3.0).display() == "3.0");  // still a double, unlike 3
  CHECK(ParamValue(3).display() == "3");
  CHECK(ParamValue(-100000.0).display() == "-100000.0");
  CHECK(ParamValue(-100000.0).canonical() == "-1e+05");  // cache keys keep their text
  CHECK(ParamValue(123456789012345.0).display() == "123456789012345.0");
  CHECK(ParamValue(1e300).display() == "1e+300");  // past the exact integers: the shortest text
  CHECK(ParamValue(0.05).display() == "0.05");
  CHECK(ParamValue(-1.5).display() == "-1.5");
  CHECK(ParamValue(1e-06).display() == "1e-06");
  CHECK(ParamValue("linear").display() == "\"linear\"");
  CHECK(ParamValue(std::vector<Scalar>{1.0, -inf, std::string("a")}).display() == "[1.0,-inf,\"a\"]");
}

TEST_CASE("Params::canonical sorts keys whatever the insertion order") {
  Params a = with({{"b", 1}, {"a", "x"}});
  Params b = with({{"a", "x"}, {"b", 1}});
  CHECK(a.canonical() == R"({"a":"x","b":1})");
  CHECK(a.canonical() == b.canonical());
}

TEST_CASE("param_error names the parameter at the start of its message, as the engine shows it") {
  const ParamError e = param_error("key", "mode \"upsert\" needs key = [\"col\", ...]");
  CHECK(e.param() == "key");
  CHECK(std::string(e.what()) == "parameter 'key': mode \"upsert\" needs key = [\"col\", ...]");
}
