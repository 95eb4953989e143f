#pragma once
// Everything one dashboard page shows, read from the inputs once. Sections
// only format this; they never look at the raw tables.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "forecast_data.hpp"
#include "run_info.hpp"

namespace sluice::dashboard {

struct PageData {
  std::string title;
  std::string key_column;
  ForecastSeries total;
  bool total_from_input = false;  // false: summed from the per-store rows
  std::vector<ForecastSeries> stores;
  std::map<std::string, StoreInfo> store_info;  // empty without a stores input
  std::optional<AccuracyTable> accuracy;         // empty without a metrics input
  RunInfo run;
  int max_small_multiples = 12;
  std::string rendered_at;  // UTC, "YYYY-MM-DD HH:MM UTC"

  // "Store name" from the stores table, else "<key> <value>".
  std::string store_label(const ForecastSeries& store) const;
  std::string store_city(const ForecastSeries& store) const;
};

}  // namespace sluice::dashboard
