// sluice.sqlite_load: writes a table into a SQLite warehouse (append, replace or upsert).
//
// Transaction design (see docs/stages-sqlite.md): an input larger than one batch is
// first written in batches to a private staging file (each batch one committed
// transaction), then merged into the target in ONE warehouse transaction together
// with the ledger entry; an input of one batch is written in that transaction
// directly. Readers never see a half-loaded run, and a failure anywhere leaves the
// warehouse exactly as it was.
#include <optional>

#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

#include "column_types.hpp"
#include "connection_pool.hpp"
#include "db_path.hpp"
#include "load_ledger.hpp"
#include "load_scope.hpp"
#include "row_writer.hpp"
#include "shared_reader.hpp"
#include "sql_names.hpp"
#include "sqlite_connection.hpp"
#include "stages.hpp"
#include "staging_area.hpp"
#include "transaction.hpp"
#include "writer_queue.hpp"

namespace sluice::sqlite {

StageDescriptor load_descriptor() {
  StageDescriptor d;
  d.id = "sluice.sqlite_load";
  d.kind = StageKind::Load;
  d.version = "1.2.0";
  d.summary = "Loads a table into a SQLite warehouse table (append, replace or upsert), all or nothing";
  d.inputs = {{"in", PortType::Table, false, false, "the rows to load"}};
  d.outputs = {{"out", PortType::Table, false, false, "one row: table (string), rows_loaded (int64), mode (string)"}};
  d.params = {
      {"db", ParamType::String, {}, true, {}, {}, {}, "path of the warehouse SQLite file (created if missing)"},
      {"table", ParamType::String, {}, true, {}, {}, {}, "target table (created from the input's column types if missing)"},
      {"mode", ParamType::String, ParamValue("append"), false, {}, {}, {"append", "replace", "upsert"},
       "append: add the rows (the same input is never appended twice); replace: swap in the input as the whole "
       "table; upsert: insert or update rows by key"},
      {"key", ParamType::StringList, ParamValue(std::vector<Scalar>{}), false, {}, {}, {},
       "key columns: required for upsert (the table's primary key); optional primary key for replace"},
      {"scope", ParamType::StringList, ParamValue(std::vector<Scalar>{}), false, {}, {}, {},
       "replace or upsert: columns naming the slice of the target this load owns (e.g. [\"store_id\"] in a foreach "
       "over stores); replace then deletes only the rows whose scope values occur in the input, and a load of one "
       "scope value is verified by counting that slice"},
      {"batch_size", ParamType::Int, ParamValue(10000), false, 1.0, {}, {},
       "rows per committed staging transaction; an input of at most this many rows is written in the merge "
       "transaction without staging"},
      {"create_indexes", ParamType::StringList, ParamValue(std::vector<Scalar>{}), false, {}, {}, {},
       "indexes to create if missing; each entry is one column or comma-separated columns (\"store_id,ds\")"},
      {"busy_timeout_ms", ParamType::Int, ParamValue(60000), false, 0.0, 3'600'000.0, {},
       "how long to wait for a locked warehouse before failing (parallel loads into one warehouse queue for the "
       "write lock)"},
      {"journal_mode", ParamType::String, ParamValue("keep"), false, {}, {}, {"keep", "wal", "delete"},
       "keep: leave the warehouse's journal mode as it is; wal or delete: switch the file to that mode first (it "
       "stays so). WAL commits write each page once instead of twice and let readers read during a load"},
      {"fail_after_rows", ParamType::Int, ParamValue(-1), false, -1.0, {}, {},
       "test hook: fail after staging (or, without staging, writing) this many rows (-1 = off); the warehouse "
       "must stay unchanged"},
  };
  return d;
}

namespace {

std::vector<std::string> split_columns(const std::string& spec) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    std::string part = spec.substr(start, comma - start);
    const auto first = part.find_first_not_of(' ');
    const auto last = part.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
    start = comma + 1;
  }
  return out;
}

class LoadStage : public Stage {
 public:
  LoadStage(const Params& p, std::shared_ptr<ConnectionPool> pool)
      : pool_(std::move(pool)),
        db_param_(p.get_string("db")),
        table_(p.get_string("table")),
        mode_(p.get_string("mode")),
        journal_mode_(p.get_string("journal_mode")),
        key_(p.get_string_list("key")),
        scope_(p.get_string_list("scope")),
        batch_size_(p.get_int("batch_size")),
        busy_timeout_ms_(static_cast<int>(p.get_int("busy_timeout_ms"))),
        fail_after_rows_(p.get_int("fail_after_rows")) {
    try {
      check_identifier(table_, "table");
    } catch (const Error& e) {
      throw param_error("table", e.what());
    }
    if (same_identifier(table_, kLedgerTable))
      throw param_error("table", "'" + table_ + "' is the load ledger's own table; choose another target table");
    if (mode_ == "upsert" && key_.empty())
      throw param_error("key", "mode \"upsert\" needs key = [\"col\", ...]: the columns that identify a row");
    if (mode_ == "append" && !key_.empty())
      throw param_error("key", "only applies to mode \"upsert\" or \"replace\"; remove it or change the mode");
    check_identifiers(key_, "key column", "key");
    if (mode_ == "append" && !scope_.empty())
      throw param_error("scope", "only applies to mode \"replace\" or \"upsert\"; an append never removes rows");
    check_identifiers(scope_, "scope column", "scope");
    for (const auto& spec : p.get_string_list("create_indexes")) {
      auto cols = split_columns(spec);
      for (const auto& c : cols) {
        try {
          check_identifier(c, "index column");
        } catch (const Error& e) {
          throw param_error("create_indexes", std::string(e.what()) + " (in entry \"" + spec + "\")");
        }
      }
      indexes_.push_back(std::move(cols));
    }
  }

  void run(Context& ctx, const Inputs& inputs, Outputs& out) override {
    const Table& input = inputs.table("in");
    // A table without columns (a foreach over no partitions cannot know its stage's columns) has
    // nothing to type or check; see load_nothing.
    if (input.num_columns() > 0) check_input(input);
    const auto path = resolve_db_path(db_param_);
    require_parent_dir(path);

    LoadReceipt receipt;
    receipt.db = path.string();
    receipt.table = table_;
    receipt.mode = mode_;
    receipt.rows = static_cast<std::int64_t>(input.num_rows());
    receipt.input_hash = input_hash(inputs);
    receipt.scoped = !scope_.empty();
    if (input.num_columns() > 0)
      if (auto tuple = single_scope_tuple(input, scope_)) receipt.scope = scope_text(scope_, *tuple);
    // An empty partition still owns its slice: a replace empties it, and the receipt names it.
    if (receipt.scope.empty() && input.num_rows() == 0) receipt.scope = partition_scope(ctx);

    // A kept writer: the partitions of a foreach load reuse connections instead of opening the file for
    // each (connection_pool.hpp); one that fails or is cancelled midway is closed, not reused.
    PooledConnection lease = lease_writer(path);
    load(ctx, *lease, input, receipt, out);
    lease.give_back();
  }

  // The load of `input` into the open warehouse `db`: skipped when already appended, else all or nothing.
  void load(Context& ctx, Connection& db, const Table& input, LoadReceipt& receipt, Outputs& out) {
    apply_journal_mode(db);
    std::int64_t loaded = receipt.rows;
    if (mode_ == "append" && table_exists(db, table_)) {
      if (auto earlier = find_load(db, receipt)) {
        ctx.info("this input (" + receipt.input_hash + ") was already appended to '" + table_ +
                 "'; skipping so that a rerun does not duplicate rows");
        receipt.rows = *earlier;
        finish(out, receipt, 0);
        return;
      }
    }
    if (input.num_columns() == 0) {
      load_nothing(ctx, db, receipt);
      finish(out, receipt, 0);
      return;
    }
    {
      // An input of at most batch_size rows is one batch: its rows are written straight into the target
      // inside the merge transaction. A larger one is staged first, in batches, and so is a scoped replace
      // of several slices, whose DELETE finds them in the staged rows.
      const bool several_slices = mode_ == "replace" && !scope_.empty() && receipt.scope.empty();
      const bool staged = input.num_rows() > static_cast<std::size_t>(batch_size_) || several_slices;
      std::optional<StagingArea> staging;
      if (staged) {
        staging.emplace(db, ctx.scratch_dir(), input);
        staging->fill(input, batch_size_, fail_after_rows_, ctx);
      }
      ctx.check_cancelled();
      merge(db, input, receipt, staged);
    }
    ctx.info("loaded " + std::to_string(loaded) + " rows into '" + table_ + "' (" + mode_ + ") in '" + receipt.db + "'");
    finish(out, receipt, loaded);
  }

  // True while the warehouse still holds what `receipt` recorded.
  bool verify(Context& ctx, const std::string& text) override {
    const auto receipt = LoadReceipt::from_json(text);
    if (!receipt) return false;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(receipt->db, ec)) return false;
    try {
      return with_shared_reader(*pool_, receipt->db, busy_timeout_ms_, [&](Connection& db) {
        // One read transaction for the check's queries: in a warehouse with a rollback journal every
        // statement on its own takes and drops the shared lock, looks for a hot journal and rereads
        // the header, which cost more than the queries (a no-op rerun verifies 1,000 slices per node).
        Transaction snapshot(db, "BEGIN", "verifying the load");
        const bool ok = holds(db, *receipt);
        snapshot.commit();
        return ok;
      });
    } catch (const Error& e) {
      ctx.warn(std::string("cannot verify the load: ") + e.what());
      return false;
    }
  }

  // A scoped replace mirrors its input slice by slice, so the slice of a partition that left the
  // input goes too, as a whole-table replace would drop its rows. Upserts and appends never delete.
  void retire(Context& ctx, const std::string& text) override {
    const auto receipt = LoadReceipt::from_json(text);
    if (!receipt || receipt->mode != "replace" || receipt->scope.empty()) return;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(receipt->db, ec)) return;
    PooledConnection lease = lease_writer(receipt->db);
    Connection& db = *lease;
    std::int64_t removed = -1;  // stays so when the slice is no longer this load's
    {
      QueuedWrite tx(db, "removing a retired slice of '" + receipt->table + "'");
      // Only while the slice is still this load's: after a newer load of it, the rows are that load's.
      if (table_exists(db, receipt->table) &&
          latest_load_hash_in_slice(db, receipt->table, receipt->scope) == receipt->input_hash) {
        removed = delete_in_scope(db, receipt->table, receipt->scope);
        forget_slice(db, receipt->table, receipt->scope);
        tx.commit();
      }
    }
    lease.give_back();
    if (removed < 0) return;
    ctx.info("removed the " + std::to_string(removed) + " rows of " + receipt->scope + " from '" + receipt->table +
             "': its partition is no longer in the input");
  }

 private:
  PooledConnection lease_writer(const std::filesystem::path& path) const {
    return pool_->lease(path, PoolRole::Writer, busy_timeout_ms_, [&] {
      auto db = std::make_unique<Connection>(path, OpenMode::ReadWriteCreate, busy_timeout_ms_);
      db->exec("PRAGMA main.cache_size=-65536", "configuring the connection");  // 64 MiB: merges touch big B-trees
      return db;
    });
  }

  static void check_identifiers(const std::vector<std::string>& names, const char* what, const char* param) {
    for (const auto& name : names) {
      try {
        check_identifier(name, what);
      } catch (const Error& e) {
        throw param_error(param, e.what());
      }
    }
  }

  // Every column of `columns` exists in `input` (MissingColumn names the available ones) without nulls.
  static void require_non_null(const Table& input, const std::vector<std::string>& columns, const char* role,
                               const char* why) {
    for (const auto& name : columns) {
      const Column& c = input.column(name);
      if (c.has_nulls())
        throw Error(std::string(role) + " column '" + name + "' has " + std::to_string(c.null_count()) +
                    " null value(s); " + why);
    }
  }

  // Whether the warehouse still holds what `receipt` recorded. Replace and upsert overwrite rows, so
  // their receipt holds only while theirs is the newest load of what they wrote: an upsert of X, then
  // of Y, leaves Y's values, and X's receipt must not skip a rerun of X. Appends only add rows.
  static bool holds(Connection& db, const LoadReceipt& receipt) {
    // A load of no columns into a table that did not exist created nothing (see load_nothing).
    if (!table_exists(db, receipt.table)) return receipt.rows == 0;
    if (wrote_no_row(receipt)) return true;
    // A load of one scope value counts its slice (an index search), not the whole table.
    if (!receipt.scope.empty()) {
      const std::int64_t in_scope = count_in_scope(db, receipt.table, receipt.scope);
      const bool rows_ok = receipt.mode == "replace" ? in_scope == receipt.rows : in_scope >= receipt.rows;
      return rows_ok && latest_load_hash_in_slice(db, receipt.table, receipt.scope) == receipt.input_hash;
    }
    const std::int64_t count =
        query_int(db, "SELECT count(*) FROM main." + quote_identifier(receipt.table), "verifying the load");
    const bool whole_table_replace = receipt.mode == "replace" && !receipt.scoped;
    if (!(whole_table_replace ? count == receipt.rows : count >= receipt.rows)) return false;
    if (receipt.mode == "append") return find_load(db, receipt).has_value();
    return latest_load_hash(db, receipt.table) == receipt.input_hash;
  }

  // An append or upsert of no rows, or a scoped replace of no rows that names no slice, wrote no row
  // and deleted none: nothing in the table is its own, so nothing there can undo it, and a rerun would
  // write nothing either. Its receipt holds whatever the table holds (it may have no ledger entry to
  // look for: an input without columns, from a foreach over nothing, records none).
  static bool wrote_no_row(const LoadReceipt& receipt) {
    if (receipt.rows != 0) return false;
    return receipt.mode != "replace" || (receipt.scoped && receipt.scope.empty());
  }

  void check_input(const Table& input) const {
    if (input.num_columns() == 0) throw Error("the input table has no columns; nothing to load into '" + table_ + "'");
    const auto names = input.column_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
      check_identifier(names[i], "input column");
      for (std::size_t j = 0; j < i; ++j)
        if (same_identifier(names[i], names[j]))
          throw Error("input columns '" + names[j] + "' and '" + names[i] +
                      "' differ only in case, which SQLite treats as the same column; rename one");
    }
    require_non_null(input, key_, "key", "keys must be non-null to identify rows");
    require_non_null(input, scope_, "scope", "scope values must be non-null to name the rows a load replaces");
    for (const auto& index : indexes_)
      for (const auto& c : index) (void)input.column(c);
  }

  static void require_parent_dir(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path.parent_path(), ec))
      throw Error("the directory of warehouse '" + path.string() + "' does not exist; create it first");
  }

  static std::string input_hash(const Inputs& inputs) {
    for (const auto& [port, value] : inputs.entries())
      if (port == "in") return hash_value(*value).hex();
    return hash_value(Value(inputs.table("in"))).hex();
  }

  std::string create_table_sql(const Table& input) const {
    std::string ddl = "CREATE TABLE main." + quote_identifier(table_) + " (";
    for (std::size_t c = 0; c < input.num_columns(); ++c) {
      const Column& col = input.column(c);
      ddl += (c ? ", " : "") + quote_identifier(col.name()) + " " + std::string(declared_type_for(col.type()));
      for (const auto& k : key_)
        if (same_identifier(k, col.name())) ddl += " NOT NULL";
    }
    if (!key_.empty()) ddl += ", PRIMARY KEY (" + quoted_list(key_) + ")";
    return ddl + ")";
  }

  // Every input column must exist in an existing target (extra target columns are fine).
  void check_target_columns(Connection& db, const Table& input) const {
    std::vector<std::string> existing;
    Statement st(db, "SELECT name FROM pragma_table_info(?1, 'main')", "reading the target's columns");
    st.bind_text_copy(1, table_);
    while (st.step()) existing.push_back(st.column_text(0));
    std::vector<std::string> missing;
    for (const auto& name : input.column_names()) {
      bool found = false;
      for (const auto& e : existing) found = found || same_identifier(e, name);
      if (!found) missing.push_back(name);
    }
    if (!missing.empty())
      throw Error("table '" + table_ + "' in '" + db.path().string() + "' has no column(s) " + join_names(missing) +
                  " (it has: " + join_names(existing) + "); " +
                  (scope_.empty() ? "use mode \"replace\" to recreate it, or add the columns"
                                  : "a scoped replace keeps the table: add the columns, or drop the table to recreate it"));
  }

  // Writes the input (staged: from the staging table) into the target, in one transaction with its ledger entry.
  void merge(Connection& db, const Table& input, const LoadReceipt& receipt, bool staged) {
    const std::string target = "main." + quote_identifier(table_);
    const std::string cols = quoted_list(input.column_names());
    QueuedWrite tx(db, "merging the staged rows into '" + table_ + "'");
    ensure_ledger(db);
    const bool exists = table_exists(db, table_);
    if (mode_ == "replace" && scope_.empty()) {
      // The swap: drop and rebuild inside the one transaction, so readers see the old table or the new one.
      if (exists) db.exec("DROP TABLE " + target, "dropping the old '" + table_ + "'");
      db.exec(create_table_sql(input), "creating '" + table_ + "'");
    } else if (mode_ == "replace" && exists) {
      // A scoped replace swaps only the input's slices, in the same transaction as their new rows: one
      // slice (or an empty partition's own, from the receipt) by its values, several by the staged rows.
      check_target_columns(db, input);
      const std::string scope_cols = quoted_list(scope_);
      if (!receipt.scope.empty()) delete_in_scope(db, table_, receipt.scope);
      else
        db.exec("DELETE FROM " + target + " WHERE (" + scope_cols + ") IN (SELECT DISTINCT " + scope_cols + " FROM " +
                    kStageTable + ")",
                "replacing the input's slices of '" + table_ + "'");
    } else if (!exists) {
      db.exec(create_table_sql(input), "creating '" + table_ + "'");
    } else {
      check_target_columns(db, input);
    }

    const std::string head = "INSERT INTO " + target + " (" + cols + ")";
    const std::string on_conflict = mode_ == "upsert" ? upsert_clause(input) : "";
    const std::string context = "writing rows into '" + table_ + "'";
    try {
      // "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
      if (staged) db.exec(head + " SELECT " + cols + " FROM " + kStageTable + (on_conflict.empty() ? "" : " WHERE true " + on_conflict), context);
      else write_rows(db, head, on_conflict, input, context);
    } catch (const Error& e) {
      const std::string message = e.what();
      if (mode_ == "upsert" && message.find("ON CONFLICT clause does not match") != std::string::npos)
        throw Error("table '" + table_ + "' in '" + db.path().string() + "' has no PRIMARY KEY or UNIQUE index on (" +
                    join_names(key_) + "), which upsert needs; load once with mode \"replace\" and this key, or add "
                    "a unique index on those columns");
      throw;
    }
    for (const auto& index : indexes_) {
      std::string name = table_;
      for (const auto& c : index) name += "_" + c;
      db.exec("CREATE INDEX IF NOT EXISTS main." + quote_identifier("ix_" + name) + " ON " + quote_identifier(table_) +
                  " (" + quoted_list(index) + ")",
              "creating an index on '" + table_ + "'");
    }
    record_load(db, receipt);
    tx.commit();
  }

  // An upsert's conflict clause: the non-key columns take the input's values.
  std::string upsert_clause(const Table& input) const {
    std::string updates;
    for (const auto& name : input.column_names()) {
      bool is_key = false;
      for (const auto& k : key_) is_key = is_key || same_identifier(k, name);
      if (!is_key) updates += (updates.empty() ? "" : ", ") + quote_identifier(name) + " = excluded." + quote_identifier(name);
    }
    return "ON CONFLICT (" + quoted_list(key_) + ") DO " + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
  }

  // The rows of an unstaged input, written inside the merge transaction (fail_after_rows stops there).
  void write_rows(Connection& db, const std::string& head, const std::string& on_conflict, const Table& input,
                  const std::string& context) const {
    RowWriter writer(db, head, on_conflict, input.num_columns(), context);
    const std::size_t rows = input.num_rows();
    const std::size_t stop = fail_after_rows_ >= 0 ? std::min(static_cast<std::size_t>(fail_after_rows_), rows) : rows;
    writer.write(input, 0, stop);
    if (stop < rows)
      throw Error("fail_after_rows test hook: stopped after writing " + std::to_string(stop) +
                  " rows inside the load's transaction; the warehouse is unchanged");
  }

  // Switches the warehouse to the journal mode asked for, unless it is in that mode already. Queued
  // like a write: SQLite changes the mode only while no other connection is in a transaction.
  void apply_journal_mode(Connection& db) const {
    if (journal_mode_ == "keep" || current_journal_mode(db) == journal_mode_) return;
    const auto queued = queue_for_writes(db.path());
    pool_->close_idle(db.path());  // leaving WAL mode needs this connection to be the file's only one
    Statement st(db, "PRAGMA main.journal_mode=" + journal_mode_, "setting journal_mode=" + journal_mode_);
    const std::string now = st.step() ? st.column_text(0) : "";
    if (now != journal_mode_)
      throw Error("could not switch warehouse '" + db.path().string() + "' to journal_mode=" + journal_mode_ +
                  " (it stays '" + now + "'): another connection is using it; close it and rerun, or set "
                  "journal_mode = \"keep\"");
  }

  static std::string current_journal_mode(Connection& db) {
    Statement st(db, "PRAGMA main.journal_mode", "reading the journal mode");
    return st.step() ? st.column_text(0) : "";
  }

  // The slice a partition of a foreach node owns (scope_text of its key values for the scope
  // columns), or "" when this is no partition or its keys do not include every scope column.
  std::string partition_scope(const Context& ctx) const {
    const Table* keys = ctx.partition_keys();
    if (scope_.empty() || keys == nullptr || keys->num_rows() != 1) return "";
    for (const auto& c : scope_)
      if (keys->find(c) == nullptr || keys->column(c).is_null(0)) return "";
    const auto tuple = single_scope_tuple(*keys, scope_);
    return tuple ? scope_text(scope_, *tuple) : "";
  }

  // An input without columns (and so without rows): "replace" empties an existing table (the
  // current set is empty), or with a scope the partition's slice, in one transaction with its
  // ledger entry; "append" and "upsert" have nothing to write (a scoped upsert still records its
  // slice, so that its receipt can be verified). A table that does not exist is not created: there
  // are no columns to type.
  void load_nothing(Context& ctx, Connection& db, const LoadReceipt& receipt) const {
    const bool slice = !receipt.scope.empty();
    const bool writes = slice || (mode_ == "replace" && scope_.empty());
    if (!writes || !table_exists(db, table_)) {
      ctx.info("no rows to load into '" + table_ + "' (" + mode_ + "); nothing written");
      return;
    }
    QueuedWrite tx(db, "emptying '" + table_ + "'");
    ensure_ledger(db);
    std::int64_t removed = 0;
    if (mode_ == "replace" && slice) removed = delete_in_scope(db, table_, receipt.scope);
    else if (mode_ == "replace") db.exec("DELETE FROM main." + quote_identifier(table_), "emptying '" + table_ + "'");
    record_load(db, receipt);
    tx.commit();
    if (slice) ctx.info("no rows for " + receipt.scope + ": removed its " + std::to_string(removed) + " rows from '" +
                        table_ + "' (" + mode_ + ") in '" + receipt.db + "'");
    else ctx.info("no rows: emptied '" + table_ + "' (replace) in '" + receipt.db + "'");
  }

  void finish(Outputs& out, const LoadReceipt& receipt, std::int64_t loaded) const {
    Table summary;
    summary.add_column("table", ColumnType::String).push_string(table_);
    summary.add_column("rows_loaded", ColumnType::Int64).push_int(loaded);
    summary.add_column("mode", ColumnType::String).push_string(mode_);
    out.set("out", std::move(summary));
    out.set_receipt(receipt.to_json());
  }

  std::shared_ptr<ConnectionPool> pool_;  // shared by the loads of one factory (one run)
  std::string db_param_, table_, mode_, journal_mode_;
  std::vector<std::string> key_, scope_;
  std::vector<std::vector<std::string>> indexes_;
  std::int64_t batch_size_;
  int busy_timeout_ms_;
  std::int64_t fail_after_rows_;
};

}  // namespace

std::unique_ptr<Stage> make_load(const Params& params) {
  return std::make_unique<LoadStage>(params, std::make_shared<ConnectionPool>());
}

StageFactory load_factory(std::shared_ptr<ConnectionPool> pool) {
  if (!pool) pool = std::make_shared<ConnectionPool>();
  return [pool = std::move(pool)](const Params& params) -> std::unique_ptr<Stage> {
    return std::make_unique<LoadStage>(params, pool);
  };
}

}  // namespace sluice::sqlite
