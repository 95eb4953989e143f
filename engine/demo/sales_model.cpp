#include "demo/sales_model.hpp"

#include <algorithm>
#include <cmath>
#include <sluice/table.hpp>

#include "demo/catalog.hpp"
#include "demo/holidays.hpp"
#include "demo/prng.hpp"

namespace sluice::demo {

namespace {
// Purposes that separate the random streams keyed by the same store/day.
enum Purpose : std::uint64_t { kProfile = 1, kOpening, kTrend, kOutage, kPromo, kDay, kSpike };

constexpr std::array<double, 7> kWeekly = {0.86, 0.80, 0.86, 0.95, 1.16, 1.42, 1.05};
constexpr int kOpenHour = 8;
constexpr std::array<double, 13> kHourTraffic = {0.4, 0.6, 0.8, 1.0, 1.4, 1.3, 0.9, 0.9, 1.1, 1.5, 1.5, 1.1, 0.6};
constexpr std::int64_t kOutageBlock = 64;   // days per block that may hold one outage
constexpr double kPi = 3.141592653589793;

// Holiday lift on the day itself (1 = none); closed days are handled separately.
double holiday_multiplier(const std::string& name) {
  if (name == "New Year's Day") return 0.55;
  if (name == "Independence Day") return 0.75;
  if (name == "Memorial Day" || name == "Labor Day") return 1.30;
  if (name == "Washington's Birthday" || name == "Martin Luther King Jr. Day") return 1.15;
  return 1.08;
}

std::uint64_t to_key(std::int64_t v) { return static_cast<std::uint64_t>(v); }

template <std::size_t N, std::size_t M>
void fill_lookup(std::array<std::uint8_t, N>& table, const std::array<double, M>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  std::size_t slot = 0;
  double cumulative = 0;
  for (std::size_t i = 0; i < M; ++i) {
    cumulative += weights[i];
    const auto end = i + 1 == M ? N : static_cast<std::size_t>(cumulative / total * static_cast<double>(N));
    for (; slot < end; ++slot) table[slot] = static_cast<std::uint8_t>(i);
  }
}

// The day, counted from the first day of the data, on which a late store opens: `draw` (0..699)
// places it on days 60..759 of kOpeningSpan days, scaled to `span` days for a shorter data set (a
// longer one is unchanged, so its data is the same as before spans existed).
std::int64_t late_opening_offset(std::uint32_t draw, std::int64_t span) {
  return (60 + static_cast<std::int64_t>(draw)) * span / kOpeningSpan;
}
}  // namespace

double portable_cos(double x) {
  constexpr double two_pi = 2 * kPi;
  x -= two_pi * std::floor(x / two_pi);  // [0, 2pi)
  if (x > kPi) x = two_pi - x;           // cos is even around pi
  double sign = 1;
  if (x > kPi / 2) {
    x = kPi - x;
    sign = -1;
  }
  const double x2 = x * x;
  // Taylor series to x^14: error < 1e-12 on [0, pi/2].
  double term = 1, sum = 1;
  for (int k = 1; k <= 7; ++k) {
    term *= -x2 / static_cast<double>((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sign * sum;
}

SalesModel::SalesModel(std::uint64_t seed, int stores, std::int64_t first_day, std::int64_t opening_span)
    : seed_(seed), first_day_(first_day) {
  const auto& catalog = product_catalog();
  std::array<double, 36> popularity{};
  for (std::size_t i = 0; i < catalog.size() && i < popularity.size(); ++i) popularity[i] = catalog[i].popularity;
  fill_lookup(product_pick_, popularity);
  fill_lookup(hour_pick_, kHourTraffic);
  const auto& categories = product_categories();
  by_category_.resize(categories.size());
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const auto c = std::find(categories.begin(), categories.end(), catalog[i].category) - categories.begin();
    by_category_[static_cast<std::size_t>(c)].push_back(static_cast<std::uint8_t>(i));
    category_of_.push_back(static_cast<std::uint8_t>(c));
  }

  stores_.reserve(static_cast<std::size_t>(stores));
  trends_.resize(static_cast<std::size_t>(stores));
  for (int s = 1; s <= stores; ++s) {
    Rng profile(hash_key({seed, to_key(s), kProfile}));
    StoreProfile p;
    p.store_id = s;
    const std::uint64_t naming = profile.next();
    p.city = city_for(naming);
    p.name = store_name_for(s, p.city, naming);
    p.base_transactions = profile.uniform(30.0, 70.0);
    for (int d = 0; d < 7; ++d) p.weekly[static_cast<std::size_t>(d)] = kWeekly[static_cast<std::size_t>(d)] * profile.uniform(0.94, 1.06);
    // About a quarter of the stores (never store 1) open part-way through the data.
    Rng opening(hash_key({seed, to_key(s), kOpening}));
    if (s > 1 && opening.chance(0.25)) p.opened_on = first_day + late_opening_offset(opening.below(700), opening_span);
    else p.opened_on = first_day - 30 - opening.below(3000);
    stores_.push_back(std::move(p));
  }
}

DayEffect SalesModel::day_effect(std::int64_t day) const {
  int year;
  unsigned month, dom;
  civil_from_days(day, year, month, dom);
  DayEffect effect;
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  const double year_fraction = static_cast<double>(day - jan1) / 365.25;
  // Yearly: a winter-holiday peak and a smaller summer bump, plus the run-up to Christmas.
  double yearly = 1.0 + 0.10 * portable_cos(2 * kPi * (year_fraction - 0.97)) +
                  0.05 * portable_cos(4 * kPi * (year_fraction - 0.55));
  if (month == 12 && dom <= 24) yearly += 0.30 * static_cast<double>(dom) / 24.0;
  double holiday = 1.0;
  for (const Holiday& h : us_federal_holidays(year)) {
    if (h.day == day) {
      if (h.name == "Thanksgiving Day" || h.name == "Christmas Day") effect.closed = true;
      holiday = holiday_multiplier(h.name);
    } else if (h.name == "Thanksgiving Day" && day == h.day + 1) {
      holiday = 2.1;  // Black Friday
    } else if (h.name == "Christmas Day" && day == h.day - 1) {
      holiday = 1.5;  // Christmas Eve
    }
  }
  effect.multiplier = yearly * holiday;
  return effect;
}

double SalesModel::trend_level(int store_index, std::int64_t day) {
  auto& segments = trends_[static_cast<std::size_t>(store_index)];
  const auto store_key = to_key(stores_[static_cast<std::size_t>(store_index)].store_id);
  if (segments.empty()) {
    Rng r(hash_key({seed_, store_key, kTrend, 0}));
    segments.push_back({first_day_, 0, r.uniform(0.8, 1.2), 0});
  }
  // Extend the changepoint sequence until it covers `day`; each segment is keyed by its index.
  while (segments.back().length == 0 || segments.back().start + segments.back().length <= day) {
    TrendSegment& last = segments.back();
    if (last.length == 0) {
      Rng r(hash_key({seed_, store_key, kTrend, segments.size()}));
      last.length = 120 + r.below(300);
      last.slope = r.uniform(-0.5, 0.8) / 365.0;
      const double end_level = last.level + last.slope * static_cast<double>(last.length);
      if (end_level < 0.5 || end_level > 2.2) last.slope = -last.slope;  // stay in a plausible band
      continue;
    }
    const double next_level = last.level + last.slope * static_cast<double>(last.length);
    segments.push_back({last.start + last.length, 0, next_level, 0});
  }
  if (day < first_day_) return segments.front().level;
  const auto it = std::upper_bound(segments.begin(), segments.end(), day,
                                   [](std::int64_t d, const TrendSegment& s) { return d < s.start; });
  const TrendSegment& seg = *(it - 1);
  return seg.level + seg.slope * static_cast<double>(day - seg.start);
}

bool SalesModel::store_closed(int store_index, std::int64_t day) const {
  const auto store_key = to_key(stores_[static_cast<std::size_t>(store_index)].store_id);
  const std::int64_t block = day / kOutageBlock;
  // An outage may start in this block or spill over from the previous one.
  for (std::int64_t b = block - 1; b <= block; ++b) {
    Rng r(hash_key({seed_, store_key, kOutage, to_key(b)}));
    if (!r.chance(0.22)) continue;
    const std::int64_t start = b * kOutageBlock + r.below(kOutageBlock);
    const std::int64_t length = 1 + r.below(r.chance(0.15) ? 14 : 4);
    if (day >= start && day < start + length) return true;
  }
  return false;
}

void SalesModel::generate_store_day(int store_index, std::int64_t day, double calendar_multiplier,
                                    std::vector<SaleLine>& out) {
  const StoreProfile& store = stores_[static_cast<std::size_t>(store_index)];
  if (day < store.opened_on || store_closed(store_index, day)) return;
  const auto store_key = to_key(store.store_id);
  const int weekday = weekday_of(day);

  // Promotions: some weeks run Thursday..Sunday on one category, with a discount and a traffic lift.
  const std::int64_t week = (day + 3) / 7;
  Rng promo_rng(hash_key({seed_, store_key, kPromo, to_key(week)}));
  const bool promo = promo_rng.chance(0.12) && weekday >= 3;
  const std::size_t promo_category = promo_rng.below(static_cast<std::uint32_t>(by_category_.size()));
  const double discount = promo_rng.uniform(0.10, 0.25);

  Rng rng(hash_key({seed_, store_key, kDay, to_key(day)}));
  const double age = static_cast<double>(day - store.opened_on);
  const double ramp_up = age < 90 ? 0.4 + 0.6 * age / 90.0 : 1.0;
  double mean = store.base_transactions * trend_level(store_index, day) * ramp_up *
                store.weekly[static_cast<std::size_t>(weekday)] * calendar_multiplier * (promo ? 1.35 : 1.0);
  if (rng.chance(0.0015)) mean *= rng.uniform(2.5, 4.0);  // rare outlier day (a local event)
  const double noisy = mean * (1.0 + 0.12 * rng.normalish());
  const auto count = static_cast<std::int64_t>(std::floor(std::max(0.0, noisy) + rng.uniform()));

  const auto& catalog = product_catalog();
  const auto& promo_products = by_category_[promo_category];
  for (std::int64_t i = 0; i < count; ++i) {
    SaleLine line;
    line.store_id = store.store_id;
    line.sequence = static_cast<std::uint32_t>(i);
    const int hour = kOpenHour + hour_pick_[rng.below(1024)];
    line.second_of_day = hour * 3600 + static_cast<std::int32_t>(rng.below(3600));
    std::size_t product = product_pick_[rng.below(1024)];
    if (promo && rng.chance(0.35)) product = promo_products[rng.below(static_cast<std::uint32_t>(promo_products.size()))];
    const Product& p = catalog[product];
    line.product_id = p.product_id;
    const double u = rng.uniform();
    line.quantity = u < 0.62 ? 1 : u < 0.86 ? 2 : u < 0.95 ? 3 : u < 0.98 ? 4 : 5 + static_cast<std::int32_t>(rng.below(4));
    if (rng.chance(0.0003)) line.quantity *= 20 + static_cast<std::int32_t>(rng.below(60));  // bulk-order outlier
    double price = p.unit_price;
    if (promo && category_of_[product] == promo_category) price *= 1.0 - discount;
    line.unit_price = std::floor(price * 100.0 + 0.5) / 100.0;
    out.push_back(line);
  }
}

void SalesModel::generate_day(std::int64_t day, std::vector<SaleLine>& out) {
  out.clear();
  const DayEffect effect = day_effect(day);
  if (effect.closed) return;
  for (int s = 0; s < static_cast<int>(stores_.size()); ++s) generate_store_day(s, day, effect.multiplier, out);
  std::sort(out.begin(), out.end(), [](const SaleLine& a, const SaleLine& b) {
    if (a.second_of_day != b.second_of_day) return a.second_of_day < b.second_of_day;
    if (a.store_id != b.store_id) return a.store_id < b.store_id;
    return a.sequence < b.sequence;
  });
}

}  // namespace sluice::demo
