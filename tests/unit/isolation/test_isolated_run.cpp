// run_isolated: a stage invocation in its own process (the real `sluice` program started as
// `sluice __isolated-stage DIR`, with the stages of the isolation_probe fixture plugin). Crashes
// become clear errors, stage errors keep their message, parameters, logs, progress and
// cancellation cross the process boundary, and the per-invocation overhead is measured.
#include <doctest/doctest.h>
#include <tbb/parallel_for.h>

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include <sluice/errors.hpp>
#include <sluice/testing.hpp>

#include "exec/isolated_run.hpp"
#include "exec/isolation_protocol.hpp"
#include "registry/registry.hpp"
#include "../../support/process.hpp"

using namespace sluice;

namespace {

Table numbers(std::int64_t n) {
  Table t;
  auto& c = t.add_column("value", ColumnType::Int64);
  for (std::int64_t i = 0; i < n; ++i) c.push_int(i);
  return t;
}

Inputs inputs_of(Table t) {
  Inputs in;
  in.bind("in", std::make_shared<const Value>(std::move(t)));
  return in;
}

engine::IsolatedStage probe(const std::string& name) {
  return {SLUICE_PROBE_PLUGIN, "probe." + name, SLUICE_BIN};
}

std::string error_of(const std::string& stage, const Inputs& in, testing::TestContext& ctx,
                     const std::filesystem::path& scratch) {
  try {
    (void)engine::run_isolated(probe(stage), Params{}, in, ctx, scratch);
  } catch (const Cancelled&) {
    return "cancelled";
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("an isolated stage returns its outputs, receipt, logs and progress") {
  test::TempDir scratch;
  testing::TestContext ctx;
  const Outputs out = engine::run_isolated(probe("double"), Params{}, inputs_of(numbers(1000)), ctx,
                                           scratch.path());
  const auto& col = std::get<Table>(out.values().at("out")).column("value");
  REQUIRE(col.size() == 1000);
  CHECK(col.int_at(999) == 1998);
  CHECK(std::get<Blob>(out.values().at("note")).bytes == "done");
  CHECK(out.receipt() == "rows=1000");
  REQUIRE(ctx.messages.size() == 1);
  CHECK(ctx.messages[0] == "doubled 1000 rows");
  CHECK(ctx.last_done == 1000);
  CHECK(std::filesystem::is_empty(scratch.path()));  // the private dir is removed
}

TEST_CASE("a segfault in the stage fails the invocation, not the engine") {
  test::TempDir scratch;
  testing::TestContext ctx;
  CHECK(error_of("segfault", inputs_of(numbers(3)), ctx, scratch.path()) ==
        "stage crashed with SIGSEGV (segmentation fault) in an isolated process");
  CHECK(std::filesystem::is_empty(scratch.path()));
}

TEST_CASE("an abort in the stage is named") {
  test::TempDir scratch;
  testing::TestContext ctx;
  CHECK(error_of("abort", inputs_of(numbers(3)), ctx, scratch.path()) ==
        "stage crashed with SIGABRT (abort) in an isolated process");
}

TEST_CASE("a stage error keeps its message; a bare exit is reported with its code") {
  test::TempDir scratch;
  testing::TestContext ctx;
  CHECK(error_of("throw", inputs_of(numbers(3)), ctx, scratch.path()) ==
        "missing column 'y'; the input has: value");
  CHECK(error_of("exit", inputs_of(numbers(3)), ctx, scratch.path()) ==
        "the isolated stage process exited with code 7 without reporting an error");
  CHECK(error_of("bad_params", inputs_of(numbers(3)), ctx, scratch.path()) == "parameter 'horizon' must be positive");
}

TEST_CASE("cancelling the parent's context stops the child") {
  test::TempDir scratch;
  testing::TestContext ctx;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ctx.cancel_flag = true;
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK(error_of("wait_for_cancel", inputs_of(numbers(3)), ctx, scratch.path()) == "cancelled");
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

namespace {

// A Context whose log() throws once the stage process has announced its pid.
struct ThrowingLogContext : testing::TestContext {
  void log(LogLevel level, std::string_view message) override {
    testing::TestContext::log(level, message);
    throw Error("the log sink failed");
  }
};

pid_t announced_pid(const testing::TestContext& ctx) {
  REQUIRE(!ctx.messages.empty());
  REQUIRE(ctx.messages.front().starts_with("pid "));
  return static_cast<pid_t>(std::stol(ctx.messages.front().substr(4)));
}

// True once `pid` is neither running nor a zombie (it was reaped).
bool reaped(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

TEST_CASE("when relaying stops early, the stage process is killed and reaped") {
  test::TempDir scratch;
  const auto start = std::chrono::steady_clock::now();
  SUBCASE("the engine's Context throws") {
    ThrowingLogContext ctx;
    CHECK(error_of("log_pid_and_wait", inputs_of(numbers(1)), ctx, scratch.path()) == "the log sink failed");
    CHECK(reaped(announced_pid(ctx)));
  }
  SUBCASE("the stage writes to the events pipe itself") {
    testing::TestContext ctx;
    CHECK(error_of("writes_to_events_fd", inputs_of(numbers(1)), ctx, scratch.path()) ==
          "isolation: the stage process wrote something other than an event to its events pipe (fd 3); "
          "a stage must not write to that descriptor");
    CHECK(reaped(announced_pid(ctx)));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));  // not the stage's 30 s
  CHECK(std::filesystem::is_empty(scratch.path()));
}

TEST_CASE("a few stray bytes on the events pipe fail the stage even when they are all it wrote there") {
  test::TempDir scratch;
  testing::TestContext ctx;
  CHECK(error_of("writes_few_bytes_to_events_fd", inputs_of(numbers(3)), ctx, scratch.path()) ==
        "isolation: the stage process wrote something other than an event to its events pipe (fd 3); "
        "a stage must not write to that descriptor");
}

TEST_CASE("a log line longer than an event's limit arrives cut, not as a broken stream") {
  const std::string huge(3u << 20, 'x');
  std::string stream = engine::isolation::log_event(LogLevel::Info, huge) +
                       engine::isolation::log_event(LogLevel::Info, "next");
  testing::TestContext ctx;
  engine::isolation::forward_events(stream, ctx);
  REQUIRE(ctx.messages.size() == 2);
  CHECK(ctx.messages[0].size() < (1u << 20));
  CHECK(ctx.messages[0].starts_with("xxxx"));
  CHECK(ctx.messages[0].ends_with("... (truncated)"));
  CHECK(ctx.messages[1] == "next");
  CHECK(stream.empty());
}

TEST_CASE("the stage runs in a new sluice program, not in a fork of the engine") {
  // A fork would inherit the engine's locks as they were; a new program inherits none.
  test::TempDir scratch;
  testing::TestContext ctx;
  const Outputs out = engine::run_isolated(probe("command_line"), Params{}, inputs_of(numbers(1)), ctx, scratch.path());
  const std::string& command = std::get<Blob>(out.values().at("out")).bytes;
  CHECK(command.starts_with(std::string(SLUICE_BIN) + " __isolated-stage " + scratch.path().string() + "/isolated-"));
}

TEST_CASE("parameters reach the stage process intact") {
  Params params;
  params.set("flag", true);
  params.set("off", false);
  params.set("count", std::int64_t{-9007199254740993});
  params.set("ratio", 0.1);
  params.set("tiny", -0.0);
  params.set("name", std::string("caf\xc3\xa9 \"quoted\"\n"));
  params.set("none", ParamValue());
  params.set("mixed", ParamValue(std::vector<Scalar>{std::monostate{}, true, std::int64_t{3}, 2.5, std::string("x")}));
  params.set("empty", ParamValue(std::vector<Scalar>{}));
  test::TempDir scratch;
  testing::TestContext ctx;
  const Outputs out = engine::run_isolated(probe("echo_params"), params, inputs_of(numbers(1)), ctx, scratch.path());
  CHECK(std::get<Blob>(out.values().at("out")).bytes == params.canonical());
}

TEST_CASE("oneTBB works in the stage process after the engine used it") {
  std::atomic<int> warm{0};
  tbb::parallel_for(0, 1000, [&](int) { ++warm; });  // the engine's worker pool exists now
  REQUIRE(warm == 1000);
  test::TempDir scratch;
  testing::TestContext ctx;
  const Outputs out = engine::run_isolated(probe("parallel"), Params{}, inputs_of(numbers(10000)), ctx,
                                           scratch.path());
  CHECK(std::get<Table>(out.values().at("out")).column("sum").int_at(0) == 49995000);
}

TEST_CASE("a plugin, stage or program that cannot be used is named") {
  test::TempDir scratch;
  testing::TestContext ctx;
  const Inputs in = inputs_of(numbers(1));
  const auto message = [&](const engine::IsolatedStage& stage) {
    try {
      (void)engine::run_isolated(stage, Params{}, in, ctx, scratch.path());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string gone = (scratch.path() / "libgone.so").string();
  CHECK_MESSAGE(message({gone, "probe.double", SLUICE_BIN}).find(gone) != std::string::npos, "names the plugin file");
  CHECK(message({SLUICE_PROBE_PLUGIN, "probe.renamed", SLUICE_BIN}) ==
        "isolation: the plugin " + std::string(SLUICE_PROBE_PLUGIN) +
            " no longer provides the stage 'probe.renamed' (was it rebuilt during the run?)");
  const std::string no_program = (scratch.path() / "no-such-sluice").string();
  CHECK(message({SLUICE_PROBE_PLUGIN, "probe.double", no_program}) ==
        "isolation: cannot start the stage process " + no_program + ": No such file or directory");
  CHECK(std::filesystem::is_empty(scratch.path()));  // every private dir is removed
}

TEST_CASE("overhead per isolated invocation (reported)") {
  test::TempDir scratch;
  testing::TestContext ctx;
  const Inputs in = inputs_of(numbers(10000));
  engine::Registry registry;
  registry.load_file(SLUICE_PROBE_PLUGIN);
  const auto stage = registry.find("probe.double")->factory(Params{});
  constexpr int kRuns = 20;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    Outputs out;
    stage->run(ctx, in, out);
  }
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) (void)engine::run_isolated(probe("double"), Params{}, in, ctx, scratch.path());
  const auto t2 = std::chrono::steady_clock::now();
  const double in_process_ms = std::chrono::duration<double, std::milli>(t1 - t0).count() / kRuns;
  const double isolated_ms = std::chrono::duration<double, std::milli>(t2 - t1).count() / kRuns;
  MESSAGE("10,000-row table: in-process " << in_process_ms << " ms, isolated " << isolated_ms
                                          << " ms per invocation (overhead " << isolated_ms - in_process_ms << " ms)");
  // Generous: starting a process, two small files and a wait (an ASan process starts in about 0.4 s).
  CHECK(isolated_ms < 250.0 * test::time_scale());
}
