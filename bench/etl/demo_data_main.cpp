// `bench_etl_demo_data demo-data OUT.db ...`: the real demo-data command, standalone.
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"demo-data for the ETL benchmarks"};
  sluice::cli::ExitCode exit;
  sluice::cli::add_demo_data_command(app, exit);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return exit.value;
}
