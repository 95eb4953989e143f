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
  std::optional<CardLayout> card_layout;  // what the cards were drawn for, when they say
  int max_small_multiples = 12;
  std::string rendered_at;  // UTC, "YYYY-MM-DD HH:MM UTC"

  // One card at a time, picked from a selector: when the cards were drawn for it (a wide chart
  // each), else when there are more stores than small multiples.
  bool selectable() const {
    return card_layout ? *card_layout == CardLayout::Single : static_cast<int>(cards.size()) > max_small_multiples;
  }
};

}  // namespace sluice::dashboard
