#pragma once
// The SQLite index of the cache (WAL mode, busy timeout): action key -> output
// hashes, object sizes and last use, the last known state of every node (for
// "why did this rerun" explanations), lineage, and memoised plugin-file hashes.
// One connection per process, guarded by a mutex.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sluice/serialize.hpp>

namespace SQLite {
class Database;
}

namespace sluice::engine {

struct ActionEntry {
  std::map<std::string, Hash128> outputs;  // port -> object hash
  std::string receipt;                      // a sink's record of what it wrote
  // Set by lookup_many: every output object is stored in index.db, so a hit need not look for them again.
  bool outputs_inline = false;
};

// What a node's cache key was made of the last time it was computed.
struct NodeState {
  std::string key;
  std::string stage_version;
  std::string plugin_hash;
  std::string params;       // canonical JSON object
  std::string inputs;       // canonical "port=hash;..." text
  std::string fingerprint;  // empty when the stage has none
};

struct NodeUsage {
  std::string pipeline, node;
  std::uint64_t entries = 0, partitions = 0, bytes = 0;
  double last_used = 0;  // unix seconds
};

struct GcResult {
  std::uint64_t entries_removed = 0, objects_removed = 0, bytes_freed = 0, bytes_after = 0;
};

class CacheIndex {
 public:
  explicit CacheIndex(const std::filesystem::path& cache_dir);
  ~CacheIndex();

  std::optional<ActionEntry> lookup(const std::string& key);
  // The entries that exist among `keys` (one pass, for the partitions of a node).
  std::unordered_map<std::string, ActionEntry> lookup_many(const std::vector<std::string>& keys);
  // Records an action after its objects are durable. `refs` are every object the
  // entry keeps alive (outputs plus, for partitioned outputs, the partitions).
  void record(const std::string& key, const ActionEntry& entry, const std::vector<std::pair<Hash128, std::uint64_t>>& refs,
              const std::string& pipeline, const std::string& node, const std::string& partition,
              const std::string& run_id, double wall_ms);
  void forget(const std::string& key);

  struct Record {
    std::string key;
    ActionEntry entry;
    std::vector<std::pair<Hash128, std::uint64_t>> refs;
    std::string pipeline, node, partition, run_id;
    double wall_ms = 0;
    // Also make this the node's current state (same transaction). A partition's state may leave
    // stage_version, plugin_hash and params empty: they are the node's (see node_states).
    std::optional<NodeState> state;
    // Small objects stored in the index itself, committed with the entry (hash -> framed bytes).
    std::vector<std::pair<Hash128, std::string>> inline_objects;
    // Objects that other entries already recorded (a manifest's partitions): refs only.
    std::vector<Hash128> shared_refs;
    // False when the caller knows the key had no entry, so there are no old refs to delete.
    bool replaces = true;
  };
  // Several records in one transaction (group commit of a batch of partitions).
  void record_many(const std::vector<Record>& records);

  std::optional<NodeState> node_state(const std::string& pipeline, const std::string& node, const std::string& partition);
  // Every partition's state of a node: partition key -> state; the node's own state is under "".
  // A partition state stored without stage_version, plugin_hash and params takes them from the
  // node's state (they are the same for every partition); without a node state it is left out.
  std::unordered_map<std::string, NodeState> node_states(const std::string& pipeline, const std::string& node);
  void set_node_state(const std::string& pipeline, const std::string& node, const std::string& partition,
                      const NodeState& state);
  // Forgets the states of partitions that are no longer in the node's input (one transaction).
  void remove_node_states(const std::string& pipeline, const std::string& node, const std::vector<std::string>& partitions);

  // Small objects kept inside index.db (see Cache::store): framed bytes, verified by the reader.
  std::optional<std::string> inline_object(const Hash128& hash);
  bool has_inline_object(const Hash128& hash);
  void put_inline_object(const Hash128& hash, std::string_view framed);
  void remove_inline_object(const Hash128& hash);

  // Marks keys as used now (batched in one transaction).
  void touch(const std::vector<std::string>& keys);

  // Plugin-binary hash memo keyed by (path, inode, size, mtime).
  std::optional<std::string> file_hash(const std::string& path, std::uint64_t inode, std::uint64_t size, std::int64_t mtime_ns);
  void set_file_hash(const std::string& path, std::uint64_t inode, std::uint64_t size, std::int64_t mtime_ns,
                     const std::string& hash);

  std::uint64_t total_bytes();
  std::vector<NodeUsage> usage();
  // Evicts least-recently-used entries (never those in `protect`, nor those any
  // node state currently points at when `protect_current` is set) until the
  // objects fit in max_bytes; entries older than `older_than` go first regardless.
  // Returns the object hashes to delete from disk.
  GcResult gc(std::optional<std::uint64_t> max_bytes, std::optional<std::chrono::seconds> older_than,
              const std::vector<std::string>& protect, bool protect_current, std::vector<Hash128>& doomed);
  // Removes every entry; returns the hashes of all objects.
  std::vector<Hash128> clear();

 private:
  struct Statements;
  void open();  // the database, its schema and the prepared statements
  void record_many_locked(const std::vector<Record>& records);

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<Statements> stmts_;  // hot-path statements, prepared once
  std::mutex mutex_;
};

double unix_now();

}  // namespace sluice::engine
