#pragma once
// A SQLite VFS that reads a database file ahead when SQLite reads it page by page in file order.
//
// SQLite reads one page per pread(2). A large extract through an index built in one go (CREATE
// INDEX after a bulk load, or after VACUUM) reads its leaf pages in file order, so the system
// calls, not the copying, were about a tenth of the extract's CPU. This VFS wraps the default one:
// when a page of the main database file is read right after the page before it, it reads a window
// of the following pages with one pread and serves the next reads from it. A read elsewhere goes
// through unchanged, so a scattered read pattern costs nothing extra.
//
// The window never outlives what SQLite itself may assume about the file: it is dropped on every
// call other than a read (a lock or unlock, a shared-memory lock that starts or ends a WAL read
// transaction, a write, a truncate, a sync), so it is only ever used inside one read transaction,
// where the pages SQLite reads from the database file cannot change.
#include <cstdint>

namespace sluice::sqlite {

// The VFS's name for sqlite3_open_v2, registered on the first call (thread-safe); nullptr, which
// is SQLite's default VFS, where the default is not the unix VFS this one wraps.
const char* readahead_vfs_name();

// Reads ahead so far in this process: windows read, and page reads served from a window.
struct ReadaheadCounts {
  std::uint64_t windows = 0;
  std::uint64_t served = 0;
};
ReadaheadCounts readahead_counts();

}  // namespace sluice::sqlite
