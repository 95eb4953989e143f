// The out-of-tree plugin workflow a user follows (docs/writing-plugins.md):
// install Sluice into a prefix, build docs/examples/hello_stage against it with
// find_package(Sluice), and run its pipeline with the INSTALLED binary.
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "../support/process.hpp"

namespace fs = std::filesystem;
using sluice::test::CommandResult;
using sluice::test::TempDir;
using sluice::test::shell_quote;

namespace {
CommandResult run_checked(const std::string& what, const std::string& command) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = sluice::test::run_command(command);
  MESSAGE(what << ": " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s");
  INFO(what << ": " << command << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}
std::string cmake() { return shell_quote(SLUICE_CMAKE_COMMAND); }
// Empty unless Sluice is built with SLUICE_SANITIZE: then the example must link the same runtime.
std::string sanitizer_flags() {
  const std::string flags = SLUICE_OUT_OF_TREE_FLAGS;
  if (flags.empty()) return "";
  return " -DCMAKE_CXX_FLAGS=" + shell_quote(flags) + " -DCMAKE_EXE_LINKER_FLAGS=" + shell_quote(flags) +
         " -DCMAKE_MODULE_LINKER_FLAGS=" + shell_quote(flags);
}
}  // namespace

TEST_CASE("an out-of-tree plugin builds against the installed SDK and runs with the installed binary") {
  const auto t0 = std::chrono::steady_clock::now();
  TempDir work;
  const fs::path prefix = work / "prefix";
  const fs::path build = work / "build";
  const std::string installed = (prefix / "bin" / "sluice").string();

  // The SDK, headers, CMake package and binary; not the bundled plugins, which
  // this build may not have compiled (the hello pipeline does not need them).
  // Everything but sluice_add_plugin's targets is in CMake's default component.
  run_checked("install", cmake() + " --install " + shell_quote(SLUICE_BINARY_DIR) + " --prefix " +
                             shell_quote(prefix.string()) + " --component Unspecified");
  REQUIRE(fs::exists(installed));
  REQUIRE(fs::is_directory(prefix / "lib" / "sluice" / "plugins"));

  // The installed binary finds the installed SDK library through its RPATH, not the build tree's.
  const auto ldd = run_checked("ldd", "env -u LD_LIBRARY_PATH ldd " + shell_quote(installed));
  CHECK(ldd.out.find("libsluice_sdk.so.1 => " + (prefix / "bin" / ".." / "lib").string() + "/libsluice_sdk.so.1") !=
        std::string::npos);
  CHECK(ldd.out.find(std::string(SLUICE_BINARY_DIR) + "/") == std::string::npos);

  const std::string source = std::string(SLUICE_SOURCE_DIR) + "/docs/examples/hello_stage";
  run_checked("configure", cmake() + " -S " + shell_quote(source) + " -B " + shell_quote(build.string()) + " -G " +
                               shell_quote(SLUICE_CMAKE_GENERATOR) + " -DCMAKE_MAKE_PROGRAM=" +
                               shell_quote(SLUICE_CMAKE_MAKE_PROGRAM) + " -DCMAKE_CXX_COMPILER=" +
                               shell_quote(SLUICE_CXX_COMPILER) + " -DCMAKE_BUILD_TYPE= -DCMAKE_PREFIX_PATH=" +
                               shell_quote(prefix.string()) + " -DHELLO_BUILD_TESTS=ON" + sanitizer_flags());
  run_checked("build", cmake() + " --build " + shell_quote(build.string()) + " -j2");
  run_checked("stage unit tests", shell_quote((build / "hello_tests").string()));

  // The pipeline's plugin_dirs = ["build"] is relative to the pipeline file.
  fs::copy_file(source + "/hello.toml", work / "hello.toml");
  const std::string run = shell_quote(installed) + " run -q --json " + shell_quote((work / "hello.toml").string());
  auto r = run_checked("run", run);
  CHECK(sluice::test::slurp(work / "out" / "greetings.txt") == "Hello, Ada!\nHello, Grace!\nHello, Linus!\n");
  auto report = nlohmann::json::parse(r.out);
  CHECK(report["status"] == "ok");
  CHECK(report["nodes"].size() == 3);

  // A rerun is served from the cache; deleting the output makes the sink run again (verify()).
  r = run_checked("rerun", run);
  report = nlohmann::json::parse(r.out);  // named: a range-for over a temporary's member dangles
  for (const auto& n : report["nodes"]) CHECK(n["status"] == "cached");
  fs::remove(work / "out" / "greetings.txt");
  r = run_checked("rerun after delete", run);
  report = nlohmann::json::parse(r.out);
  CHECK(report["nodes"][2]["status"] == "ran");
  CHECK(report["nodes"][2]["reason"] == "sink target missing or changed");
  CHECK(fs::exists(work / "out" / "greetings.txt"));

  // Installed beside the bundled plugins, every pipeline finds it without plugin_dirs.
  run_checked("install plugin", cmake() + " --install " + shell_quote(build.string()));
  CHECK(fs::exists(prefix / "lib" / "sluice" / "plugins" / "libhello_stage.so"));
  const auto schema = run_checked("schema", shell_quote(installed) + " plugins --schema hello.greet");
  CHECK(schema.out.rfind("hello.greet 1.0.0 (transform)\n", 0) == 0);
  CHECK(schema.out.find("  plugin: " + fs::weakly_canonical(prefix / "lib/sluice/plugins/libhello_stage.so").string()) !=
        std::string::npos);

  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("out-of-tree install + build + runs took " << seconds << " s");
}
