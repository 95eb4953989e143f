#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "changepoints.hpp"
#include "features.hpp"
#include "prophet.hpp"
#include "test_support.hpp"

using namespace sluice::prophet;
using forecast_test::day_us;
using forecast_test::kDay;

TEST_CASE("changepoint rows are evenly spaced with round-half-to-even") {
  int n = 4;
  // hist_size = floor(13 * 0.8) = 10; linspace(0, 9, 5) = 0, 2.25, 4.5, 6.75, 9: 4.5 rounds to 4, not 5.
  CHECK(changepoint_rows(13, n, 0.8) == std::vector<std::size_t>{2, 4, 7, 9});
  CHECK(n == 4);
  n = 2;
  // hist_size = 6; linspace(0, 5, 3) = 0, 2.5, 5: 2.5 -> 2.
  CHECK(changepoint_rows(10, n, 0.6) == std::vector<std::size_t>{2, 5});
}

TEST_CASE("changepoint count shrinks to hist_size - 1 on short histories") {
  int n = 25;
  const auto rows = changepoint_rows(10, n, 0.8);  // hist_size 8
  CHECK(n == 7);
  CHECK(rows == std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7});
  n = 25;
  CHECK(changepoint_rows(1, n, 0.8).empty());
  CHECK(n == 0);
}

TEST_CASE("default changepoints of a 100-row history") {
  int n = 25;
  const auto rows = changepoint_rows(100, n, 0.8);  // linspace(0, 79, 26)
  REQUIRE(rows.size() == 25);
  CHECK(rows.front() == 3);   // 3.16
  CHECK(rows[2] == 9);        // 9.48
  CHECK(rows[3] == 13);       // 12.64
  CHECK(rows.back() == 79);
}

TEST_CASE("Fourier columns come from days since the epoch, sin then cos per order") {
  FeatureSpec spec;
  spec.seasonalities.push_back({"weekly", 7.0, 2, 10.0, Mode::Additive});
  const std::vector<std::int64_t> ds{day_us("1970-01-03"), day_us("2024-02-29") + kDay / 4};
  const Eigen::MatrixXd X = design_matrix(spec, ds, {});
  REQUIRE(X.cols() == 4);
  for (int r = 0; r < 2; ++r) {
    const double d = static_cast<double>(ds[static_cast<std::size_t>(r)]) / kDay;
    CHECK(X(r, 0) == doctest::Approx(std::sin(2 * std::numbers::pi * d / 7.0)).epsilon(1e-12));
    CHECK(X(r, 1) == doctest::Approx(std::cos(2 * std::numbers::pi * d / 7.0)).epsilon(1e-12));
    CHECK(X(r, 2) == doctest::Approx(std::sin(4 * std::numbers::pi * d / 7.0)).epsilon(1e-12));
    CHECK(X(r, 3) == doctest::Approx(std::cos(4 * std::numbers::pi * d / 7.0)).epsilon(1e-12));
  }
  const DesignLayout L = design_layout(spec);
  CHECK(L.names == std::vector<std::string>{"weekly_delim_1", "weekly_delim_2", "weekly_delim_3", "weekly_delim_4"});
}

TEST_CASE("holiday columns are named by offset, sorted by name, and mark calendar days") {
  std::vector<HolidayEvent> events{
      {"xmas", sluice::parse_date("2022-12-25"), -1, 1, std::nullopt},
      {"easter", sluice::parse_date("2022-04-17"), 0, 0, 3.0},
  };
  const auto cols = holiday_columns(events, 10.0);
  std::vector<std::string> names;
  for (const auto& c : cols) names.push_back(c.column);
  CHECK(names == std::vector<std::string>{"easter_delim_+0", "xmas_delim_+0", "xmas_delim_+1", "xmas_delim_-1"});
  CHECK(cols[0].prior_scale == 3.0);
  CHECK(cols[1].prior_scale == 10.0);

  FeatureSpec spec;
  spec.holidays = cols;
  // A sub-daily timestamp on the 24th counts for xmas_delim_-1.
  const std::vector<std::int64_t> ds{day_us("2022-12-24") + kDay / 2, day_us("2022-12-26"), day_us("2022-04-17")};
  const Eigen::MatrixXd X = design_matrix(spec, ds, {});
  CHECK(X(0, 3) == 1.0);
  CHECK(X(0, 1) == 0.0);
  CHECK(X(1, 2) == 1.0);
  CHECK(X(2, 0) == 1.0);
  CHECK(X.sum() == 3.0);
  const DesignLayout L = design_layout(spec);
  REQUIRE(L.components.size() == 5);  // additive_terms, easter, holidays, multiplicative_terms, xmas
  CHECK(L.components[0].first == "additive_terms");
  CHECK(L.components[2].first == "holidays");
  CHECK(L.components[2].second.size() == 4);
}

TEST_CASE("holiday windows and prior scales are validated") {
  CHECK_THROWS_WITH_AS(holiday_columns({{"x", 0, 1, 0, std::nullopt}}, 10.0),
                       "holiday 'x': lower_window must be <= 0 and upper_window >= 0 (got 1, 0)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(holiday_columns({{"x", 0, 0, 0, 1.0}, {"x", 7, 0, 0, 2.0}}, 10.0),
                       "holiday 'x' has different prior_scale values; use one per holiday", std::invalid_argument);
}

TEST_CASE("an empty design gets a single zero column with prior scale 1") {
  const DesignLayout L = design_layout(FeatureSpec{});
  CHECK(L.names == std::vector<std::string>{"zeros"});
  CHECK(L.sigmas[0] == 1.0);
  const Eigen::MatrixXd X = design_matrix(FeatureSpec{}, {0, kDay}, {});
  CHECK(X.cols() == 1);
  CHECK(X.isZero());
}

TEST_CASE("auto seasonality: daily data gets weekly, plus yearly from two years") {
  auto names_for = [](int days, std::int64_t step = kDay) {
    Frame f;
    for (int i = 0; i < days; ++i) {
      f.ds_us.push_back(day_us("2020-01-01") + i * step);
      f.y.push_back(std::sin(i * 0.3) + 0.01 * i);
    }
    ProphetOptions o;
    o.uncertainty_samples = 0;
    Prophet m(o);
    m.fit(f);
    std::vector<std::string> names;
    for (const auto& s : m.features().seasonalities) names.push_back(s.name + ":" + std::to_string(s.order));
    return names;
  };
  CHECK(names_for(1096) == std::vector<std::string>{"yearly:10", "weekly:3"});
  CHECK(names_for(400) == std::vector<std::string>{"weekly:3"});
  CHECK(names_for(10).empty());
  CHECK(names_for(150, 7 * kDay) == std::vector<std::string>{"yearly:10"});
  CHECK(names_for(100, kDay / 24).size() == 1);  // hourly over ~4 days: daily only
}

TEST_CASE("seasonality switches: on forces the default order, an int sets it, custom keeps its slot") {
  Frame f = forecast_test::synthetic_daily(100);
  ProphetOptions o;
  o.uncertainty_samples = 0;
  o.yearly = SeasonalitySwitch::on();
  o.weekly = SeasonalitySwitch::with_order(5);
  o.custom_seasonalities.push_back({"monthly", 30.5, 4, 2.0, Mode::Multiplicative});
  Prophet m(o);
  m.fit(f);
  const auto& s = m.features().seasonalities;
  REQUIRE(s.size() == 3);
  CHECK(s[0].name == "monthly");
  CHECK(s[0].prior_scale == 2.0);
  CHECK(s[0].mode == Mode::Multiplicative);
  CHECK(s[1].name == "yearly");
  CHECK(s[1].order == 10);
  CHECK(s[2].order == 5);
  CHECK(m.layout().names.size() == 8 + 20 + 10);
}
