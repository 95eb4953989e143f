// sluice.sqlite_extract: reads a table or a query from a SQLite file into a Table.
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sluice/errors.hpp>
#include <utility>

#include "db_path.hpp"
#include "key_binding.hpp"
#include "range_reader.hpp"
#include "sql_names.hpp"
#include "sqlite_connection.hpp"
#include "stages.hpp"
#include "table_reader.hpp"

namespace sluice::sqlite {

StageDescriptor extract_descriptor() {
  StageDescriptor d;
  d.id = "sluice.sqlite_extract";
  d.kind = StageKind::Extract;
  d.version = "1.2.0";
  d.summary = "Reads a SQLite table (or the result of a query) into a typed table";
  d.inputs = {{"keys", PortType::Table, true, false,
               "optional: one read per row, its columns bound to the named parameters (:name) of where or query; "
               "in a foreach node over a version table, only the keys whose row changed are read again"}};
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
      {"schema", ParamType::StringList, ParamValue::strings({}), false, {}, {}, {},
       "\"name:type\" entries (int64|double|string|date|timestamp) typing these result columns instead of their "
       "declared types, e.g. [\"sold_at:timestamp\"] for ISO-8601 text in a TEXT column"},
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
    try {
      schema_ = parse_column_specs(p.get_string_list("schema"));
    } catch (const Error& e) {
      throw param_error("schema", e.what());
    }
    if (p.has("params")) bound_ = p.get("params").as_list();
    if (query_.empty() == table_.empty())
      throw param_error(query_.empty() ? "table" : "query",
                        "give exactly one of 'query' (SQL) or 'table' (a table name), not " +
                            std::string(query_.empty() ? "neither" : "both"));
    if (!query_.empty() && (!columns_.empty() || !where_.empty()))
      throw param_error(columns_.empty() ? "where" : "columns",
                        "'columns' and 'where' only apply with 'table'; with 'query', write them into the SQL");
    if (!table_.empty()) {
      try {
        check_identifier(table_, "table");
        for (const auto& c : columns_) check_identifier(c, "column");
      } catch (const Error& e) {
        throw param_error(columns_.empty() ? "table" : "columns", e.what());
      }
    }
  }

  void run(Context& ctx, const Inputs& inputs, Outputs& out) override {
    const auto path = require_db_file();
    Connection db(path, OpenMode::ReadOnly, busy_timeout_ms_);
    bool is_table = false;
    const std::string sql = table_.empty() ? query_ : table_query(db, is_table);
    Statement st(db, sql, "the extract query");
    const Table* keys = inputs.has("keys") ? &inputs.table("keys") : nullptr;
    const KeyBinding binding(st, bound_, keys);
    const std::string source = "'" + path.string() + "'";
    Table result;
    if (keys != nullptr) {
      result = read_per_key(ctx, db, st, binding, *keys, source, schema_);
    } else {
      binding.bind(st, std::nullopt);
      const std::optional<std::int64_t> max = table_.empty() ? std::nullopt : take_max_rowid(db);
      const std::size_t expected = expected_rows(path, max);
      std::optional<Table> parallel;
      if (is_table && where_.empty() && bound_.empty()) parallel = read_in_ranges(ctx, db, sql, source, expected, max);
      result = parallel ? std::move(*parallel) : read_table(st, ctx, source, 16384, expected, &schema_);
    }
    if (require_rows_ && result.num_rows() == 0)
      throw Error("the extract returned no rows from " + source + " and require_rows is true; SQL: " + sql);
    // A foreach over 1,000 stores does not print this 1,000 times: the engine caps its partitions' info.
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
    fingerprint_max_rowid_.reset();
    std::error_code ec;
    if (table_.empty() || !std::filesystem::is_regular_file(path, ec)) return fp;
    try {
      Connection db(path, OpenMode::ReadOnly, busy_timeout_ms_);
      Statement st(db, "SELECT max(rowid) FROM " + quote_identifier(table_), "fingerprinting");
      if (st.step()) {
        fp += "|max_rowid=" + st.column_text(0);
        if (!st.column_is_null(0)) fingerprint_max_rowid_ = st.column_int(0);
      }
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

  // max(rowid) of the table (one B-tree lookup), nullopt for an empty table, a view or a WITHOUT
  // ROWID table. fingerprint() has usually just read it: that value is used (once). It only sizes
  // the columns and balances the rowid ranges, so a value that a write has made stale costs speed,
  // never correctness.
  std::optional<std::int64_t> take_max_rowid(Connection& db) {
    if (fingerprint_max_rowid_) return std::exchange(fingerprint_max_rowid_, std::nullopt);
    try {
      Statement st(db, "SELECT max(rowid) FROM " + quote_identifier(table_), "sizing the extract");
      if (st.step() && !st.column_is_null(0)) return st.column_int(0);
    } catch (const Error&) {
      // a view or a WITHOUT ROWID table
    }
    return std::nullopt;
  }

  // How many rows a whole-table extract will read, from max(rowid) (rowids are usually dense),
  // capped by the file size (a row takes at least a few bytes) so that sparse rowids cannot make
  // the columns reserve more than the database could hold. 0 = unknown.
  std::size_t expected_rows(const std::filesystem::path& path, std::optional<std::int64_t> max) const {
    if (table_.empty() || !where_.empty()) return 0;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec) return 0;
    return max && *max > 0 ? static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(*max), bytes / 4)) : 0;
  }

  // A whole-table read of a large rowid table, split into rowid ranges read in parallel (see
  // range_reader.hpp). nullopt: read on one connection instead (the reason is logged at debug).
  std::optional<Table> read_in_ranges(Context& ctx, Connection& db, const std::string& sql, const std::string& source,
                                      std::size_t expected, std::optional<std::int64_t> max) {
    const unsigned threads = extract_threads();
    if (threads <= 1) return std::nullopt;
    auto serial = [&](const std::string& why) -> std::optional<Table> {
      ctx.debug("reading on one connection: " + why);
      return std::nullopt;
    };
    // One read returns rows in rowid order only when SQLite scans the table itself (not a
    // covering index); each range must be a search on the rowid, not a scan.
    const std::string whole_plan = query_plan(db, sql);
    if (whole_plan.rfind("SCAN ", 0) != 0 || whole_plan.find("INDEX") != std::string::npos ||
        whole_plan.find('\n') != std::string::npos)
      return serial("the table is not read by a plain rowid scan (" + whole_plan + ")");
    const std::string range_plan = query_plan(db, range_sql(sql));
    if (range_plan.find("USING INTEGER PRIMARY KEY") == std::string::npos || range_plan.find('\n') != std::string::npos)
      return serial("no rowid range search (" + range_plan + ")");
    std::optional<std::int64_t> lo;
    {
      Statement st(db, "SELECT min(rowid) FROM " + quote_identifier(table_), "sizing the extract");
      if (st.step() && !st.column_is_null(0)) lo = st.column_int(0);
    }
    const std::int64_t hi = max.value_or(lo.value_or(0));
    // Rows between the bounds (dense rowids), capped like `expected`; 0 for an empty table.
    std::size_t estimate = 0;
    if (lo) estimate = static_cast<std::size_t>(std::min<std::uint64_t>(expected, rowid_count(*lo, hi)));
    const std::size_t min_rows = parallel_min_rows();
    if (estimate < min_rows)
      return serial("about " + std::to_string(estimate) + " rows, fewer than " + std::to_string(min_rows));
    RangeRead read;
    read.select_sql = sql;
    read.source = source;
    read.schema = &schema_;
    read.expected_rows = expected;
    read.ranges = split_rowids(lo.value_or(0), hi, threads);
    ctx.debug("reading in " + std::to_string(threads) + " rowid ranges in parallel, one connection each, one snapshot");
    auto table = read_rowid_ranges(db, read, ctx);
    if (!table) return serial("the database kept changing while the ranges took their snapshots");
    return table;
  }

  // The details of EXPLAIN QUERY PLAN (several rows: joined by newlines), or why SQLite cannot
  // plan it (e.g. no rowid in a WITHOUT ROWID table).
  static std::string query_plan(Connection& db, const std::string& sql) {
    try {
      Statement st(db, "EXPLAIN QUERY PLAN " + sql, "planning the extract");
      std::string plan;
      while (st.step()) {
        if (!plan.empty()) plan += '\n';
        plan += st.column_text(3);
      }
      return plan;
    } catch (const Error& e) {
      return std::string("not plannable: ") + e.what();
    }
  }

  // Threads for a whole-table read: SLUICE_SQLITE_EXTRACT_THREADS, else the engine's worker count
  // (the task arena the stage runs in, i.e. --jobs), at most 8.
  static unsigned extract_threads() {
    if (auto n = env_count("SLUICE_SQLITE_EXTRACT_THREADS", "a number of threads (1 reads on one connection)"))
      return static_cast<unsigned>(std::clamp<unsigned long long>(*n, 1, 64));
    return static_cast<unsigned>(std::clamp(tbb::this_task_arena::max_concurrency(), 1, 8));
  }

  // A whole number from the environment, nullopt when unset or empty; anything else is refused
  // with the variable's name and value rather than read as 0.
  static std::optional<unsigned long long> env_count(const char* name, const char* what) {
    const char* env = std::getenv(name);
    if (env == nullptr || *env == '\0') return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(env, &end, 10);
    if (*env == '-' || *end != '\0' || errno == ERANGE)
      throw Error(std::string(name) + " must be " + what + ", got '" + env + "'");
    return n;
  }

  // The smallest estimated table read in parallel: SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS, else 1 M.
  static std::size_t parallel_min_rows() {
    if (auto n = env_count("SLUICE_SQLITE_EXTRACT_PARALLEL_MIN_ROWS", "a row count"))
      return static_cast<std::size_t>(*n);
    return 1'000'000;
  }

  // The SELECT for `table`; `is_table` says whether it names a table (not a view).
  std::string table_query(Connection& db, bool& is_table) const {
    std::vector<std::string> tables;
    std::string actual;
    {
      Statement st(db, "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
                   "listing tables");
      while (st.step()) {
        tables.push_back(st.column_text(0));
        if (same_identifier(tables.back(), table_)) {
          actual = tables.back();
          is_table = st.column_text(1) == "table";
        }
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
    // A whole table is read in rowid order, whatever indexes it has: a covering index (such as the
    // demo's sales_by_store) would otherwise make SQLite scan the index, in its order, and on one
    // connection. With `where`, an index is what makes the read a search.
    if (where_.empty() && is_table) sql += " NOT INDEXED";
    if (!where_.empty()) sql += " WHERE (" + where_ + ")";
    return sql;
  }

  // One read per key row, joined in key-row order. With no key rows, the statement still runs once
  // with its named parameters unbound (NULL), so the empty result keeps its typed columns.
  static Table read_per_key(Context& ctx, Connection& db, Statement& st, const KeyBinding& binding, const Table& keys,
                            const std::string& source, const std::vector<ColumnSpec>& schema) {
    if (binding.uses_keys()) warn_if_full_scan(ctx, db, st.sql());
    std::vector<TablePart> parts;
    const std::size_t n = keys.num_rows();
    for (std::size_t row = 0; row < std::max<std::size_t>(n, 1); ++row) {
      ctx.check_cancelled();
      binding.bind(st, n == 0 ? std::nullopt : std::optional(row));
      try {
        PartOptions options;
        options.schema = &schema;
        parts.push_back(read_part(st, source, options));
      } catch (const RowValueError& e) {
        throw Error(std::string(e.what()) + " (reading key row " + std::to_string(row + 1) + " of " + std::to_string(n) + ")");
      }
      if (n > 1) ctx.progress(row + 1, n, "keys");
    }
    return combine_parts(std::move(parts));
  }

  // A read per key that scans the whole table costs a full scan per key: say so, with the fix.
  static void warn_if_full_scan(Context& ctx, Connection& db, const std::string& sql) {
    const std::string plan = query_plan(db, sql);
    std::size_t at = 0;
    while (at < plan.size()) {
      const std::size_t end = std::min(plan.find('\n', at), plan.size());
      const std::string line = plan.substr(at, end - at);
      if (line.rfind("SCAN ", 0) == 0) {
        ctx.warn("every key row reads the whole table (query plan: " + line +
                 "); an index on the columns the named parameters compare makes each read a search, e.g. "
                 "CREATE INDEX ... ON <table>(<key column>, ...)");
        return;
      }
      at = end + 1;
    }
  }

  std::string db_param_, query_, table_, where_;
  std::vector<ColumnSpec> schema_;
  std::vector<std::string> columns_;
  std::vector<Scalar> bound_;
  bool require_rows_;
  int busy_timeout_ms_;
  std::optional<std::int64_t> fingerprint_max_rowid_;  // max(rowid) as fingerprint() last read it
};

}  // namespace

std::unique_ptr<Stage> make_extract(const Params& params) { return std::make_unique<ExtractStage>(params); }

}  // namespace sluice::sqlite
