#include "page_data.hpp"

namespace sluice::dashboard {

std::string PageData::store_label(const ForecastSeries& store) const {
  const auto it = store_info.find(store.key);
  if (it != store_info.end() && !it->second.label.empty()) return it->second.label;
  return key_column + " " + store.key;
}

std::string PageData::store_city(const ForecastSeries& store) const {
  const auto it = store_info.find(store.key);
  return it != store_info.end() ? it->second.city : std::string();
}

}  // namespace sluice::dashboard
