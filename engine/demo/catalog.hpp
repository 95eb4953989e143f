#pragma once
// The fixed product catalogue and store naming of the demo data set.
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::demo {

struct Product {
  int product_id = 0;
  std::string name;
  std::string category;
  double unit_price = 0;  // list price in dollars
  double popularity = 1;  // relative purchase frequency
};

// The same catalogue for every seed (so product ids mean the same thing in every demo db).
const std::vector<Product>& product_catalog();
// Distinct category names in catalogue order.
const std::vector<std::string>& product_categories();

// A city and a store name for a store, picked by `key` (a hash).
std::string city_for(std::uint64_t key);
std::string store_name_for(int store_id, const std::string& city, std::uint64_t key);

}  // namespace sluice::demo
