// Overhead of the engine's partition machinery over raw oneTBB on the seed's pi
// workload: sluice::examples::leibniz_pi(order) once per item,
//   serial   a plain loop
//   tbb      tbb::parallel_for over the items in a task_arena of --jobs threads
//   engine   a pipeline `range -> pi_leibniz (foreach = "row")` run in-process with
//            sluice::engine::run_pipeline, a fresh cache directory every repetition
//            (so every partition computes, hashes, stores and records its output; the
//            directory's index.db is created untimed first, a one-off per cache)
// Prints medians over --reps and the overhead engine / tbb - 1.
//
//   bench_partitions_tbb [--items 1000] [--order 5] [--jobs 2] [--reps 7] [--batch auto|N] [--keep]
//
// Target (issue): engine overhead <= 5 % at 1,000 partitions.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/run_pipeline.hpp"
#include "bench_args.hpp"
#include "bench_stats.hpp"
#include "common/allocator_tuning.hpp"
#include "common/sqlite_tuning.hpp"
#include "stages.hpp"  // plugins/examples: leibniz_pi, the same code the stage runs

namespace {

using sluice::bench::cpu_seconds;
using sluice::bench::median;
using sluice::bench::wall_seconds;

constexpr double kTargetOverhead = 0.05;

struct Options {
  int items = 1000;
  int order = 5;
  unsigned jobs = 2;
  int reps = 7;
  std::string batch = "auto";
  bool keep = false;  // keep the temp dir (to inspect the cache)
};

Options parse(int argc, char** argv) {
  Options o;
  sluice::bench::Args args(argc, argv, "[--items 1000] [--order 5] [--jobs 2] [--reps 7] [--batch auto|N] [--keep]");
  while (args.next()) {
    if (args.is("--items")) o.items = std::stoi(args.value());
    else if (args.is("--order")) o.order = std::stoi(args.value());
    else if (args.is("--jobs")) o.jobs = static_cast<unsigned>(std::stoul(args.value()));
    else if (args.is("--reps")) o.reps = std::stoi(args.value());
    else if (args.is("--batch")) o.batch = args.value();
    else if (args.is("--keep")) o.keep = true;
    else args.unknown();
  }
  if (o.items < 1 || o.order < 0 || o.order > 9 || o.jobs < 1 || o.reps < 1) {
    throw std::invalid_argument("need --items >= 1, --order 0..9, --jobs >= 1, --reps >= 1");
  }
  return o;
}

struct Timing {
  double wall = 0, cpu = 0;
};

template <class F>
Timing time_it(F&& f) {
  const double w0 = wall_seconds(), c0 = cpu_seconds();
  f();
  return {wall_seconds() - w0, cpu_seconds() - c0};
}

// Keeps the optimiser from dropping the computation.
volatile double g_sink = 0;

Timing run_serial(const Options& o) {
  std::vector<double> out(static_cast<std::size_t>(o.items));
  const Timing t = time_it([&] {
    for (auto& x : out) x = sluice::examples::leibniz_pi(o.order);
  });
  g_sink = out.back();
  return t;
}

Timing run_tbb(const Options& o) {
  std::vector<double> out(static_cast<std::size_t>(o.items));
  tbb::task_arena arena(static_cast<int>(o.jobs));
  const Timing t = time_it([&] {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, out.size()), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) out[i] = sluice::examples::leibniz_pi(o.order);
      });
    });
  });
  g_sink = out.back();
  return t;
}

std::string pipeline_text(const Options& o, bool foreach) {
  std::string t = "[pipeline]\nname = \"bench_partitions\"\n\n[nodes.rows]\nplugin = \"sluice.range\"\n"
                  "params = { stop = " + std::to_string(o.items) + ", column = \"row\" }\n\n"
                  "[nodes.pi]\nplugin = \"sluice.pi_leibniz\"\ninputs = [\"rows\"]\n"
                  "params = { order = " + std::to_string(o.order) + " }\n";
  if (foreach) {
    t += "foreach = \"row\"\n";
    t += o.batch == "auto" ? "batch_size = \"auto\"\n" : "batch_size = " + o.batch + "\n";
  }
  return t;
}

// Creates the cache directory (index.db: ~0.1 s once per cache) with a one-node pipeline,
// untimed: a cache exists in steady use. The timed run still writes all its own objects.
void prime_cache(const std::filesystem::path& dir, const std::filesystem::path& cache) {
  const auto file = dir / "prime.toml";
  if (!std::filesystem::exists(file)) {
    std::ofstream(file) << "[pipeline]\nname = \"prime\"\n[nodes.one]\nplugin = \"sluice.range\"\nparams = { stop = 1 }\n";
  }
  sluice::engine::RunOptions ro;
  ro.pipeline_file = file;
  ro.quiet = true;
  ro.cache_dir = cache;
  if (sluice::engine::run_pipeline(ro).status != "ok") throw std::runtime_error("could not create the cache " + cache.string());
}

struct EngineTiming {
  Timing total;    // run_pipeline end to end (load, plugins, lock, run, history)
  double node = 0; // the pi node's wall time from the run report
};

EngineTiming run_engine(const Options& o, const std::filesystem::path& dir, bool foreach, int rep) {
  const auto file = dir / (foreach ? "foreach.toml" : "plain.toml");
  if (!std::filesystem::exists(file)) std::ofstream(file) << pipeline_text(o, foreach);
  sluice::engine::RunOptions ro;
  ro.pipeline_file = file;
  ro.jobs = o.jobs;
  ro.quiet = true;
  ro.cache_dir = dir / ("cache-" + std::string(foreach ? "f" : "p") + std::to_string(rep));
  prime_cache(dir, *ro.cache_dir);
  EngineTiming et;
  sluice::engine::RunReport report;
  et.total = time_it([&] { report = sluice::engine::run_pipeline(ro); });
  if (report.status != "ok") throw std::runtime_error("the benchmark pipeline failed: " + report.to_json());
  for (const auto& n : report.nodes) {
    if (n.id != "pi") continue;
    if (n.status != "ran") throw std::runtime_error("node pi did not run (status " + n.status + "): fresh cache expected");
    et.node = n.wall_ms / 1000.0;
  }
  std::filesystem::remove_all(*ro.cache_dir);
  return et;
}

// One line of the table; the node time from a run report has no CPU time (cpu < 0).
void print_row(const char* name, const std::vector<Timing>& t, double items) {
  std::vector<double> wall, cpu;
  for (const auto& x : t) {
    wall.push_back(x.wall);
    cpu.push_back(x.cpu);
  }
  char cpu_text[32] = "       -   ";
  if (median(cpu) >= 0) std::snprintf(cpu_text, sizeof cpu_text, "%8.1f ms", median(cpu) * 1e3);
  std::printf("  %-34s wall %8.1f ms   cpu %s   %7.1f us/item\n", name, median(wall) * 1e3, cpu_text,
              median(wall) / items * 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  // As the sluice binary does (SLUICE_DEFAULT_MALLOC=1 compares without the allocator's tuning).
  sluice::engine::tune_allocator();
  sluice::engine::tune_sqlite_library();
  try {
    const Options o = parse(argc, argv);
    // The example plugins live in the build tree; the engine also searches beside its binary.
    ::setenv("SLUICE_PLUGIN_PATH", SLUICE_BUILD_PLUGIN_DIR, 0);
    const auto dir = std::filesystem::temp_directory_path() / ("sluice-bench-partitions-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    std::vector<Timing> serial, tbb_t, eng_total, eng_node, plain_total;
    run_tbb(o);                 // warm the TBB pool
    run_engine(o, dir, true, -1);  // warm the page cache for the plugins
    for (int r = 0; r < o.reps; ++r) {
      serial.push_back(run_serial(o));
      tbb_t.push_back(run_tbb(o));
      const EngineTiming e = run_engine(o, dir, true, r);
      eng_total.push_back(e.total);
      eng_node.push_back({e.node, -1});
      plain_total.push_back(run_engine(o, dir, false, r).total);
    }
    if (!o.keep) std::filesystem::remove_all(dir);

    const double items = o.items;
    std::printf("leibniz_pi(order %d) x %d items, --jobs %u, batch_size %s, median of %d\n", o.order, o.items, o.jobs,
                o.batch.c_str(), o.reps);
    print_row("serial loop", serial, items);
    print_row("tbb::parallel_for", tbb_t, items);
    print_row("engine foreach: pi node", eng_node, items);
    print_row("engine foreach: whole run", eng_total, items);
    print_row("engine, no foreach: whole run", plain_total, items);

    auto med = [](const std::vector<Timing>& t) {
      std::vector<double> w;
      for (const auto& x : t) w.push_back(x.wall);
      return median(w);
    };
    const double tbb_s = med(tbb_t), node_s = med(eng_node), total_s = med(eng_total);
    const double node_overhead = node_s / tbb_s - 1, total_overhead = total_s / tbb_s - 1;
    std::printf("tbb speed-up over serial: %.2fx\n", med(serial) / tbb_s);
    std::printf("engine overhead vs tbb: pi node %+.1f %%, whole run %+.1f %% (target <= %.0f %%): %s\n",
                node_overhead * 100, total_overhead * 100, kTargetOverhead * 100,
                total_overhead <= kTargetOverhead ? "met" : (node_overhead <= kTargetOverhead ? "node met, run missed" : "missed"));
    std::printf("engine per-partition cost: %.1f us (pi node - tbb, per item, x jobs)\n",
                (node_s - tbb_s) / items * o.jobs * 1e6);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_partitions_tbb: %s\n", e.what());
    return 2;
  }
}
