#include "exec/port_data.hpp"

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <exception>
#include <mutex>

#include <sluice/errors.hpp>

#include "cache/cache.hpp"
#include "exec/partition.hpp"
#include "exec/table_joiner.hpp"

namespace sluice::engine {

namespace {
[[noreturn]] void throw_lost(const PortData& port, const Hash128& hash, const std::string& consequence) {
  if (port.producer.empty()) throw Error("cache object " + hash.hex() + " is missing or corrupt and cannot be recomputed");
  throw Error("cache object " + hash.hex() + " of node '" + port.producer + "' is missing or corrupt and cannot be " +
              "recomputed in this run; " + consequence);
}

ValuePtr load_or_repair(const PortData& port, Cache& cache, const Hash128& hash,
                        const std::function<ValuePtr()>& repair) {
  if (auto v = cache.load(hash)) return v;
  if (repair) return repair();
  throw_lost(port, hash, "rerun with --force " + port.producer);
}

// A partition's object is lost (a partition cannot be recomputed outside its node's run). Every other
// partition object of the port is checked once now, which discards the corrupt ones, and the
// producer's entry is forgotten: the next run then decides the node's partitions again and
// recomputes exactly those whose objects are gone.
[[noreturn]] void lost_partition(PortData& port, Cache& cache, const Table& manifest, const Hash128& lost) {
  if (!port.lost_checked.exchange(true)) {
    for (const Hash128& h : manifest_hashes(manifest))
      if (h != lost) (void)cache.load(h);
    if (port.forget_producer) port.forget_producer();
  }
  throw_lost(port, lost, "the next run recomputes it");
}
}  // namespace

std::shared_ptr<const Table> manifest_of(PortData& port, Cache& cache) {
  std::lock_guard lock(port.mutex);
  if (!port.manifest) {
    auto v = load_or_repair(port, cache, port.hash, port.repair_whole);
    port.manifest = std::shared_ptr<const Table>(v, &std::get<Table>(*v));
  }
  return port.manifest;
}

ValuePtr partition_value(PortData& port, Cache& cache, std::size_t part) {
  auto manifest = manifest_of(port, cache);
  {
    std::lock_guard lock(port.mutex);
    if (port.parts.size() != manifest->num_rows()) port.parts.resize(manifest->num_rows());
    if (port.parts[part]) return port.parts[part];
  }
  const Hash128 h = Hash128::from_hex(manifest->column("__object").string_at(part));
  ValuePtr v = cache.load(h);
  if (!v && port.repair_part) v = port.repair_part(*manifest, part);
  if (!v) lost_partition(port, cache, *manifest, h);
  if (port.handoff == nullptr || keep_in_memory(*port.handoff, *v)) {
    std::lock_guard lock(port.mutex);
    port.parts[part] = v;
  }
  return v;
}

ValuePtr materialize(PortData& port, Cache& cache) {
  {
    std::lock_guard lock(port.mutex);
    if (port.value) return port.value;
  }
  const auto keep = [&](const ValuePtr& v) {
    if (port.handoff != nullptr && !keep_in_memory(*port.handoff, *v)) return v;
    std::lock_guard lock(port.mutex);
    if (!port.value) port.value = v;
    return port.value;
  };
  if (!port.partitioned) return keep(load_or_repair(port, cache, port.hash, port.repair_whole));
  auto manifest = manifest_of(port, cache);
  const std::size_t parts = manifest->num_rows();
  // Loading is reading and decompressing one object per partition: done in parallel, while one
  // thread appends the loaded partitions to the join in key order. Only a few partitions are held
  // at a time, so their memory is reused instead of each taking fresh pages. Isolated, so a thread
  // waiting here takes none of its caller's other tasks: a caller may hold a lock or a once_flag (a
  // foreach node loading its broadcast inputs) that such a task would wait for.
  TableJoiner joiner(parts);
  std::size_t next = 0;
  // The first failure, rethrown once the pipeline has drained: an exception that leaves a filter
  // would make oneTBB drop the partitions in flight without destroying them.
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  std::mutex failure_mutex;
  const auto guarded = [&](const auto& step) {
    try {
      step();
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  };
  tbb::this_task_arena::isolate([&] {
    const auto in_flight = static_cast<std::size_t>(4 * tbb::this_task_arena::max_concurrency());
    tbb::parallel_pipeline(
        in_flight,
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                            [&](tbb::flow_control& fc) -> std::size_t {
                                              if (next < parts && !failed) return next++;
                                              fc.stop();
                                              return 0;
                                            }) &
            tbb::make_filter<std::size_t, ValuePtr>(tbb::filter_mode::parallel,
                                                    [&](std::size_t i) {
                                                      ValuePtr v;
                                                      guarded([&] { v = partition_value(port, cache, i); });
                                                      return v;
                                                    }) &
            tbb::make_filter<ValuePtr, void>(tbb::filter_mode::serial_in_order, [&](const ValuePtr& v) {
              if (v && !failed) guarded([&] { joiner.append(std::get<Table>(*v)); });
            }));
  });
  if (failure) std::rethrow_exception(failure);
  return keep(std::make_shared<const Value>(joiner.finish()));
}

}  // namespace sluice::engine
