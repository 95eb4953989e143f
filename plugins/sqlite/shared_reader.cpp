#include "shared_reader.hpp"

#include <sluice/errors.hpp>

#include "connection_pool.hpp"

namespace sluice::sqlite {

namespace {
// Read-write but query-only where the file allows it: these connections stay open until the run
// ends, so one of them is often the last to close a WAL-mode warehouse, and only a connection that
// may write folds the WAL back into the file and deletes it then. A read-only one would leave the
// loads' last pages in <db>-wal, where a copy of the file alone would miss them.
std::unique_ptr<Connection> open_reader(const std::filesystem::path& path, int busy_timeout_ms) {
  try {
    auto db = std::make_unique<Connection>(path, OpenMode::ReadWrite, busy_timeout_ms);
    db->exec("PRAGMA query_only=1", "opening a connection to verify loads");
    return db;
  } catch (const Error&) {
    return std::make_unique<Connection>(path, OpenMode::ReadOnly, busy_timeout_ms);  // a file we may not write
  }
}
}  // namespace

bool with_shared_reader(ConnectionPool& pool, const std::filesystem::path& path, int busy_timeout_ms,
                        const std::function<bool(Connection&)>& check) {
  PooledConnection reader =
      pool.lease(path, PoolRole::Reader, busy_timeout_ms, [&] { return open_reader(path, busy_timeout_ms); });
  const bool ok = check(*reader);  // a throw closes this connection with `reader`
  reader.give_back();
  return ok;
}

}  // namespace sluice::sqlite
