#include "shared_reader.hpp"

#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <sluice/errors.hpp>

namespace sluice::sqlite {

namespace {
struct Reader {
  dev_t device = 0;
  ino_t inode = 0;
  std::unique_ptr<Connection> db;
};

// A process verifies a handful of warehouses at most; past that the pool starts over.
constexpr std::size_t kMaxFiles = 8;

struct Pool {
  std::mutex mutex;
  std::map<std::string, std::vector<Reader>> idle;
};

Pool& pool() {
  static Pool p;
  return p;
}

// An idle reader of the same file, if any; readers of a file the path no longer names are closed.
std::optional<Reader> take_idle(const std::string& path, const struct stat& st) {
  Pool& p = pool();
  std::lock_guard lock(p.mutex);
  auto& readers = p.idle[path];
  std::erase_if(readers, [&](const Reader& r) { return r.device != st.st_dev || r.inode != st.st_ino; });
  if (readers.empty()) return std::nullopt;
  Reader r = std::move(readers.back());
  readers.pop_back();
  return r;
}

// Closes the readers of a path that names no file any more (they would keep a deleted file's space).
void forget(const std::string& path) {
  Pool& p = pool();
  std::lock_guard lock(p.mutex);
  p.idle.erase(path);
}

// Read-write but query-only where the file allows it: these connections stay open until the process
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

void give_back(const std::string& path, Reader reader) {
  Pool& p = pool();
  std::lock_guard lock(p.mutex);
  if (p.idle.size() >= kMaxFiles && p.idle.find(path) == p.idle.end()) p.idle.clear();
  p.idle[path].push_back(std::move(reader));
}
}  // namespace

bool with_shared_reader(const std::filesystem::path& path, int busy_timeout_ms, const std::function<bool(Connection&)>& check) {
  struct stat st {};
  const std::string key = path.string();
  if (::stat(path.c_str(), &st) != 0) {
    forget(key);
    return false;
  }
  std::optional<Reader> reader = take_idle(key, st);
  if (!reader) reader = Reader{st.st_dev, st.st_ino, open_reader(path, busy_timeout_ms)};
  const bool ok = check(*reader->db);  // a throw closes this connection with `reader`
  give_back(key, std::move(*reader));
  return ok;
}

}  // namespace sluice::sqlite
