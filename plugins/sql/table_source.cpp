#include "table_source.hpp"

#include <sluice/errors.hpp>

#include <memory>
#include <string>

#include "sqlite_handles.hpp"

namespace sluice::sql {

struct TableSourceAccess {
  static const Table* current(void* aux) { return static_cast<TableSource*>(aux)->current_; }
};

namespace {

constexpr const char* kModule = "sluice_table_source";
constexpr const char* kSourceTable = "temp.sluice_table_source_0";

// sqlite3_vtab must come first: SQLite hands back the pointer it was given.
struct SourceTab {
  sqlite3_vtab base{};
  const Table* table = nullptr;
};

struct SourceCursor {
  sqlite3_vtab_cursor base{};
  const Table* table = nullptr;
  std::size_t row = 0;
};

int connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char** err) {
  const Table* table = TableSourceAccess::current(aux);
  if (table == nullptr) {
    *err = sqlite3_mprintf("%s is internal to sluice.sql", kModule);
    return SQLITE_ERROR;
  }
  // Column names only: the target table's declared types apply their affinity on insert.
  std::string schema = "CREATE TABLE x(";
  for (std::size_t c = 0; c < table->num_columns(); ++c) schema += (c ? ", " : "") + quote_identifier(table->column(c).name());
  schema += ")";
  if (const int rc = sqlite3_declare_vtab(db, schema.c_str()); rc != SQLITE_OK) return rc;
  auto tab = std::make_unique<SourceTab>();
  tab->table = table;
  *out = &tab.release()->base;  // owned by SQLite until xDisconnect
  return SQLITE_OK;
}

// A distinct xCreate keeps the module from being eponymous (usable as a table-valued function).
int create(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out, char** err) {
  return connect(db, aux, argc, argv, out, err);
}

int disconnect(sqlite3_vtab* tab) {
  std::unique_ptr<SourceTab>(reinterpret_cast<SourceTab*>(tab));
  return SQLITE_OK;
}

int best_index(sqlite3_vtab* tab, sqlite3_index_info* info) {
  const auto rows = static_cast<sqlite3_int64>(reinterpret_cast<SourceTab*>(tab)->table->num_rows());
  info->estimatedRows = rows;
  info->estimatedCost = static_cast<double>(rows);  // a full scan is all it offers
  return SQLITE_OK;
}

int open(sqlite3_vtab* tab, sqlite3_vtab_cursor** out) {
  auto cursor = std::make_unique<SourceCursor>();
  cursor->table = reinterpret_cast<SourceTab*>(tab)->table;
  *out = &cursor.release()->base;  // owned by SQLite until xClose
  return SQLITE_OK;
}

int close(sqlite3_vtab_cursor* cur) {
  std::unique_ptr<SourceCursor>(reinterpret_cast<SourceCursor*>(cur));
  return SQLITE_OK;
}

SourceCursor& cursor_of(sqlite3_vtab_cursor* cur) { return *reinterpret_cast<SourceCursor*>(cur); }

int filter(sqlite3_vtab_cursor* cur, int, const char*, int, sqlite3_value**) {
  cursor_of(cur).row = 0;
  return SQLITE_OK;
}

int next(sqlite3_vtab_cursor* cur) {
  ++cursor_of(cur).row;
  return SQLITE_OK;
}

int eof(sqlite3_vtab_cursor* cur) {
  const SourceCursor& c = cursor_of(cur);
  return c.row >= c.table->num_rows() ? 1 : 0;
}

int column(sqlite3_vtab_cursor* cur, sqlite3_context* out, int index) {
  const SourceCursor& c = cursor_of(cur);
  const Column& col = c.table->column(static_cast<std::size_t>(index));
  if (col.is_null(c.row)) {
    sqlite3_result_null(out);
    return SQLITE_OK;
  }
  switch (col.type()) {
    case ColumnType::Int64: sqlite3_result_int64(out, col.int_at(c.row)); break;
    case ColumnType::Double: sqlite3_result_double(out, col.double_at(c.row)); break;
    case ColumnType::String: {
      const auto s = col.string_at(c.row);  // lives as long as the table, beyond this statement
      sqlite3_result_text64(out, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      break;
    }
    case ColumnType::Date:
    case ColumnType::Timestamp: {
      // Stored as ISO text, which sorts and compares correctly.
      const std::string s = col.type() == ColumnType::Date ? format_date(col.int_at(c.row)) : format_timestamp(col.int_at(c.row));
      sqlite3_result_text64(out, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    }
  }
  return SQLITE_OK;
}

int rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* out) {
  *out = static_cast<sqlite3_int64>(cursor_of(cur).row);
  return SQLITE_OK;
}

sqlite3_module make_module() {
  sqlite3_module m{};
  m.iVersion = 1;
  m.xCreate = create;
  m.xConnect = connect;
  m.xBestIndex = best_index;
  m.xDisconnect = disconnect;
  m.xDestroy = disconnect;
  m.xOpen = open;
  m.xClose = close;
  m.xFilter = filter;
  m.xNext = next;
  m.xEof = eof;
  m.xColumn = column;
  m.xRowid = rowid;
  return m;
}

const sqlite3_module kSourceModule = make_module();

}  // namespace

TableSource::TableSource(sqlite3* db) : db_(db) {
  if (const int rc = sqlite3_create_module_v2(db, kModule, &kSourceModule, this, nullptr); rc != SQLITE_OK) {
    throw Error(std::string("cannot register the input table module: ") + sqlite3_errstr(rc));
  }
}

void TableSource::copy_into(const std::string& quoted_target, const Table& table) {
  current_ = &table;
  struct Clear {
    const Table*& p;
    ~Clear() { p = nullptr; }
  } clear{current_};
  exec_or_throw(db_, std::string("CREATE VIRTUAL TABLE ") + kSourceTable + " USING " + kModule, "creating the input source");
  try {
    exec_or_throw(db_, "INSERT INTO " + quoted_target + " SELECT * FROM " + kSourceTable, "copying the rows");
  } catch (...) {
    sqlite3_exec(db_, (std::string("DROP TABLE ") + kSourceTable).c_str(), nullptr, nullptr, nullptr);
    throw;
  }
  exec_or_throw(db_, std::string("DROP TABLE ") + kSourceTable, "dropping the input source");
}

void TableSource::retire() { sqlite3_create_module_v2(db_, kModule, nullptr, nullptr, nullptr); }

}  // namespace sluice::sql
