// The flagship scenario end to end: demo data -> pipelines/sales_forecast.toml -> warehouse and
// dashboard, then the weekly update. Checks real outputs and what must not happen (duplicates, reruns).
#include <signal.h>

#include <chrono>
#include <cmath>
#include <regex>
#include <thread>

#include <sluice/table.hpp>

#include "cli_fixture.hpp"

using namespace sluice::test;

namespace {
std::string sql(const std::filesystem::path& db, const std::string& query) {
  const auto r = run_command("sqlite3 " + shell_quote(db.string()) + " " + shell_quote(query));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}
double num(const std::string& s) { return std::stod(s); }

std::string dashboard_value(const std::string& html, const std::string& id) {
  const std::regex re("id=\"" + id + "\" data-value=\"([^\"]*)\"");
  std::smatch m;
  if (!std::regex_search(html, m, re)) return "(missing " + id + ")";
  return m[1];
}

// Attribute `name` of the store card of store `key` on the dashboard.
std::string card_value(const std::string& html, const std::string& key, const std::string& name) {
  const std::regex re("data-store-key=\"" + key + "\"[^>]* " + name + "=\"([^\"]*)\"");
  std::smatch m;
  if (!std::regex_search(html, m, re)) return "(missing card " + key + ")";
  return m[1];
}

// "ran/total" partitions of a node in a run report.
std::string partitions_ran(const nlohmann::json& report, const std::string& node) {
  for (const auto& n : report["nodes"])
    if (n["id"] == node && n.contains("partitions"))
      return std::to_string(n["partitions"]["ran"].get<int>()) + "/" + std::to_string(n["partitions"]["total"].get<int>());
  return "(no partitions for " + node + ")";
}

struct Flagship {
  TempDir dir;
  std::string sets() const {
    return "--set vars.source_db=" + (dir / "sales.db").string() + " --set vars.warehouse_db=" +
           (dir / "warehouse.db").string() + " --set vars.out_dir=" + (dir / "out").string() + " --cache-dir " +
           (dir / "cache").string();
  }
  nlohmann::json run(int expected = 0) const {
    const auto r = sluice::test::sluice("run -q --json " + shell_quote(std::string(SLUICE_SOURCE_DIR) + "/pipelines/sales_forecast.toml") +
                                        " " + sets());
    INFO(r.err);
    CHECK(r.exit_code == expected);
    return nlohmann::json::parse(r.out);
  }
  void check_warehouse_matches_source() const {
    const auto wh = dir / "warehouse.db", src = dir / "sales.db";
    // No duplicate (store, day) rows, whatever happened before.
    CHECK(sql(wh, "SELECT COUNT(*) - COUNT(DISTINCT store_id || '/' || ds) FROM fact_daily_sales") == "0");
    // Totals equal what sqlite3 computes directly from the source, per store and overall.
    const std::string per_store_wh = sql(wh, "SELECT store_id, printf('%.4f', SUM(y)) FROM fact_daily_sales GROUP BY store_id ORDER BY store_id");
    const std::string per_store_src =
        sql(src, "SELECT store_id, printf('%.4f', SUM(quantity * unit_price)) FROM sales GROUP BY store_id ORDER BY store_id");
    CHECK(per_store_wh == per_store_src);
    CHECK(sql(wh, "SELECT MAX(ds) FROM fact_daily_sales") == sql(src, "SELECT MAX(substr(sold_at, 1, 10)) FROM sales"));
  }
};
}  // namespace

TEST_CASE("the flagship pipeline runs end to end, and the weekly update recomputes only what changed") {
  Flagship f;
  const auto gen = sluice::test::sluice("demo-data " + shell_quote((f.dir / "sales.db").string()) + " --stores 6 --days 760");
  INFO(gen.err);
  REQUIRE(gen.exit_code == 0);

  const auto first = f.run();
  for (const auto& node : statuses(first)) {  // not a structured binding: clang 14 cannot capture one
    CAPTURE(node.first);
    CHECK(node.second == "ran");
  }
  const auto wh = f.dir / "warehouse.db";
  const auto wal = f.dir / "warehouse.db-wal";
  CHECK_FALSE(std::filesystem::exists(wal));  // the WAL is folded back when the run ends: the file alone is whole
  f.check_warehouse_matches_source();
  CHECK(sql(wh, "PRAGMA journal_mode") == "wal");
  CHECK(sql(wh, "SELECT COUNT(*) FROM dim_store") == "6");
  CHECK(num(sql(wh, "SELECT COUNT(DISTINCT store_id) FROM fact_forecast")) == 6);
  CHECK(sql(wh, "SELECT COUNT(*) FROM fact_forecast WHERE is_forecast = 1") == "180");  // 6 stores x 30 days

  // The dashboard shows the warehouse's numbers.
  const std::string html = slurp(f.dir / "out" / "dashboard.html");
  REQUIRE(html.size() > 10'000);
  CHECK(dashboard_value(html, "data-through") == sql(wh, "SELECT MAX(ds) FROM fact_daily_sales"));
  const double shown = num(dashboard_value(html, "forecast-total"));
  const double stored = num(sql(wh, "SELECT printf('%.6f', SUM(yhat)) FROM fact_forecast_total WHERE is_forecast = 1"));
  CHECK(shown == doctest::Approx(stored).epsilon(1e-9));
  const double mape = num(dashboard_value(html, "model-mape"));
  CHECK(mape == doctest::Approx(num(sql(wh, "SELECT printf('%.12f', AVG(mape)) FROM fact_backtest WHERE model = 'prophet'"))).epsilon(1e-9));
  // Self-contained: nothing is fetched (the SVG namespace URI is an identifier, not a fetch).
  for (const char* fetch : {"src=\"http", "href=\"http", "url(http", "@import"}) {
    CAPTURE(fetch);
    CHECK(html.find(fetch) == std::string::npos);
  }

  // A no-op rerun recomputes nothing.
  for (const auto& node : statuses(f.run())) {
    CAPTURE(node.first);
    CHECK(node.second == "cached");
  }

  // A correction of one store's last week: only that store is read again and recomputed.
  sql(f.dir / "sales.db", "UPDATE sales SET quantity = quantity + 1 WHERE store_id = 2 AND "
                          "sold_at >= (SELECT date(max(sold_at), '-6 days') FROM sales)");
  const auto corrected = f.run();
  // Also when connections that verified the other stores' loads were the last to close.
  CHECK_FALSE(std::filesystem::exists(wal));
  CHECK(partitions_ran(corrected, "sales") == "1/6");
  CHECK(partitions_ran(corrected, "daily") == "1/6");
  CHECK(partitions_ran(corrected, "forecast") == "1/6");
  CHECK(partitions_ran(corrected, "load_daily") == "1/6");     // one store's rows written,
  CHECK(partitions_ran(corrected, "load_forecast") == "1/6");  // one store's forecast replaced
  CHECK(partitions_ran(corrected, "cards") == "1/6");          // one store's card rendered again
  // The page shows the corrected store's new forecast and backtest error, and the others' cards.
  const std::string corrected_html = slurp(f.dir / "out" / "dashboard.html");
  CHECK(num(card_value(corrected_html, "2", "data-forecast-total")) ==
        doctest::Approx(num(sql(wh, "SELECT printf('%.6f', SUM(yhat)) FROM fact_forecast WHERE store_id = 2 AND is_forecast = 1")))
            .epsilon(1e-9));
  // Each backtested store's badge is its own backtest error (stores with a short history have none).
  const std::string backtested = sql(wh, "SELECT group_concat(store_id) FROM (SELECT DISTINCT store_id FROM fact_backtest ORDER BY 1)");
  REQUIRE(!backtested.empty());
  for (std::size_t at = 0; at < backtested.size();) {
    const std::string key = backtested.substr(at, backtested.find(',', at) - at);
    at += key.size() + 1;
    CAPTURE(key);
    CHECK(num(card_value(corrected_html, key, "data-mape")) ==
          doctest::Approx(num(sql(wh, "SELECT printf('%.12f', AVG(mape)) FROM fact_backtest WHERE store_id = " + key +
                                          " AND model = 'prophet'")))
              .epsilon(1e-9));
  }
  CHECK(card_value(corrected_html, "5", "data-mape") == card_value(html, "5", "data-mape"));
  std::size_t cards_on_page = 0;
  for (auto at = corrected_html.find("class=\"card store-card\""); at != std::string::npos;
       at = corrected_html.find("class=\"card store-card\"", at + 1))
    ++cards_on_page;
  CHECK(cards_on_page == 6);
  CHECK(sql(wh, "SELECT COUNT(*) FROM fact_forecast WHERE is_forecast = 1") == "180");
  CHECK(statuses(corrected).at("stores") == "ran");           // the file changed: the stores are read again,
  CHECK(statuses(corrected).at("load_stores") == "cached");   // and are the same
  f.check_warehouse_matches_source();

  // The weekly update: seven more days of sales, then the same command.
  const std::string rows_before = sql(wh, "SELECT COUNT(*) FROM fact_daily_sales");
  const auto append = sluice::test::sluice("demo-data " + shell_quote((f.dir / "sales.db").string()) + " --append-days 7");
  REQUIRE(append.exit_code == 0);
  const auto weekly = f.run();
  const auto st = statuses(weekly);
  CHECK(st.at("sales") == "ran");
  CHECK(st.at("load_daily") == "ran");
  CHECK(st.at("load_stores") == "cached");  // the stores table did not change: early cutoff
  CHECK(st.at("dashboard") == "ran");
  f.check_warehouse_matches_source();
  const double added = num(sql(wh, "SELECT COUNT(*) FROM fact_daily_sales")) - num(rows_before);
  CHECK(added >= 7 * 5);  // 7 new days for (at least) every store open all week
  // Every store's series is contiguous from its first to its last day: no gaps, no duplicates.
  CHECK(sql(wh, "SELECT COUNT(*) FROM (SELECT store_id FROM fact_daily_sales GROUP BY store_id "
                "HAVING COUNT(*) != julianday(MAX(ds)) - julianday(MIN(ds)) + 1)") == "0");
  CHECK(sql(wh, "SELECT COUNT(*) FROM fact_forecast WHERE is_forecast = 1") == "180");  // replaced, not appended
}

TEST_CASE("deleting the dashboard or dropping a warehouse table reruns just that sink") {
  Flagship f;
  REQUIRE(sluice::test::sluice("demo-data " + shell_quote((f.dir / "sales.db").string()) + " --stores 3 --days 560").exit_code == 0);
  f.run();
  std::filesystem::remove(f.dir / "out" / "dashboard.html");
  sql(f.dir / "warehouse.db", "DROP TABLE fact_forecast");
  const auto st = statuses(f.run());
  CHECK(st.at("dashboard") == "ran");
  CHECK(st.at("load_forecast") == "ran");
  CHECK(st.at("forecast") == "cached");
  CHECK(st.at("load_daily") == "cached");
  CHECK(std::filesystem::exists(f.dir / "out" / "dashboard.html"));
  CHECK(sql(f.dir / "warehouse.db", "SELECT COUNT(DISTINCT store_id) FROM fact_forecast") ==
        sql(f.dir / "warehouse.db", "SELECT COUNT(DISTINCT store_id) FROM fact_daily_sales"));
}

TEST_CASE("a chain with less history than min_backtest_days gets forecasts and a dashboard, and no backtest") {
  Flagship f;
  REQUIRE(sluice::test::sluice("demo-data " + shell_quote((f.dir / "sales.db").string()) + " --stores 3 --days 200").exit_code == 0);
  const auto report = f.run();
  const auto wh = f.dir / "warehouse.db";
  CHECK(num(sql(wh, "SELECT COUNT(DISTINCT store_id) FROM fact_forecast")) >= 1);
  CHECK(sql(wh, "SELECT COUNT(DISTINCT store_id) FROM fact_forecast") ==
        sql(wh, "SELECT COUNT(DISTINCT store_id) FROM fact_daily_sales"));
  // No store qualifies for a backtest: every store's partition is skipped (min_history_days) with
  // no metrics rows, instead of failing on a history too short for a cutoff.
  CHECK(partitions_ran(report, "backtest") == sql(wh, "SELECT COUNT(DISTINCT store_id) || '/' || COUNT(DISTINCT store_id) FROM fact_daily_sales"));
  CHECK(sql(wh, "SELECT COUNT(*) FROM fact_backtest") == "0");
  const std::string html = slurp(f.dir / "out" / "dashboard.html");
  CHECK(html.find("No backtest metrics yet: no series has enough history to backtest.") != std::string::npos);
  CHECK(statuses(f.run()) == std::map<std::string, std::string>{
                                 {"store_versions", "cached"}, {"sales", "cached"}, {"stores", "cached"},
                                 {"daily", "cached"}, {"total", "cached"},
                                 {"load_stores", "cached"}, {"load_daily", "cached"}, {"forecast", "cached"},
                                 {"forecast_total", "cached"}, {"load_forecast", "cached"},
                                 {"load_forecast_total", "cached"}, {"backtest", "cached"}, {"load_metrics", "cached"}, {"cards", "cached"},
                                 {"dashboard", "cached"}});
}

TEST_CASE("SIGTERM during a forecast fit of minutes exits 130 at once and writes no forecast") {
  PipelineDir p(R"(
[pipeline]
name = "slow_fit"
[nodes.history]
plugin = "sluice.csv_read"
params = { path = "history.csv", schema = ["ds:date", "y:double"] }
[nodes.forecast]
plugin = "sluice.prophet_forecast"
inputs = ["history"]
params = { yearly = 1000 }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["forecast"]
params = { path = "out.csv" }
)");
  std::string csv = "ds,y\n";
  for (int i = 0; i < 400; ++i)
    csv += sluice::format_date(sluice::parse_date("2021-01-01") + i) + "," + std::to_string(100.0 + std::sin(i / 7.0 * 6.28)) + "\n";
  write_file(p.path("history.csv"), csv);
  Background run(p.path(), {"run", "p.toml", "--json"});
  // 2,000 yearly Fourier columns on 400 days: the fit starts once the history is read, then runs for minutes.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (slurp(run.err).find("history: ran") == std::string::npos && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const Ended ended = signal_and_wait(run, SIGTERM);
  INFO("stderr: " << slurp(run.err));
  CHECK(ended.exit_code == 130);
  CHECK(ended.seconds < 3.0 * time_scale());
  CHECK_FALSE(std::filesystem::exists(p.path("out.csv")));
  const auto report = nlohmann::json::parse(slurp(run.out));
  CHECK(statuses(report)["forecast"] == "skipped");
  for (const auto& n : report["nodes"])
    if (n["id"] == "forecast") CHECK(n["wall_ms"].get<double>() >= 500.0);  // it was fitting when the signal came
}
