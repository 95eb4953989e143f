#include "writer_queue.hpp"

#include <sys/stat.h>

#include <map>
#include <memory>
#include <utility>

#include <sluice/errors.hpp>

namespace sluice::sqlite {

namespace {
// By device and inode, so that two spellings of one path share a queue. Entries are never removed:
// a process writes a handful of warehouses, and a mutex someone may be waiting on must outlive them.
struct Queues {
  std::mutex mutex;
  std::map<std::pair<dev_t, ino_t>, std::unique_ptr<std::mutex>> by_file;
};

Queues& queues() {
  static Queues q;
  return q;
}
}  // namespace

std::unique_lock<std::mutex> queue_for_writes(const std::filesystem::path& db) {
  struct stat st {};
  if (::stat(db.c_str(), &st) != 0) throw Error("cannot stat warehouse '" + db.string() + "' before writing to it");
  std::mutex* file_mutex = nullptr;
  {
    Queues& q = queues();
    std::lock_guard lock(q.mutex);
    auto& slot = q.by_file[{st.st_dev, st.st_ino}];
    if (!slot) slot = std::make_unique<std::mutex>();
    file_mutex = slot.get();
  }
  return std::unique_lock<std::mutex>(*file_mutex);
}

}  // namespace sluice::sqlite
