#pragma once
// Loads into one warehouse queue for its write lock inside the process. SQLite's busy handler polls:
// a load that finds the lock taken sleeps and tries again, so with several partitions writing one
// file most waits outlast the commit they wait for (1,000 loads of a forecast slept 3 s in all).
// Taking a process-wide mutex per file first hands the lock over the moment the previous writer
// commits. Writers in other processes still meet the busy handler.
#include <filesystem>
#include <mutex>
#include <string>

#include "transaction.hpp"

namespace sluice::sqlite {

// Blocks until no other write in this process holds `db` (an existing file, named by any path),
// and holds it until the returned lock is released. Take it before BEGIN IMMEDIATE and release it
// after COMMIT or ROLLBACK.
std::unique_lock<std::mutex> queue_for_writes(const std::filesystem::path& db);

// A write transaction on `db` (BEGIN IMMEDIATE) taken in this process's queue for the file: rolls
// back unless committed, and hands the file to the next writer when it ends.
class QueuedWrite {
 public:
  QueuedWrite(Connection& db, std::string context)
      : turn_(queue_for_writes(db.path())), tx_(db, "BEGIN IMMEDIATE", std::move(context)) {}
  void commit() { tx_.commit(); }

 private:
  std::unique_lock<std::mutex> turn_;  // declared first: released after the transaction ends
  Transaction tx_;
};

}  // namespace sluice::sqlite
