// Plugin loading and stage failures through the real binary. Each broken
// fixture plugin (tests/fixtures/plugins/<case>) lives in its own directory;
// a pipeline written to a temp dir points `plugin_dirs` at it, and the test
// asserts the exit code and the exact message a user would read.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include <sluice/abi.hpp>

#include "../support/process.hpp"
#include "registry/registry.hpp"

namespace fs = std::filesystem;
using sluice::test::CommandResult;
using sluice::test::TempDir;
using sluice::test::shell_quote;

namespace {

fs::path fixture_dir(const std::string& name) { return fs::path(SLUICE_FIXTURE_PLUGIN_DIR) / name; }

// The path the loader prints for a fixture plugin (it canonicalises the file).
std::string fixture_lib(const std::string& name) {
  return fs::weakly_canonical(fixture_dir(name) / ("libsluice_fixture_" + name + ".so")).string();
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

// A pipeline file in `dir` that searches `plugin_dirs` (plus the build's plugins/).
fs::path write_pipeline(const TempDir& dir, const std::vector<fs::path>& plugin_dirs, const std::string& nodes,
                        const std::string& name = "fixture_test") {
  std::string dirs;
  for (const auto& d : plugin_dirs) dirs += (dirs.empty() ? "" : ", ") + toml_string(d.string());
  const fs::path file = dir / "pipeline.toml";
  sluice::test::write_file(file, "[pipeline]\nname = \"" + name + "\"\nplugin_dirs = [" + dirs + "]\n\n" + nodes);
  return file;
}

const std::string kOneSource = "[nodes.numbers]\nplugin = \"sluice.range\"\nparams = { stop = 3 }\n";

CommandResult validate(const fs::path& file) { return sluice::test::sluice("validate " + shell_quote(file.string())); }
CommandResult run(const fs::path& file, const std::string& flags = "-q") {
  return sluice::test::sluice("run " + flags + " " + shell_quote(file.string()));
}

// What `sluice validate` prints on stderr for a load failure: exactly one error line.
std::string load_error(const std::string& fixture) {
  TempDir dir;
  const auto r = validate(write_pipeline(dir, {fixture_dir(fixture)}, kOneSource));
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  return r.err;
}

std::string engine_stamp() { return sluice::engine::describe_stamp(sluice::current_abi_stamp()); }

template <typename Edit>
std::string stamp_with(Edit edit) {
  sluice_abi_stamp s = sluice::current_abi_stamp();
  edit(s);
  return sluice::engine::describe_stamp(s);
}

std::string abi_error(const std::string& fixture, const std::string& problem, const std::string& plugin_stamp) {
  return "sluice: error: plugin " + fixture_lib(fixture) + ": ABI mismatch (" + problem + "): plugin built with [" +
         plugin_stamp + "], engine expects [" + engine_stamp() + "]; rebuild the plugin against this Sluice SDK\n";
}

nlohmann::json node_report(const nlohmann::json& report, const std::string& id) {
  for (const auto& n : report["nodes"])
    if (n["id"] == id) return n;
  FAIL("no node " << id << " in the report");
  return {};
}

}  // namespace

// ------------------------------------------------------------------ loading

TEST_CASE("a library exporting nothing Sluice knows is named and explained") {
  CHECK(load_error("no_symbols") == "sluice: error: plugin " + fixture_lib("no_symbols") +
                                        ": not a Sluice plugin: it does not export 'sluice_plugin_abi_v1'; declare the "
                                        "plugin with SLUICE_PLUGIN(register_fn) from <sluice/plugin.hpp>\n");
}

TEST_CASE("a plugin with a stamp but no entry point names the missing symbol") {
  CHECK(load_error("abi_only") == "sluice: error: plugin " + fixture_lib("abi_only") +
                                      ": not a Sluice plugin: it does not export 'sluice_plugin_v1'; declare the "
                                      "plugin with SLUICE_PLUGIN(register_fn) from <sluice/plugin.hpp>\n");
}

TEST_CASE("ABI mismatches are refused on the stamp, before any plugin code runs") {
  // Each fixture's entry point calls abort(): reaching it would exit 134, not 2.
  SUBCASE("another SDK major") {
    const std::string err = load_error("abi_major");
    CHECK(err == abi_error("abi_major", "SDK major version differs", stamp_with([](auto& s) { s.sdk_major = 99; })));
    CHECK(err.find("plugin built with [SDK 99." + std::to_string(SLUICE_SDK_VERSION_MINOR) + " r") != std::string::npos);
  }
  SUBCASE("a newer SDK minor") {
    CHECK(load_error("abi_minor") == abi_error("abi_minor", "the plugin needs a newer SDK minor version",
                                               stamp_with([](auto& s) { s.sdk_minor += 7; })));
  }
  SUBCASE("another C++ standard library") {
    const std::string err = load_error("abi_stdlib");
    CHECK(err == abi_error("abi_stdlib", "C++ standard library differs",
                           stamp_with([](auto& s) { std::snprintf(s.stdlib, sizeof s.stdlib, "libc++ 1"); })));
    CHECK(err.find(", libc++ 1], engine expects [") != std::string::npos);
  }
  SUBCASE("another SDK layout revision") {
    const std::string err = load_error("abi_revision");
    const unsigned engine_rev = SLUICE_ABI_REVISION, plugin_rev = SLUICE_ABI_REVISION + 1;
    CHECK(err == abi_error("abi_revision",
                           "SDK layout revision differs (plugin r" + std::to_string(plugin_rev) + ", engine r" +
                               std::to_string(engine_rev) + ")",
                           stamp_with([](auto& s) { s.magic = SLUICE_ABI_MAGIC_BASE | (SLUICE_ABI_REVISION + 1); })));
  }
  SUBCASE("not a Sluice stamp at all") {
    // A stamp with a foreign magic cannot be trusted, so it is not printed.
    const std::string lib = fs::weakly_canonical(fixture_dir("abi_magic") / "libsluice_fixture_abi_magic.so").string();
    CHECK(load_error("abi_magic") == "sluice: error: plugin " + lib +
                                         ": its ABI stamp is not a Sluice stamp (bad magic); rebuild the plugin against "
                                         "this Sluice SDK\n");
  }
}

TEST_CASE("a file that is not a shared library is named with the loader's reason") {
  const std::string lib = fs::weakly_canonical(fixture_dir("not_elf") / "libbad.so").string();
  CHECK(load_error("not_elf") == "sluice: error: plugin " + lib + ": cannot load it as a shared library (" + lib +
                                     ": invalid ELF header); rebuild the plugin or remove the file from the plugin "
                                     "directory\n");
}

TEST_CASE("an exception thrown while registering names the plugin and keeps its message") {
  CHECK(load_error("register_throws") ==
        "sluice: error: plugin " + fixture_lib("register_throws") +
            ": failed while registering its stages: fixture.register_throws: license file /nonexistent/license.key not "
            "found\n");
}

// What the loader says about one contradiction in a fixture's stage (tests/fixtures/plugins/bad_descriptor).
std::string contradiction(const std::string& fixture, const std::string& stage, const std::string& problem) {
  return "plugin " + fixture_lib(fixture) + ": stage '" + stage + "': " + problem;
}

// The whole error output of a plugin refused for one contradiction.
std::string refusal(const std::string& fixture, const std::string& stage, const std::string& problem) {
  return "sluice: error: " + contradiction(fixture, stage, problem) + "\n";
}

TEST_CASE("a stage id that is not reverse-DNS is refused at registration, with the fix") {
  CHECK(load_error("bad_stage_id") ==
        refusal("bad_stage_id", "Fixture Bad Id",
                "the id is not reverse-DNS; use lowercase words separated by dots, e.g. \"acme.resize\""));
}

TEST_CASE("a one_of_inputs group that names no optional input port of the stage is refused at registration") {
  CHECK(load_error("bad_one_of") ==
        refusal("bad_one_of", "fixture.bad_one_of",
                "one_of_inputs lists 'b', which is not one of its optional input ports; declare an optional input "
                "port 'b', or remove it from the group"));
}

TEST_CASE("a parameter default that its own declaration refuses is refused at load, with the fix") {
  SUBCASE("outside min/max") {
    CHECK(load_error("default_out_of_range") ==
          refusal("default_out_of_range", "fixture.default_out_of_range",
                  "parameter 'width': its default value 0 is out of range [1.0, 100.0]; "
                  "change the default, or the bounds (min/max) so that they include it"));
  }
  SUBCASE("not one of the choices") {
    CHECK(load_error("default_not_a_choice") ==
          refusal("default_not_a_choice", "fixture.default_not_a_choice",
                  "parameter 'style': its default value \"loud\" is not one of: plain, "
                  "shout; change the default to one of the choices, or add it to them"));
  }
  SUBCASE("of another type") {
    CHECK(load_error("default_wrong_type") ==
          refusal("default_wrong_type", "fixture.default_wrong_type",
                  "parameter 'retries': its default \"3\" is not of its declared type "
                  "(int); give it a default of that type, or declare the type the default "
                  "has"));
  }
  SUBCASE("bounds that admit no value") {
    CHECK(load_error("empty_bounds") ==
          refusal("empty_bounds", "fixture.empty_bounds",
                  "parameter 'level' declares min 9.0 above max 1.0, so no value is "
                  "allowed; swap them, or correct the one that is wrong"));
  }
}

TEST_CASE("a parameter declared against itself is refused at load, with the fix") {
  // fixture case -> the problem reported for its stage fixture.<case>
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"choices_on_number",
       "parameter 'level' declares choices, but its type (int) is not a string or a list of strings, so they restrict "
       "nothing; remove the choices, or declare it a string or a list of strings"},
      {"required_with_default",
       "parameter 'path' is required and also has a default (\"out.csv\"), which is never used; remove the default, "
       "or make the parameter optional (required = false)"},
      {"duplicate_param", "parameter 'path' is declared twice; give each parameter its own name"},
  };
  for (const auto& c : cases) {
    const std::string& fixture = c.first;  // not a structured binding: CAPTURE's lambda takes it (clang 14)
    CAPTURE(fixture);
    CHECK(load_error(fixture) == refusal(fixture, "fixture." + fixture, c.second));
  }
}

TEST_CASE("two ports of one name in the same direction are refused at load") {
  CHECK(load_error("duplicate_input") ==
        refusal("duplicate_input", "fixture.duplicate_input",
                "input port 'in' is declared twice; give each input port its own name"));
  CHECK(load_error("duplicate_output") ==
        refusal("duplicate_output", "fixture.duplicate_output",
                "output port 'out' is declared twice; give each output port its own name"));
}

TEST_CASE("each element of a list parameter with choices is checked before anything runs, naming the choices") {
  TempDir dir;
  const fs::path file = write_pipeline(dir, {fixture_dir("working")},
                                       kOneSource + "[nodes.copy]\nplugin = \"fixture.echo\"\ninputs = [\"numbers\"]\n"
                                                    "params = { tags = [\"fast\", \"loud\"] }\n");
  const auto r = validate(file);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "sluice: error: " + file.string() +
                     ":11:19: node 'copy' (fixture.echo): parameter 'tags': value [\"fast\",\"loud\"] has \"loud\", "
                     "which is not one of: fast, cheap (labels of the node)\n");
}

TEST_CASE("a plugin that registers one stage id twice is refused, not reported as two plugins") {
  CHECK(load_error("id_twice") ==
        refusal("id_twice", "fixture.registered_twice",
                "the plugin registers this id twice; give each stage its own id, or remove "
                "the second registration"));
}

TEST_CASE("every contradiction in a plugin is reported, one line each, and run and plugins refuse it too") {
  const std::string expected =
      contradiction("several_contradictions", "fixture.default_wrong_type",
                    "parameter 'retries': its default \"3\" is not of its declared type (int); give it a default of "
                    "that type, or declare the type the default has") +
      "\n" +
      contradiction("several_contradictions", "fixture.duplicate_output",
                    "output port 'out' is declared twice; give each output port its own name") +
      "\n";
  CHECK(load_error("several_contradictions") == "sluice: error: " + expected);

  TempDir dir;
  const auto r = run(write_pipeline(dir, {fixture_dir("several_contradictions")}, kOneSource));
  CHECK(r.exit_code == 2);
  CHECK(r.err == "sluice: error: " + expected);
  CHECK_FALSE(fs::exists(dir / ".sluice"));

  const auto listed =
      sluice::test::sluice("plugins --plugin-dir " + shell_quote(fixture_dir("several_contradictions").string()));
  CHECK(listed.exit_code == 2);
  CHECK(listed.err == "sluice: error: " + expected);
}

TEST_CASE("a duplicate stage id names both plugins") {
  // plugin_dirs are searched before the build's plugins/, so the impostor loads
  // first and the bundled examples plugin is the one reported.
  const std::string examples = fs::weakly_canonical(fs::path(SLUICE_PLUGIN_BUILD_DIR) / "libsluice_examples.so").string();
  CHECK(load_error("duplicate_id") == "sluice: error: plugin " + examples +
                                          ": stage id 'sluice.range' is already provided by " + fixture_lib("duplicate_id") +
                                          "; stage ids must be unique, remove one of the plugins from the plugin path\n");
}

TEST_CASE("every broken plugin in a directory is reported, not just the first") {
  TempDir plugins;
  fs::copy_file(fixture_lib("abi_major"), plugins / "liba_major.so");
  fs::copy_file(fixture_dir("not_elf") / "libbad.so", plugins / "libb_bad.so");
  TempDir dir;
  const auto r = validate(write_pipeline(dir, {plugins.path()}, kOneSource));
  CHECK(r.exit_code == 2);
  const std::string canon = fs::weakly_canonical(plugins.path()).string();
  const auto first = r.err.find("plugin " + canon + "/liba_major.so: ABI mismatch (SDK major version differs)");
  const auto second = r.err.find("\nplugin " + canon + "/libb_bad.so: cannot load it as a shared library");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
}

TEST_CASE("sluice run refuses a pipeline whose plugins do not load, before running anything") {
  TempDir dir;
  const auto r = run(write_pipeline(dir, {fixture_dir("abi_major")}, kOneSource));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(abi_error("abi_major", "SDK major version differs", stamp_with([](auto& s) { s.sdk_major = 99; })))
        != std::string::npos);
  CHECK_FALSE(fs::exists(dir / ".sluice"));
}

TEST_CASE("sluice plugins --plugin-dir reports a broken plugin with exit 2") {
  const auto r = sluice::test::sluice("plugins --plugin-dir " + shell_quote(fixture_dir("register_throws").string()));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("plugin " + fixture_lib("register_throws") + ": failed while registering its stages") !=
        std::string::npos);
}

TEST_CASE("a world-writable plugin directory is refused, a sticky one (like /tmp) is not") {
  TempDir dir;
  const fs::path plugins = dir / "plugins";
  fs::create_directories(plugins);
  fs::copy_file(fixture_lib("working"), plugins / "libworking.so");
  const fs::path file = write_pipeline(dir, {plugins}, kOneSource);

  REQUIRE(::chmod(plugins.c_str(), 0777) == 0);
  auto r = validate(file);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "sluice: error: plugin directory " + plugins.string() +
                     " is world-writable, so anyone could plant code that Sluice would run; refusing to load from it. "
                     "Fix: chmod o-w " + plugins.string() + "\n");

  REQUIRE(::chmod(plugins.c_str(), 01777) == 0);
  r = validate(file);
  CHECK(r.exit_code == 0);
  REQUIRE(::chmod(plugins.c_str(), 0755) == 0);
  CHECK(validate(file).exit_code == 0);

  // The file itself writable by anyone: refused too.
  REQUIRE(::chmod((plugins / "libworking.so").c_str(), 0666) == 0);
  r = validate(file);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "sluice: error: plugin " + (plugins / "libworking.so").string() +
                     " is world-writable, so anyone could change the code Sluice would run; refusing to load it. "
                     "Fix: chmod o-w " + (plugins / "libworking.so").string() + "\n");
}

TEST_CASE("a plugin that needs an SDK function this Sluice lacks is explained, not just refused") {
  const auto r = sluice::test::sluice("plugins --plugin-dir " + shell_quote(fixture_dir("sdk_newer").string()));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("plugin " + fixture_lib("sdk_newer") + ": it needs sluice::sdk_function_from_a_newer_release("
                   "sluice::Registrar&) from the Sluice SDK, which this Sluice does not have: it was built against "
                   "another SDK") != std::string::npos);
}

TEST_CASE("plugin_dirs are relative to the pipeline file and a missing one is skipped") {
  TempDir dir;
  fs::create_directories(dir / "my_plugins");
  fs::copy_file(fixture_lib("working"), dir / "my_plugins" / "libworking.so");
  sluice::test::write_file(dir / "p.toml", "[pipeline]\nname = \"relative\"\nplugin_dirs = [\"my_plugins\", \"not_built_yet\"]\n\n" +
                                               kOneSource + "[nodes.copy]\nplugin = \"fixture.echo\"\ninputs = [\"numbers\"]\n");
  const auto r = validate(dir / "p.toml");
  CHECK(r.err == "");
  CHECK(r.exit_code == 0);
  CHECK(r.out == (dir / "p.toml").string() + ": ok (2 nodes, pipeline 'relative')\n");
}

TEST_CASE("SLUICE_PLUGIN_PATH adds plugin directories") {
  const auto r = sluice::test::run_command("SLUICE_PLUGIN_PATH=" + shell_quote("/nonexistent:" + fixture_dir("working").string()) +
                                           " " + shell_quote(SLUICE_BIN) + " plugins");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nfixture.echo ") != std::string::npos);
  CHECK(r.out.find("\nfixture.fail_once ") != std::string::npos);
}

TEST_CASE("plugins whose stages misbehave only at run time load and validate") {
  for (const char* fixture : {"run_throws", "bad_output", "segfault"}) {
    CAPTURE(fixture);
    TempDir dir;
    const auto r = validate(write_pipeline(dir, {fixture_dir(fixture)}, kOneSource, "loads"));
    CHECK(r.err == "");
    CHECK(r.exit_code == 0);
  }
  const auto r = sluice::test::sluice("plugins --plugin-dir " + shell_quote(fixture_dir("segfault").string()));
  CHECK(r.out.find("\nfixture.segfault  ") != std::string::npos);
}

// ------------------------------------------------------------- stage failures

TEST_CASE("a stage exception becomes a node failure naming node and stage, and downstream is skipped") {
  TempDir dir;
  const fs::path file = write_pipeline(dir, {fixture_dir("run_throws"), fixture_dir("working")},
                                       "[nodes.boom]\nplugin = \"fixture.throws\"\n\n"
                                       "[nodes.after]\nplugin = \"fixture.echo\"\ninputs = [\"boom\"]\n");
  const std::string error = "node 'boom' (fixture.throws) failed: fixture.throws: deliberate failure in run()";

  auto r = run(file);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("sluice: error: " + error + "\n") != std::string::npos);
  CHECK(r.out.find("failed   boom") != std::string::npos);
  CHECK(r.out.find(error) != std::string::npos);
  CHECK(r.out.find("fixture_test: failed in ") != std::string::npos);

  r = run(file, "-q --json");
  CHECK(r.exit_code == 1);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(report["status"] == "failed");
  const auto boom = node_report(report, "boom");
  CHECK(boom["status"] == "failed");
  CHECK(boom["plugin"] == "fixture.throws");
  CHECK(boom["error"] == error);
  const auto after = node_report(report, "after");
  CHECK(after["status"] == "skipped");
  CHECK(after["reason"] == "upstream `boom` failed");
  CHECK(after["error"].is_null());
}

TEST_CASE("with one job the nodes run in file order, so fail-fast skips every node after the failure") {
  TempDir dir;
  const fs::path file = write_pipeline(dir, {fixture_dir("run_throws"), fixture_dir("working")},
                                       kOneSource + "[nodes.boom]\nplugin = \"fixture.throws\"\n\n"
                                                    "[nodes.after]\nplugin = \"fixture.echo\"\ninputs = [\"numbers\"]\n\n"
                                                    "[nodes.last]\nplugin = \"sluice.range\"\nparams = { stop = 2 }\n");
  auto r = run(file, "-q --json -j 1");
  CHECK(r.exit_code == 1);
  auto report = nlohmann::json::parse(r.out);
  CHECK(node_report(report, "numbers")["status"] == "ran");
  CHECK(node_report(report, "boom")["status"] == "failed");
  for (const char* later : {"after", "last"}) {
    INFO(later);
    CHECK(node_report(report, later)["status"] == "skipped");
    CHECK(node_report(report, later)["reason"] == "cancelled after `boom` failed (fail-fast; use --keep-going)");
  }

  r = run(file, "-j 1 --keep-going");  // progress lines on stderr, in the order the nodes ran
  CHECK(r.exit_code == 1);
  const auto at = [&](const std::string& line) { return r.err.find(line); };
  CHECK(at("[1/4] numbers: cached") < at("[2/4] boom: failed"));  // computed by the first run
  CHECK(at("[2/4] boom: failed") < at("[3/4] after: ran"));
  CHECK(at("[3/4] after: ran") < at("[4/4] last: ran"));
  CHECK(at("[4/4] last: ran") != std::string::npos);
}

TEST_CASE("a non-standard exception from a stage is a node failure too") {
  TempDir dir;
  const auto r = run(write_pipeline(dir, {fixture_dir("run_throws")}, "[nodes.boom]\nplugin = \"fixture.throws_int\"\n"),
                     "-q --json");
  CHECK(r.exit_code == 1);
  CHECK(node_report(nlohmann::json::parse(r.out), "boom")["error"] ==
        "node 'boom' (fixture.throws_int) failed: the stage threw a non-standard exception");
}

TEST_CASE("outputs that break the stage's declared ports fail the node") {
  struct Case {
    const char* stage;
    const char* error;
  };
  for (const Case c : {Case{"fixture.undeclared_port", "the stage produced an undeclared output port 'extra'"},
                       Case{"fixture.blob_on_table_port", "output port 'out' must be a table"},
                       Case{"fixture.missing_output", "the stage did not produce its output port 'out'"}}) {
    CAPTURE(c.stage);
    TempDir dir;
    const auto r = run(write_pipeline(dir, {fixture_dir("bad_output")},
                                      "[nodes.bad]\nplugin = \"" + std::string(c.stage) + "\"\n"),
                       "-q --json");
    CHECK(r.exit_code == 1);
    CHECK(node_report(nlohmann::json::parse(r.out), "bad")["error"] ==
          "node 'bad' (" + std::string(c.stage) + ") failed: " + c.error);
  }
}

TEST_CASE("a table without the columns the next stage needs fails that stage, naming what is there") {
  TempDir dir;
  const auto r = run(write_pipeline(dir, {fixture_dir("bad_output")},
                                    "[nodes.bad]\nplugin = \"fixture.wrong_columns\"\n\n"
                                    "[nodes.sq]\nplugin = \"sluice.square\"\ninputs = [\"bad\"]\n"),
                     "-q --json");
  CHECK(r.exit_code == 1);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(node_report(report, "bad")["status"] == "ran");
  CHECK(node_report(report, "sq")["error"] ==
        "node 'sq' (sluice.square) failed: missing column 'value'; the input has: unexpected");
}

// -------------------------------------------------------------------- retries

namespace {
fs::path retry_pipeline(const TempDir& dir, int failures, int retries) {
  return write_pipeline(dir, {fixture_dir("working")},
                        kOneSource + "\n[nodes.flaky]\nplugin = \"fixture.fail_once\"\ninputs = [\"numbers\"]\n" +
                            (retries > 0 ? "retries = " + std::to_string(retries) + "\n" : "") +
                            "params = { counter = " + toml_string((dir / "counter").string()) +
                            ", failures = " + std::to_string(failures) + " }\n",
                        "retry_test");
}
}  // namespace

TEST_CASE("retries let a flaky stage succeed, with growing backoff between attempts") {
  TempDir dir;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run(retry_pipeline(dir, 2, 2), "-q --json");
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["status"] == "ok");
  CHECK(sluice::test::slurp(dir / "counter") == "3");
  CHECK(r.err.find("sluice: warning: [flaky] attempt 1 of 3 failed: fixture.fail_once: deliberate failure 1 of 2; "
                   "retrying in 200 ms\n") != std::string::npos);
  CHECK(r.err.find("sluice: warning: [flaky] attempt 2 of 3 failed: fixture.fail_once: deliberate failure 2 of 2; "
                   "retrying in 400 ms\n") != std::string::npos);
  CHECK(elapsed >= std::chrono::milliseconds(600));  // 200 ms + 400 ms of backoff
}

TEST_CASE("when retries run out the error says how many attempts were made") {
  TempDir dir;
  const auto r = run(retry_pipeline(dir, 5, 1), "-q --json");
  CHECK(r.exit_code == 1);
  CHECK(node_report(nlohmann::json::parse(r.out), "flaky")["error"] ==
        "node 'flaky' (fixture.fail_once) failed: fixture.fail_once: deliberate failure 2 of 5 (after 2 attempts)");
  CHECK(sluice::test::slurp(dir / "counter") == "2");
}

TEST_CASE("without retries a failure is final for the run, and is not cached") {
  TempDir dir;
  const fs::path file = retry_pipeline(dir, 1, 0);
  auto r = run(file, "-q --json");
  CHECK(r.exit_code == 1);
  CHECK(node_report(nlohmann::json::parse(r.out), "flaky")["error"] ==
        "node 'flaky' (fixture.fail_once) failed: fixture.fail_once: deliberate failure 1 of 1");
  r = run(file, "-q --json");
  CHECK(r.exit_code == 0);
  CHECK(node_report(nlohmann::json::parse(r.out), "flaky")["status"] == "ran");
  r = run(file, "-q --json");
  CHECK(node_report(nlohmann::json::parse(r.out), "flaky")["status"] == "cached");
  CHECK(sluice::test::slurp(dir / "counter") == "2");
}

// ------------------------------------------------------------------------ CLI

TEST_CASE("sluice plugins lists the bundled stages") {
  const auto r = sluice::test::sluice("plugins");
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("STAGE", 0) == 0);
  CHECK(r.out.find("KIND") != std::string::npos);
  for (const char* line : {"\nsluice.range ", "\nsluice.square ", "\nsluice.pi_leibniz "}) {
    CHECK(r.out.find(line) != std::string::npos);
  }
  const auto json = sluice::test::sluice("plugins --json");
  CHECK(json.exit_code == 0);
  bool found = false;
  for (const auto& s : nlohmann::json::parse(json.out)) found = found || s["id"] == "sluice.square";
  CHECK(found);
}

TEST_CASE("sluice plugins --schema prints ports and params, as text and JSON") {
  const std::string examples = fs::weakly_canonical(fs::path(SLUICE_PLUGIN_BUILD_DIR) / "libsluice_examples.so").string();
  const auto text = sluice::test::sluice("plugins --schema sluice.square");
  CHECK(text.exit_code == 0);
  CHECK(text.out.rfind("sluice.square 1.0.0 (transform)\n", 0) == 0);
  CHECK(text.out.find("  plugin: " + examples + "\n") != std::string::npos);
  CHECK(text.out.find("inputs:\n  in (table): table with the column to square\n") != std::string::npos);
  CHECK(text.out.find("outputs:\n  out (table): the input plus the squared column\n") != std::string::npos);
  CHECK(text.out.find("  sleep_ms  int     0         >= 0.0, <= 3600000.0  milliseconds to sleep per row") != std::string::npos);

  const auto json = sluice::test::sluice("plugins --schema sluice.square --json");
  CHECK(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["id"] == "sluice.square");
  CHECK(j["kind"] == "transform");
  CHECK(j["plugin"] == examples);
  CHECK(j["inputs"][0]["name"] == "in");
  REQUIRE(j["params"].size() == 3);
  CHECK(j["params"][0] == nlohmann::json{{"name", "column"}, {"type", "string"}, {"required", false},
                                         {"default", "value"}, {"doc", "column to square"}});
  CHECK(j["params"][2]["min"] == 0.0);
  CHECK(j["params"][2]["max"] == 3'600'000.0);
}

TEST_CASE("an unknown stage id gets a suggestion and exit 2") {
  const auto r = sluice::test::sluice("plugins --schema sluice.sqare");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "sluice: error: unknown stage 'sluice.sqare' (did you mean 'sluice.square'?); `sluice plugins` lists them\n");
}

TEST_CASE("sluice version prints the version and the plugin ABI stamp") {
  const auto r = sluice::test::sluice("version");
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string("sluice ") + SLUICE_VERSION + "\nplugin ABI: " + engine_stamp() + "\n");
}

TEST_CASE("--help works for the program and every sub-command") {
  for (const char* args : {"--help", "run --help", "plan --help", "validate --help", "graph --help", "plugins --help",
                           "cache --help", "cache ls --help", "cache gc --help", "cache clear --help", "runs --help",
                           "schedule --help", "demo-data --help", "version --help", "--help-all"}) {
    CAPTURE(args);
    const auto r = sluice::test::sluice(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage: sluice") != std::string::npos);  // the program's name, not the path it was started by
    CHECK(r.err.empty());
  }
  const auto none = sluice::test::sluice("");
  CHECK(none.exit_code == 2);
  const auto unknown = sluice::test::sluice("frobnicate");
  CHECK(unknown.exit_code == 2);
}

TEST_CASE("sluice graph draws every node apart, with real line breaks, in DOT and Mermaid") {
  TempDir dir;
  sluice::test::write_file(dir / "g.toml", "[pipeline]\nname = \"g\"\n[nodes.a-b]\nplugin = \"sluice.range\"\n"
                                           "params = { stop = 3 }\n[nodes.a_b]\nplugin = \"sluice.square\"\n"
                                           "inputs = [\"a-b\"]\nforeach = \"value\"\n");
  const std::string file = shell_quote((dir / "g.toml").string());
  auto r = sluice::test::sluice("graph " + file);
  CHECK(r.exit_code == 0);
  // "\n" inside a DOT string is Graphviz's line break: one backslash, not an escaped one.
  CHECK(r.out.find("\"a_b\" [label=\"a_b\\nsluice.square\\nforeach value\"];\n") != std::string::npos);
  CHECK(r.out.find("\"a-b\" -> \"a_b\" [label=\"in\"];\n") != std::string::npos);
  r = sluice::test::sluice("graph --format mermaid " + file);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "flowchart LR\n  n0[\"a-b<br/><small>sluice.range</small>\"]\n"
                 "  n1[\"a_b<br/><small>sluice.square</small><br/><small>foreach value</small>\"]\n  n0 -->|in| n1\n");
}
