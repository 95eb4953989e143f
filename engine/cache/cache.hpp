#pragma once
// The cache facade used by the executor: object store + index + plugin-binary
// hash memo + the cross-process lock that keeps GC away from running pipelines.
#include <filesystem>
#include <memory>
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
  };
  // Encodes, hashes and stores a value (durably unless durable=false, see ObjectStore::put).
  Stored store(const Value& value, bool durable = true);
  // Loads and decodes a value; nullptr if absent or corrupt (the corrupt file is removed).
  std::shared_ptr<const Value> load(const Hash128& hash);

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

// The default cache dir for a pipeline: $SLUICE_CACHE_DIR, else .sluice/cache beside the pipeline file.
std::filesystem::path default_cache_dir(const std::filesystem::path& pipeline_file);

}  // namespace sluice::engine
