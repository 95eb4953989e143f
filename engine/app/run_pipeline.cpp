#include "app/run_pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <random>
#include <set>

#include "app/load.hpp"
#include "cache/cache.hpp"
#include "common/log.hpp"
#include "common/units.hpp"
#include "exec/executor.hpp"
#include "exec/handoff_budget.hpp"
#include "exec/progress.hpp"
#include "schedule/run_history.hpp"
#include "schedule/run_lock.hpp"

namespace sluice::engine {

namespace {

std::string new_run_id() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  std::mt19937 rng{std::random_device{}()};
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%06x", static_cast<unsigned>(rng() & 0xFFFFFF));
  return std::string(buf) + suffix;
}

std::vector<std::size_t> indices_of(const Dag& dag, const std::vector<std::string>& ids, const char* flag) {
  std::vector<std::size_t> out;
  for (const auto& id : ids) {
    try {
      out.push_back(dag.index_of(id));
    } catch (const UsageError& e) {
      throw UsageError(std::string(flag) + " " + id + ": " + e.what());
    }
  }
  return out;
}

std::optional<std::uint64_t> cache_limit(const PipelineSpec& spec) {
  if (spec.max_cache_size) return spec.max_cache_size;
  if (const char* env = std::getenv("SLUICE_CACHE_MAX_SIZE"); env && *env) {
    auto size = parse_size(env);
    if (!size) throw UsageError(std::string("SLUICE_CACHE_MAX_SIZE=") + env + " is not a size such as 2GiB");
    return size;
  }
  return std::nullopt;
}

// Each --partition names a key column that some foreach node partitions by: a misspelt column
// would otherwise select every partition of every node, or, as a value, none.
void check_partition_filters(const std::vector<std::string>& filters, const PipelineSpec& spec) {
  std::set<std::string> key_columns;
  for (const auto& node : spec.nodes) key_columns.insert(node.foreach.begin(), node.foreach.end());
  for (const auto& f : filters) {
    const auto eq = f.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--partition " + f + ": expected KEY=VALUE, e.g. --partition store_id=7");
    const std::string column = f.substr(0, eq);
    if (key_columns.count(column)) continue;
    std::string known;
    for (const auto& k : key_columns) known += (known.empty() ? "" : ", ") + k;
    throw UsageError("--partition " + f + ": no foreach node of this pipeline is partitioned by '" + column + "' (" +
                     (known.empty() ? std::string("it has no foreach node") : "its key columns: " + known) + ")");
  }
}

struct Prepared {
  LoadedPipeline loaded;
  std::filesystem::path cache_dir;
  ExecOptions exec;
  std::vector<PreparedNode> nodes;
};

Prepared prepare(const RunOptions& o, Cache*& cache_out, std::unique_ptr<Cache>& cache_holder, bool dry_run) {
  Prepared p{load_and_validate(o.pipeline_file, o.overrides), {}, {}, {}};
  const Dag& dag = p.loaded.dag;
  p.cache_dir = resolve_cache_dir(o);
  p.exec.jobs = o.jobs;
  p.exec.keep_going = o.keep_going;
  p.exec.dry_run = dry_run;
  p.exec.cancel = o.cancel;
  p.exec.partition_filters = o.partitions;
  p.exec.isolate_all = o.isolate;
  p.exec.handoff_bytes = o.handoff_memory ? *o.handoff_memory : default_handoff_bytes();
  p.exec.selected = o.targets.empty() ? std::vector<bool>(dag.size(), true)
                                      : dag.with_upstream(indices_of(dag, o.targets, "--target"));
  const auto forced_roots = indices_of(dag, o.force, "--force");
  p.exec.forced = o.force.empty() ? std::vector<bool>(dag.size(), false) : dag.with_downstream(forced_roots);
  for (std::size_t i = 0; i < forced_roots.size(); ++i) {
    if (!p.exec.selected[forced_roots[i]])
      throw UsageError("--force " + o.force[i] + ": the --target selection does not include it, so it would not run; "
                       "add --target " + o.force[i] + " or drop --force " + o.force[i]);
  }
  check_partition_filters(o.partitions, p.loaded.spec);
  (void)cache_limit(p.loaded.spec);  // a bad SLUICE_CACHE_MAX_SIZE stops the run before the cache is created
  cache_holder = std::make_unique<Cache>(p.cache_dir);
  cache_out = cache_holder.get();
  std::map<std::filesystem::path, std::string> plugin_hashes;  // one hash per plugin file, not per node
  for (std::size_t v = 0; v < p.loaded.spec.nodes.size(); ++v) {
    PreparedNode n;
    n.spec = &p.loaded.spec.nodes[v];
    n.stage = p.loaded.registry->find(n.spec->plugin);
    n.resolved = p.loaded.resolved[v];
    auto [it, fresh] = plugin_hashes.try_emplace(n.stage->plugin_path);
    if (fresh) it->second = cache_holder->file_hash(n.stage->plugin_path);
    n.plugin_hash = it->second;
    p.nodes.push_back(std::move(n));
  }
  return p;
}

}  // namespace

std::filesystem::path resolve_cache_dir(const RunOptions& options) {
  const std::filesystem::path dir =
      options.cache_dir ? std::filesystem::absolute(*options.cache_dir) : default_cache_dir(options.pipeline_file);
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    throw UsageError("cache directory '" + dir.string() +
                     "' exists but is not a directory; point --cache-dir or SLUICE_CACHE_DIR at a directory "
                     "(it is created if missing)");
  }
  return dir;
}

RunReport plan_pipeline(const RunOptions& options) {
  Cache* cache = nullptr;
  std::unique_ptr<Cache> holder;
  Prepared p = prepare(options, cache, holder, /*dry_run=*/true);
  CacheUseLock use(p.cache_dir, CacheUseLock::Mode::Shared);
  p.exec.run_id = "plan";
  Executor ex(p.loaded.spec, p.loaded.dag, std::move(p.nodes), *cache, p.exec);
  return ex.run();
}

RunReport run_pipeline(const RunOptions& options) {
  Cache* cache = nullptr;
  std::unique_ptr<Cache> holder;
  Prepared p = prepare(options, cache, holder, /*dry_run=*/false);
  const PipelineSpec& spec = p.loaded.spec;
  const auto limit = cache_limit(spec);

  PipelineLock lock = PipelineLock::acquire(p.cache_dir, spec.name, options.lock_wait);
  RunHistory history(p.cache_dir);
  const std::int64_t history_id = history.begin(spec.name, options.trigger, options.scheduled_for);
  if (options.history_row) *options.history_row = history_id;
  auto cancelled_error = [&]() -> std::optional<std::string> {
    if (!options.cancel || !options.cancel->load()) return std::nullopt;
    return options.cancel_reason ? options.cancel_reason() : std::string("cancelled");
  };
  RunReport report;
  std::vector<std::string> used;
  try {
    const RunHeartbeat heartbeat(p.cache_dir, history_id);  // until the run ends, however it ends
    CacheUseLock use(p.cache_dir, CacheUseLock::Mode::Shared);
    p.exec.run_id = new_run_id();
    std::vector<std::string> ids;
    for (const auto& n : spec.nodes) ids.push_back(n.id);
    const auto run_size = static_cast<std::size_t>(std::count(p.exec.selected.begin(), p.exec.selected.end(), true));
    Progress progress(Progress::detect(options.quiet), ids, run_size);
    p.exec.progress = &progress;
    Executor ex(spec, p.loaded.dag, std::move(p.nodes), *cache, p.exec);
    report = ex.run();
    used = ex.used_keys();
  } catch (const std::exception& e) {
    const auto cancelled = cancelled_error();
    history.fail(history_id, cancelled ? *cancelled + " (" + e.what() + ")" : std::string(e.what()));
    throw;
  }
  history.finish(history_id, report, report.status == "ok" ? std::nullopt : cancelled_error());

  if (limit) {
    // GC needs the cache to itself; if another run is active it waits for the next run.
    CacheUseLock exclusive(p.cache_dir, CacheUseLock::Mode::Exclusive, /*wait=*/false);
    if (exclusive.locked()) {
      const GcResult r = cache->gc(limit, std::nullopt, used);
      if (r.entries_removed > 0) {
        log::info("cache over " + format_size(*limit) + ": evicted " + std::to_string(r.entries_removed) +
                  " entries (" + format_size(r.bytes_freed) + "), now " + format_size(r.bytes_after));
      }
    } else {
      log::debug("cache size limit not enforced this time: another run is using the cache");
    }
  }
  return report;
}

}  // namespace sluice::engine
