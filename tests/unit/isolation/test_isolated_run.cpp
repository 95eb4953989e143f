// run_isolated: a stage invocation in a forked child. Crashes become clear
// errors, stage errors keep their message, logs/progress/cancellation cross the
// process boundary, and the per-invocation overhead is measured.
#include <doctest/doctest.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <sluice/errors.hpp>
#include <sluice/testing.hpp>

#include "exec/isolated_run.hpp"
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

// Doubles every value, logs, reports progress and leaves a receipt.
class DoubleStage : public Stage {
 public:
  void run(Context& ctx, const Inputs& inputs, Outputs& outputs) override {
    const auto& in = inputs.table("in").column("value");
    Table out;
    auto& c = out.add_column("value", ColumnType::Int64);
    for (std::size_t i = 0; i < in.size(); ++i) c.push_int(2 * in.int_at(i));
    ctx.info("doubled " + std::to_string(in.size()) + " rows");
    ctx.progress(in.size(), in.size(), "rows");
    outputs.set("out", std::move(out));
    outputs.set("note", Blob{"text/plain", "done"});
    outputs.set_receipt("rows=" + std::to_string(in.size()));
  }
};

class SegfaultStage : public Stage {
 public:
  // raise() rather than a null write: under UBSan a null store is reported and
  // exits before the kernel can deliver the signal.
  void run(Context&, const Inputs&, Outputs&) override { std::raise(SIGSEGV); }
};

class AbortStage : public Stage {
 public:
  void run(Context&, const Inputs&, Outputs&) override { std::abort(); }
};

class ThrowStage : public Stage {
 public:
  void run(Context&, const Inputs&, Outputs&) override {
    throw MissingColumn("missing column 'y'; the input has: value");
  }
};

class ExitStage : public Stage {
 public:
  void run(Context&, const Inputs&, Outputs&) override { std::_Exit(7); }
};

class WaitForCancelStage : public Stage {
 public:
  void run(Context& ctx, const Inputs&, Outputs&) override {
    for (;;) {
      ctx.check_cancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
};

class ParallelStage : public Stage {
 public:
  void run(Context&, const Inputs& inputs, Outputs& outputs) override {
    const auto& in = inputs.table("in").column("value");
    std::atomic<std::int64_t> sum{0};
    tbb::parallel_for(std::size_t{0}, in.size(), [&](std::size_t i) { sum += in.int_at(i); });
    Table out;
    out.add_column("sum", ColumnType::Int64).push_int(sum.load());
    outputs.set("out", std::move(out));
  }
};

template <typename S>
StageFactory factory_of() {
  return [](const Params&) { return std::unique_ptr<Stage>(std::make_unique<S>()); };
}

std::string error_of(const StageFactory& f, const Inputs& in, testing::TestContext& ctx,
                     const std::filesystem::path& scratch) {
  try {
    (void)engine::run_isolated(f, Params{}, in, ctx, scratch);
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
  const Outputs out = engine::run_isolated(factory_of<DoubleStage>(), Params{}, inputs_of(numbers(1000)), ctx,
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
  CHECK(error_of(factory_of<SegfaultStage>(), inputs_of(numbers(3)), ctx, scratch.path()) ==
        "stage crashed with SIGSEGV (segmentation fault) in an isolated process");
  CHECK(std::filesystem::is_empty(scratch.path()));
}

TEST_CASE("an abort in the stage is named") {
  test::TempDir scratch;
  testing::TestContext ctx;
  CHECK(error_of(factory_of<AbortStage>(), inputs_of(numbers(3)), ctx, scratch.path()) ==
        "stage crashed with SIGABRT (abort) in an isolated process");
}

TEST_CASE("a stage error keeps its message; a bare exit is reported with its code") {
  test::TempDir scratch;
  testing::TestContext ctx;
  CHECK(error_of(factory_of<ThrowStage>(), inputs_of(numbers(3)), ctx, scratch.path()) ==
        "missing column 'y'; the input has: value");
  CHECK(error_of(factory_of<ExitStage>(), inputs_of(numbers(3)), ctx, scratch.path()) ==
        "the isolated stage process exited with code 7 without reporting an error");
  const StageFactory bad_factory = [](const Params&) -> std::unique_ptr<Stage> {
    throw ParamError("horizon", "parameter 'horizon' must be positive");
  };
  CHECK(error_of(bad_factory, inputs_of(numbers(3)), ctx, scratch.path()) == "parameter 'horizon' must be positive");
}

TEST_CASE("cancelling the parent's context stops the child") {
  test::TempDir scratch;
  testing::TestContext ctx;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ctx.cancel_flag = true;
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK(error_of(factory_of<WaitForCancelStage>(), inputs_of(numbers(3)), ctx, scratch.path()) == "cancelled");
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

// ThreadSanitizer cannot follow threads started after a multi-threaded fork.
#if !defined(__SANITIZE_THREAD__)
TEST_CASE("oneTBB works inside the child after the parent used it") {
  std::atomic<int> warm{0};
  tbb::parallel_for(0, 1000, [&](int) { ++warm; });  // the parent's worker pool exists now
  REQUIRE(warm == 1000);
  test::TempDir scratch;
  testing::TestContext ctx;
  const Outputs out = engine::run_isolated(factory_of<ParallelStage>(), Params{}, inputs_of(numbers(10000)), ctx,
                                           scratch.path());
  CHECK(std::get<Table>(out.values().at("out")).column("sum").int_at(0) == 49995000);
}
#endif

TEST_CASE("overhead per isolated invocation (reported)") {
  test::TempDir scratch;
  testing::TestContext ctx;
  const Inputs in = inputs_of(numbers(10000));
  constexpr int kRuns = 20;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    Outputs out;
    DoubleStage().run(ctx, in, out);
  }
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) (void)engine::run_isolated(factory_of<DoubleStage>(), Params{}, in, ctx, scratch.path());
  const auto t2 = std::chrono::steady_clock::now();
  const double in_process_ms = std::chrono::duration<double, std::milli>(t1 - t0).count() / kRuns;
  const double isolated_ms = std::chrono::duration<double, std::milli>(t2 - t1).count() / kRuns;
  MESSAGE("10,000-row table: in-process " << in_process_ms << " ms, isolated " << isolated_ms
                                          << " ms per invocation (overhead " << isolated_ms - in_process_ms << " ms)");
  CHECK(isolated_ms < 250.0);  // generous: a fork, two small files and a wait
}
