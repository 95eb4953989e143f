// What recording a foreach node's partitions in the cache index costs, alone: the records a
// partition of the pi workload makes (one small output kept inline, its reference and size, the
// action, the partition's state), written by CacheIndex::record_many in two groups as the engine's
// group commits do, into a fresh index.db each repetition.
//
//   bench_engine_index_record [--partitions 1000] [--group 512] [--reps 9]
//
// Prints the median time per partition (single thread, no contention).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench_args.hpp"
#include "bench_stats.hpp"
#include "cache/cache_index.hpp"

namespace {

using sluice::Hash128;
using sluice::engine::CacheIndex;
using sluice::engine::NodeState;

struct Options {
  int partitions = 1000;
  int group = 512;
  int reps = 9;
};

Options parse(int argc, char** argv) {
  Options o;
  sluice::bench::Args args(argc, argv, "[--partitions 1000] [--group 512] [--reps 9]");
  while (args.next()) {
    if (args.is("--partitions")) o.partitions = std::stoi(args.value());
    else if (args.is("--group")) o.group = std::stoi(args.value());
    else if (args.is("--reps")) o.reps = std::stoi(args.value());
    else args.unknown();
  }
  if (o.partitions < 1 || o.group < 1 || o.reps < 1) throw std::invalid_argument("every option must be at least 1");
  return o;
}

// One partition's record, shaped as the engine makes it for a row of the pi workload.
CacheIndex::Record partition_record(int i, int rep) {
  const Hash128 key{static_cast<std::uint64_t>(i) * 7919 + static_cast<std::uint64_t>(rep), 0x5eed};
  const Hash128 object{static_cast<std::uint64_t>(i) * 104729 + static_cast<std::uint64_t>(rep), 0x0b1ec7};
  CacheIndex::Record rec{key.hex(), {}, {}, "pi_batch", "pi", "row=" + std::to_string(i), "run", 0.1, std::nullopt, {}, {}};
  rec.replaces = false;
  rec.entry.outputs["out"] = object;
  rec.refs.emplace_back(object, 160);
  rec.inline_objects.emplace_back(object, std::string(160, 'x'));
  rec.state = NodeState{rec.key, {}, {}, {}, "rows:range=" + Hash128{static_cast<std::uint64_t>(i), 1}.hex() + ";", ""};
  return rec;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    const auto root = std::filesystem::temp_directory_path() / ("sluice-bench-index-" + std::to_string(::getpid()));
    std::vector<double> per_partition_us;
    for (int rep = 0; rep < o.reps; ++rep) {
      const auto dir = root / std::to_string(rep);
      CacheIndex index(dir);  // created untimed, as a cache's index.db is once
      std::vector<std::vector<CacheIndex::Record>> groups;
      for (int i = 0; i < o.partitions; ++i) {
        if (i % o.group == 0) groups.emplace_back();
        groups.back().push_back(partition_record(i, rep));
      }
      const double t0 = sluice::bench::wall_seconds();
      for (const auto& g : groups) index.record_many(g);
      per_partition_us.push_back((sluice::bench::wall_seconds() - t0) * 1e6 / o.partitions);
    }
    std::filesystem::remove_all(root);
    std::printf("record_many: %d partitions in groups of %d: %.2f us per partition (median of %d)\n", o.partitions,
                o.group, sluice::bench::median(per_partition_us), o.reps);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_engine_index_record: %s\n", e.what());
    return 2;
  }
}
