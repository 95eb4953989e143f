// sluice cache ls|gc|clear: inspect and bound the cache.
#include <ctime>
#include <iostream>

#include "app/run_pipeline.hpp"
#include "cache/cache.hpp"
#include "cli/pipeline_options.hpp"
#include "common/log.hpp"
#include "common/units.hpp"
#include "pipeline/pipeline_loader.hpp"

namespace sluice::cli {

namespace {
struct CacheArgs {
  std::string pipeline, cache_dir, max_size, older_than;
};

std::filesystem::path locate(const CacheArgs& a) {
  if (!a.pipeline.empty()) (void)engine::read_pipeline_text(a.pipeline);  // the same error as every command's
  engine::RunOptions options;  // the same rule and checks as `sluice run`
  options.pipeline_file = a.pipeline;
  if (!a.cache_dir.empty()) options.cache_dir = a.cache_dir;
  return engine::resolve_cache_dir(options);
}

// The cache to evict from or clear. Refuses a directory without an index.db: a mistyped --cache-dir
// must not become a new cache, nor have files of its own deleted.
std::filesystem::path locate_existing(const CacheArgs& a) {
  const auto dir = locate(a);
  if (!std::filesystem::exists(dir / "index.db"))
    throw engine::UsageError("no Sluice cache at " + dir.string() +
                             " (it has no index.db); check --cache-dir, $SLUICE_CACHE_DIR or the pipeline file");
  return dir;
}

void add_location(CLI::App* cmd, CacheArgs& a) {
  cmd->add_option("pipeline", a.pipeline, "A pipeline file whose default cache to use");
  cmd->add_option("--cache-dir", a.cache_dir, "Cache directory (default: $SLUICE_CACHE_DIR or .sluice/cache)");
}

std::string when(double unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}
}  // namespace

void add_cache_command(CLI::App& app, ExitCode& exit) {
  CLI::App* cache = app.add_subcommand("cache", "Inspect or bound the output cache");
  cache->require_subcommand(1);

  auto ls_args = std::make_shared<CacheArgs>();
  CLI::App* ls = cache->add_subcommand("ls", "Entries, sizes and last use per node");
  add_location(ls, *ls_args);
  ls->callback([ls_args, &exit] {
    guarded(exit, [&] {
      const auto dir = locate(*ls_args);
      if (!std::filesystem::exists(dir / "index.db")) {
        std::cout << "no cache at " << dir.string() << "\n";
        return;
      }
      engine::Cache c(dir);
      std::vector<std::vector<std::string>> rows{{"PIPELINE", "NODE", "ENTRIES", "PARTITIONS", "SIZE", "LAST USED"}};
      for (const auto& u : c.index().usage()) {
        rows.push_back({u.pipeline, u.node, std::to_string(u.entries), std::to_string(u.partitions),
                        engine::format_size(u.bytes), when(u.last_used)});
      }
      std::cout << align_columns(rows) << "total " << engine::format_size(c.index().total_bytes()) << " in "
                << dir.string() << "\n";
    });
  });

  auto gc_args = std::make_shared<CacheArgs>();
  CLI::App* gc = cache->add_subcommand("gc", "Evict least-recently-used entries down to a size or age limit");
  add_location(gc, *gc_args);
  gc->add_option("--max-size", gc_args->max_size, "Keep the cache under this size, e.g. 2GiB");
  gc->add_option("--older-than", gc_args->older_than, "Evict entries unused for this long, e.g. 30d");
  gc->callback([gc_args, &exit] {
    guarded(exit, [&] {
      std::optional<std::uint64_t> max;
      std::optional<std::chrono::seconds> age;
      if (!gc_args->max_size.empty()) {
        max = engine::parse_size(gc_args->max_size);
        if (!max) throw engine::UsageError("--max-size " + gc_args->max_size + ": expected a size such as 2GiB or 500MB");
      }
      if (!gc_args->older_than.empty()) {
        auto d = engine::parse_duration(gc_args->older_than);
        if (!d) throw engine::UsageError("--older-than " + gc_args->older_than + ": expected a duration such as 30d or 12h");
        age = std::chrono::duration_cast<std::chrono::seconds>(*d);
      }
      if (!max && !age) throw engine::UsageError("cache gc needs --max-size and/or --older-than");
      const auto dir = locate_existing(*gc_args);
      engine::CacheUseLock exclusive(dir, engine::CacheUseLock::Mode::Exclusive);
      engine::Cache c(dir);
      const auto r = c.gc(max, age, {});
      std::cout << "evicted " << r.entries_removed << " entries, " << r.objects_removed << " objects ("
                << engine::format_size(r.bytes_freed) << "); cache is now " << engine::format_size(r.bytes_after) << "\n";
    });
  });

  auto clear_args = std::make_shared<CacheArgs>();
  CLI::App* clear = cache->add_subcommand("clear", "Remove every cache entry");
  add_location(clear, *clear_args);
  clear->callback([clear_args, &exit] {
    guarded(exit, [&] {
      const auto dir = locate_existing(*clear_args);
      engine::CacheUseLock exclusive(dir, engine::CacheUseLock::Mode::Exclusive);
      try {
        engine::Cache c(dir);
        c.clear();
      } catch (const std::exception& e) {
        // A damaged index cannot say which objects it had: every cache file goes, as clear promises.
        engine::log::warn(std::string(e.what()) + "; removing the index and every cache object instead");
        for (const char* file : {"index.db", "index.db-wal", "index.db-shm"}) std::filesystem::remove(dir / file);
        engine::ObjectStore(dir / "objects").remove_all_objects();
      }
      std::cout << "cleared " << dir.string() << "\n";
    });
  });
}

}  // namespace sluice::cli
