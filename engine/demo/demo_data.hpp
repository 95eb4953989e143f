#pragma once
// `sluice demo-data`: writes a realistic, reproducible retail sales database
// (stores, products, sales) for the flagship pipeline, or appends more days to one.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace sluice::demo {

inline constexpr int kDefaultStores = 20;
inline constexpr int kDefaultDays = 1100;
inline constexpr const char* kDefaultEndDate = "2026-11-22";
inline constexpr std::uint64_t kDefaultSeed = 42;

struct DemoProgress {
  std::int64_t days_done = 0;
  std::int64_t days_total = 0;
  std::uint64_t rows = 0;
};

struct DemoDataOptions {
  std::filesystem::path out;
  // Unset means the default for a new database; with append_days they must be
  // unset or equal to what the database records (its demo_meta table).
  std::optional<int> stores;
  std::optional<int> days;
  std::optional<std::string> end_date;  // YYYY-MM-DD, the last day with sales
  std::optional<std::uint64_t> seed;
  int append_days = 0;  // > 0: add this many days after the recorded end date
  bool force = false;   // overwrite an existing file (new database only)
  std::function<void(const DemoProgress&)> on_progress;  // called every few hundred thousand rows
};

struct DemoDataSummary {
  std::filesystem::path path;
  int stores = 0;
  int products = 0;
  std::string first_day;  // of the days written by this call
  std::string last_day;
  std::int64_t days = 0;
  std::uint64_t rows = 0;  // sales rows written by this call
  std::int64_t first_sale_id = 0;
  std::int64_t last_sale_id = 0;
  double seconds = 0;
};

// Thrown for bad options or an unusable OUT.db; `usage()` is true when the
// user's input is at fault (exit code 2) rather than the system (exit code 1).
class DemoDataError : public std::runtime_error {
 public:
  DemoDataError(const std::string& message, bool usage) : std::runtime_error(message), usage_(usage) {}
  bool usage() const { return usage_; }

 private:
  bool usage_;
};

// Creates OUT.db atomically (temp file + fsync + rename) or, with append_days,
// appends in one transaction. Deterministic for a seed.
DemoDataSummary generate_demo_data(const DemoDataOptions& options);

}  // namespace sluice::demo
