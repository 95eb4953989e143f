#pragma once
// Everything one dashboard page shows, read from the inputs once. Sections
// only format this; they never look at the raw tables.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "forecast_data.hpp"
#include "run_info.hpp"
#include "store_card.hpp"

namespace sluice::dashboard {

struct PageData {
  std::string title;
  ForecastSeries total;
  bool total_from_input = false;  // false: summed from the per-store rows
  std::vector<ForecastSeries> stores;  // from the forecast input (empty when the cards come pre-rendered)
  std::vector<StoreCard> cards;        // one per store, in key order
  std::optional<AccuracyTable> accuracy;         // empty without a metrics input
  RunInfo run;
  int max_small_multiples = 12;
  std::string rendered_at;  // UTC, "YYYY-MM-DD HH:MM UTC"

  // More stores than small multiples: one card at a time, picked from a selector.
  bool selectable() const { return static_cast<int>(cards.size()) > max_small_multiples; }
};

}  // namespace sluice::dashboard
