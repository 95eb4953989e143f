#pragma once
// A transaction that rolls back unless committed: any exception between BEGIN
// and commit() leaves the database as it was.
#include <string>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

class Transaction {
 public:
  // `begin` is "BEGIN" or "BEGIN IMMEDIATE" (take the write lock up front, so a
  // locked database fails at the start rather than half-way).
  Transaction(Connection& db, const std::string& begin, std::string context) : db_(db), context_(std::move(context)) {
    db_.exec(begin, context_);
  }
  ~Transaction() {
    if (open_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    db_.exec("COMMIT", context_);
    open_ = false;
  }

 private:
  Connection& db_;
  std::string context_;
  bool open_ = true;
};

}  // namespace sluice::sqlite
