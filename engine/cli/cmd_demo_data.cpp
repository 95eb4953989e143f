// `sluice demo-data OUT.db`: parses options and calls the generator in engine/demo.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "demo/demo_data.hpp"

namespace sluice::cli {

namespace {
struct DemoDataArgs {
  std::string out;
  int stores = demo::kDefaultStores;
  int days = demo::kDefaultDays;
  std::string end_date = demo::kDefaultEndDate;
  std::uint64_t seed = demo::kDefaultSeed;
  int append_days = 0;
  bool force = false;
  bool quiet = false;
};

// Prints progress at most about once a second, on one line when stderr is a terminal.
std::function<void(const demo::DemoProgress&)> progress_printer() {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto last = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  return [tty, last](const demo::DemoProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool done = p.days_done == p.days_total;
    if (!done && now - *last < std::chrono::seconds(1)) return;
    *last = now;
    std::fprintf(stderr, "%sdemo-data: day %lld/%lld, %llu sales rows%s", tty ? "\r" : "",
                 static_cast<long long>(p.days_done), static_cast<long long>(p.days_total),
                 static_cast<unsigned long long>(p.rows), tty && !done ? "" : "\n");
  };
}
}  // namespace

void add_demo_data_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<DemoDataArgs>();
  CLI::App* cmd = app.add_subcommand("demo-data", "Write a reproducible demo sales database (stores, products, sales)");
  cmd->add_option("OUT.db", args->out, "SQLite file to create (or extend with --append-days)")->required();
  auto* stores = cmd->add_option("--stores", args->stores, "number of stores")->capture_default_str();
  auto* days = cmd->add_option("--days", args->days, "days of sales, ending at --end-date")->capture_default_str();
  auto* end_date = cmd->add_option("--end-date", args->end_date, "last day with sales (YYYY-MM-DD)")->capture_default_str();
  auto* seed = cmd->add_option("--seed", args->seed, "random seed (same seed, same data)")->capture_default_str();
  cmd->add_option("--append-days", args->append_days,
                  "add the next K days of sales to an existing demo database (continues sale_id)");
  cmd->add_flag("--force", args->force, "overwrite OUT.db if it exists");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress on stderr");

  cmd->callback([args, &exit, stores, days, end_date, seed] {
    demo::DemoDataOptions options;
    options.out = args->out;
    // Only options the user typed are passed on, so an append can tell "not given" from "default".
    if (stores->count()) options.stores = args->stores;
    if (days->count()) options.days = args->days;
    if (end_date->count()) options.end_date = args->end_date;
    if (seed->count()) options.seed = args->seed;
    options.append_days = args->append_days;
    options.force = args->force;
    if (!args->quiet) options.on_progress = progress_printer();
    try {
      const auto s = demo::generate_demo_data(options);
      std::cout << (args->append_days ? "appended " : "wrote ") << s.rows << " sales rows (sale_id " << s.first_sale_id
                << ".." << s.last_sale_id << ", " << s.first_day << " .. " << s.last_day << ", " << s.stores
                << " stores) to " << s.path.string() << " in " << s.seconds << " s\n";
      exit.value = 0;
    } catch (const demo::DemoDataError& e) {
      std::cerr << "sluice demo-data: error: " << e.what() << "\n";
      exit.value = e.usage() ? 2 : 1;
    } catch (const std::exception& e) {
      std::cerr << "sluice demo-data: error: " << e.what() << "\n";
      exit.value = 1;
    }
  });
}

}  // namespace sluice::cli
