#include "cache/cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

#include "common/errors.hpp"
#include "common/log.hpp"

namespace sluice::engine {

namespace {
// Below this stored (compressed) size a file per object costs more than the object (inode, rename,
// fsync), and one partition's result is usually this small. 16 KiB keeps index.db rows to a few
// pages.
constexpr std::size_t kDefaultInlineLimit = 16 * 1024;
// Objects whose encoding is up to this size are compressed in memory, so that whether one is
// stored inline depends on the bytes it takes; larger ones stream into their file (one that
// compresses below the inline limit from beyond this size is rare).
constexpr std::size_t kFrameInMemoryMax = 256 * 1024;
// A manifest is read whole by every consumer of its node and rewritten whenever one partition
// changes; up to this stored size it is cheaper as a row of index.db than as a file.
constexpr std::size_t kManifestInlineMax = kFrameInMemoryMax;

// Byte planes (byte_planes.hpp) for a table whose encoding is mostly 8-byte words (numbers and the
// offsets of strings); text, a quarter of the bytes or more, compresses better as it is.
Compression compression_for(const Value& value) {
  const Table* table = std::get_if<Table>(&value);
  if (table == nullptr) return Compression::Zstd;
  std::size_t words = 0, text = 0;
  for (std::size_t c = 0; c < table->num_columns(); ++c) {
    const Column& column = table->column(c);
    words += column.size() * 8;
    if (column.type() == ColumnType::String) text += column.string_bytes().size();
  }
  return text * 3 <= words ? Compression::ZstdBytePlanes : Compression::Zstd;
}

std::size_t inline_limit_from_env() {
  const char* env = std::getenv("SLUICE_CACHE_INLINE_MAX");
  if (env == nullptr || *env == '\0') return kDefaultInlineLimit;
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(env, &end, 10);
  if (*env == '-' || *end != '\0' || errno == ERANGE)
    throw UsageError(std::string("SLUICE_CACHE_INLINE_MAX must be a byte count, got '") + env + "'");
  return static_cast<std::size_t>(n);
}
}  // namespace

Cache::Cache(const std::filesystem::path& dir)
    : dir_(dir),
      objects_(dir / "objects", std::getenv("SLUICE_CACHE_COMPRESS") == nullptr ||
                                    std::string(std::getenv("SLUICE_CACHE_COMPRESS")) != "0"),
      index_(dir),
      inline_limit_(inline_limit_from_env()) {}

std::size_t Cache::manifest_inline_limit() const {
  return inline_limit_ == 0 ? 0 : std::max(inline_limit_, kManifestInlineMax);
}

Cache::Stored Cache::store(const Value& value, Durability when, std::size_t inline_max) {
  const bool file_durable = when != Durability::Batch;
  // One streaming pass hashes the encoding and keeps it while it is small enough to inline
  // uncompressed. A larger object is encoded a second time, and only once it is known not to be
  // stored yet: into memory up to kFrameInMemoryMax, else straight into its compressor and file,
  // so a multi-gigabyte table is never copied whole.
  std::string raw;
  const ValueDigest digest = digest_value(value, [&](std::string_view piece) {
    if (raw.size() + piece.size() <= inline_max) raw.append(piece);
  });
  Stored s;
  s.hash = digest.hash;
  const Compression compression = objects_.compresses() ? compression_for(value) : Compression::None;
  if (digest.size > inline_max) {
    if (digest.size > kFrameInMemoryMax) {
      // Stored before (a rerun that produced the same bytes): nothing to encode, compress or write.
      if (const auto size = objects_.stored_size(s.hash)) {
        s.size = *size;
        return s;
      }
      s.size = objects_.put_stream(s.hash, digest.size,
                                   [&](const ValueSink& sink) { encode_value_to(value, sink); }, file_durable,
                                   compression);
      if (!file_durable) unsynced_files_ = true;
      return s;
    }
    raw = encode_value(value);
  }
  std::string framed = ObjectStore::frame(s.hash, raw, compression);
  if (framed.size() > inline_max) {
    s.size = objects_.put_framed(s.hash, framed, file_durable);
    if (!file_durable) unsynced_files_ = true;
    return s;
  }
  s.size = framed.size();
  // Committed before the entry that refers to it, like a file (or with it, by the caller).
  if (when == Durability::Now) index_.put_inline_object(s.hash, framed);
  else s.pending_inline = std::move(framed);
  return s;
}

void Cache::sync_files() {
  // Serialised so that a caller who finds nothing to sync knows an earlier sync has finished.
  std::lock_guard lock(sync_mutex_);
  if (unsynced_files_.exchange(false)) objects_.sync();
}

std::shared_ptr<const Value> Cache::load(const Hash128& hash) {
  std::optional<ByteBuffer> raw;
  bool is_inline = false;
  if (auto framed = index_.inline_object(hash)) {
    is_inline = true;
    try {
      raw = ObjectStore::unframe(hash, *framed);
    } catch (const Error& e) {
      log::warn("cache object " + hash.hex() + " in index.db is corrupt (" + e.what() + "); discarding it and recomputing");
      index_.remove_inline_object(hash);
      return nullptr;
    }
  } else {
    raw = objects_.get(hash);
  }
  if (!raw) return nullptr;
  try {
    return std::make_shared<const Value>(decode_value(raw->view()));
  } catch (const std::exception& e) {
    // The checksum matched, so this is an encoding from an incompatible build.
    log::warn("cache object " + hash.hex() + " cannot be decoded (" + e.what() + "); recomputing");
    if (is_inline) index_.remove_inline_object(hash);
    else objects_.remove(hash);
    return nullptr;
  }
}

bool Cache::contains(const Hash128& hash) { return index_.has_inline_object(hash) || objects_.contains(hash); }

std::string Cache::file_hash(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "missing:" + file.string();
  const std::int64_t mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  const auto inode = static_cast<std::uint64_t>(st.st_ino);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (auto h = index_.file_hash(file.string(), inode, size, mtime_ns)) return *h;
  const std::string h = hash_file(file).value_or(hash_bytes("")).hex();
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
  objects_.remove_all_objects();  // orphans of failed runs too, and nothing that is not an object
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
  if (const char* env = std::getenv("SLUICE_CACHE_DIR"); env != nullptr && *env != '\0') return std::filesystem::absolute(env);
  const std::filesystem::path base =
      pipeline_file.empty() ? std::filesystem::current_path() : std::filesystem::absolute(pipeline_file).parent_path();
  return base / ".sluice" / "cache";
}

}  // namespace sluice::engine
