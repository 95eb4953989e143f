#include "sql_database.hpp"

#include <cctype>
#include <string_view>

#include <sluice/errors.hpp>

#include "result_column.hpp"

namespace sluice::sql {

namespace {

const std::string kReadOnly = "the query modifies the database; sluice.sql only runs read-only queries";

// What a statement would change, for the authorizer's actions that write; nullptr for the rest
// (reads, functions, and statements the checks after preparing reject, such as BEGIN).
const char* write_action(int action) {
  switch (action) {
    case SQLITE_INSERT: return "INSERT into";
    case SQLITE_UPDATE: return "UPDATE of";
    case SQLITE_DELETE: return "DELETE from";
    case SQLITE_CREATE_TABLE: case SQLITE_CREATE_TEMP_TABLE: return "CREATE TABLE";
    case SQLITE_CREATE_VIEW: case SQLITE_CREATE_TEMP_VIEW: return "CREATE VIEW";
    case SQLITE_CREATE_INDEX: case SQLITE_CREATE_TEMP_INDEX: return "CREATE INDEX";
    case SQLITE_CREATE_TRIGGER: case SQLITE_CREATE_TEMP_TRIGGER: return "CREATE TRIGGER";
    case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_TABLE: case SQLITE_DROP_TEMP_TABLE: return "DROP TABLE";
    case SQLITE_DROP_VIEW: case SQLITE_DROP_TEMP_VIEW: return "DROP VIEW";
    case SQLITE_DROP_INDEX: case SQLITE_DROP_TEMP_INDEX: return "DROP INDEX";
    case SQLITE_DROP_TRIGGER: case SQLITE_DROP_TEMP_TRIGGER: return "DROP TRIGGER";
    case SQLITE_DROP_VTABLE: return "DROP TABLE";  // the inputs are tables to the user
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_ANALYZE: return "ANALYZE";
    default: return nullptr;
  }
}

bool is_schema_table(const char* name) { return name != nullptr && std::string_view(name).starts_with("sqlite_"); }

// The authorizer of the query: refuses every write while SQLite prepares it and says which, so
// the error names what the query tried instead of relying on SQLite's wording. SQLite asks about
// the schema-table row of a CREATE or DROP before the CREATE or DROP itself; that step is let
// through (and only remembered) so the statement's own action is the one refused and named.
int deny_writes(void* denied, int action, const char* object, const char* detail, const char*, const char*) {
  const char* verb = write_action(action);
  if (verb == nullptr) return SQLITE_OK;
  // ALTER TABLE names the schema first and the table second.
  const char* name = action == SQLITE_ALTER_TABLE ? detail : object;
  const std::string what = std::string(verb) + (name != nullptr ? " " + std::string(name) : "");
  auto& named = *static_cast<std::string*>(denied);
  const bool schema_step =
      (action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE) && is_schema_table(name);
  if (schema_step) {
    if (named.empty()) named = what;
    return SQLITE_OK;
  }
  named = what;
  return SQLITE_DENY;
}

// Polls the stage's cancellation flag while SQLite runs a long statement.
int cancel_probe(void* ctx) { return static_cast<Context*>(ctx)->cancelled() ? 1 : 0; }

bool only_whitespace_or_semicolons(const char* p) {
  for (; *p != '\0'; ++p)
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
  return true;
}

}  // namespace

SqlDatabase::SqlDatabase() {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) throw Error(std::string("cannot open an in-memory SQLite database: ") + sqlite3_errstr(rc));
  // The query only ever sees the inputs: no attached files, no schema tricks.
  sqlite3_limit(raw, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  inputs_.emplace(raw);
}

void SqlDatabase::fail(const std::string& what, const std::string& sql) const {
  throw Error(what + "\n  query: " + sql + "\n  tables: " + describe_tables());
}

std::string SqlDatabase::describe_tables() const {
  if (tables_.empty()) return "(none; bind inputs to this node)";
  std::string out;
  for (const auto& [name, columns] : tables_) {
    if (!out.empty()) out += ", ";
    out += quote_identifier(name) + "(";
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + columns[i];
    out += ")";
  }
  return out;
}

void SqlDatabase::load(const std::string& name, const Table& table) {
  if (table.num_columns() == 0) throw Error("input '" + name + "' has no columns; SQLite tables need at least one");
  try {
    inputs_->add(name, table);
  } catch (const Error& e) {
    throw Error("loading input '" + name + "' into SQLite failed: " + e.what());
  }
  std::vector<std::string> names;
  for (std::size_t c = 0; c < table.num_columns(); ++c) {
    declared_[{name, table.column(c).name()}] = table.column(c).type();
    names.push_back(table.column(c).name());
  }
  tables_.emplace_back(name, std::move(names));
}

Table SqlDatabase::query(const std::string& sql, const std::map<std::string, ColumnType>& forced, Context& ctx) {
  sqlite3* db = db_.get();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  // Installed now, after the inputs were declared (that took CREATE VIRTUAL TABLE).
  std::string denied;
  sqlite3_set_authorizer(db, deny_writes, &denied);
  const int prepared = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, &tail);
  sqlite3_set_authorizer(db, nullptr, nullptr);
  if (prepared != SQLITE_OK) {
    if (!denied.empty()) fail(kReadOnly + " (" + denied + ")", sql);
    fail(std::string("SQL error: ") + sqlite3_errmsg(db), sql);
  }
  Stmt stmt(raw);
  if (raw == nullptr) fail("the query is empty; write a SELECT", sql);
  if (tail != nullptr && !only_whitespace_or_semicolons(tail)) {
    sqlite3_stmt* extra = nullptr;
    sqlite3_prepare_v2(db, tail, -1, &extra, nullptr);
    Stmt extra_owner(extra);
    if (extra != nullptr) fail("the query holds more than one statement; sluice.sql runs exactly one SELECT", sql);
  }
  const int columns = sqlite3_column_count(raw);
  if (columns == 0) fail("the query returns no columns; sluice.sql needs a SELECT (or WITH ... SELECT, VALUES) that produces a table", sql);
  if (!sqlite3_stmt_readonly(raw)) fail(kReadOnly, sql);

  std::vector<ResultColumn> result;
  for (int c = 0; c < columns; ++c) {
    const char* n = sqlite3_column_name(raw, c);
    std::string name = n ? n : "column_" + std::to_string(c + 1);
    for (const auto& prev : result) {
      if (prev.name() == name) {
        fail("the query returns two columns named '" + name + "'; give them distinct names with AS", sql);
      }
    }
    result.emplace_back(std::move(name));
  }
  for (const auto& [name, type] : forced) {
    bool found = false;
    for (const auto& r : result) found |= r.name() == name;
    if (!found) {
      std::string have;
      for (const auto& r : result) have += (have.empty() ? "" : ", ") + r.name();
      throw Error("parameter 'types' names column '" + name + "', which the query does not return; it returns: " + have);
    }
  }

  sqlite3_progress_handler(db, 10'000, cancel_probe, &ctx);
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_INTERRUPT && ctx.cancelled()) {
      sqlite3_progress_handler(db, 0, nullptr, nullptr);
      throw Cancelled();
    }
    if (rc != SQLITE_ROW) {
      sqlite3_progress_handler(db, 0, nullptr, nullptr);
      fail(std::string("SQL error: ") + sqlite3_errmsg(db), sql);
    }
    for (int c = 0; c < columns; ++c) result[static_cast<std::size_t>(c)].append(raw, c);
  }
  sqlite3_progress_handler(db, 0, nullptr, nullptr);

  Table out;
  for (int c = 0; c < columns; ++c) {
    const ResultColumn& rc = result[static_cast<std::size_t>(c)];
    ColumnType type;
    if (auto f = forced.find(rc.name()); f != forced.end()) {
      type = f->second;
    } else {
      // A column taken straight from an input keeps the input's type (dates come back as dates).
      const char* table = sqlite3_column_table_name(raw, c);
      const char* origin = sqlite3_column_origin_name(raw, c);
      auto d = table && origin ? declared_.find({table, origin}) : declared_.end();
      type = d != declared_.end() ? d->second : rc.inferred_type();
    }
    out.add_column(rc.to_column(type));
  }
  return out;
}

}  // namespace sluice::sql
