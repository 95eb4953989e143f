// sluice run P.toml: run a pipeline, rerunning only what changed.
#include <csignal>
#include <iostream>
#include <thread>

#include "cli/pipeline_options.hpp"
#include "common/units.hpp"

namespace sluice::cli {

namespace {
std::atomic<bool> g_cancel{false};
std::atomic<int> g_signals{0};

extern "C" void on_signal(int) {
  // First signal: cancel cleanly (nothing half-written). Second: leave now.
  if (g_signals.fetch_add(1) >= 1) std::_Exit(130);
  g_cancel.store(true);
}

struct RunArgs {
  PipelineArgs pipeline;
  std::vector<std::string> targets, force, partitions;
  unsigned jobs = 0;
  bool keep_going = false, json = false, quiet = false, explain = false, isolate = false;
  double wait_seconds = 0;
  std::string handoff_memory;
};

std::string summary(const engine::RunReport& r, bool explain) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : r.nodes) {
    std::vector<std::string> row{n.status, n.id, engine::format_duration_ms(n.wall_ms)};
    if (n.partitions) {
      row.push_back(std::to_string(n.partitions->ran) + " ran, " + std::to_string(n.partitions->cached) + " cached of " +
                    std::to_string(n.partitions->total));
    } else {
      row.emplace_back("");
    }
    if (explain || n.status == "failed" || n.status == "skipped") row.push_back(n.error ? *n.error : n.reason);
    rows.push_back(std::move(row));
  }
  std::string out = align_columns(rows);
  out += r.pipeline + ": " + r.status + " in " + engine::format_duration_ms(r.wall_ms) + " (" +
         std::to_string(r.count("ran")) + " ran, " + std::to_string(r.count("cached")) + " cached, " +
         std::to_string(r.count("failed")) + " failed, " + std::to_string(r.count("skipped")) + " skipped)\n";
  return out;
}

// The node-selection options that run and plan share.
void add_selection_options(CLI::App* cmd, RunArgs& args) {
  cmd->add_option("--target", args.targets, "Only these nodes and what they depend on (repeatable)");
  cmd->add_option("--force", args.force, "Rerun these nodes and everything downstream, even if cached (repeatable)");
  cmd->add_option("--partition", args.partitions, "Restrict foreach nodes to partitions KEY=VALUE (repeatable)");
}

engine::RunOptions selection(const RunArgs& args) {
  engine::RunOptions o = to_run_options(args.pipeline);
  o.targets = args.targets;
  o.force = args.force;
  o.partitions = args.partitions;
  return o;
}
}  // namespace

void add_run_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run a pipeline; only nodes whose plugin, params or inputs changed rerun");
  add_pipeline_args(*cmd, args->pipeline);
  add_selection_options(cmd, *args);
  cmd->add_option("-j,--jobs", args->jobs, "Worker threads (default: number of cores)")->check(CLI::Range(1u, 1024u));
  cmd->add_flag("--keep-going", args->keep_going, "Finish independent branches after a failure (default: fail fast)");
  cmd->add_flag("--json", args->json, "Print the JSON run report on stdout");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress display");
  cmd->add_flag("--explain", args->explain, "Print why each node ran or was cached");
  cmd->add_flag("--isolate", args->isolate,
                "Run every stage in a child process, so a crashing plugin fails its node instead of the run");
  cmd->add_option("--wait", args->wait_seconds,
                  "Seconds to wait if another run of this pipeline holds its lock (default 0: fail at once)")
      ->check(CLI::Range(0.0, 31'536'000.0));  // up to a year
  cmd->add_option("--handoff-memory", args->handoff_memory,
                  "Node outputs kept in memory for the nodes downstream, e.g. 2GiB (default: $SLUICE_HANDOFF_MEMORY, "
                  "else 0: every consumer loads its inputs from the cache, which measured faster at scale)");
  cmd->callback([args, &exit] {
    guarded(exit, [&] {
      engine::RunOptions o = selection(*args);
      o.jobs = args->jobs;
      o.keep_going = args->keep_going;
      o.quiet = args->quiet;
      o.isolate = args->isolate;
      if (!args->handoff_memory.empty()) {
        o.handoff_memory = engine::parse_size(args->handoff_memory);
        if (!o.handoff_memory)
          throw engine::UsageError("--handoff-memory " + args->handoff_memory + ": not a size; use e.g. 512MiB or 4GiB");
      }
      o.cancel = &g_cancel;
      o.lock_wait = std::chrono::milliseconds(static_cast<long long>(args->wait_seconds * 1000));
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      const engine::RunReport report = engine::run_pipeline(o);
      if (args->json) std::cout << report.to_json() << "\n";
      else std::cout << summary(report, args->explain);
      exit.value = report.status == "ok" ? 0 : (g_cancel.load() ? 130 : 1);
    });
  });
}

void add_plan_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("plan", "Dry run: one line per node, run or cached, and why (runs nothing)");
  add_pipeline_args(*cmd, args->pipeline);
  add_selection_options(cmd, *args);
  cmd->add_flag("--json", args->json, "Print the plan as JSON (the run report shape)");
  cmd->callback([args, &exit] {
    guarded(exit, [&] {
      engine::RunOptions o = selection(*args);
      o.quiet = true;
      const engine::RunReport plan = engine::plan_pipeline(o);
      if (args->json) {
        std::cout << plan.to_json() << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& n : plan.nodes) rows.push_back({n.status, n.id, n.error ? *n.error : n.reason});
        std::cout << align_columns(rows);
        std::cout << plan.count("run") << " to run, " << plan.count("cached") << " cached\n";
      }
      exit.value = plan.status == "ok" ? 0 : 1;
    });
  });
}

}  // namespace sluice::cli
