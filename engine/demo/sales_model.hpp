#pragma once
// The statistical model behind the demo sales: per-store traffic with a
// piecewise-linear trend (changepoints), weekly and yearly seasonality, US
// holidays, promotions, late store openings, closures/outages and rare outliers.
//
// Every random choice is keyed by (seed, store, day or week, purpose), so the
// rows of one day never depend on which days were generated before: a run of
// D days followed by --append-days K equals one run of D+K days.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::demo {

// A quarter of the stores open part-way through the data: on one of days 60 to 759 of 1,100 days
// (the default length), which leaves each store at least the last 31 % of the data. A data set of
// fewer days has these days scaled to its length (`opening_span` = its day count), so that every
// store still opens within it, with that share of history, instead of after its end with no sales.
inline constexpr std::int64_t kOpeningSpan = 1100;

struct StoreProfile {
  int store_id = 0;
  std::string name;
  std::string city;
  std::int64_t opened_on = 0;   // days since 1970-01-01
  double base_transactions = 0; // mean transactions per day at trend level 1
  std::array<double, 7> weekly{};  // Monday .. Sunday multipliers
};

// One sale (a receipt line) before it gets its sale_id.
struct SaleLine {
  std::int32_t second_of_day = 0;
  std::int32_t store_id = 0;
  std::int32_t product_id = 0;
  std::int32_t quantity = 0;
  double unit_price = 0;
  std::uint32_t sequence = 0;  // order of generation within the store-day; a sort tie-breaker
};

// What the calendar does to every store on a day.
struct DayEffect {
  bool closed = false;    // all stores closed (Thanksgiving, Christmas)
  double multiplier = 1;  // holiday lift or dip times yearly seasonality
};

class SalesModel {
 public:
  // `first_day` is the first day of the data set and `opening_span` the days over which late openings
  // are spread (at most kOpeningSpan); both are fixed when the data set is created, appends keep them.
  SalesModel(std::uint64_t seed, int stores, std::int64_t first_day, std::int64_t opening_span = kOpeningSpan);

  const std::vector<StoreProfile>& stores() const { return stores_; }

  // All sales of `day` over all stores, in time order (then store, then sequence).
  void generate_day(std::int64_t day, std::vector<SaleLine>& out);

  // Exposed for tests: the calendar effect, a store's trend level, and whether a store is shut.
  DayEffect day_effect(std::int64_t day) const;
  double trend_level(int store_index, std::int64_t day);
  bool store_closed(int store_index, std::int64_t day) const;

 private:
  struct TrendSegment {
    std::int64_t start = 0;
    std::int64_t length = 0;
    double level = 1;  // at start
    double slope = 0;  // per day
  };
  void generate_store_day(int store_index, std::int64_t day, double calendar_multiplier, std::vector<SaleLine>& out);

  std::uint64_t seed_;
  std::int64_t first_day_;
  std::vector<StoreProfile> stores_;
  std::vector<std::vector<TrendSegment>> trends_;  // grown lazily, per store
  std::array<std::uint8_t, 1024> product_pick_{};  // popularity-weighted lookup: uniform -> product index
  std::array<std::uint8_t, 1024> hour_pick_{};     // traffic-weighted lookup: uniform -> opening hour index
  std::vector<std::vector<std::uint8_t>> by_category_;  // product indexes per category
  std::vector<std::uint8_t> category_of_;               // category index per product index
};

// cos(x) from + and * only (range reduction plus a Taylor polynomial), so the
// seasonality is bit-identical everywhere, unlike libm's cos.
double portable_cos(double x);

}  // namespace sluice::demo
