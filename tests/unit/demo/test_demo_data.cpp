#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sluice/table.hpp>
#include <string>
#include <vector>

#include "../../support/process.hpp"
#include "demo/demo_data.hpp"
#include "demo/holidays.hpp"
#include "demo/sales_model.hpp"

using sluice::demo::DemoDataError;
using sluice::demo::DemoDataOptions;
using sluice::demo::generate_demo_data;
using sluice::test::TempDir;

namespace {

// Read-only helper over one database file.
class Db {
 public:
  explicit Db(const std::filesystem::path& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db_));
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  std::string value(const std::string& sql) {
    auto r = rows(sql);
    REQUIRE(!r.empty());
    return r[0][0];
  }
  long long number(const std::string& sql) { return std::stoll(value(sql)); }
  // A content fingerprint of the whole sales table, row by row.
  std::string sales_digest() {
    return value(
        "SELECT count(*) || ':' || total(sale_id * 31 + store_id * 7 + product_id * 3 + quantity) || ':' || "
        "total(unit_price * quantity) || ':' || total(length(sold_at) + unicode(substr(sold_at, 18)) * sale_id) || ':' || "
        "min(sold_at) || ':' || max(sold_at) FROM sales");
  }

 private:
  sqlite3* db_ = nullptr;
};

DemoDataOptions small(const std::filesystem::path& out, int stores = 4, int days = 120) {
  DemoDataOptions o;
  o.out = out;
  o.stores = stores;
  o.days = days;
  o.end_date = "2026-03-31";
  o.seed = 7;
  return o;
}

std::size_t files_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("demo-data writes exactly the documented schema") {
  TempDir dir;
  generate_demo_data(small(dir / "s.db"));
  Db db(dir / "s.db");
  auto columns = [&](const std::string& table) {
    std::string out;
    for (const auto& r : db.rows("SELECT name, type, pk FROM pragma_table_info('" + table + "')"))
      out += r[0] + " " + r[1] + (r[2] == "1" ? " PK" : "") + ", ";
    return out;
  };
  CHECK(columns("stores") == "store_id INTEGER PK, name TEXT, city TEXT, opened_on TEXT, ");
  CHECK(columns("products") == "product_id INTEGER PK, name TEXT, category TEXT, unit_price REAL, ");
  CHECK(columns("sales") ==
        "sale_id INTEGER PK, store_id INTEGER, product_id INTEGER, sold_at TEXT, quantity INTEGER, unit_price REAL, ");
  CHECK(db.number("SELECT count(*) FROM stores") == 4);
  CHECK(db.number("SELECT count(*) FROM products") == 36);
  CHECK(db.value("SELECT value FROM demo_meta WHERE key = 'generator'") == "sluice demo-data");
  // Timestamps are ISO-8601 local 'YYYY-MM-DD HH:MM:SS' within opening hours, on the requested days.
  CHECK(db.number("SELECT count(*) FROM sales WHERE sold_at NOT GLOB "
                  "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]'") == 0);
  CHECK(db.value("SELECT max(sold_at) FROM sales") <= "2026-03-31 21:00:00");
  CHECK(db.value("SELECT min(sold_at) FROM sales") >= "2025-12-02");
  CHECK(db.number("SELECT min(substr(sold_at, 12, 2)) FROM sales") >= 8);
  // Every sale references a known store and product.
  CHECK(db.number("SELECT count(*) FROM sales WHERE store_id NOT IN (SELECT store_id FROM stores) "
                  "OR product_id NOT IN (SELECT product_id FROM products)") == 0);
  CHECK(files_in(dir.path()) == 1);  // no temp file left behind
}

TEST_CASE("demo-data indexes sales by store and versions each store's rows through triggers") {
  TempDir dir;
  generate_demo_data(small(dir / "s.db"));
  auto versions = [&] {
    Db db(dir / "s.db");
    return db.rows("SELECT store_id, version FROM sales_versions ORDER BY store_id");
  };
  const auto before = versions();
  {
    Db db(dir / "s.db");
    CHECK(before == db.rows("SELECT store_id, 1 FROM sales GROUP BY store_id ORDER BY store_id"));
    // A store's sales are read through the covering index, not by scanning the table.
    const auto plan = db.rows("EXPLAIN QUERY PLAN SELECT store_id, sold_at, quantity, unit_price FROM sales WHERE store_id = 2");
    REQUIRE(plan.size() == 1);
    CHECK(plan[0][3] == "SEARCH sales USING COVERING INDEX sales_by_store (store_id=?)");
  }
  auto write = [&](const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "s.db").c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  };
  // A correction of store 2 bumps store 2 only.
  write("UPDATE sales SET quantity = quantity + 1 WHERE store_id = 2 AND sale_id IN (SELECT sale_id FROM sales WHERE store_id = 2 LIMIT 3)");
  auto after = versions();
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    CAPTURE(after[i][0]);
    CHECK((after[i][1] != before[i][1]) == (after[i][0] == "2"));
  }
  // A row moved from store 3 to store 1 bumps both; a new store appears with its first sale and
  // disappears with its last.
  const auto mid = versions();
  write("UPDATE sales SET store_id = 1 WHERE sale_id = (SELECT min(sale_id) FROM sales WHERE store_id = 3)");
  after = versions();
  CHECK(after[0][1] != mid[0][1]);
  CHECK(after[2][1] != mid[2][1]);
  CHECK(after[3][1] == mid[3][1]);
  write("INSERT INTO sales VALUES (100000000, 99, 1, '2026-03-31 10:00:00', 1, 1.0)");
  CHECK(versions().back() == std::vector<std::string>{"99", "1"});
  write("DELETE FROM sales WHERE store_id = 99");
  CHECK(versions() == after);
  // A row without a store changes no version and adds no store.
  write("INSERT INTO sales VALUES (100000001, NULL, 1, '2026-03-31 10:00:00', 1, 1.0);"
        "UPDATE sales SET quantity = 2 WHERE sale_id = 100000001; DELETE FROM sales WHERE sale_id = 100000001");
  CHECK(versions() == after);
}

TEST_CASE("demo-data is deterministic for a seed and differs across seeds") {
  TempDir dir;
  auto a = small(dir / "a.db"), b = small(dir / "b.db"), c = small(dir / "c.db");
  c.seed = 8;
  const auto sa = generate_demo_data(a);
  generate_demo_data(b);
  generate_demo_data(c);
  Db da(dir / "a.db"), db(dir / "b.db"), dc(dir / "c.db");
  CHECK(da.sales_digest() == db.sales_digest());
  CHECK(da.rows("SELECT * FROM stores") == db.rows("SELECT * FROM stores"));
  CHECK(da.sales_digest() != dc.sales_digest());
  CHECK(sa.rows == static_cast<std::uint64_t>(da.number("SELECT count(*) FROM sales")));
  CHECK(sa.first_sale_id == 1);
  CHECK(sa.last_sale_id == da.number("SELECT max(sale_id) FROM sales"));
}

TEST_CASE("append-days continues sale_id and dates and equals one longer run") {
  TempDir dir;
  // From 1,100 days on, store openings do not depend on the length (sales_model.hpp), so the longer
  // run opens its stores on the same days; seed 3 has stores that open part-way: that is checked too.
  auto base = small(dir / "grow.db", 4, 1100);
  base.seed = 3;
  base.end_date = "2026-03-26";
  generate_demo_data(base);
  const long long before_max = Db(dir / "grow.db").number("SELECT max(sale_id) FROM sales");

  DemoDataOptions more;
  more.out = dir / "grow.db";
  more.append_days = 5;
  const auto s = generate_demo_data(more);
  CHECK(s.first_day == "2026-03-27");
  CHECK(s.last_day == "2026-03-31");
  CHECK(s.first_sale_id == before_max + 1);

  auto whole = small(dir / "whole.db", 4, 1105);  // same first day, ends 2026-03-31
  whole.seed = 3;
  generate_demo_data(whole);
  Db grown(dir / "grow.db"), one(dir / "whole.db");
  CHECK(one.number("SELECT count(*) FROM stores WHERE opened_on > (SELECT value FROM demo_meta WHERE key = 'first_day')") >= 1);
  CHECK(grown.rows("SELECT * FROM stores") == one.rows("SELECT * FROM stores"));
  CHECK(grown.sales_digest() == one.sales_digest());
  CHECK(grown.value("SELECT min(sold_at) FROM sales WHERE sale_id > " + std::to_string(before_max)) >= "2026-03-27");
  CHECK(grown.value("SELECT value FROM demo_meta WHERE key = 'end_date'") == "2026-03-31");
  CHECK(grown.value("SELECT value FROM demo_meta WHERE key = 'days'") == "1105");
  // Ids have no gaps or repeats.
  CHECK(grown.number("SELECT max(sale_id) - count(*) FROM sales") == 0);
}

TEST_CASE("a short data set opens every store within its days, and an append keeps those openings") {
  TempDir dir;
  DemoDataOptions o;  // 20 stores, seed 42: the defaults
  o.out = dir / "short.db";
  o.days = 20;
  o.end_date = "2026-11-22";
  generate_demo_data(o);
  std::vector<std::vector<std::string>> stores;
  {
    Db db(dir / "short.db");
    // Late openings are scaled into the 20 days (they fell in 2027 and 2028, leaving 6 stores without
    // sales), within the first 69 %: each store has at least the last 7 days.
    CHECK(db.number("SELECT count(*) FROM stores WHERE opened_on > '2026-11-16'") == 0);
    CHECK(db.number("SELECT count(*) FROM stores WHERE opened_on > '2026-11-03'") >= 1);  // still part-way
    CHECK(db.number("SELECT count(DISTINCT store_id) FROM sales") == 20);
    CHECK(db.value("SELECT value FROM demo_meta WHERE key = 'opening_span'") == "20");
    stores = db.rows("SELECT * FROM stores");
  }
  DemoDataOptions more;
  more.out = dir / "short.db";
  more.append_days = 30;
  generate_demo_data(more);
  Db grown(dir / "short.db");
  CHECK(grown.rows("SELECT * FROM stores") == stores);  // the same stores, opened on the same days
  CHECK(grown.value("SELECT value FROM demo_meta WHERE key = 'opening_span'") == "20");
  CHECK(grown.number("SELECT count(*) FROM sales JOIN stores USING (store_id) WHERE substr(sold_at, 1, 10) < opened_on") == 0);
}

TEST_CASE("demo data carries weekly, yearly and holiday patterns, openings, closures and outliers") {
  TempDir dir;
  DemoDataOptions o;
  o.out = dir / "year.db";
  o.stores = 6;
  o.days = 500;
  o.end_date = "2026-11-30";
  o.seed = 3;
  generate_demo_data(o);
  Db db(dir / "year.db");
  auto revenue_by_weekday = db.rows(
      "SELECT strftime('%w', sold_at) AS w, count(*) FROM sales GROUP BY w ORDER BY w");  // 0 = Sunday
  REQUIRE(revenue_by_weekday.size() == 7);
  const auto per_day = [&](int w) { return std::stoll(revenue_by_weekday[static_cast<std::size_t>(w)][1]); };
  CHECK(per_day(6) > per_day(2) * 1.4);  // Saturday well above Tuesday
  CHECK(per_day(5) > per_day(1));        // Friday above Monday

  // Closed on Thanksgiving and Christmas, Black Friday busier than the Fridays around it.
  CHECK(db.number("SELECT count(*) FROM sales WHERE sold_at LIKE '2025-12-25%' OR sold_at LIKE '2025-11-27%'") == 0);
  const long long black_friday = db.number("SELECT count(*) FROM sales WHERE sold_at LIKE '2025-11-28%'");
  const long long other_fridays = db.number(
      "SELECT count(*) FROM sales WHERE substr(sold_at, 1, 10) IN ('2025-11-14', '2025-11-21', '2025-12-05')");
  CHECK(black_friday * 3 > other_fridays * 1.5);

  // A store that opened part-way has no sales before its opening day.
  CHECK(db.number("SELECT count(*) FROM stores WHERE opened_on > '2025-07-19'") >= 1);
  CHECK(db.number("SELECT count(*) FROM sales JOIN stores USING (store_id) WHERE substr(sold_at, 1, 10) < opened_on") == 0);

  // Some open store-days are missing (outages), beyond the two closed holidays.
  const long long store_days = db.number("SELECT count(DISTINCT store_id || substr(sold_at, 1, 10)) FROM sales");
  const long long possible = db.number(
      "SELECT sum(julianday('2026-11-30') - max(julianday(opened_on), julianday((SELECT value FROM demo_meta WHERE key = 'first_day'))) + 1) FROM stores "
      "WHERE opened_on <= '2026-11-30'");
  CHECK(store_days < possible - 2 * 6);

  // Promotions discount list prices; rare bulk orders are outliers.
  CHECK(db.number("SELECT count(*) FROM sales s JOIN products p USING (product_id) WHERE s.unit_price < p.unit_price") > 0);
  CHECK(db.number("SELECT count(*) FROM sales WHERE quantity >= 20") > 0);
  CHECK(db.number("SELECT count(*) FROM sales WHERE quantity >= 20") < db.number("SELECT count(*) FROM sales") / 1000);

  // December before Christmas is busier than early February (yearly seasonality), in the stores open
  // (and past their ramp-up) in both: a store opening in between would add to February alone.
  const std::string open_stores = " AND store_id IN (SELECT store_id FROM stores WHERE opened_on < '2025-09-01')";
  CHECK(db.number("SELECT count(*) FROM sales WHERE sold_at BETWEEN '2025-12-01' AND '2025-12-21'" + open_stores) >
        db.number("SELECT count(*) FROM sales WHERE sold_at BETWEEN '2026-02-02' AND '2026-02-22'" + open_stores));
}

TEST_CASE("demo-data refuses bad options with messages that say how to fix them") {
  TempDir dir;
  auto o = small(dir / "x.db");
  generate_demo_data(o);

  CHECK_THROWS_WITH_AS(generate_demo_data(o),
                       ("'" + (dir / "x.db").string() +
                        "' already exists; pass --force to overwrite it, or --append-days K to add days to it").c_str(),
                       DemoDataError);
  o.force = true;
  CHECK_NOTHROW(generate_demo_data(o));

  auto bad = small(dir / "y.db");
  bad.stores = 0;
  CHECK_THROWS_WITH_AS(generate_demo_data(bad), "--stores 0 is out of range; use 1..10000", DemoDataError);
  bad = small(dir / "y.db");
  bad.end_date = "2026-13-01";
  CHECK_THROWS_WITH_AS(generate_demo_data(bad), "--end-date '2026-13-01' is not a date; use YYYY-MM-DD, e.g. 2026-11-22",
                       DemoDataError);
  bad = small(dir / "missing-dir" / "y.db");
  CHECK_THROWS_AS(generate_demo_data(bad), DemoDataError);

  DemoDataOptions append;
  append.out = dir / "nope.db";
  append.append_days = 3;
  try {
    generate_demo_data(append);
    FAIL("expected an error");
  } catch (const DemoDataError& e) {
    CHECK(e.usage());
    CHECK(std::string(e.what()) == "cannot append to '" + (dir / "nope.db").string() +
                                       "': the file does not exist; create it first with `sluice demo-data " +
                                       (dir / "nope.db").string() + "`");
  }

  // A SQLite file made by something else is refused, and left untouched.
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir / "other.db").c_str(), &raw) == SQLITE_OK);
    sqlite3_exec(raw, "CREATE TABLE sales(x)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
  }
  append.out = dir / "other.db";
  CHECK_THROWS_WITH_AS(generate_demo_data(append),
                       ("'" + (dir / "other.db").string() +
                        "' was not made by `sluice demo-data` (it has no demo_meta table); --append-days only extends demo databases")
                           .c_str(),
                       DemoDataError);

  sluice::test::write_file(dir / "text.db", std::string(200, 'x'));
  append.out = dir / "text.db";
  try {
    generate_demo_data(append);
    FAIL("expected an error");
  } catch (const DemoDataError& e) {
    CHECK(e.usage());
    CHECK(std::string(e.what()).find("' was not made by `sluice demo-data` (it cannot be read as a SQLite database") !=
          std::string::npos);
  }
  std::filesystem::remove(dir / "text.db");

  append.out = dir / "x.db";
  append.seed = 99;
  CHECK_THROWS_WITH_AS(generate_demo_data(append),
                       ("--seed 99 does not match seed 7 recorded in '" + (dir / "x.db").string() +
                        "'; drop --seed when appending").c_str(),
                       DemoDataError);
  append.seed.reset();
  append.days = 10;
  CHECK_THROWS_AS(generate_demo_data(append), DemoDataError);
  CHECK(files_in(dir.path()) == 2);  // x.db and other.db: no temp files after failures
}

TEST_CASE("US federal holidays land on the right dates") {
  using sluice::format_date;
  const auto h = sluice::demo::us_federal_holidays(2026);
  REQUIRE(h.size() == 11);
  auto date_of = [&](const std::string& name) {
    for (const auto& x : h)
      if (x.name == name) return format_date(x.day);
    return std::string("?");
  };
  CHECK(date_of("Martin Luther King Jr. Day") == "2026-01-19");
  CHECK(date_of("Memorial Day") == "2026-05-25");
  CHECK(date_of("Labor Day") == "2026-09-07");
  CHECK(date_of("Thanksgiving Day") == "2026-11-26");
  CHECK(date_of("Christmas Day") == "2026-12-25");
  CHECK(sluice::demo::weekday_of(sluice::parse_date("2026-11-22")) == 6);  // a Sunday
}

TEST_CASE("portable_cos matches cos closely") {
  for (double x = -20; x < 20; x += 0.37) CHECK(sluice::demo::portable_cos(x) == doctest::Approx(std::cos(x)).epsilon(1e-9));
}
