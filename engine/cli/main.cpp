// The `sluice` command: a thin front end; each sub-command calls the engine library.
#include <csignal>
#include <iostream>

#include "cli/commands.hpp"
#include "common/allocator_tuning.hpp"
#include "common/errors.hpp"
#include "common/log.hpp"
#include "common/sqlite_tuning.hpp"
#include "exec/isolated_child.hpp"
#include "exec/isolation_protocol.hpp"

int main(int argc, char** argv) {
  // Under a file-size limit, a write should fail with EFBIG (and a clear node error), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  sluice::engine::tune_allocator();
  sluice::engine::tune_sqlite_library();
  // A stage process started by isolation = "process"; not a command users type.
  if (argc == 3 && argv[1] == sluice::engine::isolation::kChildCommand) return sluice::engine::run_isolated_child(argv[2]);
  CLI::App app{"Sluice: a batch-processing engine. Pipelines are TOML files of nodes; every node output is cached\n"
               "by content hash, so a rerun recomputes only what changed."};
  app.name("sluice");  // in usage lines, whatever path the binary was started by
  app.require_subcommand(1);
  app.fallthrough(false);
  app.set_help_all_flag("--help-all", "Show help for every sub-command");
  sluice::cli::ExitCode exit;
  sluice::cli::add_run_command(app, exit);
  sluice::cli::add_plan_command(app, exit);
  sluice::cli::add_validate_command(app, exit);
  sluice::cli::add_graph_command(app, exit);
  sluice::cli::add_plugins_command(app, exit);
  sluice::cli::add_cache_command(app, exit);
  sluice::cli::add_runs_command(app, exit);
  sluice::cli::add_schedule_command(app, exit);
  sluice::cli::add_demo_data_command(app, exit);
  sluice::cli::add_version_command(app, exit);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const sluice::engine::UsageError& e) {
    sluice::engine::log::error(e.what());
    return 2;
  } catch (const std::exception& e) {
    sluice::engine::log::error(e.what());
    return 1;
  }
  return exit.value;
}
