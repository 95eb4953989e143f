#pragma once
// The cache facade used by the executor: object store + index + plugin-binary
// hash memo + the cross-process lock that keeps GC away from running pipelines.
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <sluice/value.hpp>

#include "cache/cache_index.hpp"
#include "cache/object_store.hpp"

namespace sluice::engine {

// Bump when the meaning of keys or the object encoding changes: every old entry becomes a miss.
inline constexpr int kCacheFormatVersion = 1;

class Cache {
 public:
  explicit Cache(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  ObjectStore& objects() { return objects_; }
  CacheIndex& index() { return index_; }

  struct Stored {
    Hash128 hash;
    std::uint64_t size = 0;
    // A small object stored with durable=false: its framed bytes, which the caller commits with
    // its entry (CacheIndex::Record::inline_objects). Empty otherwise.
    std::string pending_inline;
  };
  // When a stored object is made durable:
  //   Now       before store() returns (a small object in a transaction of its own);
  //   Batch     a small object is returned in `pending_inline`, for the caller to commit with its entry,
  //             and a file is left for sync_files() (group commit of many objects);
  //   WithEntry a small object as Batch, a file fsynced at once (one object recorded on its own: an
  //             fsync of one file costs less than the syncfs behind sync_files()).
  enum class Durability { Now, Batch, WithEntry };
  // Encodes, hashes and stores a value. Objects up to inline_limit() bytes live in index.db,
  // larger ones in the object store.
  Stored store(const Value& value, Durability when = Durability::Now) { return store(value, when, inline_limit_); }
  // The same, with objects up to `inline_max` stored bytes kept in index.db.
  Stored store(const Value& value, Durability when, std::size_t inline_max);
  // Makes the files written with durable=false durable (one syncfs, skipped when there are none).
  void sync_files();
  // Loads and decodes a value; nullptr if absent or corrupt (the corrupt copy is removed).
  std::shared_ptr<const Value> load(const Hash128& hash);
  bool contains(const Hash128& hash);
  // Stored (framed, compressed) size up to which an object lives inline: $SLUICE_CACHE_INLINE_MAX,
  // default 16 KiB.
  std::size_t inline_limit() const { return inline_limit_; }
  // The limit for a foreach node's manifest (its partitions' keys and object hashes): 256 KiB, so that
  // the manifest of thousands of partitions commits with the node's entry instead of costing a file
  // and two fsyncs on the node's critical path; 0 when inline_limit() is 0 (every object in a file).
  std::size_t manifest_inline_limit() const;

  // Hash of a plugin file, memoised by (path, inode, size, mtime).
  std::string file_hash(const std::filesystem::path& file);

  // Evicts entries (see CacheIndex::gc) and deletes the freed object files.
  GcResult gc(std::optional<std::uint64_t> max_bytes, std::optional<std::chrono::seconds> older_than,
              const std::vector<std::string>& protect);
  void clear();

 private:
  std::filesystem::path dir_;
  ObjectStore objects_;
  CacheIndex index_;
  std::size_t inline_limit_;
  std::atomic<bool> unsynced_files_{false};
  std::mutex sync_mutex_;
};

// Shared lock held by every run, exclusive lock taken by gc/clear, on <cache>/gc.lock.
class CacheUseLock {
 public:
  enum class Mode { Shared, Exclusive };
  // With wait=false an exclusive lock that is busy returns an unlocked object.
  CacheUseLock(const std::filesystem::path& cache_dir, Mode mode, bool wait = true);
  ~CacheUseLock();
  CacheUseLock(const CacheUseLock&) = delete;
  CacheUseLock& operator=(const CacheUseLock&) = delete;
  bool locked() const { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

// The default cache dir, always absolute: $SLUICE_CACHE_DIR, else .sluice/cache beside the pipeline
// file, or in the current directory for commands given no pipeline (an empty path). Every command
// that finds a cache without --cache-dir asks this one function, so they agree.
std::filesystem::path default_cache_dir(const std::filesystem::path& pipeline_file);

}  // namespace sluice::engine
