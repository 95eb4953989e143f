#include "demo/demo_data.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sluice/table.hpp>
#include <vector>

#include "demo/catalog.hpp"
#include "demo/demo_sqlite.hpp"
#include "demo/sales_model.hpp"

namespace sluice::demo {

namespace {
namespace fs = std::filesystem;

constexpr const char* kGenerator = "sluice demo-data";
constexpr const char* kFormat = "2";  // 2: the per-store index and sales_versions
constexpr std::uint64_t kRowsPerTransaction = 250'000;
constexpr std::uint64_t kRowsPerProgress = 500'000;

[[noreturn]] void usage_error(const std::string& message) { throw DemoDataError(message, true); }

void check_range(const char* option, std::int64_t value, std::int64_t lo, std::int64_t hi) {
  if (value < lo || value > hi)
    usage_error(std::string(option) + " " + std::to_string(value) + " is out of range; use " + std::to_string(lo) +
                ".." + std::to_string(hi));
}

std::int64_t parse_end_date(const std::string& text) {
  try {
    return parse_date(text);
  } catch (const std::exception&) {
    usage_error("--end-date '" + text + "' is not a date; use YYYY-MM-DD, e.g. " + kDefaultEndDate);
  }
}

// Removes a half-written temp file unless the write completed.
class TempFileGuard {
 public:
  explicit TempFileGuard(fs::path path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (armed_) {
      std::error_code ec;
      fs::remove(path_, ec);
      fs::remove(fs::path(path_.string() + "-journal"), ec);
    }
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void disarm() { armed_ = false; }

 private:
  fs::path path_;
  bool armed_ = true;
};

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw DemoDataError("cannot open '" + path.string() + "' to flush it to disk", false);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw DemoDataError("fsync of '" + path.string() + "' failed", false);
}

// Writes "HH:MM:SS" at p.
void write_clock(char* p, std::int32_t second_of_day) {
  const int h = second_of_day / 3600, m = second_of_day / 60 % 60, s = second_of_day % 60;
  p[0] = static_cast<char>('0' + h / 10);
  p[1] = static_cast<char>('0' + h % 10);
  p[3] = static_cast<char>('0' + m / 10);
  p[4] = static_cast<char>('0' + m % 10);
  p[6] = static_cast<char>('0' + s / 10);
  p[7] = static_cast<char>('0' + s % 10);
}

struct SalesRange {
  std::int64_t first_day = 0;
  std::int64_t last_day = 0;
  std::int64_t first_sale_id = 1;
};

// Inserts the sales of [first_day, last_day]. With commit_batches the caller's
// transaction is committed and reopened every kRowsPerTransaction rows (fresh
// temp file: throughput); otherwise everything stays in the caller's single
// transaction (append: all or nothing).
std::uint64_t write_sales(DemoDb& db, SalesModel& model, const SalesRange& range, bool commit_batches,
                          const std::function<void(const DemoProgress&)>& on_progress) {
  DemoStatement insert(db,
                       "INSERT INTO sales(sale_id, store_id, product_id, sold_at, quantity, unit_price) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  std::vector<SaleLine> lines;
  std::uint64_t rows = 0, rows_in_batch = 0, next_progress = kRowsPerProgress;
  std::int64_t sale_id = range.first_sale_id;
  const std::int64_t total_days = range.last_day - range.first_day + 1;
  char stamp[20] = "YYYY-MM-DD HH:MM:SS";
  for (std::int64_t day = range.first_day; day <= range.last_day; ++day) {
    const std::string date = format_date(day);
    std::copy(date.begin(), date.end(), stamp);
    model.generate_day(day, lines);
    for (const SaleLine& line : lines) {
      write_clock(stamp + 11, line.second_of_day);
      insert.bind(1, sale_id++);
      insert.bind(2, static_cast<std::int64_t>(line.store_id));
      insert.bind(3, static_cast<std::int64_t>(line.product_id));
      insert.bind(4, std::string_view(stamp, 19));
      insert.bind(5, static_cast<std::int64_t>(line.quantity));
      insert.bind(6, line.unit_price);
      insert.step_done();
    }
    rows += lines.size();
    rows_in_batch += lines.size();
    if (commit_batches && rows_in_batch >= kRowsPerTransaction) {
      db.exec("COMMIT; BEGIN");
      rows_in_batch = 0;
    }
    if (on_progress && (rows >= next_progress || day == range.last_day)) {
      on_progress({day - range.first_day + 1, total_days, rows});
      next_progress = rows + kRowsPerProgress;
    }
  }
  return rows;
}

void create_schema(DemoDb& db) {
  db.exec(
      "CREATE TABLE stores(store_id INTEGER PRIMARY KEY, name TEXT, city TEXT, opened_on TEXT);"
      "CREATE TABLE products(product_id INTEGER PRIMARY KEY, name TEXT, category TEXT, unit_price REAL);"
      "CREATE TABLE sales(sale_id INTEGER PRIMARY KEY, store_id INTEGER, product_id INTEGER, sold_at TEXT, "
      "quantity INTEGER, unit_price REAL);"
      "CREATE TABLE demo_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);");
}

// What lets a pipeline read one store's sales without scanning the table, and notice which stores
// changed without reading them: a covering index by store and day, and sales_versions, one row per
// store with sales, whose version triggers bump on every insert, update or delete of its rows.
// Built after the bulk insert (one sort instead of 64 M index inserts and trigger runs).
void add_store_access(DemoDb& db) {
  db.exec(
      "CREATE INDEX sales_by_store ON sales(store_id, sold_at, quantity, unit_price);"
      "CREATE TABLE sales_versions(store_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);"
      "INSERT INTO sales_versions(store_id, version) SELECT store_id, 1 FROM sales GROUP BY store_id;"
      // A row without a store belongs to no store's version (and NULL would make a new rowid).
      "CREATE TRIGGER sales_versions_insert AFTER INSERT ON sales WHEN NEW.store_id IS NOT NULL BEGIN "
      "  INSERT OR IGNORE INTO sales_versions(store_id, version) VALUES (NEW.store_id, 0);"
      "  UPDATE sales_versions SET version = version + 1 WHERE store_id = NEW.store_id;"
      "END;"
      "CREATE TRIGGER sales_versions_update AFTER UPDATE ON sales BEGIN "
      "  INSERT OR IGNORE INTO sales_versions(store_id, version) SELECT NEW.store_id, 0 WHERE NEW.store_id IS NOT NULL;"
      "  UPDATE sales_versions SET version = version + 1 WHERE store_id IN (OLD.store_id, NEW.store_id);"
      "  DELETE FROM sales_versions WHERE store_id = OLD.store_id"
      "    AND NOT EXISTS (SELECT 1 FROM sales WHERE store_id = OLD.store_id);"
      "END;"
      "CREATE TRIGGER sales_versions_delete AFTER DELETE ON sales WHEN OLD.store_id IS NOT NULL BEGIN "
      "  UPDATE sales_versions SET version = version + 1 WHERE store_id = OLD.store_id;"
      "  DELETE FROM sales_versions WHERE store_id = OLD.store_id"
      "    AND NOT EXISTS (SELECT 1 FROM sales WHERE store_id = OLD.store_id);"
      "END;");
}

void write_dimensions(DemoDb& db, const SalesModel& model) {
  DemoStatement store(db, "INSERT INTO stores(store_id, name, city, opened_on) VALUES (?1, ?2, ?3, ?4)");
  for (const StoreProfile& s : model.stores()) {
    const std::string opened = format_date(s.opened_on);
    store.bind(1, static_cast<std::int64_t>(s.store_id));
    store.bind(2, std::string_view(s.name));
    store.bind(3, std::string_view(s.city));
    store.bind(4, std::string_view(opened));
    store.step_done();
  }
  DemoStatement product(db, "INSERT INTO products(product_id, name, category, unit_price) VALUES (?1, ?2, ?3, ?4)");
  for (const Product& p : product_catalog()) {
    product.bind(1, static_cast<std::int64_t>(p.product_id));
    product.bind(2, std::string_view(p.name));
    product.bind(3, std::string_view(p.category));
    product.bind(4, p.unit_price);
    product.step_done();
  }
}

void write_meta(DemoDb& db, const std::vector<std::pair<std::string, std::string>>& entries) {
  DemoStatement put(db, "INSERT INTO demo_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  for (const auto& [key, value] : entries) {
    put.bind(1, std::string_view(key));
    put.bind(2, std::string_view(value));
    put.step_done();
  }
}

DemoDataSummary make_summary(const fs::path& path, int stores, const SalesRange& range, std::uint64_t rows) {
  DemoDataSummary s;
  s.path = path;
  s.stores = stores;
  s.products = static_cast<int>(product_catalog().size());
  s.first_day = format_date(range.first_day);
  s.last_day = format_date(range.last_day);
  s.days = range.last_day - range.first_day + 1;
  s.rows = rows;
  s.first_sale_id = range.first_sale_id;
  s.last_sale_id = range.first_sale_id + static_cast<std::int64_t>(rows) - 1;
  return s;
}

DemoDataSummary create_new(const DemoDataOptions& o) {
  const int stores = o.stores.value_or(kDefaultStores);
  const int days = o.days.value_or(kDefaultDays);
  const std::uint64_t seed = o.seed.value_or(kDefaultSeed);
  check_range("--stores", stores, 1, 10'000);
  check_range("--days", days, 1, 36'600);
  const std::int64_t last_day = parse_end_date(o.end_date.value_or(kDefaultEndDate));
  const std::int64_t first_day = last_day - days + 1;
  // Fixed now and recorded: appends keep the stores' openings, whatever the day count grows to.
  const std::int64_t opening_span = std::min<std::int64_t>(days, kOpeningSpan);

  std::error_code ec;
  if (fs::exists(o.out, ec) && !o.force)
    usage_error("'" + o.out.string() + "' already exists; pass --force to overwrite it, or --append-days K to add days to it");
  if (fs::is_directory(o.out, ec)) usage_error("'" + o.out.string() + "' is a directory; give a file name such as sales.db");
  const fs::path dir = o.out.has_parent_path() ? o.out.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    usage_error("directory '" + dir.string() + "' does not exist; create it first (mkdir -p " + dir.string() + ")");

  // Built under a temp name in the same directory, then renamed: a crash never leaves a half file at OUT.
  const fs::path temp = dir / ("." + o.out.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove(temp, ec);
  TempFileGuard guard(temp);
  SalesModel model(seed, stores, first_day, opening_span);
  const SalesRange range{first_day, last_day, 1};
  std::uint64_t rows = 0;
  {
    DemoDb db(temp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    // Durability comes from fsync + rename at the end, so the bulk write may skip journal and syncs.
    db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536");
    db.exec("BEGIN");
    create_schema(db);
    write_dimensions(db, model);
    write_meta(db, {{"generator", kGenerator},
                    {"format", kFormat},
                    {"seed", std::to_string(seed)},
                    {"stores", std::to_string(stores)},
                    {"first_day", format_date(first_day)},
                    {"end_date", format_date(last_day)},
                    {"days", std::to_string(days)},
                    {"opening_span", std::to_string(opening_span)}});
    rows = write_sales(db, model, range, true, o.on_progress);
    add_store_access(db);
    db.exec("COMMIT");
    db.close();
  }
  fsync_path(temp, false);
  fs::rename(temp, o.out);
  guard.disarm();
  fsync_path(dir, true);
  return make_summary(o.out, stores, range, rows);
}

struct Meta {
  std::uint64_t seed = 0;
  int stores = 0;
  std::int64_t first_day = 0;
  std::int64_t end_day = 0;
  std::int64_t days = 0;
  std::int64_t opening_span = kOpeningSpan;
};

Meta read_meta(DemoDb& db) {
  const std::string not_demo = "'" + db.path().string() + "' was not made by `sluice demo-data`";
  bool has_meta = false;
  try {
    DemoStatement has(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'demo_meta'");
    has_meta = has.step_row() && has.column_int(0) > 0;
  } catch (const DemoDataError& e) {
    usage_error(not_demo + " (it cannot be read as a SQLite database: " + e.what() + ")");
  }
  if (!has_meta) usage_error(not_demo + " (it has no demo_meta table); --append-days only extends demo databases");
  std::vector<std::pair<std::string, std::string>> entries;
  DemoStatement all(db, "SELECT key, value FROM demo_meta");
  while (all.step_row()) entries.emplace_back(all.column_text(0), all.column_text(1));
  auto find = [&](const std::string& key) -> std::optional<std::string> {
    for (const auto& entry : entries)
      if (entry.first == key) return entry.second;
    return std::nullopt;
  };
  auto get = [&](const std::string& key) -> std::string {
    if (auto value = find(key)) return *value;
    usage_error(not_demo + " (demo_meta has no '" + key + "')");
  };
  if (get("generator") != kGenerator) usage_error(not_demo + " (demo_meta.generator is '" + get("generator") + "')");
  if (get("format") != kFormat)
    usage_error("'" + db.path().string() + "' uses demo-data format " + get("format") + "; this sluice writes format " +
                kFormat + ", so recreate it with `sluice demo-data --force`");
  try {
    Meta m;
    m.seed = std::stoull(get("seed"));
    m.stores = std::stoi(get("stores"));
    m.first_day = parse_date(get("first_day"));
    m.end_day = parse_date(get("end_date"));
    m.days = std::stoll(get("days"));
    // Files written before opening_span was recorded spread openings over kOpeningSpan days.
    if (auto span = find("opening_span")) m.opening_span = std::stoll(*span);
    if (m.opening_span < 1 || m.opening_span > kOpeningSpan) usage_error(not_demo + " (demo_meta holds malformed values)");
    return m;
  } catch (const DemoDataError&) {
    throw;
  } catch (const std::exception&) {
    usage_error(not_demo + " (demo_meta holds malformed values)");
  }
}

DemoDataSummary append_days(const DemoDataOptions& o) {
  check_range("--append-days", o.append_days, 1, 36'600);
  if (o.force) usage_error("--force cannot be combined with --append-days (appending never overwrites)");
  if (o.days || o.end_date)
    usage_error("--days and --end-date cannot be combined with --append-days: the database continues from the end date it records");
  std::error_code ec;
  if (!fs::is_regular_file(o.out, ec))
    usage_error("cannot append to '" + o.out.string() + "': the file does not exist; create it first with `sluice demo-data " +
                o.out.string() + "`");

  DemoDb db(o.out, SQLITE_OPEN_READWRITE);
  const Meta meta = read_meta(db);
  if (o.seed && *o.seed != meta.seed)
    usage_error("--seed " + std::to_string(*o.seed) + " does not match seed " + std::to_string(meta.seed) +
                " recorded in '" + o.out.string() + "'; drop --seed when appending");
  if (o.stores && *o.stores != meta.stores)
    usage_error("--stores " + std::to_string(*o.stores) + " does not match the " + std::to_string(meta.stores) +
                " stores recorded in '" + o.out.string() + "'; drop --stores when appending");

  SalesModel model(meta.seed, meta.stores, meta.first_day, meta.opening_span);
  // One transaction: a crash or error leaves the database exactly as it was.
  db.exec("PRAGMA cache_size=-65536; BEGIN IMMEDIATE");
  std::int64_t next_id = 1;
  {
    DemoStatement max_id(db, "SELECT coalesce(max(sale_id), 0) FROM sales");
    if (max_id.step_row()) next_id = max_id.column_int(0) + 1;
  }
  const SalesRange range{meta.end_day + 1, meta.end_day + o.append_days, next_id};
  const std::uint64_t rows = write_sales(db, model, range, false, o.on_progress);
  write_meta(db, {{"end_date", format_date(range.last_day)}, {"days", std::to_string(meta.days + o.append_days)}});
  db.exec("COMMIT");
  db.close();
  return make_summary(o.out, meta.stores, range, rows);
}
}  // namespace

DemoDataSummary generate_demo_data(const DemoDataOptions& options) {
  if (options.out.empty()) usage_error("no output file given; usage: sluice demo-data OUT.db");
  const auto start = std::chrono::steady_clock::now();
  DemoDataSummary summary = options.append_days != 0 ? append_days(options) : create_new(options);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace sluice::demo
