#include "exec/port_data.hpp"

#include <mutex>

#include <sluice/errors.hpp>

#include "cache/cache.hpp"
#include "exec/ordered_loads.hpp"
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
  // Loading is reading and decompressing one object per partition: done in parallel (unless the
  // partitions are small), while the loaded partitions are appended to the join in key order. Only
  // a few are held at a time, so their memory is reused instead of each taking fresh pages.
  TableJoiner joiner(parts);
  load_in_order(
      parts, [&](std::size_t i) { return partition_value(port, cache, i); },
      [&](const Value& v) { joiner.append(std::get<Table>(v)); });
  return keep(std::make_shared<const Value>(joiner.finish()));
}

}  // namespace sluice::engine
