// sluice.sqlite_extract: reads a table or a query from a SQLite file into a Table.
#include <algorithm>
#include <filesystem>
#include <sluice/errors.hpp>

#include "db_path.hpp"
#include "sql_names.hpp"
#include "sqlite_connection.hpp"
#include "stages.hpp"
#include "table_reader.hpp"

namespace sluice::sqlite {

StageDescriptor extract_descriptor() {
  StageDescriptor d;
  d.id = "sluice.sqlite_extract";
  d.kind = StageKind::Extract;
  d.version = "1.0.0";
  d.summary = "Reads a SQLite table (or the result of a query) into a typed table";
  d.outputs = {{"out", PortType::Table, false, false,
                "one column per result column, typed from the declared column types (expressions from their values)"}};
  d.params = {
      {"db", ParamType::String, {}, true, {}, {}, {}, "path of the SQLite file (opened read-only)"},
      {"query", ParamType::String, {}, false, {}, {}, {}, "SQL to run; give either query or table"},
      {"table", ParamType::String, {}, false, {}, {}, {}, "table or view to read; give either query or table"},
      {"columns", ParamType::StringList, {}, false, {}, {}, {}, "with table: the columns to read (default: all)"},
      {"where", ParamType::String, {}, false, {}, {}, {},
       "with table: an SQL condition; put values in params as ? placeholders rather than in the text"},
      {"params", ParamType::List, {}, false, {}, {}, {}, "values bound to the ? / ?NNN placeholders of query or where"},
      {"require_rows", ParamType::Bool, ParamValue(false), false, {}, {}, {}, "fail when the result has no rows"},
      {"busy_timeout_ms", ParamType::Int, ParamValue(30000), false, 0.0, 3'600'000.0, {},
       "how long to wait for a locked database before failing"},
  };
  return d;
}

namespace {

class ExtractStage : public Stage {
 public:
  explicit ExtractStage(const Params& p)
      : db_param_(p.get_string("db")),
        query_(p.get_string_or("query", "")),
        table_(p.get_string_or("table", "")),
        where_(p.get_string_or("where", "")),
        require_rows_(p.get_bool("require_rows")),
        busy_timeout_ms_(static_cast<int>(p.get_int("busy_timeout_ms"))) {
    if (p.has("columns")) columns_ = p.get_string_list("columns");
    if (p.has("params")) bound_ = p.get("params").as_list();
    if (query_.empty() == table_.empty())
      throw ParamError(query_.empty() ? "table" : "query",
                       "give exactly one of 'query' (SQL) or 'table' (a table name), not " +
                           std::string(query_.empty() ? "neither" : "both"));
    if (!query_.empty() && (!columns_.empty() || !where_.empty()))
      throw ParamError(columns_.empty() ? "where" : "columns",
                       "'columns' and 'where' only apply with 'table'; with 'query', write them into the SQL");
    if (!table_.empty()) {
      try {
        check_identifier(table_, "table");
        for (const auto& c : columns_) check_identifier(c, "column");
      } catch (const Error& e) {
        throw ParamError(columns_.empty() ? "table" : "columns", e.what());
      }
    }
  }

  void run(Context& ctx, const Inputs&, Outputs& out) override {
    const auto path = require_db_file();
    Connection db(path, OpenMode::ReadOnly, busy_timeout_ms_);
    const std::string sql = table_.empty() ? query_ : table_query(db);
    Statement st(db, sql, "the extract query");
    bind_params(st);
    const std::string source = "'" + path.string() + "'";
    Table result = read_table(st, ctx, source, 16384, expected_rows(db, path));
    if (require_rows_ && result.num_rows() == 0)
      throw Error("the extract returned no rows from " + source + " and require_rows is true; SQL: " + sql);
    ctx.info("read " + std::to_string(result.num_rows()) + " rows from " + source);
    out.set("out", std::move(result));
  }

  // The file's identity, plus max(rowid) and count(*) for a table, so that an
  // unchanged database is not read again.
  std::optional<std::string> fingerprint(Context&) override {
    const auto path = resolve_db_path(db_param_);
    // The file's identity (and its WAL's) changes with every write, so it is the real probe.
    // max(rowid) is an O(log n) extra; count(*) would scan the table (3.4 s at 64 M rows) on
    // every rerun, so a no-op rerun would cost as much as a small extract.
    std::string fp = "sqlite-extract-v2|" + path.string() + "|" + file_identity(path);
    std::error_code ec;
    if (table_.empty() || !std::filesystem::is_regular_file(path, ec)) return fp;
    try {
      Connection db(path, OpenMode::ReadOnly, busy_timeout_ms_);
      Statement st(db, "SELECT max(rowid) FROM " + quote_identifier(table_), "fingerprinting");
      if (st.step()) fp += "|max_rowid=" + st.column_text(0);
    } catch (const Error&) {
      // Views and WITHOUT ROWID tables have no rowid: the file identity alone decides.
    }
    return fp;
  }

 private:
  std::filesystem::path require_db_file() const {
    const auto path = resolve_db_path(db_param_);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw Error("SQLite database '" + path.string() +
                  "' does not exist (param 'db'); check the path, or create a demo database with `sluice demo-data " +
                  path.string() + "`");
    return path;
  }

  // How many rows a whole-table extract will read, from max(rowid) (an index lookup; rowids are
  // usually dense), capped by the file size (a row takes at least a few bytes) so that sparse
  // rowids cannot make the columns reserve more than the database could hold. 0 = unknown.
  std::size_t expected_rows(Connection& db, const std::filesystem::path& path) const {
    if (table_.empty() || !where_.empty()) return 0;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec) return 0;
    try {
      const std::int64_t max_rowid = query_int(db, "SELECT max(rowid) FROM " + quote_identifier(table_), "sizing the extract");
      return max_rowid > 0 ? static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(max_rowid), bytes / 4)) : 0;
    } catch (const Error&) {
      return 0;  // a view or a WITHOUT ROWID table
    }
  }

  std::string table_query(Connection& db) const {
    std::vector<std::string> tables;
    std::string actual;
    {
      Statement st(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name", "listing tables");
      while (st.step()) {
        tables.push_back(st.column_text(0));
        if (same_identifier(tables.back(), table_)) actual = tables.back();
      }
    }
    if (actual.empty())
      throw Error("table '" + table_ + "' not found in '" + db.path().string() + "'; it has: " + join_names(tables));
    std::string cols = "*";
    if (!columns_.empty()) {
      std::vector<std::string> available;
      Statement st(db, "SELECT name FROM pragma_table_info(?1)", "listing columns");
      st.bind_text_copy(1, actual);
      while (st.step()) available.push_back(st.column_text(0));
      for (const auto& c : columns_) {
        bool found = false;
        for (const auto& a : available) found = found || same_identifier(a, c);
        if (!found)
          throw Error("column '" + c + "' not found in table '" + actual + "' of '" + db.path().string() +
                      "'; it has: " + join_names(available));
      }
      cols = quoted_list(columns_);
    }
    std::string sql = "SELECT " + cols + " FROM " + quote_identifier(actual);
    if (!where_.empty()) sql += " WHERE (" + where_ + ")";
    return sql;
  }

  void bind_params(Statement& st) const {
    const int expected = sqlite3_bind_parameter_count(st.raw());
    if (static_cast<int>(bound_.size()) != expected)
      throw ParamError("params", "the SQL has " + std::to_string(expected) + " placeholder(s) but params holds " +
                                     std::to_string(bound_.size()) + " value(s); SQL: " + st.sql());
    for (int i = 0; i < expected; ++i) st.bind_scalar(i + 1, bound_[static_cast<std::size_t>(i)]);
  }

  std::string db_param_, query_, table_, where_;
  std::vector<std::string> columns_;
  std::vector<Scalar> bound_;
  bool require_rows_;
  int busy_timeout_ms_;
};

}  // namespace

std::unique_ptr<Stage> make_extract(const Params& params) { return std::make_unique<ExtractStage>(params); }

}  // namespace sluice::sqlite
