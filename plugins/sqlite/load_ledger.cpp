#include "load_ledger.hpp"

#include <nlohmann/json.hpp>

#include "sql_names.hpp"

namespace sluice::sqlite {

std::string LoadReceipt::to_json() const {
  nlohmann::json j = {{"kind", "sluice.sqlite_load/1"}, {"db", db},     {"table", table},
                      {"mode", mode},                   {"rows", rows}, {"input_hash", input_hash}};
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
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void ensure_ledger(Connection& db) {
  const std::string t = "main." + quote_identifier(kLedgerTable);
  db.exec("CREATE TABLE IF NOT EXISTS " + t +
              " (load_id INTEGER PRIMARY KEY, target TEXT NOT NULL, mode TEXT NOT NULL, input_hash TEXT NOT NULL, "
              "rows INTEGER NOT NULL, loaded_at TEXT NOT NULL);"
              "CREATE INDEX IF NOT EXISTS main.\"_sluice_loads_by_target\" ON " +
              quote_identifier(kLedgerTable) + " (target, input_hash)",
          "creating the load ledger");
}

void record_load(Connection& db, const LoadReceipt& r) {
  if (r.mode == "replace") {
    Statement drop(db, "DELETE FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE", "updating the load ledger");
    drop.bind_text_copy(1, r.table);
    drop.run();
  }
  Statement add(db,
                "INSERT INTO main._sluice_loads(target, mode, input_hash, rows, loaded_at) "
                "VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%d %H:%M:%S', 'now'))",
                "recording the load");
  add.bind_text_copy(1, r.table);
  add.bind_text_copy(2, r.mode);
  add.bind_text_copy(3, r.input_hash);
  add.bind_int(4, r.rows);
  add.run();
}

std::optional<std::int64_t> find_load(Connection& db, const LoadReceipt& r) {
  if (!table_exists(db, kLedgerTable)) return std::nullopt;
  Statement st(db,
               "SELECT rows FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE AND mode = ?2 AND input_hash = ?3 "
               "ORDER BY load_id DESC LIMIT 1",
               "reading the load ledger");
  st.bind_text_copy(1, r.table);
  st.bind_text_copy(2, r.mode);
  st.bind_text_copy(3, r.input_hash);
  if (!st.step()) return std::nullopt;
  return st.column_int(0);
}

std::optional<std::string> latest_load_hash(Connection& db, const std::string& table) {
  if (!table_exists(db, kLedgerTable)) return std::nullopt;
  Statement st(db,
               "SELECT input_hash FROM main._sluice_loads WHERE target = ?1 COLLATE NOCASE ORDER BY load_id DESC LIMIT 1",
               "reading the load ledger");
  st.bind_text_copy(1, table);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

bool table_exists(Connection& db, const std::string& table) {
  Statement st(db, "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
               "looking up a table");
  st.bind_text_copy(1, table);
  return st.step();
}

}  // namespace sluice::sqlite
