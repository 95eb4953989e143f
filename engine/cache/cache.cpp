#include "cache/cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <sluice/serialize.hpp>

#include "common/log.hpp"

namespace sluice::engine {

Cache::Cache(const std::filesystem::path& dir)
    : dir_(dir),
      objects_(dir / "objects", std::getenv("SLUICE_CACHE_COMPRESS") == nullptr ||
                                    std::string(std::getenv("SLUICE_CACHE_COMPRESS")) != "0"),
      index_(dir) {}

Cache::Stored Cache::store(const Value& value, bool durable) {
  const std::string raw = encode_value(value);
  Stored s;
  s.hash = hash_bytes(raw);
  s.size = objects_.put(s.hash, raw, durable);
  return s;
}

std::shared_ptr<const Value> Cache::load(const Hash128& hash) {
  auto raw = objects_.get(hash);
  if (!raw) return nullptr;
  try {
    return std::make_shared<const Value>(decode_value(*raw));
  } catch (const std::exception& e) {
    // The checksum matched, so this is an encoding from an incompatible build.
    log::warn("cache object " + hash.hex() + " cannot be decoded (" + e.what() + "); recomputing");
    objects_.remove(hash);
    return nullptr;
  }
}

std::string Cache::file_hash(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "missing:" + file.string();
  const std::int64_t mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  const auto inode = static_cast<std::uint64_t>(st.st_ino);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (auto h = index_.file_hash(file.string(), inode, size, mtime_ns)) return *h;
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string h = hash_bytes(bytes).hex();
  index_.set_file_hash(file.string(), inode, size, mtime_ns, h);
  return h;
}

GcResult Cache::gc(std::optional<std::uint64_t> max_bytes, std::optional<std::chrono::seconds> older_than,
                   const std::vector<std::string>& protect) {
  std::vector<Hash128> doomed;
  GcResult r = index_.gc(max_bytes, older_than, protect, /*protect_current=*/true, doomed);
  for (const auto& h : doomed) objects_.remove(h);
  return r;
}

void Cache::clear() {
  for (const auto& h : index_.clear()) objects_.remove(h);
  std::error_code ec;
  std::filesystem::remove_all(objects_.root(), ec);
  std::filesystem::create_directories(objects_.root());
}

CacheUseLock::CacheUseLock(const std::filesystem::path& cache_dir, Mode mode, bool wait) {
  std::filesystem::create_directories(cache_dir);
  fd_ = ::open((cache_dir / "gc.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return;
  int op = mode == Mode::Shared ? LOCK_SH : LOCK_EX;
  if (!wait) op |= LOCK_NB;
  while (::flock(fd_, op) != 0) {
    if (errno == EINTR) continue;
    return;
  }
  locked_ = true;
}

CacheUseLock::~CacheUseLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::filesystem::path default_cache_dir(const std::filesystem::path& pipeline_file) {
  if (const char* env = std::getenv("SLUICE_CACHE_DIR"); env != nullptr && *env != '\0') return env;
  return std::filesystem::absolute(pipeline_file).parent_path() / ".sluice" / "cache";
}

}  // namespace sluice::engine
