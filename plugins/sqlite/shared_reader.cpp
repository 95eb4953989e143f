#include "shared_reader.hpp"

#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sluice::sqlite {

namespace {
struct Reader {
  dev_t device = 0;
  ino_t inode = 0;
  std::unique_ptr<Connection> db;
};

// A process keeps a handful of warehouses open at most; past that the set starts over.
constexpr std::size_t kMaxReaders = 8;

std::mutex& readers_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, Reader>& readers() {
  static std::map<std::string, Reader> open;
  return open;
}
}  // namespace

bool with_shared_reader(const std::filesystem::path& path, int busy_timeout_ms, const std::function<bool(Connection&)>& check) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  std::lock_guard lock(readers_mutex());
  auto& open = readers();
  auto it = open.find(path.string());
  if (it == open.end() || it->second.device != st.st_dev || it->second.inode != st.st_ino) {
    if (it != open.end()) open.erase(it);
    if (open.size() >= kMaxReaders) open.clear();
    Reader r{st.st_dev, st.st_ino, std::make_unique<Connection>(path, OpenMode::ReadOnly, busy_timeout_ms)};
    it = open.emplace(path.string(), std::move(r)).first;
  }
  try {
    return check(*it->second.db);
  } catch (...) {
    open.erase(it);
    throw;
  }
}

}  // namespace sluice::sqlite
