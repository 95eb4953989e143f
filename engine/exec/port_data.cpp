#include "exec/port_data.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <sluice/errors.hpp>

#include "cache/cache.hpp"
#include "exec/partition.hpp"

namespace sluice::engine {

namespace {
ValuePtr load_or_repair(Cache& cache, const Hash128& hash, const std::function<ValuePtr()>& repair) {
  if (auto v = cache.load(hash)) return v;
  if (repair) return repair();
  throw Error("cache object " + hash.hex() + " is missing and cannot be recomputed");
}
}  // namespace

std::shared_ptr<const Table> manifest_of(PortData& port, Cache& cache) {
  std::lock_guard lock(port.mutex);
  if (!port.manifest) {
    auto v = load_or_repair(cache, port.hash, port.repair_whole);
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
  ValuePtr v = load_or_repair(cache, h, port.repair_part ? std::function<ValuePtr()>([&] { return port.repair_part(part); })
                                                         : std::function<ValuePtr()>());
  std::lock_guard lock(port.mutex);
  port.parts[part] = v;
  return v;
}

ValuePtr materialize(PortData& port, Cache& cache) {
  {
    std::lock_guard lock(port.mutex);
    if (port.value) return port.value;
  }
  if (!port.partitioned) {
    ValuePtr v = load_or_repair(cache, port.hash, port.repair_whole);
    std::lock_guard lock(port.mutex);
    if (!port.value) port.value = v;
    return port.value;
  }
  auto manifest = manifest_of(port, cache);
  // Loading is reading and decompressing one object per partition: done in parallel. Isolated, so a
  // thread waiting here takes none of its caller's other tasks: a caller may hold a lock or a
  // once_flag (a foreach node loading its broadcast inputs) that such a task would wait for.
  std::vector<ValuePtr> values(manifest->num_rows());
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(std::size_t{0}, values.size(), [&](std::size_t i) { values[i] = partition_value(port, cache, i); });
  });
  std::vector<const Table*> tables;
  tables.reserve(values.size());
  for (const auto& v : values) tables.push_back(&std::get<Table>(*v));
  auto whole = std::make_shared<const Value>(concat_tables(tables));
  std::lock_guard lock(port.mutex);
  if (!port.value) port.value = whole;
  return port.value;
}

}  // namespace sluice::engine
