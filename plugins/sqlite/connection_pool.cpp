#include "connection_pool.hpp"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace sluice::sqlite {

struct PooledConnection::Idle {
  dev_t device = 0;
  ino_t inode = 0;
  std::unique_ptr<Connection> db;
};

struct PooledConnection::Shelf {
  using Key = std::pair<std::string, PoolRole>;
  // A run loads and verifies a handful of warehouses at most; past that the shelf starts over.
  static constexpr std::size_t kMaxKeys = 16;

  std::mutex mutex;
  std::map<Key, std::vector<Idle>> idle;

  // An idle connection to the file `st` describes; those to a file the path no longer names are closed.
  std::optional<Idle> take(const Key& key, const struct stat& st) {
    std::lock_guard lock(mutex);
    const auto found = idle.find(key);
    if (found == idle.end()) return std::nullopt;
    auto& connections = found->second;
    std::erase_if(connections, [&](const Idle& c) { return c.device != st.st_dev || c.inode != st.st_ino; });
    if (connections.empty()) return std::nullopt;
    Idle c = std::move(connections.back());
    connections.pop_back();
    return c;
  }

  void put(Key key, Idle connection) {
    std::lock_guard lock(mutex);
    if (idle.size() >= kMaxKeys && idle.find(key) == idle.end()) idle.clear();
    idle[std::move(key)].push_back(std::move(connection));
  }

  // Closes the idle connections to a path: it names no file any more (they would keep a deleted
  // file's space), or the caller needs to be alone on it.
  void forget(const std::string& path) {
    std::lock_guard lock(mutex);
    std::erase_if(idle, [&](const auto& entry) { return entry.first.first == path; });
  }
};

PooledConnection::PooledConnection(std::shared_ptr<Shelf> shelf, std::string path, PoolRole role, dev_t device,
                                   ino_t inode, std::unique_ptr<Connection> db)
    : shelf_(std::move(shelf)), path_(std::move(path)), role_(role), device_(device), inode_(inode), db_(std::move(db)) {}

PooledConnection::PooledConnection(PooledConnection&&) noexcept = default;
PooledConnection& PooledConnection::operator=(PooledConnection&&) noexcept = default;
PooledConnection::~PooledConnection() = default;

void PooledConnection::give_back() {
  if (!db_) return;
  std::unique_ptr<Connection> db = std::move(db_);
  // Whatever the work left open makes the connection unfit for the next one: it is closed instead.
  const bool in_transaction = sqlite3_get_autocommit(db->raw()) == 0;
  const bool attached = sqlite3_db_name(db->raw(), 2) != nullptr;  // 0 is main, 1 temp
  if (in_transaction || attached) return;
  shelf_->put({path_, role_}, Idle{device_, inode_, std::move(db)});
}

ConnectionPool::ConnectionPool() : shelf_(std::make_shared<PooledConnection::Shelf>()) {}
ConnectionPool::~ConnectionPool() = default;

PooledConnection ConnectionPool::lease(const std::filesystem::path& path, PoolRole role, int busy_timeout_ms,
                                       const std::function<std::unique_ptr<Connection>()>& open) {
  std::string key = path.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (std::optional<PooledConnection::Idle> idle = shelf_->take({key, role}, st)) {
      idle->db->set_busy_timeout(busy_timeout_ms);
      return PooledConnection(shelf_, std::move(key), role, idle->device, idle->inode, std::move(idle->db));
    }
  } else {
    shelf_->forget(key);
  }
  std::unique_ptr<Connection> db = open();
  // A file created by this open has its identity only now; one that cannot be named is never reused.
  if (::stat(path.c_str(), &st) != 0) st = {};
  return PooledConnection(shelf_, std::move(key), role, st.st_dev, st.st_ino, std::move(db));
}

void ConnectionPool::close_idle(const std::filesystem::path& path) { shelf_->forget(path.string()); }

}  // namespace sluice::sqlite
