#include "range_reader.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <sluice/errors.hpp>
#include <thread>

#include "table_reader.hpp"

namespace sluice::sqlite {

std::uint64_t rowid_count(std::int64_t first, std::int64_t last) {
  if (last < first) return 0;
  const std::uint64_t span = static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(first);
  return span == std::numeric_limits<std::uint64_t>::max() ? span : span + 1;
}

RowidRanges split_rowids(std::int64_t min_rowid, std::int64_t max_rowid, unsigned count) {
  if (count == 0) count = 1;
  // The width W = max - min + 1 may be 2^64, so W * i / count is computed from span = W - 1
  // in parts that cannot overflow: W / count = span / count + (span % count + 1) / count, etc.
  const std::uint64_t span = max_rowid >= min_rowid
                                 ? static_cast<std::uint64_t>(max_rowid) - static_cast<std::uint64_t>(min_rowid)
                                 : 0;
  const bool empty = max_rowid < min_rowid;
  const std::uint64_t quot = empty ? 0 : span / count + (span % count + 1) / count;
  const std::uint64_t rem = empty ? 0 : (span % count + 1) % count;
  auto bound = [&](unsigned i) {  // min + W * i / count
    const std::uint64_t offset = quot * i + rem * i / count;
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(min_rowid) + offset);
  };
  RowidRanges ranges;
  for (unsigned i = 0; i < count; ++i) {
    const std::int64_t first = i == 0 ? std::numeric_limits<std::int64_t>::min() : bound(i);
    const std::int64_t last = i + 1 == count ? std::numeric_limits<std::int64_t>::max() : bound(i + 1) - 1;
    ranges.emplace_back(first, last);
  }
  return ranges;
}

std::string range_sql(const std::string& select_sql) { return select_sql + " WHERE rowid >= ?1 AND rowid <= ?2"; }

namespace {

struct StopRead {};  // a later range stops because an earlier one failed

// One range: its connection, inside a read transaction, and its bound statement.
struct RangeSlot {
  std::unique_ptr<Connection> db;
  std::unique_ptr<Statement> st;
  std::optional<TablePart> part;
  std::exception_ptr error;
};

// Reads one integer on `db` without waiting for a lock; nullopt when the database is busy.
// Waiting here could deadlock: in rollback-journal mode, a writer waiting to commit holds the
// PENDING lock, which bars new readers, while it waits for the read locks the ranges opened so
// far to go. So a busy database releases everything and tries again instead.
std::optional<std::int64_t> int_without_waiting(Connection& db, const char* sql) {
  struct Restore {
    Connection& db;
    int timeout_ms;
    ~Restore() { db.set_busy_timeout(timeout_ms); }
  } restore{db, db.busy_timeout_ms()};
  db.set_busy_timeout(0);
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db.raw(), sql, -1, &raw, nullptr);
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st.get());
    if (rc == SQLITE_ROW) return sqlite3_column_int64(st.get(), 0);
  }
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return std::nullopt;
  db.fail("the extract query", rc);
}

enum class Snapshots { Same, Changed, Busy };

// Opens one connection per range, each with an open read transaction and its statement bound.
// Same: no write was committed between the first and the last snapshot.
Snapshots open_snapshots(Connection& probe, const RangeRead& read, std::vector<RangeSlot>& slots) {
  const std::int64_t before = query_int(probe, "PRAGMA data_version", "the extract query");
  const std::string sql = range_sql(read.select_sql);
  slots.clear();
  slots.resize(read.ranges.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    RangeSlot& s = slots[i];
    s.db = std::make_unique<Connection>(probe.path(), OpenMode::ReadOnly, probe.busy_timeout_ms());
    s.db->exec("BEGIN", "the extract query");
    // The read transaction, and with it the snapshot, starts at the first read (which also loads
    // the schema) and lasts until the connection closes. Nothing after it needs another lock.
    if (!int_without_waiting(*s.db, "SELECT count(*) FROM sqlite_master")) return Snapshots::Busy;
    if (sqlite3_txn_state(s.db->raw(), "main") != SQLITE_TXN_READ)
      throw Error("SQLite did not keep a read transaction open on '" + probe.path().string() + "'");
    s.st = std::make_unique<Statement>(*s.db, sql, "the extract query");
    s.st->bind_int(1, read.ranges[i].first);
    s.st->bind_int(2, read.ranges[i].second);
  }
  const auto after = int_without_waiting(probe, "PRAGMA data_version");
  if (!after) return Snapshots::Busy;
  return before == *after ? Snapshots::Same : Snapshots::Changed;
}

void close_slots(std::vector<RangeSlot>& slots) {
  for (auto& s : slots) {
    s.st.reset();
    s.db.reset();  // closing ends the read transaction
  }
}

}  // namespace

std::optional<Table> read_rowid_ranges(Connection& probe, const RangeRead& read, Context& ctx) {
  const std::size_t k = read.ranges.size();
  std::vector<RangeSlot> slots;
  bool consistent = false;
  constexpr int kAttempts = 5;
  for (int attempt = 1; attempt <= kAttempts && !consistent; ++attempt) {
    const Snapshots got = open_snapshots(probe, read, slots);
    consistent = got == Snapshots::Same;
    if (!consistent) {
      close_slots(slots);
      ctx.debug(std::string(got == Snapshots::Busy ? "a writer held the database" : "a write was committed") +
                " while the rowid ranges took their snapshots (attempt " + std::to_string(attempt) + " of " +
                std::to_string(kAttempts) + ")");
      if (attempt < kAttempts) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    }
  }
  if (!consistent) return std::nullopt;

  // Ranges after `stop_after` stop at their next batch: an earlier range failed, and its error
  // (or one before it) is the one to report. Earlier ranges finish, so that the first error in
  // rowid order wins and its row number can be counted over the whole table, as one read would.
  std::atomic<long long> stop_after{static_cast<long long>(k)};
  auto stop_from = [&](long long i) {
    long long cur = stop_after.load();
    while (i < cur && !stop_after.compare_exchange_weak(cur, i)) {
    }
  };
  std::atomic<std::size_t> rows_done{0};
  std::mutex m;
  std::condition_variable cv;
  std::size_t finished = 0;

  auto worker = [&](std::size_t i) {
    RangeSlot& s = slots[i];
    try {
      PartOptions options;
      options.rows_per_batch = 16384;
      options.schema = read.schema;
      if (i == 0) {
        options.reserve_rows = read.expected_rows;  // the other parts are appended to this one
      } else {
        const auto [first, last] = read.ranges[i];
        options.reserve_rows = static_cast<std::size_t>(std::min<std::uint64_t>(rowid_count(first, last), read.expected_rows));
      }
      options.on_batch = [&, i](std::size_t n) {
        rows_done += n;
        if (static_cast<long long>(i) > stop_after.load(std::memory_order_relaxed)) throw StopRead{};
        ctx.check_cancelled();
      };
      s.part.emplace(read_part(*s.st, read.source, options));
    } catch (const StopRead&) {
    } catch (...) {
      s.error = std::current_exception();
      stop_from(static_cast<long long>(i));
    }
    {
      std::lock_guard lock(m);
      ++finished;
    }
    cv.notify_all();
  };

  {
    std::vector<std::jthread> threads;
    threads.reserve(k);
    try {
      for (std::size_t i = 0; i < k; ++i) threads.emplace_back(worker, i);
      // Progress is relayed from this thread; the workers poll cancellation themselves.
      std::unique_lock lock(m);
      while (finished < k) {
        cv.wait_for(lock, std::chrono::milliseconds(200));
        lock.unlock();
        const std::size_t done = rows_done.load();
        ctx.progress(done, progress_total(done, read.expected_rows), "rows");
        lock.lock();
      }
    } catch (...) {
      stop_from(-1);
      throw;  // the jthreads join on the way out
    }
  }
  close_slots(slots);  // release the read locks before the join

  std::size_t rows_before = 0;
  for (auto& s : slots) {
    if (s.error) {
      try {
        std::rethrow_exception(s.error);
      } catch (const RowValueError& e) {
        throw Error(e.message_at(rows_before));
      }
    }
    rows_before += s.part->num_rows();
  }

  std::vector<TablePart> parts;
  parts.reserve(k);
  for (auto& s : slots) parts.push_back(std::move(*s.part));
  slots.clear();
  Table out = combine_parts(std::move(parts), static_cast<unsigned>(k));
  ctx.progress(rows_before, rows_before, "rows");
  return out;
}

}  // namespace sluice::sqlite
