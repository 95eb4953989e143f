#pragma once
// Small helpers shared by the forecast tests: synthetic series and fixture CSVs.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/table.hpp>

#include "options.hpp"

namespace forecast_test {

constexpr std::int64_t kDay = 86'400'000'000LL;

inline std::int64_t day_us(const char* iso) { return sluice::parse_date(iso) * kDay; }

// A deterministic daily series: trend + weekly + yearly + noise (uniform noise from mt19937_64 bits).
inline sluice::prophet::Frame synthetic_daily(int days, double slope = 0.1, std::uint64_t seed = 1,
                                              const char* start = "2021-01-01") {
  sluice::prophet::Frame f;
  std::mt19937_64 rng(seed);
  const std::int64_t s = day_us(start);
  for (int i = 0; i < days; ++i) {
    const double noise = static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5;
    const double w = std::sin(2 * std::numbers::pi * i / 7.0), yr = std::cos(2 * std::numbers::pi * i / 365.25);
    f.ds_us.push_back(s + i * kDay);
    f.y.push_back(100.0 + slope * i + 10.0 * w + 20.0 * yr + 4.0 * noise);
  }
  return f;
}

// A CSV with a header row, read as text columns.
struct Csv {
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> columns;
  std::size_t rows = 0;
  const std::vector<std::string>& col(const std::string& name) const {
    auto it = columns.find(name);
    if (it == columns.end()) throw std::runtime_error("fixture has no column " + name);
    return it->second;
  }
  std::vector<double> numbers(const std::string& name) const {
    std::vector<double> out;
    for (const auto& s : col(name)) out.push_back(s == "NA" ? std::nan("") : std::stod(s));
    return out;
  }
};

inline Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  Csv csv;
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> cells;
    std::stringstream ss(l);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    return cells;
  };
  std::getline(in, line);
  csv.header = split(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto cells = split(line);
    for (std::size_t i = 0; i < csv.header.size() && i < cells.size(); ++i) csv.columns[csv.header[i]].push_back(cells[i]);
    ++csv.rows;
  }
  return csv;
}

inline std::string fixture(const std::string& name) { return std::string(SLUICE_SOURCE_DIR) + "/tests/fixtures/prophet/" + name; }

}  // namespace forecast_test
