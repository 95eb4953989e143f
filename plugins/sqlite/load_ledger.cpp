#include "load_ledger.hpp"

#include <nlohmann/json.hpp>

#include "sql_names.hpp"

namespace sluice::sqlite {

std::string LoadReceipt::to_json() const {
  nlohmann::json j = {{"kind", "sluice.sqlite_load/1"}, {"db", db},     {"table", table},
                      {"mode", mode},                   {"rows", rows}, {"input_hash", input_hash}};
  if (scoped) j["scoped"] = true;
  if (!scope.empty()) j["scope"] = scope;
  return j.dump();
}

std::optional<LoadReceipt> LoadReceipt::from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.value("kind", "") != "sluice.sqlite_load/1") return std::nullopt;
    LoadReceipt r;
    r.db = j.at("db").get<std::string>();
    r.table = j.at("table").get<std::string>();
    r.mode = j.at("mode").get<std::string>();
    r.rows = j.at("rows").get<std::int64_t>();
    r.input_hash = j.at("input_hash").get<std::string>();
    r.scoped = j.value("scoped", false);
    r.scope = j.value("scope", "");
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {
// Ledgers written before scoped loads have no scope column: their entries are unscoped.
bool has_scope_column(Connection& db) {
  auto st = db.reuse("SELECT count(*) FROM pragma_table_info('_sluice_loads', 'main') WHERE name = 'scope'",
                     "reading the load ledger");
  return st->step() && st->column_int(0) > 0;
}
}  // namespace

void ensure_ledger(Connection& db) {
  const std::string t = "main." + quote_identifier(kLedgerTable);
  db.exec("CREATE TABLE IF NOT EXISTS " + t +
              " (load_id INTEGER PRIMARY KEY, target TEXT NOT NULL, mode TEXT NOT NULL, input_hash TEXT NOT NULL, "
              "rows INTEGER NOT NULL, loaded_at TEXT NOT NULL, scope TEXT NOT NULL DEFAULT '');"
              "CREATE INDEX IF NOT EXISTS main.\"_sluice_loads_by_target\" ON " +
              quote_identifier(kLedgerTable) + " (target, input_hash)",
          "creating the load ledger");
  if (!has_scope_column(db))
    db.exec("ALTER TABLE main._sluice_loads ADD COLUMN scope TEXT NOT NULL DEFAULT ''", "upgrading the load ledger");
  // The lookups match the target case-insensitively, per slice: one entry per store must not mean a scan.
  db.exec("CREATE INDEX IF NOT EXISTS main.\"_sluice_loads_by_scope\" ON " + quote_identifier(kLedgerTable) +
              " (target COLLATE NOCASE, scope)",
          "creating the load ledger");
}

void forget_slice(Connection& db, const std::string& table, const std::string& scope) {
  auto drop = db.reuse("DELETE FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE AND scope = ?2",
                       "updating the load ledger");
  drop->bind_text_copy(1, table);
  drop->bind_text_copy(2, scope);
  drop->run();
}

void record_load(Connection& db, const LoadReceipt& r) {
  // A replace supersedes every earlier load of its target, a load of one slice every earlier load
  // of that slice (its input was the whole slice).
  // An upsert of several slices or of the whole table supersedes the earlier such upserts: only the
  // newest load that wrote a table decides whether an overwriting load's receipt holds (see holds()
  // in load_stage.cpp), so the ledger does not grow by one entry per run.
  const auto drop_of_target = [&](const std::string& condition) {
    auto drop = db.reuse("DELETE FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE" + condition,
                         "updating the load ledger");
    drop->bind_text_copy(1, r.table);
    drop->run();
  };
  if (!r.scope.empty()) forget_slice(db, r.table, r.scope);
  else if (r.mode == "replace" && !r.scoped) drop_of_target("");
  else if (r.mode == "upsert") drop_of_target(" AND mode = 'upsert' AND scope = ''");
  auto add = db.reuse(
      "INSERT INTO main._sluice_loads(target, mode, input_hash, rows, loaded_at, scope) "
      "VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%d %H:%M:%S', 'now'), ?5)",
      "recording the load");
  add->bind_text_copy(1, r.table);
  add->bind_text_copy(2, r.mode);
  add->bind_text_copy(3, r.input_hash);
  add->bind_int(4, r.rows);
  add->bind_text_copy(5, r.scope);
  add->run();
}

std::optional<std::int64_t> find_load(Connection& db, const LoadReceipt& r) {
  if (!table_exists(db, kLedgerTable)) return std::nullopt;
  // Read without writing: an older ledger is upgraded by the next load, not by a lookup. A receipt
  // of one slice was written by a ledger that has the column.
  const bool scoped_ledger = !r.scope.empty() || has_scope_column(db);
  auto st = db.reuse(std::string("SELECT rows FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE AND mode = ?2 AND "
                                 "input_hash = ?3 ") +
                         (scoped_ledger ? "AND scope = ?4 " : "AND ?4 = '' ") + "ORDER BY load_id DESC LIMIT 1",
                     "reading the load ledger");
  st->bind_text_copy(1, r.table);
  st->bind_text_copy(2, r.mode);
  st->bind_text_copy(3, r.input_hash);
  st->bind_text_copy(4, r.scope);
  if (!st->step()) return std::nullopt;
  return st->column_int(0);
}

namespace {
std::optional<std::string> first_hash(Statement& st) {
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}
}  // namespace

std::optional<std::string> latest_load_hash(Connection& db, const std::string& table) {
  if (!table_exists(db, kLedgerTable)) return std::nullopt;
  auto st = db.reuse("SELECT input_hash FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE ORDER BY load_id DESC LIMIT 1",
                     "reading the load ledger");
  st->bind_text_copy(1, table);
  return first_hash(*st);
}

std::optional<std::string> latest_load_hash_in_slice(Connection& db, const std::string& table, const std::string& scope) {
  if (!table_exists(db, kLedgerTable)) return std::nullopt;
  // Both terms are searches of the (target, scope) index; a slice has one entry of its own.
  auto st = db.reuse("SELECT input_hash FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE AND scope IN (?2, '') "
                     "ORDER BY load_id DESC LIMIT 1",
                     "reading the load ledger");
  st->bind_text_copy(1, table);
  st->bind_text_copy(2, scope);
  return first_hash(*st);
}

bool table_exists(Connection& db, const std::string& table) {
  auto st = db.reuse("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
                     "looking up a table");
  st->bind_text_copy(1, table);
  return st->step();
}

}  // namespace sluice::sqlite
