#include "cache/cache_index.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <sluice/errors.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <set>
#include <sstream>
#include <unordered_map>

#include "cache/row_batch.hpp"
#include "common/sqlite_tuning.hpp"

namespace sluice::engine {

namespace {
constexpr int kSchemaVersion = 1;

std::string encode_outputs(const std::map<std::string, Hash128>& outputs) {
  std::string s;
  for (const auto& [port, hash] : outputs) s += port + "=" + hash.hex() + ";";
  return s;
}

std::map<std::string, Hash128> decode_outputs(const std::string& text) {
  std::map<std::string, Hash128> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ';')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    out[item.substr(0, eq)] = Hash128::from_hex(item.substr(eq + 1));
  }
  return out;
}

constexpr const char* kUpsertNodeStateHead =
    "INSERT OR REPLACE INTO node_state(pipeline, node, partition, key, stage_version, plugin_hash, "
    "params, inputs, fingerprint, updated)";
const std::string kUpsertNodeState = std::string(kUpsertNodeStateHead) + " VALUES(?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertInline = "INSERT OR IGNORE INTO inline_objects(hash, data) VALUES(?, ?)";
}  // namespace

// Statements used once per node on every run, prepared once per process.
struct CacheIndex::Statements {
  explicit Statements(SQLite::Database& db)
      : lookup(db, "SELECT outputs, receipt FROM actions WHERE key = ?"),
        node_state(db,
                   "SELECT key, stage_version, plugin_hash, params, inputs, fingerprint FROM node_state "
                   "WHERE pipeline = ? AND node = ? AND partition = ?"),
        file_hash(db, "SELECT hash FROM file_hashes WHERE path = ? AND inode = ? AND size = ? AND mtime_ns = ?"),
        inline_get(db, "SELECT data FROM inline_objects WHERE hash = ?"),
        inline_has(db, "SELECT 1 FROM inline_objects WHERE hash = ?"),
        delete_refs(db, "DELETE FROM refs WHERE key = ?"),
        actions(db,
                "INSERT OR REPLACE INTO actions(key, outputs, receipt, pipeline, node, partition, run_id, created, "
                "last_used, wall_ms)",
                10),
        refs(db, "INSERT OR IGNORE INTO refs(key, hash)", 2),
        objects(db, "INSERT OR IGNORE INTO objects(hash, size, created)", 3),
        states(db, kUpsertNodeStateHead, 10),
        inline_objects(db, "INSERT OR IGNORE INTO inline_objects(hash, data)", 2) {}
  SQLite::Statement lookup, node_state, file_hash, inline_get, inline_has;
  // record_many: run for every partition of every run, so prepared once too; rows in batches.
  SQLite::Statement delete_refs;
  RowBatch actions, refs, objects, states, inline_objects;
};

namespace {
// Resets a cached statement on every exit path so it can be reused. After a failed step,
// Statement::reset() throws that error again, and a throw from here would end the process.
struct Reset {
  SQLite::Statement& q;
  ~Reset() {
    q.tryReset();
    q.clearBindings();
  }
};

void write_node_state(SQLite::Statement& q, const std::string& pipeline, const std::string& node,
                      const std::string& partition, const NodeState& s, double now) {
  q.bindNoCopy(1, pipeline);
  q.bindNoCopy(2, node);
  q.bindNoCopy(3, partition);
  q.bindNoCopy(4, s.key);
  q.bindNoCopy(5, s.stage_version);
  q.bindNoCopy(6, s.plugin_hash);
  q.bindNoCopy(7, s.params);
  q.bindNoCopy(8, s.inputs);
  q.bindNoCopy(9, s.fingerprint);
  q.bind(10, now);
  q.exec();
  q.reset();
}

void write_inline(SQLite::Statement& q, const Hash128& hash, std::string_view framed) {
  const std::string hex = hash.hex();
  q.bindNoCopy(1, hex);
  q.bindNoCopy(2, framed.data(), static_cast<int>(framed.size()));
  q.exec();
  q.reset();
}
}  // namespace

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

CacheIndex::CacheIndex(const std::filesystem::path& cache_dir) {
  std::filesystem::create_directories(cache_dir);
  path_ = cache_dir / "index.db";
  try {
    open();
  } catch (const SQLite::Exception& e) {
    throw Error("cannot open the cache index " + path_.string() + " (" + e.what() +
                "); if it is damaged, `sluice cache clear --cache-dir " + cache_dir.string() +
                "` starts the cache afresh (the next run recomputes what it needs)");
  }
}

void CacheIndex::open() {
  db_ = std::make_unique<SQLite::Database>(path_.string(),
                                           SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
  // Objects are fsynced before their index entry commits, so NORMAL sync is enough.
  tune_engine_database(*db_);
  db_->exec("PRAGMA foreign_keys=OFF");
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  db_->exec(R"sql(
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE IF NOT EXISTS actions(
      key TEXT PRIMARY KEY, outputs TEXT NOT NULL, receipt TEXT NOT NULL DEFAULT '',
      pipeline TEXT, node TEXT, partition TEXT, run_id TEXT,
      created REAL NOT NULL, last_used REAL NOT NULL, wall_ms REAL);
    DROP INDEX IF EXISTS actions_lru;
    CREATE TABLE IF NOT EXISTS refs(key TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(key, hash)) WITHOUT ROWID;
    DROP INDEX IF EXISTS refs_hash;
    CREATE TABLE IF NOT EXISTS objects(hash TEXT PRIMARY KEY, size INTEGER NOT NULL, created REAL NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS node_state(
      pipeline TEXT NOT NULL, node TEXT NOT NULL, partition TEXT NOT NULL,
      key TEXT NOT NULL, stage_version TEXT, plugin_hash TEXT, params TEXT, inputs TEXT, fingerprint TEXT,
      updated REAL NOT NULL, PRIMARY KEY(pipeline, node, partition)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS inline_objects(hash TEXT PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS file_hashes(
      path TEXT PRIMARY KEY, inode INTEGER, size INTEGER, mtime_ns INTEGER, hash TEXT) WITHOUT ROWID;
  )sql");
  db_->exec("INSERT OR IGNORE INTO meta VALUES('schema_version', '" + std::to_string(kSchemaVersion) + "')");
  tx.commit();
  stmts_ = std::make_unique<Statements>(*db_);
}

CacheIndex::~CacheIndex() {
  stmts_.reset();
  checkpoint_if_large(*db_);
}

namespace {
ActionEntry read_entry(SQLite::Statement& q) {
  ActionEntry e;
  e.outputs = decode_outputs(q.getColumn(0).getString());
  e.receipt = q.getColumn(1).getString();
  return e;
}
}  // namespace

std::optional<ActionEntry> CacheIndex::lookup(const std::string& key) {
  std::lock_guard lock(mutex_);
  SQLite::Statement& q = stmts_->lookup;
  Reset reset{q};
  q.bind(1, key);
  if (!q.executeStep()) return std::nullopt;
  return read_entry(q);
}

std::unordered_map<std::string, ActionEntry> CacheIndex::lookup_many(const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  std::unordered_map<std::string, ActionEntry> out;
  SQLite::Statement& q = stmts_->lookup;
  Reset reset{q};
  // One read transaction for the whole batch instead of one per key.
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::DEFERRED);
  for (const auto& key : keys) {
    q.bind(1, key);
    if (q.executeStep()) out.emplace(key, read_entry(q));
    q.reset();
  }
  // Whether each entry's objects are inline, in the same pass: a foreach node confirms its hits'
  // objects exist before using them, and asking for each of 1,000 partitions one by one, from two
  // threads taking turns at this index's lock, took 10-40 ms per node.
  SQLite::Statement& has = stmts_->inline_has;
  Reset reset_has{has};
  for (auto& [key, entry] : out) {
    entry.outputs_inline = true;
    for (const auto& [port, hash] : entry.outputs) {
      has.bind(1, hash.hex());
      const bool present = has.executeStep();
      has.reset();
      if (!present) {
        entry.outputs_inline = false;
        break;
      }
    }
  }
  tx.commit();
  return out;
}

void CacheIndex::record(const std::string& key, const ActionEntry& entry,
                        const std::vector<std::pair<Hash128, std::uint64_t>>& refs, const std::string& pipeline,
                        const std::string& node, const std::string& partition, const std::string& run_id,
                        double wall_ms) {
  record_many({Record{key, entry, refs, pipeline, node, partition, run_id, wall_ms, std::nullopt, {}, {}}});
}

void CacheIndex::record_many(const std::vector<Record>& records) {
  if (records.empty()) return;
  std::lock_guard lock(mutex_);
  try {
    record_many_locked(records);
  } catch (const SQLite::Exception& e) {
    // SQLite says "disk I/O error" or "database is locked"; the user needs to know which file.
    throw Error("writing the cache index " + path_.string() + ": " + e.what());
  }
}

void CacheIndex::record_many_locked(const std::vector<Record>& records) {
  const double now = unix_now();
  Statements& st = *stmts_;
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement& del = st.delete_refs;
  Reset reset_del{del};  // a failed statement must not stay half-run for the next batch
  // Hex hashes and encoded outputs, bound without copies: alive until the rows are written.
  std::deque<std::string> texts;
  const auto keep = [&texts](std::string text) -> const std::string& { return texts.emplace_back(std::move(text)); };
  const std::array<RowBatch*, 5> batches{&st.states, &st.inline_objects, &st.actions, &st.refs, &st.objects};
  // Whatever happens, no row bound to `texts` stays queued for the next call.
  struct Forget {
    const std::array<RowBatch*, 5>& batches;
    ~Forget() {
      for (RowBatch* rows : batches) rows->clear();
    }
  } forget{batches};
  for (const Record& rec : records) {
    if (const auto& s = rec.state) {
      st.states.text(rec.pipeline).text(rec.node).text(rec.partition).text(s->key).text(s->stage_version);
      st.states.text(s->plugin_hash).text(s->params).text(s->inputs).text(s->fingerprint).real(now);
    }
    for (const auto& [hash, framed] : rec.inline_objects) st.inline_objects.text(keep(hash.hex())).blob(framed);
    st.actions.text(rec.key).text(keep(encode_outputs(rec.entry.outputs))).text(rec.entry.receipt);
    st.actions.text(rec.pipeline).text(rec.node).text(rec.partition).text(rec.run_id);
    st.actions.real(now).real(now).real(rec.wall_ms);
    // Before any of the batch's refs are written below.
    if (rec.replaces) {
      del.bindNoCopy(1, rec.key);
      del.exec();
      del.reset();
    }
    for (const auto& [hash, size] : rec.refs) {
      const std::string& hex = keep(hash.hex());
      st.refs.text(rec.key).text(hex);
      st.objects.text(hex).integer(static_cast<std::int64_t>(size)).real(now);
    }
    for (const Hash128& hash : rec.shared_refs) st.refs.text(rec.key).text(keep(hash.hex()));
  }
  for (RowBatch* rows : batches) rows->flush();
  tx.commit();
}

void CacheIndex::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement a(*db_, "DELETE FROM actions WHERE key = ?");
  a.bind(1, key);
  a.exec();
  SQLite::Statement r(*db_, "DELETE FROM refs WHERE key = ?");
  r.bind(1, key);
  r.exec();
  tx.commit();
}

namespace {
// Columns 0..5 of a node_state row: key, stage_version, plugin_hash, params, inputs, fingerprint.
NodeState read_node_state(SQLite::Statement& q, int first) {
  NodeState s;
  s.key = q.getColumn(first).getString();
  s.stage_version = q.getColumn(first + 1).getString();
  s.plugin_hash = q.getColumn(first + 2).getString();
  s.params = q.getColumn(first + 3).getString();
  s.inputs = q.getColumn(first + 4).getString();
  s.fingerprint = q.getColumn(first + 5).getString();
  return s;
}
}  // namespace

std::optional<NodeState> CacheIndex::node_state(const std::string& pipeline, const std::string& node,
                                                const std::string& partition) {
  std::lock_guard lock(mutex_);
  SQLite::Statement& q = stmts_->node_state;
  Reset reset{q};
  q.bind(1, pipeline);
  q.bind(2, node);
  q.bind(3, partition);
  if (!q.executeStep()) return std::nullopt;
  return read_node_state(q, 0);
}

std::unordered_map<std::string, NodeState> CacheIndex::node_states(const std::string& pipeline, const std::string& node) {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(*db_,
                      "SELECT partition, key, stage_version, plugin_hash, params, inputs, fingerprint FROM node_state "
                      "WHERE pipeline = ? AND node = ?");
  q.bind(1, pipeline);
  q.bind(2, node);
  std::unordered_map<std::string, NodeState> out;
  while (q.executeStep()) out.emplace(q.getColumn(0).getString(), read_node_state(q, 1));
  const auto node_level = out.find("");
  for (auto it = out.begin(); it != out.end();) {
    NodeState& s = it->second;
    const bool lean = s.plugin_hash.empty();
    if (lean && node_level == out.end()) {
      it = out.erase(it);  // nothing to complete it from: as if never computed
      continue;
    }
    if (lean) {
      s.stage_version = node_level->second.stage_version;
      s.plugin_hash = node_level->second.plugin_hash;
      s.params = node_level->second.params;
    }
    ++it;
  }
  return out;
}

void CacheIndex::set_node_state(const std::string& pipeline, const std::string& node, const std::string& partition,
                                const NodeState& s) {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(*db_, kUpsertNodeState);
  write_node_state(q, pipeline, node, partition, s, unix_now());
}

void CacheIndex::remove_node_states(const std::string& pipeline, const std::string& node,
                                    const std::vector<std::string>& partitions) {
  if (partitions.empty()) return;
  std::lock_guard lock(mutex_);
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement q(*db_, "DELETE FROM node_state WHERE pipeline = ? AND node = ? AND partition = ?");
  for (const auto& partition : partitions) {
    q.bind(1, pipeline);
    q.bind(2, node);
    q.bind(3, partition);
    q.exec();
    q.reset();
  }
  tx.commit();
}

std::optional<std::string> CacheIndex::inline_object(const Hash128& hash) {
  std::lock_guard lock(mutex_);
  SQLite::Statement& q = stmts_->inline_get;
  Reset reset{q};
  q.bind(1, hash.hex());
  if (!q.executeStep()) return std::nullopt;
  const SQLite::Column c = q.getColumn(0);
  return std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

bool CacheIndex::has_inline_object(const Hash128& hash) {
  std::lock_guard lock(mutex_);
  SQLite::Statement& q = stmts_->inline_has;
  Reset reset{q};
  q.bind(1, hash.hex());
  return q.executeStep();
}

void CacheIndex::put_inline_object(const Hash128& hash, std::string_view framed) {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(*db_, kInsertInline);
  write_inline(q, hash, framed);
}

void CacheIndex::remove_inline_object(const Hash128& hash) {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(*db_, "DELETE FROM inline_objects WHERE hash = ?");
  q.bind(1, hash.hex());
  q.exec();
}

void CacheIndex::touch(const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  std::lock_guard lock(mutex_);
  const double now = unix_now();
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  // Hour resolution is plenty for LRU, and it lets back-to-back no-op reruns write nothing.
  SQLite::Statement q(*db_, "UPDATE actions SET last_used = ?1 WHERE key = ?2 AND last_used < ?1 - 3600");
  for (const auto& k : keys) {
    q.bind(1, now);
    q.bind(2, k);
    q.exec();
    q.reset();
  }
  tx.commit();
}

std::optional<std::string> CacheIndex::file_hash(const std::string& path, std::uint64_t inode, std::uint64_t size,
                                                 std::int64_t mtime_ns) {
  std::lock_guard lock(mutex_);
  SQLite::Statement& q = stmts_->file_hash;
  Reset reset{q};
  q.bind(1, path);
  q.bind(2, static_cast<std::int64_t>(inode));
  q.bind(3, static_cast<std::int64_t>(size));
  q.bind(4, mtime_ns);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

void CacheIndex::set_file_hash(const std::string& path, std::uint64_t inode, std::uint64_t size, std::int64_t mtime_ns,
                               const std::string& hash) {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(*db_, "INSERT OR REPLACE INTO file_hashes VALUES(?,?,?,?,?)");
  q.bind(1, path);
  q.bind(2, static_cast<std::int64_t>(inode));
  q.bind(3, static_cast<std::int64_t>(size));
  q.bind(4, mtime_ns);
  q.bind(5, hash);
  q.exec();
}

std::uint64_t CacheIndex::total_bytes() {
  std::lock_guard lock(mutex_);
  return static_cast<std::uint64_t>(db_->execAndGet("SELECT COALESCE(SUM(size), 0) FROM objects").getInt64());
}

std::vector<NodeUsage> CacheIndex::usage() {
  std::lock_guard lock(mutex_);
  SQLite::Statement q(*db_, R"sql(
    SELECT a.pipeline, a.node, COUNT(DISTINCT a.key), COUNT(DISTINCT NULLIF(a.partition, '')),
           COALESCE((SELECT SUM(o.size) FROM objects o WHERE o.hash IN
              (SELECT r.hash FROM refs r JOIN actions b ON b.key = r.key WHERE b.pipeline = a.pipeline AND b.node = a.node)), 0),
           MAX(a.last_used)
    FROM actions a GROUP BY a.pipeline, a.node ORDER BY a.pipeline, a.node)sql");
  std::vector<NodeUsage> out;
  while (q.executeStep()) {
    NodeUsage u;
    u.pipeline = q.getColumn(0).getString();
    u.node = q.getColumn(1).getString();
    u.entries = static_cast<std::uint64_t>(q.getColumn(2).getInt64());
    u.partitions = static_cast<std::uint64_t>(q.getColumn(3).getInt64());
    u.bytes = static_cast<std::uint64_t>(q.getColumn(4).getInt64());
    u.last_used = q.getColumn(5).getDouble();
    out.push_back(u);
  }
  return out;
}

GcResult CacheIndex::gc(std::optional<std::uint64_t> max_bytes, std::optional<std::chrono::seconds> older_than,
                        const std::vector<std::string>& protect, bool protect_current, std::vector<Hash128>& doomed) {
  std::lock_guard lock(mutex_);
  GcResult result;
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  // Object sizes and their referencing keys, to evict entry by entry.
  std::uint64_t total = static_cast<std::uint64_t>(db_->execAndGet("SELECT COALESCE(SUM(size), 0) FROM objects").getInt64());
  // Under the size limit with no age limit (every run's own gc, mostly), nothing is evicted: the
  // protected keys and the LRU order (thousands of rows at scale) are not read.
  const bool may_evict = older_than || (max_bytes && total > *max_bytes);
  std::set<std::string> keep(protect.begin(), protect.end());
  if (protect_current && may_evict) {
    SQLite::Statement q(*db_, "SELECT key FROM node_state");
    while (q.executeStep()) keep.insert(q.getColumn(0).getString());
  }
  const double cutoff = older_than ? unix_now() - static_cast<double>(older_than->count()) : -1;
  std::vector<std::pair<std::string, double>> lru;
  if (may_evict) {
    SQLite::Statement candidates(*db_, "SELECT key, last_used FROM actions ORDER BY last_used ASC");
    while (candidates.executeStep()) lru.emplace_back(candidates.getColumn(0).getString(), candidates.getColumn(1).getDouble());
  }

  // How many entries reference each object, counted here when something may be evicted. The refs
  // table has no index by hash: each entry of a foreach node references its 1,000 partitions'
  // objects, and keeping such an index would cost every run a random B-tree insert per reference.
  std::unordered_map<std::string, std::uint32_t> references;
  if (may_evict) {
    SQLite::Statement all_refs(*db_, "SELECT hash FROM refs");
    while (all_refs.executeStep()) ++references[all_refs.getColumn(0).getString()];
  }
  SQLite::Statement refs_of(*db_, "SELECT hash FROM refs WHERE key = ?");
  SQLite::Statement del_action(*db_, "DELETE FROM actions WHERE key = ?");
  SQLite::Statement del_refs(*db_, "DELETE FROM refs WHERE key = ?");
  SQLite::Statement obj_size(*db_, "SELECT size FROM objects WHERE hash = ?");
  SQLite::Statement del_obj(*db_, "DELETE FROM objects WHERE hash = ?");
  SQLite::Statement del_inline(*db_, "DELETE FROM inline_objects WHERE hash = ?");
  for (const auto& [key, last_used] : lru) {
    const bool too_old = older_than && last_used < cutoff;
    const bool too_big = max_bytes && total > *max_bytes;
    if (!too_old && !too_big) {
      if (!older_than) break;  // LRU order: nothing further is older
      continue;
    }
    if (keep.count(key)) continue;
    std::vector<std::string> hashes;
    refs_of.bind(1, key);
    while (refs_of.executeStep()) hashes.push_back(refs_of.getColumn(0).getString());
    refs_of.reset();
    del_action.bind(1, key);
    del_action.exec();
    del_action.reset();
    del_refs.bind(1, key);
    del_refs.exec();
    del_refs.reset();
    ++result.entries_removed;
    for (const auto& h : hashes) {
      const auto counted = references.find(h);
      if (counted != references.end() && --counted->second > 0) continue;
      obj_size.bind(1, h);
      std::uint64_t size = 0;
      if (obj_size.executeStep()) size = static_cast<std::uint64_t>(obj_size.getColumn(0).getInt64());
      obj_size.reset();
      del_obj.bind(1, h);
      del_obj.exec();
      del_obj.reset();
      del_inline.bind(1, h);
      del_inline.exec();
      del_inline.reset();
      total -= std::min(total, size);
      result.bytes_freed += size;
      ++result.objects_removed;
      doomed.push_back(Hash128::from_hex(h));
    }
  }
  // Inline objects whose entry never committed (a run that failed between storing and recording).
  // The orphans are found on the hash index alone: a plain `WHERE hash NOT IN` scans the table,
  // reading every inline object's bytes (30 MB at 1,000 stores, 20-50 ms at the end of every run).
  db_->exec("DELETE FROM inline_objects WHERE hash IN "
            "(SELECT hash FROM inline_objects WHERE hash NOT IN (SELECT hash FROM objects))");
  tx.commit();
  result.bytes_after = total;
  return result;
}

std::vector<Hash128> CacheIndex::clear() {
  std::lock_guard lock(mutex_);
  std::vector<Hash128> all;
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement q(*db_, "SELECT hash FROM objects");
  while (q.executeStep()) all.push_back(Hash128::from_hex(q.getColumn(0).getString()));
  db_->exec("DELETE FROM actions; DELETE FROM refs; DELETE FROM objects; DELETE FROM node_state; DELETE FROM inline_objects;");
  tx.commit();
  return all;
}

}  // namespace sluice::engine
