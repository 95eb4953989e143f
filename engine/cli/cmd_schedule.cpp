// `sluice schedule P.toml...`: the scheduler daemon, plus --once, --next and --emit.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>

#include "app/run_pipeline.hpp"
#include "cli/commands.hpp"
#include "common/log.hpp"
#include "schedule/clock.hpp"
#include "schedule/cron_next.hpp"
#include "schedule/emit.hpp"
#include "schedule/scheduler.hpp"

namespace sluice::cli {

namespace {

struct ScheduleArgs {
  std::vector<std::string> pipelines;
  bool once = false;
  bool next = false;
  std::size_t count = 5;
  std::string emit;
  std::string now;
  std::size_t max_iterations = 0;
  std::string cache_dir;
  unsigned jobs = 0;
};

// Raised by SIGTERM/SIGINT; the scheduler passes it on as RunOptions::cancel.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the stop flag is written from a signal handler");

extern "C" void on_stop_signal(int) {
  if (g_stop.exchange(true)) ::_exit(130);  // a second signal: stop now, without cleanup
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: interrupt sleeps promptly
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
}

std::filesystem::path this_binary() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("sluice") : p;
}

int print_next(const ScheduleArgs& args) {
  for (const auto& file : args.pipelines) {
    const auto spec = engine::require_schedule(file);
    engine::SysTime cursor = engine::process_clock().now();
    for (std::size_t i = 0; i < args.count; ++i) {
      const auto next = engine::next_fire(spec.cron, spec.zone, cursor);
      if (!next) break;
      if (args.pipelines.size() > 1) std::cout << spec.pipeline << ' ';
      std::cout << engine::format_in_zone(*next, spec.zone) << '\n';
      cursor = *next;
    }
  }
  return 0;
}

int print_emit(const ScheduleArgs& args) {
  std::vector<engine::ScheduleSpec> specs;
  for (const auto& file : args.pipelines) specs.push_back(engine::require_schedule(file));
  if (args.emit == "cron") {
    for (const auto& spec : specs) std::cout << engine::emit_crontab(spec, this_binary());
  } else if (specs.size() == 1) {
    std::cout << engine::emit_systemd(specs.front(), this_binary());
  } else {
    // Several pipelines share one daemon service rather than one timer each.
    std::cout << engine::emit_systemd_daemon(specs, this_binary());
  }
  return 0;
}

int run_scheduler(const ScheduleArgs& args) {
  engine::SchedulerOptions options;
  for (const auto& p : args.pipelines) options.pipeline_files.emplace_back(p);
  if (!args.cache_dir.empty()) options.cache_dir = args.cache_dir;
  options.jobs = args.jobs;
  options.once = args.once;
  if (args.max_iterations > 0) options.max_iterations = args.max_iterations;
  install_stop_handlers();
  engine::Scheduler scheduler(std::move(options), engine::run_pipeline, engine::resolve_cache_dir,
                              engine::process_clock(), g_stop);
  return scheduler.run();
}

}  // namespace

void add_schedule_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<ScheduleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "schedule", "Run pipelines on their [pipeline.schedule] (a foreground daemon; SIGTERM/SIGINT stop it cleanly)");
  cmd->add_option("PIPELINE", args->pipelines, "pipeline files with a [pipeline.schedule] table")->required();
  auto* once = cmd->add_flag("--once", args->once, "run whatever is due now (per catchup, since the last scheduled run), then exit");
  auto* next = cmd->add_flag("--next", args->next, "print the next fire times (ISO-8601 in the schedule's timezone)")
                   ->excludes(once);
  cmd->add_option("-n,--count", args->count, "how many fire times --next prints")->capture_default_str()->needs(next);
  cmd->add_option("--emit", args->emit, "print deployment units: systemd (.service + .timer) or cron (crontab line)")
      ->check(CLI::IsMember({"systemd", "cron"}))
      ->excludes(once)
      ->excludes(next);
  cmd->add_option("--now", args->now, "pretend it is this UTC instant (e.g. 2024-03-10T06:00:00Z; also SLUICE_NOW); "
                                      "sleeps are then simulated");
  cmd->add_option("--max-iterations", args->max_iterations, "stop after this many scheduling passes (for testing)");
  cmd->add_option("--cache-dir", args->cache_dir, "cache directory (default: SLUICE_CACHE_DIR or .sluice/cache beside the pipeline)");
  cmd->add_option("-j,--jobs", args->jobs, "parallel jobs per run (0 = cores)");

  cmd->callback([args, &exit] {
    try {
      if (!args->now.empty()) engine::process_clock().set_simulated_start(engine::parse_iso_instant(args->now));
      else engine::process_clock();  // reads SLUICE_NOW, so a bad value is reported here
      if (args->next) exit.value = print_next(*args);
      else if (!args->emit.empty()) exit.value = print_emit(*args);
      else exit.value = run_scheduler(*args);
    } catch (const engine::UsageError& e) {
      engine::log::error(e.what());
      exit.value = 2;
    } catch (const std::invalid_argument& e) {  // a malformed --now / SLUICE_NOW
      engine::log::error(std::string(e.what()));
      exit.value = 2;
    } catch (const std::exception& e) {
      engine::log::error(std::string("schedule: ") + e.what());
      exit.value = 1;
    }
  });
}

}  // namespace sluice::cli
