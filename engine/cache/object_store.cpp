#include "cache/object_store.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include <sluice/atomic_file.hpp>
#include <sluice/errors.hpp>

#include "cache/byte_planes.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"

namespace sluice::engine {

namespace {
constexpr char kMagic[4] = {'S', 'L', 'O', 'B'};
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kCodecRaw = 0;
constexpr std::uint8_t kCodecZstd = 1;
constexpr std::uint8_t kCodecZstdBytePlanes = 2;  // zstd of the byte planes of each 64 KiB block
constexpr std::size_t kHeaderSize = 4 + 1 + 1 + 2 + 8 + 16;
// Small objects are not worth a compressor call.
constexpr std::size_t kCompressThreshold = 4096;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The frame header: magic, version, codec, two spare bytes, raw size, hash.
std::string frame_header(const Hash128& hash, std::uint64_t raw_size, std::uint8_t codec) {
  std::string h(kHeaderSize, '\0');
  std::memcpy(h.data(), kMagic, 4);
  h[4] = static_cast<char>(kVersion);
  h[5] = static_cast<char>(codec);
  std::memcpy(h.data() + 8, &raw_size, 8);
  std::memcpy(h.data() + 16, &hash.high, 8);
  std::memcpy(h.data() + 24, &hash.low, 8);
  return h;
}

using CompressionContext = std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)>;
using DecompressionContext = std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)>;

constexpr std::uint64_t kParallelFrom = 8u << 20;

// Level 1; objects of several MiB (a whole extract) are compressed by zstd's worker threads:
// at level 1 compression runs near memory speed per core, and a large output is usually
// written while the rest of the pipeline waits for it.
void configure(ZSTD_CCtx* cctx, std::uint64_t raw_size) {
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  if (raw_size >= kParallelFrom) {
    const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    // Ignored (single-threaded) if this libzstd was built without threads.
    if (threads > 1) ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, static_cast<int>(threads));
  }
  ZSTD_CCtx_setPledgedSrcSize(cctx, raw_size);
}

// The context for one object. Below kParallelFrom it is the calling thread's own, reused: a
// fresh context allocates and faults in its tables for every object, which costs more than
// compressing a partition of a few kilobytes. `owned` holds a fresh context for larger ones.
ZSTD_CCtx* compression_context(std::uint64_t raw_size, CompressionContext& owned) {
  thread_local const CompressionContext reused(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  ZSTD_CCtx* cctx = reused.get();
  if (raw_size >= kParallelFrom) {
    owned.reset(ZSTD_createCCtx());
    cctx = owned.get();
  }
  if (cctx == nullptr) throw std::bad_alloc();
  configure(cctx, raw_size);
  return cctx;
}

// The calling thread's decompression context, reused for the same reason (ZSTD_decompress
// creates and frees a context on every call).
ZSTD_DCtx* decompression_context() {
  thread_local const DecompressionContext dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (!dctx) throw std::bad_alloc();
  return dctx.get();
}
}  // namespace

ObjectStore::ObjectStore(std::filesystem::path root, bool compress) : root_(std::move(root)), compress_(compress) {
  std::filesystem::create_directories(root_);
}

std::filesystem::path ObjectStore::path_of(const Hash128& hash) const {
  const std::string hex = hash.hex();
  return root_ / hex.substr(0, 2) / hex.substr(2);
}

namespace {
// The codec an object of `raw_size` bytes is stored with.
std::uint8_t codec_for(Compression compression, std::uint64_t raw_size) {
  if (compression == Compression::None || raw_size < kCompressThreshold) return kCodecRaw;
  return compression == Compression::ZstdBytePlanes ? kCodecZstdBytePlanes : kCodecZstd;
}

// `raw` as byte planes, block by block.
std::string byte_planes_of(std::string_view raw) {
  std::string planes(raw.size(), '\0');
  for (std::size_t at = 0; at < raw.size(); at += kPlaneBlock)
    to_byte_planes(raw.data() + at, planes.data() + at, std::min(kPlaneBlock, raw.size() - at));
  return planes;
}

// `raw` as a zstd frame after `header_room` bytes, or nullopt if zstd failed or saved nothing.
// The worst-case buffer is left uninitialised: zeroing it (std::string::resize) would fault in
// and clear pages that the compressed frame never uses.
std::optional<std::string> compress(std::string_view raw, std::size_t header_room) {
  CompressionContext owned(nullptr, &ZSTD_freeCCtx);
  ZSTD_CCtx* cctx = compression_context(raw.size(), owned);
  const std::size_t bound = ZSTD_compressBound(raw.size());
  const auto buffer = std::make_unique_for_overwrite<char[]>(bound);
  const std::size_t n = ZSTD_compress2(cctx, buffer.get(), bound, raw.data(), raw.size());
  if (ZSTD_isError(n) || n >= raw.size()) return std::nullopt;
  std::string out;
  out.reserve(header_room + n);
  out.resize(header_room);
  out.append(buffer.get(), n);
  return out;
}
}  // namespace

std::string ObjectStore::frame(const Hash128& hash, std::string_view raw, Compression compression) {
  const std::uint8_t codec = codec_for(compression, raw.size());
  std::optional<std::string> compressed;
  if (codec == kCodecZstd) compressed = compress(raw, kHeaderSize);
  if (codec == kCodecZstdBytePlanes) compressed = compress(byte_planes_of(raw), kHeaderSize);
  std::string out;
  if (compressed) {
    out = std::move(*compressed);
  } else {
    out.reserve(kHeaderSize + raw.size());
    out.resize(kHeaderSize);
    out.append(raw);
  }
  const std::string header = frame_header(hash, raw.size(), compressed ? codec : kCodecRaw);
  std::memcpy(out.data(), header.data(), kHeaderSize);
  return out;
}

std::optional<std::uint64_t> ObjectStore::stored_size(const Hash128& hash) const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path_of(hash), ec);
  if (ec) return std::nullopt;
  return size;
}

std::uint64_t ObjectStore::put_framed(const Hash128& hash, std::string_view framed, bool durable) {
  // A file already there is kept only if it holds these very bytes: a damaged copy that no read has
  // found yet would otherwise stay, and a --force rerun would not mend it.
  if (stored_size(hash) && read_whole_file(path_of(hash)) == framed) return framed.size();
  AtomicFile file(path_of(hash), ParentDirs::Create);
  file.write(framed);
  file.commit(durable);
  return file.bytes_written();
}

std::uint64_t ObjectStore::put_stream(const Hash128& hash, std::uint64_t raw_size, const Producer& produce,
                                      bool durable, Compression compression) {
  if (const auto size = stored_size(hash)) return *size;
  // Shard directories (objects/ab/) are created on the first write into them.
  AtomicFile file(path_of(hash), ParentDirs::Create);
  const std::uint8_t codec = codec_for(compress_ ? compression : Compression::None, raw_size);
  file.write(frame_header(hash, raw_size, codec));
  std::uint64_t streamed = 0;
  if (codec == kCodecRaw) {
    produce([&](std::string_view piece) {
      file.write(piece);
      streamed += piece.size();
    });
  } else {
    CompressionContext owned(nullptr, &ZSTD_freeCCtx);
    ZSTD_CCtx* cctx = compression_context(raw_size, owned);
    std::string out(ZSTD_CStreamOutSize(), '\0');
    // Feeds one piece (or, with ZSTD_e_end, flushes the frame) and writes what zstd produced.
    auto pump = [&](std::string_view piece, ZSTD_EndDirective mode) {
      ZSTD_inBuffer in{piece.data(), piece.size(), 0};
      for (;;) {
        ZSTD_outBuffer o{out.data(), out.size(), 0};
        const std::size_t left = ZSTD_compressStream2(cctx, &o, &in, mode);
        if (ZSTD_isError(left)) throw Error(std::string("compressing a cache object: ") + ZSTD_getErrorName(left));
        file.write(std::string_view(out.data(), o.pos));
        const bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
        if (done) return;
      }
    };
    if (codec == kCodecZstd) {
      produce([&](std::string_view piece) {
        pump(piece, ZSTD_e_continue);
        streamed += piece.size();
      });
    } else {
      // The pieces gathered into blocks, and each block's planes compressed.
      const auto block = std::make_unique_for_overwrite<char[]>(kPlaneBlock);
      const auto planes = std::make_unique_for_overwrite<char[]>(kPlaneBlock);
      std::size_t filled = 0;
      auto flush = [&] {
        to_byte_planes(block.get(), planes.get(), filled);
        pump(std::string_view(planes.get(), filled), ZSTD_e_continue);
        filled = 0;
      };
      produce([&](std::string_view piece) {
        streamed += piece.size();
        while (!piece.empty()) {
          const std::size_t take = std::min(kPlaneBlock - filled, piece.size());
          std::memcpy(block.get() + filled, piece.data(), take);
          filled += take;
          piece.remove_prefix(take);
          if (filled == kPlaneBlock) flush();
        }
      });
      if (filled > 0) flush();
    }
    pump({}, ZSTD_e_end);
  }
  if (streamed != raw_size)
    throw Error("cache object " + hash.hex() + ": the value encoded to " + std::to_string(streamed) +
                " bytes, not the " + std::to_string(raw_size) + " it was hashed at");
  file.commit(durable);
  return file.bytes_written();
}

ByteBuffer ObjectStore::unframe(const Hash128& expected, std::string_view file) {
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
  ByteBuffer raw;
  if (codec == kCodecRaw) {
    if (payload.size() != raw_size) throw Error("object size does not match its header");
    raw = ByteBuffer::copy_of(payload);
  } else if (codec == kCodecZstd || codec == kCodecZstdBytePlanes) {
    // Bound the allocation by what a valid frame could decompress to.
    const unsigned long long frame_size = ZSTD_getFrameContentSize(payload.data(), payload.size());
    if (frame_size != raw_size) throw Error("compressed object size does not match its header");
    // zstd cannot expand data by more than ~32,000x; a larger claim is a damaged header, and
    // allocating for it would fail (or exhaust memory) before the checksum could say so.
    if (raw_size / 32768 > payload.size()) throw Error("compressed object claims an impossible size");
    try {
      raw = ByteBuffer(raw_size);
    } catch (const std::exception&) {
      throw Error("compressed object claims an impossible size");
    }
    const std::size_t n =
        ZSTD_decompressDCtx(decompression_context(), raw.data(), raw.size(), payload.data(), payload.size());
    if (ZSTD_isError(n) || n != raw_size) throw Error("compressed object is damaged");
    if (codec == kCodecZstdBytePlanes) from_byte_planes_in_place(raw.data(), raw.size());
  } else {
    throw Error("unknown object codec " + std::to_string(codec));
  }
  if (hash_bytes(raw.view()) != expected) throw Error("checksum mismatch");
  return raw;
}

void ObjectStore::sync() const {
  Fd d{::open(root_.c_str(), O_RDONLY | O_DIRECTORY)};
  if (d.fd < 0 || ::syncfs(d.fd) != 0) {
    throw std::system_error(errno, std::generic_category(), "syncing cache objects in " + root_.string());
  }
}

std::optional<ByteBuffer> ObjectStore::get(const Hash128& hash) const {
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

namespace {
bool is_hex(std::string_view text, std::size_t length) {
  return text.size() == length &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An object's file name in its shard, or the temporary name it was written under (atomic_file).
bool is_object_file_name(std::string_view name) {
  constexpr std::size_t kNameLength = 30;  // 32 hex digits of XXH3-128, less the shard's 2
  if (is_hex(name, kNameLength)) return true;
  return name.size() > kNameLength + 1 && name.front() == '.' && is_hex(name.substr(1, kNameLength), kNameLength) &&
         name.substr(kNameLength + 1).starts_with(".tmp-");
}
}  // namespace

void ObjectStore::remove_all_objects() const {
  std::error_code ec;
  for (const auto& shard : std::filesystem::directory_iterator(root_, ec)) {
    const std::string shard_name = shard.path().filename().string();
    if (!is_hex(shard_name, 2) || !shard.is_directory(ec)) continue;
    for (const auto& file : std::filesystem::directory_iterator(shard.path(), ec)) {
      if (is_object_file_name(file.path().filename().string()) && file.is_regular_file(ec))
        std::filesystem::remove(file.path(), ec);
    }
    std::filesystem::remove(shard.path(), ec);  // only if now empty
  }
}

}  // namespace sluice::engine
