#pragma once
// Connections to a warehouse kept open between the partitions of a run. A foreach load or verify runs
// once per partition, and opening the file for each one cost more than the work: reading the schema
// and refilling the page cache every time, and, for a WAL-mode warehouse, the last connection's close
// folding the whole WAL back into the file (fsync, unlink, unmapping the shared memory) after every
// partition. A pool hands a connection out again for as long as the path names the same file (device
// and inode; the open connection keeps the old inode from being reused). The plugin's stage factory
// owns one pool, so the connections close when the engine drops the plugin's stages at the end of a
// run (a `sluice schedule` daemon does not hold a warehouse open between runs).
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// Readers (query_only, for checks) and writers (for loads) are pooled apart.
enum class PoolRole { Reader, Writer };

class ConnectionPool;

// A connection taken from a pool. give_back() returns it once its work finished cleanly; a lease that
// ends otherwise (an exception unwinding through it) closes the connection, so nothing a failed or
// cancelled load left on it is reused.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&&) noexcept;
  PooledConnection& operator=(PooledConnection&&) noexcept;
  ~PooledConnection();

  Connection& operator*() const { return *db_; }
  Connection* operator->() const { return db_.get(); }

  // Back to the pool, unless it is inside a transaction or has a database attached (then it is closed).
  void give_back();

 private:
  friend class ConnectionPool;
  struct Idle;
  struct Shelf;
  PooledConnection(std::shared_ptr<Shelf> shelf, std::string path, PoolRole role, dev_t device, ino_t inode,
                   std::unique_ptr<Connection> db);

  std::shared_ptr<Shelf> shelf_;  // the pool's idle connections (kept alive while a lease is out)
  std::string path_;
  PoolRole role_;
  dev_t device_;
  ino_t inode_;
  std::unique_ptr<Connection> db_;
};

class ConnectionPool {
 public:
  ConnectionPool();
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection of `role` to the file `path` names, with its busy timeout set to
  // `busy_timeout_ms`, or a new one from `open` when none is idle.
  PooledConnection lease(const std::filesystem::path& path, PoolRole role, int busy_timeout_ms,
                         const std::function<std::unique_ptr<Connection>()>& open);

  // Closes the idle connections to `path` (both roles): switching a warehouse out of WAL mode needs the
  // switching connection to be the file's only one.
  void close_idle(const std::filesystem::path& path);

 private:
  std::shared_ptr<PooledConnection::Shelf> shelf_;
};

}  // namespace sluice::sqlite
