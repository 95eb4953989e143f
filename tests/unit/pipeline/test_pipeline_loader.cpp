#include <doctest/doctest.h>

#include <set>

#include "common/errors.hpp"
#include "pipeline/pipeline_loader.hpp"
#include "pipeline/schema_check.hpp"

using namespace sluice;
using namespace sluice::engine;

namespace {
PipelineSpec parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return parse_pipeline(text, "p.toml", overrides);
}
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse(text, overrides);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}
const char* kMinimal = R"(
[pipeline]
name = "demo"
[vars]
n = 20
db = "sales.db"
[nodes.numbers]
plugin = "sluice.range"
params = { stop = "${vars.n}", column = "v_${vars.n}" }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
foreach = "v"
retries = 2
timeout = "30s"
)";
}  // namespace

TEST_CASE("a valid pipeline parses with vars, inputs and node options") {
  const PipelineSpec p = parse(kMinimal);
  CHECK(p.name == "demo");
  REQUIRE(p.nodes.size() == 2);
  CHECK(p.nodes[0].id == "numbers");  // file order
  CHECK(p.nodes[0].params.at("stop").as_int() == 20);  // a whole-string reference keeps the type
  CHECK(p.nodes[0].params.at("column").as_string() == "v_20");
  CHECK(p.nodes[1].inputs.at(0).node == "numbers");
  CHECK(p.nodes[1].foreach == std::vector<std::string>{"v"});
  CHECK(p.nodes[1].retries == 2);
  CHECK(p.nodes[1].timeout == std::chrono::seconds(30));
}

TEST_CASE("--set overrides vars and node params") {
  const PipelineSpec p = parse(kMinimal, {"vars.n=35", "nodes.squares.params.sleep_ms=5"});
  CHECK(p.nodes[0].params.at("stop").as_int() == 35);
  CHECK(p.nodes[1].params.at("sleep_ms").as_int() == 5);
  CHECK(parse(kMinimal, {"vars.db=other/x.db"}).vars.at("db").as_string() == "other/x.db");
  CHECK(error_of(kMinimal, {"n=3"}).find("cannot override 'n'") != std::string::npos);
  CHECK(error_of(kMinimal, {"vars.n"}).find("expected KEY=VALUE") != std::string::npos);
}

TEST_CASE("--set must name a variable or node the pipeline has") {
  CHECK(error_of(kMinimal, {"vars.m=3"}) ==
        "--set vars.m=3: the pipeline neither declares nor uses a variable 'm' (did you mean 'n'?); its [vars] are: db, n");
  CHECK(error_of(kMinimal, {"nodes.sqaures.retries=1"}) ==
        "--set nodes.sqaures.retries=1: the pipeline has no node 'sqaures' (did you mean 'squares'?); --set can change a "
        "node's keys, not add a node");
  // A variable the file references without declaring it is what --set is for.
  const std::string uses_undeclared = "[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\nparams = { h = \"${vars.h}\" }\n";
  CHECK(parse(uses_undeclared, {"vars.h=7"}).nodes[0].params.at("h").as_int() == 7);
  CHECK(error_of(uses_undeclared, {"vars.h=7", "vars.k=7"}).rfind("--set vars.k=7: the pipeline neither declares nor uses", 0) == 0);
}

TEST_CASE("a problem with a value given by --set names the --set argument, not the file") {
  CHECK(error_of(kMinimal, {"nodes.squares.retries=abc"}) ==
        "--set nodes.squares.retries=abc: node 'squares' retries: expected an integer >= 0, got a string");
  CHECK(error_of(kMinimal, {"nodes.numbers.params.stop=${vars.nope}"})
            .rfind("--set nodes.numbers.params.stop=${vars.nope}: unknown reference ${vars.nope}", 0) == 0);
  CHECK(error_of(kMinimal, {"nodes.numbers.params.stop=[1, {a = 1}]"}) ==
        "--set nodes.numbers.params.stop=[1, {a = 1}]: node 'numbers' param 'stop': list elements must be strings, "
        "numbers or booleans, got a table");
  CHECK(error_of(kMinimal, {"vars.n=${vars.n}"}).rfind("--set vars.n=${vars.n}: [vars] refer to each other in a cycle", 0) == 0);
  // The schema check (schema_check.hpp) reports a parameter at its recorded place: the argument for
  // a value --set gave, the file for the others; the last --set of a key is the one that counts.
  const PipelineSpec p = parse(kMinimal, {"nodes.numbers.params.stop=abc", "nodes.numbers.params.stop=7",
                                          "nodes.squares.params.sleep_ms=5"});
  CHECK(p.nodes[0].param_locs.at("stop").str() == "--set nodes.numbers.params.stop=7");
  CHECK(p.nodes[0].param_locs.at("column").str() == "p.toml:9:41");
  CHECK(p.nodes[1].param_locs.at("sleep_ms").str() == "--set nodes.squares.params.sleep_ms=5");
  // A params table --set created for a node without one has no place in the file: the node is named.
  CHECK(p.nodes[1].params_loc.line == 0);
}

TEST_CASE("broken TOML reports file:line:col and what to fix") {
  CHECK(error_of("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = sluice.range\n") ==
        "p.toml:4:10: invalid TOML: Error while parsing value: could not determine value type; fix the syntax at that position (strings need quotes, "
        "tables [name], key = value)");
}

TEST_CASE("structural errors name their position") {
  // Listed in the order of the file.
  CHECK(error_of("[pipeline]\nname = \"x\"\n[nodes.a]\nplugn = \"sluice.range\"\n") ==
        "p.toml:3:1: node 'a' has no 'plugin'; add plugin = \"<stage id>\" (see `sluice plugins`)\n"
        "p.toml:4:9: unknown key 'plugn' in [nodes.a] (did you mean 'plugin'?); allowed keys: plugin, inputs, params, "
        "foreach, partitions, batch_size, max_parallel, retries, timeout, always_run, isolation, description");
  CHECK(error_of("[pipeline]\nname = \"x\"\n") ==
        "p.toml:1:1: the pipeline has no nodes; add at least one [nodes.<id>] table with plugin = \"...\"");
  CHECK(error_of("[nodes.a]\nplugin = \"x.y\"\n") == "p.toml:1:1: missing [pipeline] table; add [pipeline] with name = \"...\"");
  CHECK(error_of("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\nretries = -1\n") ==
        "p.toml:5:11: node 'a' retries: expected an integer >= 0, got -1");
  CHECK(error_of("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\ntimeout = \"soon\"\n") ==
        "p.toml:5:11: node 'a': timeout must be a duration string such as \"30s\", \"10m\" or \"2h\"");
}

TEST_CASE("the collecting loader reads on past problems and marks the keys it could not read") {
  const std::string text = "[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\ntimeout = \"soon\"\n"
                           "params = { s = \"${vars.nope}\", t = [1, {a = 1}], u = 3 }\ninputs = [\"b\", 7]\n"
                           "[nodes.b]\nplugn = \"x.y\"\nparams = 3\n";
  std::vector<Problem> problems;
  const PipelineSpec p = parse_pipeline(text, "p.toml", {}, problems);
  CHECK(problems.size() == 7);  // timeout, ${vars.nope}, the table in t, the input 7, plugn, no plugin, params
  REQUIRE(p.nodes.size() == 2);
  CHECK(p.nodes[0].invalid_keys == std::set<std::string>{"params.s", "params.t", "inputs"});
  CHECK(p.nodes[0].params.at("u").as_int() == 3);
  CHECK(p.nodes[0].param_locs.count("t") == 1);  // given, though unreadable: not "missing"
  CHECK(p.nodes[1].invalid_keys == std::set<std::string>{"plugin", "params"});
  // A missing [pipeline] table ends the reading: nothing else can be checked.
  CHECK_THROWS_WITH_AS(parse_pipeline("[nodes.a]\nplugin = 3\n", "p.toml", {}, problems),
                       doctest::Contains("missing [pipeline] table"), UsageError);
}

TEST_CASE("partition settings are checked against foreach") {
  const std::string head = "[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\n";
  CHECK(error_of(head + "partitions = [7]\n") ==
        "p.toml:5:14: node 'a': partitions applies to a foreach node; add foreach = \"<key column>\" or remove partitions");
  CHECK(error_of(head + "batch_size = 4\n").find("node 'a': batch_size applies to a foreach node") != std::string::npos);
  CHECK(error_of(head + "foreach = [\"k\", \"k\"]\n") ==
        "p.toml:5:11: node 'a': foreach lists column 'k' twice; list each key column once");
  CHECK(error_of(head + "foreach = [\"k\", \"j\"]\npartitions = [7]\n") ==
        "p.toml:6:14: node 'a': partitions of a node partitioned by several columns name the column, e.g. "
        "partitions = [\"k=7\"]");
  CHECK(parse(head + "foreach = [\"k\", \"j\"]\npartitions = [\"k=7\", \"j=north\"]\n").nodes.size() == 1);
  CHECK(error_of(head + "foreach = \"${vars.col}\"\n").find("node 'a': foreach names columns as written; ${...} "
                                                            "references work in params, [vars] and plugin_dirs only") !=
        std::string::npos);
  // Listed values are kept as partition keys write them: a double in its shortest form.
  CHECK(parse(head + "foreach = \"k\"\npartitions = [1.0, 7, \"north\"]\n").nodes[0].partitions ==
        std::vector<std::string>{"1", "7", "north"});
}

TEST_CASE("vars may refer to each other in any order, and a cycle is reported with its path") {
  const auto spec = parse("[pipeline]\nname = \"x\"\n[vars]\nz_base = 10\na_stop = \"${vars.z_base}\"\n"
                          "m_path = \"d/${vars.a_stop}/${vars.z_base}\"\n[nodes.a]\nplugin = \"x.y\"\n"
                          "params = { stop = \"${vars.a_stop}\" }\n");
  CHECK(spec.vars.at("a_stop").as_int() == 10);
  CHECK(spec.vars.at("m_path").as_string() == "d/10/10");
  CHECK(spec.nodes[0].params.at("stop").as_int() == 10);
  CHECK(error_of("[pipeline]\nname = \"x\"\n[vars]\na = \"${vars.b}\"\nb = \"x${vars.a}\"\n[nodes.a]\nplugin = \"x.y\"\n") ==
        "p.toml:4:5: [vars] refer to each other in a cycle: a -> b -> a; break the cycle");
}

TEST_CASE("node ids that differ only in case are rejected") {
  CHECK(error_of("[pipeline]\nname = \"x\"\n[nodes.sales]\nplugin = \"x.y\"\n[nodes.Sales]\nplugin = \"x.y\"\n") ==
        "p.toml:5:1: node 'Sales' differs from node 'sales' (p.toml:3:1) only in case; SQL table names and some file "
        "systems ignore case, so rename one");
}

TEST_CASE("unknown references are reported with a suggestion") {
  const std::string e = error_of("[pipeline]\nname = \"x\"\n[vars]\nhorizon = 30\n[nodes.a]\nplugin = \"x.y\"\n"
                                 "params = { h = \"${vars.horizn}\" }\n");
  CHECK(e == "p.toml:7:16: unknown reference ${vars.horizn} (did you mean 'vars.horizon'?); define it under [vars] or pass "
             "--set vars.horizn=VALUE");
}

TEST_CASE("duplicate node ids are rejected by the TOML parser with a position") {
  const std::string e = error_of("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\n[nodes.a]\nplugin = \"x.y\"\n");
  CHECK(e.rfind("p.toml:5:", 0) == 0);
  CHECK(e.find("invalid TOML") != std::string::npos);
}

TEST_CASE("inputs accept node.port and a port table") {
  const PipelineSpec p = parse("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\n[nodes.b]\nplugin = \"x.y\"\n"
                               "inputs = { history = \"a.forecast\" }\n");
  REQUIRE(p.nodes[1].inputs.size() == 1);
  CHECK(p.nodes[1].inputs[0].port == "history");
  CHECK(p.nodes[1].inputs[0].node == "a");
  CHECK(p.nodes[1].inputs[0].node_port == "forecast");
}

TEST_CASE("pipeline.dir and env references interpolate") {
  setenv("SLUICE_TEST_VALUE", "abc", 1);
  const PipelineSpec p = parse("[pipeline]\nname = \"x\"\n[nodes.a]\nplugin = \"x.y\"\n"
                               "params = { p = \"${pipeline.dir}/out\", e = \"${env.SLUICE_TEST_VALUE}\" }\n");
  CHECK(p.nodes[0].params.at("p").as_string() == (p.dir / "out").string());
  CHECK(p.nodes[0].params.at("e").as_string() == "abc");
}

TEST_CASE("the schedule is checked with the pipeline, from the same parse") {
  // Its messages name the file by its absolute path, as the scheduler's do.
  const std::string where = std::filesystem::absolute("p.toml").string();
  const std::string head = "[pipeline]\nname = \"x\"\n[pipeline.schedule]\n";
  const std::string node = "[nodes.a]\nplugin = \"x.y\"\n";
  CHECK(error_of(head + "cron = \"0 6 * * MON\"\ntimezone = \"Europe/Berlin\"\n" + node) == "(no error)");
  CHECK(error_of(head + "cron = \"0 6 * * MON\"\ntimezone = \"Europe/Berln\"\n" + node) ==
        where + ":5:12: unknown timezone \"Europe/Berln\" (did you mean 'Europe/Berlin'?); use an IANA name such as "
        "\"Europe/Berlin\", \"America/New_York\" or \"UTC\"");
  // The column of a bad cron field inside the string, though the text is not in a file.
  CHECK(error_of(head + "cron = \"0 25 * * *\"\n" + node) ==
        where + ":4:11: invalid cron hour field \"25\" (column 3 of \"0 25 * * *\"): 25 is out of range (hours are 0-23)");
}

TEST_CASE("a stage's ParamError becomes a problem at the parameter's position, naming the parameter once") {
  NodeSpec node;
  node.id = "forecast";
  node.loc = SourceLoc("p.toml", 4, 1);
  SourceLoc cap_at("p.toml", 6, 7);
  cap_at.via = "${vars.cap} is given by --set vars.cap=0";
  node.param_locs["cap"] = cap_at;

  // The bundled form and an older plugin's bare message read the same.
  for (const ParamError& e : {param_error("cap", "must be greater than 'floor'"), ParamError("cap", "must be greater than 'floor'")}) {
    const Problem p = param_problem(node, e, node.loc, "node 'forecast': ");
    CHECK(p.str() ==
          "p.toml:6:7: node 'forecast': parameter 'cap': must be greater than 'floor'; ${vars.cap} is given by --set vars.cap=0");
  }
  // A parameter the file does not set: at the fallback, or with no position at all.
  CHECK(param_problem(node, param_error("floor", "is missing"), node.loc).str() == "p.toml:4:1: parameter 'floor': is missing");
  CHECK(param_problem(node, param_error("floor", "is missing"), SourceLoc{}).str() == "parameter 'floor': is missing");
}
