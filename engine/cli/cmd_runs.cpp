// `sluice runs`: the run history (manual and scheduled runs) as a table or JSON.
#include <cstdlib>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/run_pipeline.hpp"
#include "cli/commands.hpp"
#include "common/log.hpp"
#include "common/units.hpp"
#include "schedule/clock.hpp"
#include "schedule/run_history.hpp"
#include "schedule/schedule_spec.hpp"

namespace sluice::cli {

namespace {

struct RunsArgs {
  std::string pipeline_file;
  std::string pipeline;
  std::size_t limit = 20;
  bool json = false;
  std::string cache_dir;
};

std::filesystem::path cache_dir_for(const RunsArgs& args) {
  engine::RunOptions options;  // the same rule and checks as `sluice run`
  options.pipeline_file = args.pipeline_file;
  if (!args.cache_dir.empty()) options.cache_dir = args.cache_dir;
  return engine::resolve_cache_dir(options);
}

std::string duration_of(const engine::RunRecord& r) {
  if (r.ended_at.empty()) return "-";
  try {
    const auto ms = std::chrono::duration<double, std::milli>(engine::parse_iso_instant(r.ended_at) -
                                                              engine::parse_iso_instant(r.started_at));
    // An interrupted run ended at its last heartbeat: it lasted that long at least.
    return (r.status == "interrupted" ? ">= " : "") + engine::format_duration_ms(ms.count());
  } catch (const std::invalid_argument&) {
    return "?";
  }
}

std::string one_line(std::string s, std::size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s.size() > max ? s.substr(0, max - 3) + "..." : s;
}

void print_table(const std::vector<engine::RunRecord>& runs) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "PIPELINE", "TRIGGER", "SCHEDULED FOR", "STARTED", "DURATION", "STATUS", "RAN", "CACHED", "FAILED", "ERROR"}};
  for (const auto& r : runs)
    rows.push_back({std::to_string(r.id), r.pipeline, r.trigger, r.scheduled_for.value_or("-"), r.started_at,
                    duration_of(r), r.status, std::to_string(r.nodes_ran), std::to_string(r.nodes_cached),
                    std::to_string(r.nodes_failed), one_line(r.error.value_or(""), 70)});
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool last = i + 1 == row.size();
      line += last ? row[i] : row[i] + std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  }
}

void print_json(const std::vector<engine::RunRecord>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : runs) {
    nlohmann::json report = nullptr;
    if (!r.report_json.empty()) report = nlohmann::json::parse(r.report_json, nullptr, false);
    if (report.is_discarded()) report = r.report_json;
    out.push_back({{"id", r.id},
                   {"pipeline", r.pipeline},
                   {"trigger", r.trigger},
                   {"scheduled_for", r.scheduled_for ? nlohmann::json(*r.scheduled_for) : nlohmann::json(nullptr)},
                   {"started_at", r.started_at},
                   {"ended_at", r.ended_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ended_at)},
                   {"status", r.status},
                   {"nodes_ran", r.nodes_ran},
                   {"nodes_cached", r.nodes_cached},
                   {"nodes_failed", r.nodes_failed},
                   {"error", r.error ? nlohmann::json(*r.error) : nlohmann::json(nullptr)},
                   {"report", report}});
  }
  std::cout << out.dump(2) << '\n';
}

}  // namespace

void add_runs_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<RunsArgs>();
  CLI::App* cmd = app.add_subcommand("runs", "Show the run history (newest first)");
  cmd->add_option("PIPELINE_FILE", args->pipeline_file, "a pipeline file: its cache directory and name select the runs");
  cmd->add_option("--pipeline", args->pipeline, "only runs of this pipeline name");
  cmd->add_option("--limit", args->limit, "at most this many runs")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "print JSON (an array of runs, each with its full report)");
  cmd->add_option("--cache-dir", args->cache_dir, "cache directory holding runs.db");

  cmd->callback([args, &exit] {
    try {
      const auto dir = cache_dir_for(*args);
      std::optional<std::string> pipeline;
      if (!args->pipeline.empty()) pipeline = args->pipeline;
      else if (!args->pipeline_file.empty()) pipeline = engine::read_pipeline_name(args->pipeline_file);
      std::vector<engine::RunRecord> runs;
      // Read-only: no history is created just to report that it is empty, and listing one never
      // changes it (a run whose process is gone is shown as interrupted; the next run records it).
      if (std::filesystem::exists(engine::RunHistory::db_path(dir)))
        runs = engine::RunHistory(dir, engine::RunHistory::Access::ReadOnly).list(pipeline, args->limit);
      if (args->json) print_json(runs);
      else if (runs.empty()) std::cout << "no runs recorded in " << dir.string() << (pipeline ? " for " + *pipeline : "") << '\n';
      else print_table(runs);
      exit.value = 0;
    } catch (const engine::UsageError& e) {
      engine::log::error(e.what());
      exit.value = 2;
    } catch (const std::exception& e) {
      engine::log::error(std::string("runs: ") + e.what());
      exit.value = 1;
    }
  });
}

}  // namespace sluice::cli
