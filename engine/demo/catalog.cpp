#include "demo/catalog.hpp"

#include <array>

namespace sluice::demo {

const std::vector<Product>& product_catalog() {
  static const std::vector<Product> products = [] {
    struct Row {
      const char* name;
      const char* category;
      double price;
      double popularity;
    };
    static constexpr std::array<Row, 36> rows = {{
        {"Whole Milk 1L", "Dairy", 1.29, 9}, {"Greek Yogurt", "Dairy", 0.99, 6},
        {"Cheddar Cheese 200g", "Dairy", 3.49, 4}, {"Butter 250g", "Dairy", 2.79, 4},
        {"Free-Range Eggs 12", "Dairy", 3.99, 6}, {"Sourdough Loaf", "Bakery", 4.50, 5},
        {"Croissant", "Bakery", 1.20, 7}, {"Bagels 6-pack", "Bakery", 3.20, 3},
        {"Blueberry Muffin", "Bakery", 1.80, 4}, {"Rye Bread", "Bakery", 3.10, 2},
        {"Bananas 1kg", "Produce", 1.49, 9}, {"Apples 1kg", "Produce", 2.99, 6},
        {"Avocado", "Produce", 1.25, 5}, {"Tomatoes 500g", "Produce", 2.29, 5},
        {"Baby Spinach 150g", "Produce", 2.49, 3}, {"Lemons 4-pack", "Produce", 1.99, 2},
        {"Ground Coffee 250g", "Pantry", 6.99, 4}, {"Spaghetti 500g", "Pantry", 1.39, 4},
        {"Olive Oil 500ml", "Pantry", 7.49, 2}, {"Basmati Rice 1kg", "Pantry", 3.29, 3},
        {"Canned Tomatoes", "Pantry", 0.89, 4}, {"Peanut Butter", "Pantry", 3.79, 2},
        {"Sparkling Water 6-pack", "Beverages", 3.99, 5}, {"Orange Juice 1L", "Beverages", 2.99, 5},
        {"Cola 2L", "Beverages", 2.19, 5}, {"Green Tea 20 bags", "Beverages", 2.59, 2},
        {"Craft Beer 6-pack", "Beverages", 9.99, 3}, {"Red Wine", "Beverages", 11.99, 2},
        {"Dish Soap", "Household", 2.49, 2}, {"Paper Towels 4-pack", "Household", 5.99, 3},
        {"Laundry Detergent", "Household", 11.49, 2}, {"Trash Bags 30", "Household", 6.49, 2},
        {"Toothpaste", "Household", 2.99, 2}, {"Batteries AA 8", "Household", 7.99, 1},
        {"Chocolate Bar", "Snacks", 1.49, 6}, {"Potato Chips", "Snacks", 2.29, 5},
    }};
    std::vector<Product> out;
    out.reserve(rows.size());
    int id = 1;
    for (const Row& r : rows) out.push_back({id++, r.name, r.category, r.price, r.popularity});
    return out;
  }();
  return products;
}

const std::vector<std::string>& product_categories() {
  static const std::vector<std::string> categories = [] {
    std::vector<std::string> out;
    for (const Product& p : product_catalog()) {
      bool seen = false;
      for (const auto& c : out) seen = seen || c == p.category;
      if (!seen) out.push_back(p.category);
    }
    return out;
  }();
  return categories;
}

namespace {
constexpr std::array<const char*, 30> kCities = {
    "Austin",   "Boston",      "Chicago",   "Denver",   "Detroit",    "El Paso",   "Fresno",  "Houston",
    "Kansas City", "Las Vegas", "Los Angeles", "Louisville", "Memphis", "Miami",   "Milwaukee", "Minneapolis",
    "Nashville", "New York",   "Oakland",   "Omaha",    "Philadelphia", "Phoenix", "Portland", "Raleigh",
    "Sacramento", "San Diego", "Seattle",   "St. Louis", "Tucson",    "Tulsa"};
constexpr std::array<const char*, 8> kSites = {"Downtown", "Mall",      "Riverside", "Airport",
                                                "Northgate", "Eastside", "Westfield", "Harbor"};
}  // namespace

std::string city_for(std::uint64_t key) { return kCities[key % kCities.size()]; }

std::string store_name_for(int store_id, const std::string& city, std::uint64_t key) {
  std::string number = std::to_string(store_id);
  if (number.size() < 3) number.insert(0, 3 - number.size(), '0');
  return city + " " + kSites[(key >> 17) % kSites.size()] + " #" + number;
}

}  // namespace sluice::demo
