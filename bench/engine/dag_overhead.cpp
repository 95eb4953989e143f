// Per-node scheduling overhead of the engine's DAG runner (exec/dag_runner.hpp):
// synthetic DAGs of trivial nodes (the body is one atomic increment), run at
// several job counts; prints the median microseconds per node.
//
//   bench_engine_dag_overhead [--nodes 10000] [--reps 9] [--jobs 1,2] [--seed 42] [--json]
//
// Target (issue): <= 5 us per node on 2 cores.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "bench_stats.hpp"
#include "exec/dag_runner.hpp"
#include "graph/dag.hpp"
#include "synthetic_dags.hpp"

namespace {

using sluice::bench::cpu_seconds;
using sluice::bench::median;
using sluice::bench::wall_seconds;
using sluice::engine::Dag;

constexpr double kTargetUsPerNode = 5.0;

struct Options {
  std::size_t nodes = 10'000;
  int reps = 9;
  std::vector<unsigned> jobs{1, 2};
  std::uint64_t seed = 42;
  bool json = false;
};

std::vector<unsigned> parse_jobs(const std::string& text) {
  std::vector<unsigned> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const long j = std::strtol(item.c_str(), nullptr, 10);
    if (j < 1 || j > 1024) throw std::invalid_argument("--jobs " + text + ": each entry must be 1..1024, e.g. --jobs 1,2");
    out.push_back(static_cast<unsigned>(j));
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  sluice::bench::Args args(argc, argv, "--nodes N --reps R --jobs 1,2 --seed S --json");
  while (args.next()) {
    if (args.is("--nodes")) o.nodes = std::stoull(args.value());
    else if (args.is("--reps")) o.reps = std::stoi(args.value());
    else if (args.is("--jobs")) o.jobs = parse_jobs(args.value());
    else if (args.is("--seed")) o.seed = std::stoull(args.value());
    else if (args.is("--json")) o.json = true;
    else args.unknown();
  }
  if (o.nodes < 2 || o.reps < 1) throw std::invalid_argument("--nodes must be >= 2 and --reps >= 1");
  return o;
}

// One unmeasured run that checks the runner kept its promises: every node ran once,
// after all its predecessors, and never more than `jobs` bodies at once.
void verify(const Dag& dag, unsigned jobs) {
  const std::size_t n = dag.size();
  std::vector<std::size_t> started(n), finished(n);
  std::atomic<std::size_t> clock{0}, active{0}, peak{0}, runs{0};
  sluice::engine::run_dag(dag, std::vector<bool>(n, true), jobs, [&](std::size_t v) {
    started[v] = clock.fetch_add(1);
    const std::size_t now = active.fetch_add(1) + 1;
    std::size_t seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    runs.fetch_add(1);
    active.fetch_sub(1);
    finished[v] = clock.fetch_add(1);
  });
  if (runs.load() != n) throw std::runtime_error("ran " + std::to_string(runs.load()) + " bodies for " + std::to_string(n) + " nodes");
  if (peak.load() > jobs) throw std::runtime_error(std::to_string(peak.load()) + " bodies ran at once with jobs=" + std::to_string(jobs));
  for (std::size_t v = 0; v < n; ++v) {
    for (std::size_t u : dag.predecessors(v)) {
      if (finished[u] > started[v]) throw std::runtime_error("node " + dag.id(v) + " started before its input " + dag.id(u) + " finished");
    }
  }
}

struct Row {
  std::string shape;
  std::string what;  // "build" or "run"
  unsigned jobs = 0;
  double wall_us_per_node = 0, min_wall_us_per_node = 0, cpu_us_per_node = 0;
};

Row measure_run(const Dag& dag, const std::string& shape, unsigned jobs, int reps) {
  const std::size_t n = dag.size();
  const std::vector<bool> all(n, true);
  std::atomic<std::size_t> counter{0};
  auto body = [&counter](std::size_t) { counter.fetch_add(1, std::memory_order_relaxed); };
  sluice::engine::run_dag(dag, all, jobs, body);  // warm-up: worker threads exist afterwards
  std::vector<double> walls, cpus;
  for (int r = 0; r < reps; ++r) {
    counter = 0;
    const double w0 = wall_seconds(), c0 = cpu_seconds();
    sluice::engine::run_dag(dag, all, jobs, body);
    walls.push_back(wall_seconds() - w0);
    cpus.push_back(cpu_seconds() - c0);
    if (counter.load() != n) throw std::runtime_error(shape + ": body ran " + std::to_string(counter.load()) + " times, expected " + std::to_string(n));
  }
  const double per = 1e6 / static_cast<double>(n);
  return {shape, "run", jobs, median(walls) * per, *std::min_element(walls.begin(), walls.end()) * per, median(cpus) * per};
}

Row measure_build(const sluice::bench::EdgeList& g, int reps) {
  std::vector<double> walls, cpus;
  for (int r = 0; r < reps; ++r) {
    const double w0 = wall_seconds(), c0 = cpu_seconds();
    Dag dag = Dag::from_edges(g.ids, g.edges);
    walls.push_back(wall_seconds() - w0);
    cpus.push_back(cpu_seconds() - c0);
    if (dag.size() != g.ids.size()) throw std::runtime_error("Dag::from_edges lost nodes");
  }
  const double per = 1e6 / static_cast<double>(g.ids.size());
  return {g.shape, "build", 0, median(walls) * per, *std::min_element(walls.begin(), walls.end()) * per, median(cpus) * per};
}

void print_text(const Options& o, const std::vector<Row>& rows) {
  std::printf("DAG runner overhead: %zu trivial nodes, median of %d runs, target <= %.1f us/node\n", o.nodes, o.reps,
              kTargetUsPerNode);
  std::printf("%-8s %-16s %12s %12s %12s %8s\n", "shape", "what", "median us/n", "min us/n", "cpu us/n", "ratio");
  for (const auto& r : rows) {
    const std::string what = r.what == "run" ? "run_dag jobs=" + std::to_string(r.jobs) : "Dag::from_edges";
    char ratio[16] = "";
    if (r.what == "run") std::snprintf(ratio, sizeof ratio, "%.2fx", r.wall_us_per_node / kTargetUsPerNode);
    std::printf("%-8s %-16s %12.3f %12.3f %12.3f %8s\n", r.shape.c_str(), what.c_str(), r.wall_us_per_node,
                r.min_wall_us_per_node, r.cpu_us_per_node, ratio);
  }
}

void print_json(const Options& o, const std::vector<Row>& rows) {
  std::printf("{\"nodes\": %zu, \"reps\": %d, \"target_us_per_node\": %.1f, \"results\": [", o.nodes, o.reps, kTargetUsPerNode);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::printf("%s\n  {\"shape\": \"%s\", \"what\": \"%s\", \"jobs\": %u, \"median_us_per_node\": %.4f, "
                "\"min_us_per_node\": %.4f, \"cpu_us_per_node\": %.4f}",
                i ? "," : "", r.shape.c_str(), r.what.c_str(), r.jobs, r.wall_us_per_node, r.min_wall_us_per_node,
                r.cpu_us_per_node);
  }
  std::printf("\n]}\n");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    std::vector<sluice::bench::EdgeList> shapes{sluice::bench::make_chain(o.nodes), sluice::bench::make_fan_out(o.nodes),
                                                sluice::bench::make_random(o.nodes, o.seed)};
    std::vector<Row> rows;
    for (const auto& g : shapes) {
      rows.push_back(measure_build(g, o.reps));
      const Dag dag = Dag::from_edges(g.ids, g.edges);
      for (unsigned j : o.jobs) {
        verify(dag, j);
        rows.push_back(measure_run(dag, g.shape, j, o.reps));
      }
    }
    if (o.json) print_json(o, rows);
    else print_text(o, rows);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_engine_dag_overhead: %s\n", e.what());
    return 1;
  }
}
