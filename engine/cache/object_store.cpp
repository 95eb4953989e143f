#include "cache/object_store.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <system_error>
#include <thread>

#include <sluice/errors.hpp>

#include "common/file_io.hpp"
#include "common/log.hpp"

namespace sluice::engine {

namespace {
constexpr char kMagic[4] = {'S', 'L', 'O', 'B'};
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kCodecRaw = 0;
constexpr std::uint8_t kCodecZstd = 1;
constexpr std::size_t kHeaderSize = 4 + 1 + 1 + 2 + 8 + 16;
// Small objects are not worth a compressor call.
constexpr std::size_t kCompressThreshold = 4096;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "writing " + path.string());
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void fsync_dir(const std::filesystem::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY)};
  if (d.fd >= 0) ::fsync(d.fd);
}

std::string temp_name() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng());
}
}  // namespace

void write_file_atomic(const std::filesystem::path& target, std::string_view bytes, bool durable) {
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::filesystem::create_directories(dir);
  const auto tmp = dir / temp_name();
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
    if (f.fd < 0) throw std::system_error(errno, std::generic_category(), "creating " + tmp.string());
    try {
      write_all(f.fd, bytes, tmp);
      if (durable && ::fsync(f.fd) != 0) throw std::system_error(errno, std::generic_category(), "fsync " + tmp.string());
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::system_error(err, std::generic_category(), "renaming into " + target.string());
  }
  if (durable) fsync_dir(dir);
}

ObjectStore::ObjectStore(std::filesystem::path root, bool compress) : root_(std::move(root)), compress_(compress) {
  std::filesystem::create_directories(root_);
}

std::filesystem::path ObjectStore::path_of(const Hash128& hash) const {
  const std::string hex = hash.hex();
  return root_ / hex.substr(0, 2) / hex.substr(2);
}

namespace {
// `raw` compressed as a zstd frame, or nullopt if zstd failed or saved nothing. Objects of several
// MiB (a whole extract) are compressed by zstd's worker threads: at level 1 compression runs near
// memory speed per core, and a large output is usually written while the rest of the pipeline
// waits for it. The worst-case buffer is left uninitialised: zeroing it (std::string::resize)
// would fault in and clear gigabytes of pages that the compressed frame never uses.
std::optional<std::string> compress(std::string_view raw, std::size_t header_room) {
  constexpr std::size_t kParallelFrom = 8u << 20;
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  if (!cctx) return std::nullopt;
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, 1);
  if (raw.size() >= kParallelFrom) {
    const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    // Ignored (single-threaded) if this libzstd was built without threads.
    if (threads > 1) ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_nbWorkers, static_cast<int>(threads));
  }
  const std::size_t bound = ZSTD_compressBound(raw.size());
  const auto buffer = std::make_unique_for_overwrite<char[]>(bound);
  const std::size_t n = ZSTD_compress2(cctx.get(), buffer.get(), bound, raw.data(), raw.size());
  if (ZSTD_isError(n) || n >= raw.size()) return std::nullopt;
  std::string out;
  out.reserve(header_room + n);
  out.resize(header_room);
  out.append(buffer.get(), n);
  return out;
}
}  // namespace

std::string ObjectStore::frame(const Hash128& hash, std::string_view raw, bool compress_payload) {
  std::optional<std::string> compressed;
  if (compress_payload && raw.size() >= kCompressThreshold) compressed = compress(raw, kHeaderSize);
  std::string out;
  if (compressed) {
    out = std::move(*compressed);
  } else {
    out.reserve(kHeaderSize + raw.size());
    out.resize(kHeaderSize);
    out.append(raw);
  }
  std::memcpy(out.data(), kMagic, 4);
  out[4] = static_cast<char>(kVersion);
  out[5] = static_cast<char>(compressed ? kCodecZstd : kCodecRaw);
  out[6] = out[7] = 0;
  const std::uint64_t raw_size = raw.size();
  std::memcpy(out.data() + 8, &raw_size, 8);
  std::memcpy(out.data() + 16, &hash.high, 8);
  std::memcpy(out.data() + 24, &hash.low, 8);
  return out;
}

std::string ObjectStore::unframe(const Hash128& expected, std::string_view file) {
  if (file.size() < kHeaderSize || std::memcmp(file.data(), kMagic, 4) != 0) throw Error("not a cache object (bad header)");
  if (static_cast<std::uint8_t>(file[4]) != kVersion) throw Error("unsupported cache object version");
  const auto codec = static_cast<std::uint8_t>(file[5]);
  std::uint64_t raw_size;
  Hash128 stored;
  std::memcpy(&raw_size, file.data() + 8, 8);
  std::memcpy(&stored.high, file.data() + 16, 8);
  std::memcpy(&stored.low, file.data() + 24, 8);
  if (stored != expected) throw Error("object header names another hash");
  const std::string_view payload = file.substr(kHeaderSize);
  std::string raw;
  if (codec == kCodecRaw) {
    if (payload.size() != raw_size) throw Error("object size does not match its header");
    raw.assign(payload);
  } else if (codec == kCodecZstd) {
    // Bound the allocation by what a valid frame could decompress to.
    const unsigned long long frame_size = ZSTD_getFrameContentSize(payload.data(), payload.size());
    if (frame_size != raw_size) throw Error("compressed object size does not match its header");
    // zstd cannot expand data by more than ~32,000x; a larger claim is a damaged header, and
    // allocating for it would fail (or exhaust memory) before the checksum could say so.
    if (raw_size / 32768 > payload.size()) throw Error("compressed object claims an impossible size");
    try {
      raw.resize(raw_size);
    } catch (const std::exception&) {
      throw Error("compressed object claims an impossible size");
    }
    const std::size_t n = ZSTD_decompress(raw.data(), raw.size(), payload.data(), payload.size());
    if (ZSTD_isError(n) || n != raw_size) throw Error("compressed object is damaged");
  } else {
    throw Error("unknown object codec " + std::to_string(codec));
  }
  if (hash_bytes(raw) != expected) throw Error("checksum mismatch");
  return raw;
}

void ObjectStore::sync() const {
  Fd d{::open(root_.c_str(), O_RDONLY | O_DIRECTORY)};
  if (d.fd < 0 || ::syncfs(d.fd) != 0) {
    throw std::system_error(errno, std::generic_category(), "syncing cache objects in " + root_.string());
  }
}

std::uint64_t ObjectStore::put(const Hash128& hash, std::string_view raw, bool durable) {
  const auto path = path_of(hash);
  std::error_code ec;
  if (auto size = std::filesystem::file_size(path, ec); !ec) return size;
  const std::string framed = frame(hash, raw, compress_);
  write_file_atomic(path, framed, durable);
  return framed.size();
}

std::optional<std::string> ObjectStore::get(const Hash128& hash) const {
  const auto path = path_of(hash);
  const auto bytes = read_whole_file(path);
  if (!bytes) return std::nullopt;
  try {
    return unframe(hash, *bytes);
  } catch (const Error& e) {
    log::warn("cache object " + path.string() + " is corrupt (" + e.what() + "); discarding it and recomputing");
    remove(hash);
    return std::nullopt;
  }
}

bool ObjectStore::contains(const Hash128& hash) const {
  std::error_code ec;
  return std::filesystem::exists(path_of(hash), ec);
}

void ObjectStore::remove(const Hash128& hash) const {
  std::error_code ec;
  std::filesystem::remove(path_of(hash), ec);
}

}  // namespace sluice::engine
