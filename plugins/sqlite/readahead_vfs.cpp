#include "readahead_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace sluice::sqlite {

namespace {

constexpr int kWindowBytes = 128 * 1024;  // 32 pages of 4 KiB per pread
constexpr int kLargestPage = 65536;       // reads larger than a page go straight through

// SQLite allocates vfs.szOsFile bytes per open file and hands them to xOpen uninitialised: this
// header, then the wrapped VFS's own file object. Plain data only; xOpen fills it, xClose frees.
struct ReadaheadFile {
  sqlite3_file base;          // base.pMethods: this VFS's methods
  sqlite3_file* real;         // the wrapped VFS's file, right after this header
  bool main_db;               // only the main database file is read ahead
  unsigned char* window;      // sqlite3_malloc'd on the first read ahead
  sqlite3_int64 window_start;
  int window_bytes;           // 0: no window
  sqlite3_int64 next_offset;  // where a read that continues the last one starts
};

std::atomic<std::uint64_t> windows_read{0}, reads_served{0};

sqlite3_vfs* wrapped_vfs = nullptr;
sqlite3_vfs readahead_vfs{};
sqlite3_io_methods methods{};

ReadaheadFile& self(sqlite3_file* f) { return *reinterpret_cast<ReadaheadFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return self(f).real; }

void drop_window(sqlite3_file* f) { self(f).window_bytes = 0; }

int read_ahead(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  ReadaheadFile& file = self(f);
  const auto read_through = [&] { return real(f)->pMethods->xRead(real(f), out, amount, offset); };
  const bool in_window = file.window_bytes > 0 && offset >= file.window_start &&
                         offset + amount <= file.window_start + file.window_bytes;
  if (in_window) {
    std::memcpy(out, file.window + (offset - file.window_start), static_cast<std::size_t>(amount));
    file.next_offset = offset + amount;
    reads_served.fetch_add(1, std::memory_order_relaxed);
    return SQLITE_OK;
  }
  const bool continues = offset == file.next_offset && amount <= kLargestPage;
  file.next_offset = offset + amount;
  // A read elsewhere (an interior page of the B-tree, say) leaves the window for the reads after it.
  if (!continues) return read_through();
  file.window_bytes = 0;
  // The window ends at the end of the file: a read past it zero-fills without saying how much it read.
  sqlite3_int64 size = 0;
  if (real(f)->pMethods->xFileSize(real(f), &size) != SQLITE_OK) size = 0;
  const int bytes = static_cast<int>(std::min<sqlite3_int64>(kWindowBytes, size - offset));
  if (bytes <= amount) return read_through();
  if (file.window == nullptr) file.window = static_cast<unsigned char*>(sqlite3_malloc(kWindowBytes));
  // Without memory for a window, or short all the same (the file shrank, which a read transaction
  // rules out): the page on its own.
  if (file.window == nullptr || real(f)->pMethods->xRead(real(f), file.window, bytes, offset) != SQLITE_OK)
    return read_through();
  file.window_start = offset;
  file.window_bytes = bytes;
  windows_read.fetch_add(1, std::memory_order_relaxed);
  std::memcpy(out, file.window, static_cast<std::size_t>(amount));
  return SQLITE_OK;
}

int x_read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  if (!self(f).main_db) return real(f)->pMethods->xRead(real(f), out, amount, offset);
  return read_ahead(f, out, amount, offset);
}

int x_close(sqlite3_file* f) {
  sqlite3_free(self(f).window);
  self(f).window = nullptr;
  return real(f)->pMethods->xClose(real(f));
}

// Every other method forwards to the wrapped file. Those that may start or end a read transaction or
// change the file drop the window first: locks and unlocks, the shared-memory calls (a WAL read
// transaction starts and ends with xShmLock), writes, truncation, syncs and file controls.
enum class Window { Kept, Dropped };

template <auto Method, Window kWindow>
struct Forward;

template <typename R, typename... Args, R (*sqlite3_io_methods::*Method)(sqlite3_file*, Args...), Window kWindow>
struct Forward<Method, kWindow> {
  static R call(sqlite3_file* f, Args... args) {
    if constexpr (kWindow == Window::Dropped) drop_window(f);
    return (real(f)->pMethods->*Method)(real(f), args...);
  }
};

template <auto Method>
constexpr auto dropping = &Forward<Method, Window::Dropped>::call;
template <auto Method>
constexpr auto keeping = &Forward<Method, Window::Kept>::call;

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  ReadaheadFile& file = self(f);
  file.base.pMethods = nullptr;
  file.real = reinterpret_cast<sqlite3_file*>(&file + 1);
  file.main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  file.window = nullptr;
  file.window_start = 0;
  file.window_bytes = 0;
  file.next_offset = -1;
  const int rc = wrapped_vfs->xOpen(wrapped_vfs, name, file.real, flags, out_flags);
  // Whatever the outcome, SQLite calls xClose exactly when pMethods is set.
  if (file.real->pMethods != nullptr) file.base.pMethods = &methods;
  return rc;
}

void install() {
  // Only over the unix VFS (or one of its locking variants), whose files have all of version 3's
  // methods: another default VFS is left alone, without read-ahead.
  sqlite3_vfs* found = sqlite3_vfs_find(nullptr);
  if (found == nullptr || std::strncmp(found->zName, "unix", 4) != 0) return;
  wrapped_vfs = found;
  const int version = 3;
  using M = sqlite3_io_methods;
  methods = {version,
             x_close,
             x_read,
             dropping<&M::xWrite>,
             dropping<&M::xTruncate>,
             dropping<&M::xSync>,
             keeping<&M::xFileSize>,
             dropping<&M::xLock>,
             dropping<&M::xUnlock>,
             keeping<&M::xCheckReservedLock>,
             dropping<&M::xFileControl>,
             keeping<&M::xSectorSize>,
             keeping<&M::xDeviceCharacteristics>,
             dropping<&M::xShmMap>,
             dropping<&M::xShmLock>,
             dropping<&M::xShmBarrier>,
             dropping<&M::xShmUnmap>,
             keeping<&M::xFetch>,
             keeping<&M::xUnfetch>};
  readahead_vfs = *wrapped_vfs;  // everything but opening a file is the wrapped VFS's own
  readahead_vfs.szOsFile = static_cast<int>(sizeof(ReadaheadFile)) + wrapped_vfs->szOsFile;
  readahead_vfs.zName = "sluice-readahead";
  readahead_vfs.pNext = nullptr;
  readahead_vfs.xOpen = x_open;
  if (sqlite3_vfs_register(&readahead_vfs, 0) != SQLITE_OK) {
    readahead_vfs.zName = nullptr;
    return;
  }
  // SQLite keeps a pointer to the VFS in its list, and libsqlite3 outlives this plugin when the
  // engine unloads it: taken out again when the plugin's statics are destroyed.
  static const struct Unregister {
    ~Unregister() { sqlite3_vfs_unregister(&readahead_vfs); }
  } unregister;
}

}  // namespace

ReadaheadCounts readahead_counts() {
  return {windows_read.load(std::memory_order_relaxed), reads_served.load(std::memory_order_relaxed)};
}

const char* readahead_vfs_name() {
  static std::once_flag once;
  std::call_once(once, install);
  return readahead_vfs.zName;
}

}  // namespace sluice::sqlite
