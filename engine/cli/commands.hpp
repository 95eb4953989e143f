#pragma once
// Each sub-command lives in its own cmd_<name>.cpp and registers itself here.
// The CLI stays thin: every command calls into the engine library.
#include <CLI/CLI.hpp>

namespace sluice::cli {

// Sub-commands set this to the process exit code (0 ok, 1 node failed, 2 bad input).
struct ExitCode {
  int value = 0;
};

void add_run_command(CLI::App& app, ExitCode& exit);
void add_plan_command(CLI::App& app, ExitCode& exit);
void add_validate_command(CLI::App& app, ExitCode& exit);
void add_graph_command(CLI::App& app, ExitCode& exit);
void add_plugins_command(CLI::App& app, ExitCode& exit);
void add_cache_command(CLI::App& app, ExitCode& exit);
void add_version_command(CLI::App& app, ExitCode& exit);
void add_demo_data_command(CLI::App& app, ExitCode& exit);  // engine/demo
void add_schedule_command(CLI::App& app, ExitCode& exit);   // engine/schedule
void add_runs_command(CLI::App& app, ExitCode& exit);       // engine/schedule

}  // namespace sluice::cli
