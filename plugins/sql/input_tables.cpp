#include "input_tables.hpp"

#include <sluice/errors.hpp>

#include <memory>
#include <string>
#include <vector>

#include "column_lookup.hpp"
#include "sqlite_handles.hpp"

namespace sluice::sql {

const char* sql_type(ColumnType type) {
  switch (type) {
    case ColumnType::Int64: return "INTEGER";
    case ColumnType::Double: return "REAL";
    default: return "TEXT";  // strings, and dates/timestamps as ISO text (which sorts correctly)
  }
}

namespace {

constexpr const char* kModule = "sluice_input";

// sqlite3_vtab must come first: SQLite hands back the pointer it was given.
struct InputTab {
  sqlite3_vtab base{};
  const Table* table = nullptr;
  std::vector<std::unique_ptr<ColumnLookup>> lookups;  // per column, made on first use
};

struct InputCursor {
  sqlite3_vtab_cursor base{};
  InputTab* tab = nullptr;
  const RowList* rows = nullptr;  // the candidate rows of a lookup; nullptr: every row
  std::size_t pos = 0;            // index into `rows`, or the row itself when scanning
  std::size_t end = 0;

  std::size_t row() const { return rows ? (*rows)[pos] : pos; }
};

InputTab& tab_of(sqlite3_vtab* tab) { return *reinterpret_cast<InputTab*>(tab); }
InputCursor& cursor_of(sqlite3_vtab_cursor* cur) { return *reinterpret_cast<InputCursor*>(cur); }

// argv[2] is the table's name; the declared column types give SQL comparisons the same affinity
// an ordinary table of these columns would have.
int connect_table(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out, char** err) {
  const Table* table = argc > 2 ? static_cast<const InputTables*>(aux)->find(argv[2]) : nullptr;
  if (table == nullptr) {
    *err = sqlite3_mprintf("%s tables are made by sluice.sql for its inputs only", kModule);
    return SQLITE_ERROR;
  }
  std::string schema = "CREATE TABLE x(";
  for (std::size_t c = 0; c < table->num_columns(); ++c) {
    const Column& col = table->column(c);
    schema += (c ? ", " : "") + quote_identifier(col.name()) + " " + sql_type(col.type());
  }
  schema += ")";
  if (const int rc = sqlite3_declare_vtab(db, schema.c_str()); rc != SQLITE_OK) return rc;
  auto tab = std::make_unique<InputTab>();
  tab->table = table;
  tab->lookups.resize(table->num_columns());
  *out = &tab.release()->base;  // owned by SQLite until xDisconnect
  return SQLITE_OK;
}

// A distinct xCreate keeps the module from being eponymous (usable as a table-valued function).
int create_table(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out, char** err) {
  return connect_table(db, aux, argc, argv, out, err);
}

int disconnect_table(sqlite3_vtab* tab) {
  std::unique_ptr<InputTab>(&tab_of(tab));
  return SQLITE_OK;
}

// idxNum 0: full scan; c + 1: an equality lookup on column c (the value is argv[0] of xFilter).
// The constraint is not omitted, so SQLite checks it again on every row a lookup returns.
int best_index(sqlite3_vtab* tab, sqlite3_index_info* info) {
  const Table& table = *tab_of(tab).table;
  const double rows = static_cast<double>(table.num_rows());
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ || c.iColumn < 0) continue;
    const Column& column = table.column(static_cast<std::size_t>(c.iColumn));
    if (!ColumnLookup::supports(column.type())) continue;
    if (column.type() == ColumnType::String && std::string_view(sqlite3_vtab_collation(info, i)) != "BINARY") continue;
    info->aConstraintUsage[i].argvIndex = 1;
    info->aConstraintUsage[i].omit = 0;
    info->idxNum = c.iColumn + 1;
    info->estimatedRows = 10;
    info->estimatedCost = 10.0;
    return SQLITE_OK;
  }
  info->idxNum = 0;
  info->estimatedRows = static_cast<sqlite3_int64>(rows);
  info->estimatedCost = rows + 1.0;
  return SQLITE_OK;
}

int open_cursor(sqlite3_vtab* tab, sqlite3_vtab_cursor** out) {
  auto cursor = std::make_unique<InputCursor>();
  cursor->tab = &tab_of(tab);
  *out = &cursor.release()->base;  // owned by SQLite until xClose
  return SQLITE_OK;
}

int close_cursor(sqlite3_vtab_cursor* cur) {
  std::unique_ptr<InputCursor>(&cursor_of(cur));
  return SQLITE_OK;
}

int filter(sqlite3_vtab_cursor* cur, int idx_num, const char*, int argc, sqlite3_value** argv) {
  InputCursor& c = cursor_of(cur);
  InputTab& tab = *c.tab;
  c.pos = 0;
  c.rows = nullptr;
  c.end = tab.table->num_rows();
  if (idx_num > 0 && argc > 0) {
    const auto column = static_cast<std::size_t>(idx_num - 1);
    auto& lookup = tab.lookups[column];
    if (!lookup) lookup = std::make_unique<ColumnLookup>(tab.table->column(column));
    if (auto rows = lookup->rows_equal_to(argv[0])) {
      c.rows = *rows;
      c.end = c.rows->size();
    }
  }
  return SQLITE_OK;
}

int next_row(sqlite3_vtab_cursor* cur) {
  ++cursor_of(cur).pos;
  return SQLITE_OK;
}

int eof(sqlite3_vtab_cursor* cur) {
  const InputCursor& c = cursor_of(cur);
  return c.pos >= c.end ? 1 : 0;
}

int column(sqlite3_vtab_cursor* cur, sqlite3_context* out, int index) {
  const InputCursor& c = cursor_of(cur);
  const std::size_t row = c.row();
  const Column& col = c.tab->table->column(static_cast<std::size_t>(index));
  if (col.is_null(row)) {
    sqlite3_result_null(out);
    return SQLITE_OK;
  }
  switch (col.type()) {
    case ColumnType::Int64: sqlite3_result_int64(out, col.int_at(row)); break;
    case ColumnType::Double: sqlite3_result_double(out, col.double_at(row)); break;
    case ColumnType::String: {
      const auto s = col.string_at(row);  // lives as long as the input table
      sqlite3_result_text64(out, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      break;
    }
    case ColumnType::Date:
    case ColumnType::Timestamp: {
      const std::string s = col.type() == ColumnType::Date ? format_date(col.int_at(row)) : format_timestamp(col.int_at(row));
      sqlite3_result_text64(out, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    }
  }
  return SQLITE_OK;
}

int rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* out) {
  *out = static_cast<sqlite3_int64>(cursor_of(cur).row()) + 1;  // 1-based, like an ordinary table's
  return SQLITE_OK;
}

// Without xUpdate SQLite rejects a write to the table by its own wording before any authorizer
// sees the statement. With it, the write reaches sluice.sql's authorizer, which names the write
// and refuses it while preparing, so this never runs; if it did, it would refuse too.
int refuse_update(sqlite3_vtab* tab, int, sqlite3_value**, sqlite3_int64*) {
  sqlite3_free(tab->zErrMsg);
  tab->zErrMsg = sqlite3_mprintf("%s tables are read-only", kModule);
  return SQLITE_READONLY;
}

sqlite3_module make_module() {
  sqlite3_module m{};
  m.iVersion = 1;
  m.xCreate = create_table;
  m.xConnect = connect_table;
  m.xBestIndex = best_index;
  m.xDisconnect = disconnect_table;
  m.xDestroy = disconnect_table;
  m.xOpen = open_cursor;
  m.xClose = close_cursor;
  m.xFilter = filter;
  m.xNext = next_row;
  m.xEof = eof;
  m.xColumn = column;
  m.xRowid = rowid;
  m.xUpdate = refuse_update;
  return m;
}

const sqlite3_module kInputModule = make_module();

}  // namespace

InputTables::InputTables(sqlite3* db) : db_(db) {
  if (const int rc = sqlite3_create_module_v2(db, kModule, &kInputModule, this, nullptr); rc != SQLITE_OK) {
    throw Error(std::string("cannot register the input table module: ") + sqlite3_errstr(rc));
  }
}

void InputTables::add(const std::string& name, const Table& table) {
  tables_[name] = &table;
  try {
    exec_or_throw(db_, "CREATE VIRTUAL TABLE temp." + quote_identifier(name) + " USING " + kModule, "creating the table");
  } catch (...) {
    tables_.erase(name);
    throw;
  }
}

const Table* InputTables::find(const std::string& name) const {
  const auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

}  // namespace sluice::sql
