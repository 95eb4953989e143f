#pragma once
// Owning handles for the SQLite C API and identifier quoting.
#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include <sluice/errors.hpp>

namespace sluice::sql {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Stmt = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

// "name" with embedded quotes doubled: safe for any table or column name.
inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Runs SQL without results; a failure throws "<what>: <SQLite's message>".
inline void exec_or_throw(sqlite3* db, const std::string& sql, const std::string& what) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw Error(what + ": " + msg);
  }
}

}  // namespace sluice::sql
