#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

#include <sluice/testing.hpp>

#include "../../../tests/support/process.hpp"
#include "stages.hpp"
#include "test_support.hpp"

using namespace sluice;
using namespace sluice::forecast;

namespace {

Table daily_table(int days, bool with_key = true, std::int64_t key = 7) {
  const auto f = forecast_test::synthetic_daily(days);
  Table t;
  if (with_key) {
    Column& k = t.add_column("store_id", ColumnType::Int64);
    for (int i = 0; i < days; ++i) k.push_int(key);
  }
  t.add_column("ds", ColumnType::Date);
  t.add_column("y", ColumnType::Double);
  Column& ds = t.column("ds");  // fetched after adding: adding a column may move the others
  Column& y = t.column("y");
  for (int i = 0; i < days; ++i) {
    ds.push_int(f.ds_us[static_cast<std::size_t>(i)] / kMicrosPerDay);
    y.push_double(f.y[static_cast<std::size_t>(i)]);
  }
  return t;
}

const Table& table_of(const Outputs& out, const char* port) { return std::get<Table>(out.values().at(port)); }

}  // namespace

TEST_CASE("prophet_forecast emits keys, history and horizon rows with components") {
  testing::TestContext ctx;
  const Table in = daily_table(400);
  auto out = testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {{"horizon", 14}},
                                {{"history", Value(in)}}, ctx);
  const Table& t = table_of(out, "forecast");
  CHECK(t.column_names() == std::vector<std::string>{"store_id", "ds", "y", "yhat", "yhat_lower", "yhat_upper", "trend",
                                                     "weekly", "yearly", "holidays", "is_forecast"});
  REQUIRE(t.num_rows() == 414);
  CHECK(t.column("store_id").int_at(413) == 7);
  CHECK(t.column("ds").type() == ColumnType::Date);
  CHECK(t.column("ds").int_at(413) == in.column("ds").int_at(399) + 14);
  CHECK(t.column("y").is_null(400));
  CHECK(t.column("y").double_at(0) == in.column("y").double_at(0));
  CHECK(t.column("is_forecast").int_at(399) == 0);
  CHECK(t.column("is_forecast").int_at(400) == 1);
  CHECK(t.column("yearly").double_at(5) == 0.0);  // 400 days: yearly is off
  CHECK(t.column("weekly").double_at(5) != 0.0);
  CHECK(t.column("yhat_lower").double_at(410) < t.column("yhat").double_at(410));
}

TEST_CASE("prophet_forecast output is byte-identical for the same inputs and seed") {
  const Table in = daily_table(200);
  auto run = [&](int seed) {
    testing::TestContext ctx;
    auto out = testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {{"seed", seed}},
                                  {{"history", Value(in)}}, ctx);
    return encode_value(Value(table_of(out, "forecast")));
  };
  const std::string a = run(3), b = run(3), c = run(4);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("prophet_forecast takes holidays and logistic growth") {
  Table holidays;
  holidays.add_column("ds", ColumnType::Date);
  holidays.add_column("holiday", ColumnType::String);
  holidays.add_column("upper_window", ColumnType::Int64);
  holidays.column("ds").push_int(parse_date("2021-03-01"));
  holidays.column("holiday").push_string("promo");
  holidays.column("upper_window").push_int(1);
  testing::TestContext ctx;
  auto out = testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast,
                                {{"growth", "logistic"}, {"cap", 200.0}, {"floor", 10.0}, {"uncertainty_samples", 100}},
                                {{"history", Value(daily_table(120, false))}, {"holidays", Value(holidays)}}, ctx);
  const Table& t = table_of(out, "forecast");
  CHECK(t.column_names().front() == "ds");
  CHECK(t.num_rows() == 150);
  for (std::size_t i = 0; i < t.num_rows(); ++i) CHECK(t.column("trend").double_at(i) < 200.0);
}

TEST_CASE("prophet_forecast errors name the problem and the fix") {
  testing::TestContext ctx;
  Table one = daily_table(3);
  Table one_row;
  one_row.add_column("ds", ColumnType::Date);
  one_row.add_column("y", ColumnType::Double);
  one_row.column("ds").push_int(100);
  one_row.column("y").push_double(1.0);
  one_row.column("ds").push_int(101);
  one_row.column("y").push_null();
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {},
                                          {{"history", Value(one_row)}}, ctx),
                       "input 'history' has 1 non-null y row; a forecast needs at least 2", Error);

  Table dup = daily_table(5, false);
  dup.column("ds").push_int(dup.column("ds").int_at(2));
  dup.column("y").push_double(1.0);
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {},
                                          {{"history", Value(dup)}}, ctx),
                       "input 'history': duplicate ds 2021-01-03; aggregate to one row per date (e.g. with "
                       "sluice.daily_series) or partition by key with foreach",
                       Error);

  Table inf = daily_table(5, false);
  inf.column("y").push_double(INFINITY);
  inf.column("ds").push_int(inf.column("ds").int_at(4) + 1);
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {},
                                          {{"history", Value(inf)}}, ctx),
                       "input 'history': y is infinite on 2021-01-06; fix or remove that row", Error);

  Table mixed = daily_table(5);
  mixed.append_row(daily_table(6, true, 8), 5);
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {},
                                          {{"history", Value(mixed)}}, ctx),
                       "input 'history': key column 'store_id' has more than one value (7 and 8); run the node once "
                       "per series with foreach = \"store_id\", or drop the column",
                       Error);

  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast,
                                          {{"growth", "logistic"}, {"cap", 1.0}, {"floor", 2.0}},
                                          {{"history", Value(one)}}, ctx),
                       "parameter 'cap' (1.0) must be greater than 'floor' (2.0)", ParamError);
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {{"growth", "logistic"}},
                                          {{"history", Value(one)}}, ctx),
                       "parameter 'cap' is required when growth is 'logistic' (the saturating maximum of y)", ParamError);
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {{"weekly", "sometimes"}},
                                          {{"history", Value(one)}}, ctx),
                       "parameter 'weekly': expected \"auto\", \"on\"/true, \"off\"/false or a Fourier order between 1 "
                       "and 1000, got \"sometimes\"",
                       ParamError);
}

TEST_CASE("seasonality params accept auto, on/off, booleans and orders") {
  testing::TestContext ctx;
  auto out = testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast,
                                {{"weekly", false}, {"yearly", 3}, {"uncertainty_samples", 0}, {"horizon", 1}},
                                {{"history", Value(daily_table(60, false))}}, ctx);
  const Table& t = table_of(out, "forecast");
  CHECK(t.column("weekly").double_at(3) == 0.0);
  CHECK(t.column("yearly").double_at(3) != 0.0);
  CHECK(t.column("yhat_lower").is_null(3));  // no samples, no interval
}

TEST_CASE("backtest scores prophet and the seasonal-naive baseline per horizon") {
  testing::TestContext ctx;
  auto out = testing::run_stage(backtest_descriptor(), make_backtest,
                                {{"horizon", 14}, {"initial", 200.0}, {"period", 30.0}, {"uncertainty_samples", 200}},
                                {{"history", Value(daily_table(400))}}, ctx);
  const Table& t = table_of(out, "metrics");
  CHECK(t.column_names() == std::vector<std::string>{"store_id", "model", "horizon_days", "mse", "rmse", "mae", "mape",
                                                     "mdape", "smape", "coverage"});
  std::size_t prophet_rows = 0, naive_rows = 0;
  double prophet_mae = 0, naive_mae = 0;
  for (std::size_t i = 0; i < t.num_rows(); ++i) {
    CHECK(t.column("store_id").int_at(i) == 7);
    const bool is_prophet = t.column("model").string_at(i) == "prophet";
    (is_prophet ? prophet_rows : naive_rows)++;
    (is_prophet ? prophet_mae : naive_mae) += t.column("mae").double_at(i);
    CHECK(t.column("rmse").double_at(i) == doctest::Approx(std::sqrt(t.column("mse").double_at(i))));
    CHECK(t.column("horizon_days").int_at(i) >= 1);
    CHECK(t.column("horizon_days").int_at(i) <= 14);
  }
  CHECK(prophet_rows > 0);
  CHECK(naive_rows > 0);
  CHECK(prophet_mae / static_cast<double>(prophet_rows) < naive_mae / static_cast<double>(naive_rows));
  CHECK(ctx.last_done == 2);
}

TEST_CASE("backtest without baseline, and its errors") {
  testing::TestContext ctx;
  auto out = testing::run_stage(backtest_descriptor(), make_backtest,
                                {{"horizon", 7}, {"initial", 90.0}, {"period", 10.0}, {"compare_baseline", false}, {"uncertainty_samples", 0}},
                                {{"history", Value(daily_table(120, false))}}, ctx);
  const Table& t = table_of(out, "metrics");
  for (std::size_t i = 0; i < t.num_rows(); ++i) CHECK(t.column("model").string_at(i) == "prophet");
  CHECK(t.num_rows() > 0);
  CHECK_THROWS_WITH_AS(testing::run_stage(backtest_descriptor(), make_backtest, {{"horizon", 30}},
                                          {{"history", Value(daily_table(60, false))}}, ctx),
                       "input 'history': no cross-validation cutoff fits: the history is shorter than initial + horizon; "
                       "lower 'initial' or 'horizon', or provide more history",
                       Error);
}

TEST_CASE("backtest fits every cutoff with the run's growth, cap and holidays") {
  Table holidays;
  holidays.add_column("ds", ColumnType::Date);
  holidays.add_column("holiday", ColumnType::String);
  for (const char* day : {"2021-02-01", "2021-03-01", "2021-04-01"}) holidays.column("ds").push_int(parse_date(day));
  for (int i = 0; i < 3; ++i) holidays.column("holiday").push_string("promo");
  const auto mae_sum = [](const Outputs& out) {
    const Table& t = table_of(out, "metrics");
    REQUIRE(t.num_rows() > 0);
    double sum = 0;
    for (std::size_t i = 0; i < t.num_rows(); ++i) sum += t.column("mae").double_at(i);
    return sum;
  };
  testing::TestContext ctx;
  const Value history(daily_table(120, false));
  const auto logistic = [&](double cap) {
    return mae_sum(testing::run_stage(backtest_descriptor(), make_backtest,
                                      {{"horizon", 7}, {"initial", 90.0}, {"period", 10.0}, {"compare_baseline", false}, {"uncertainty_samples", 0},
                                       {"growth", "logistic"}, {"cap", cap}, {"floor", 0.0}},
                                      {{"history", history}}, ctx));
  };
  const double linear = mae_sum(testing::run_stage(backtest_descriptor(), make_backtest,
                                                   {{"horizon", 7}, {"initial", 90.0}, {"period", 10.0}, {"compare_baseline", false}, {"uncertainty_samples", 0}},
                                                   {{"history", history}}, ctx));
  const double with_holidays = mae_sum(
      testing::run_stage(backtest_descriptor(), make_backtest,
                         {{"horizon", 7}, {"initial", 90.0}, {"period", 10.0}, {"compare_baseline", false}, {"uncertainty_samples", 0}},
                         {{"history", history}, {"holidays", Value(holidays)}}, ctx));
  CHECK(logistic(120.0) != logistic(1000.0));
  CHECK(logistic(1000.0) != linear);
  CHECK(with_holidays != linear);
}

TEST_CASE("backtest skips a series shorter than min_history_days with no metrics rows, and scores the others") {
  testing::TestContext ctx;
  const auto params = {std::pair<const char*, ParamValue>{"horizon", 7}, {"compare_baseline", false},
                       {"uncertainty_samples", 0}, {"min_history_days", 100}};
  // 60 days: too short for a cutoff, but skipped instead of failing; a single row too.
  for (int days : {60, 1}) {
    CAPTURE(days);
    auto out = testing::run_stage(backtest_descriptor(), make_backtest, params, {{"history", Value(daily_table(days))}}, ctx);
    const Table& t = table_of(out, "metrics");
    CHECK(t.num_rows() == 0);
    CHECK(t.column_names() == std::vector<std::string>{"store_id", "model", "horizon_days", "mse", "rmse", "mae", "mape",
                                                       "mdape", "smape", "coverage"});
    CHECK(t.column("store_id").type() == ColumnType::Int64);
    CHECK(ctx.messages.back() == "not backtested: " + std::to_string(days) + " days of history, fewer than min_history_days = 100");
  }
  auto out = testing::run_stage(backtest_descriptor(), make_backtest, params, {{"history", Value(daily_table(120))}}, ctx);
  CHECK(table_of(out, "metrics").num_rows() > 0);
}

TEST_CASE("seasonal_naive has the prophet_forecast shape") {
  testing::TestContext ctx;
  const Table in = daily_table(30);
  auto out = testing::run_stage(seasonal_naive_descriptor(), make_seasonal_naive, {{"horizon", 10}},
                                {{"history", Value(in)}}, ctx);
  const Table& t = table_of(out, "forecast");
  CHECK(t.column_names() == std::vector<std::string>{"store_id", "ds", "y", "yhat", "yhat_lower", "yhat_upper", "trend",
                                                     "weekly", "yearly", "holidays", "is_forecast"});
  REQUIRE(t.num_rows() == 40);
  CHECK(t.column("yhat").is_null(0));
  CHECK(t.column("yhat").double_at(30) == in.column("y").double_at(23));
  CHECK(t.column("yhat").double_at(39) == in.column("y").double_at(25));
  CHECK(t.column("trend").is_null(35));
  CHECK(t.column("is_forecast").int_at(30) == 1);
}

TEST_CASE("prophet_forecast keeps timestamp ds and steps whole days past the history") {
  Table t;
  t.add_column("ds", ColumnType::Timestamp);
  t.add_column("y", ColumnType::Int64);
  const std::int64_t start = parse_timestamp("2023-03-01 00:00:00");
  const std::int64_t hour = kMicrosPerDay / 24;
  for (int i = 0; i < 24 * 20; ++i) {
    t.column("ds").push_int(start + i * hour);
    t.column("y").push_int(100 + (i % 24 < 12 ? 10 : -10) + i / 24);
  }
  testing::TestContext ctx;
  auto out = testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast,
                                {{"horizon", 2}, {"uncertainty_samples", 50}}, {{"history", Value(t)}}, ctx);
  const Table& f = table_of(out, "forecast");
  REQUIRE(f.num_rows() == 24 * 20 + 2);
  CHECK(f.column("ds").type() == ColumnType::Timestamp);
  CHECK(f.column("ds").int_at(24 * 20 + 1) == start + (24 * 20 - 1) * hour + 2 * kMicrosPerDay);
  CHECK(f.column("y").double_at(5) == 110.0);
  CHECK(f.column("weekly").double_at(5) != 0.0);  // 20 days, hourly: weekly (and daily) are on
}

TEST_CASE("backtest reports mdape as null, like mape, when some y is 0") {
  // A closed day in a series filled with zeros (sluice.daily_series' default): |e / y| is inf there.
  const Table days = daily_table(120, false);
  Table in = days.empty_like();
  for (std::size_t r = 0; r < days.num_rows(); ++r) {
    in.column("ds").push_from(days.column("ds"), r);
    if (r >= 100 && r % 3 == 0) in.column("y").push_double(0.0);
    else in.column("y").push_from(days.column("y"), r);
  }
  testing::TestContext ctx;
  auto out = testing::run_stage(backtest_descriptor(), make_backtest,
                                {{"horizon", 7}, {"initial", 90.0}, {"period", 5.0}, {"uncertainty_samples", 0}},
                                {{"history", Value(in)}}, ctx);
  const Table& t = table_of(out, "metrics");
  REQUIRE(t.num_rows() > 0);
  for (std::size_t i = 0; i < t.num_rows(); ++i) {
    CAPTURE(i);
    CHECK(t.column("mape").is_null(i));
    CHECK(t.column("mdape").is_null(i));
    CHECK(std::isfinite(t.column("smape").double_at(i)));
  }
}

TEST_CASE("prophet_forecast rejects an infinite cap instead of forecasting nulls") {
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast,
                                          {{"growth", "logistic"}, {"cap", INFINITY}},
                                          {{"history", Value(daily_table(30))}}, ctx),
                       "parameter 'cap' must be a finite number, got inf", ParamError);
}

TEST_CASE("holiday windows are whole days within a year, and holiday errors name the holidays input") {
  const auto holidays = [](double lower, std::optional<double> prior = {}) {
    Table h;
    h.add_column("ds", ColumnType::Date);
    h.add_column("holiday", ColumnType::String);
    h.add_column("lower_window", ColumnType::Double);
    h.add_column("prior_scale", ColumnType::Double);
    h.column("ds").push_int(parse_date("2021-01-10"));
    h.column("holiday").push_string("promo");
    h.column("lower_window").push_double(lower);
    if (prior) h.column("prior_scale").push_double(*prior);
    else h.column("prior_scale").push_null();
    return h;
  };
  const auto run = [](const Table& h) {
    testing::TestContext ctx;
    return testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {{"uncertainty_samples", 0}},
                              {{"history", Value(daily_table(40, false))}, {"holidays", Value(h)}}, ctx);
  };
  CHECK(table_of(run(holidays(-2.0)), "forecast").num_rows() == 70);
  const std::string tail = " is not a whole number of days within [-365, 365]; each day of a window is one model column";
  // Before: 200,001 holiday columns (bad_alloc), or a cast of a value no int holds.
  CHECK_THROWS_WITH_AS(run(holidays(-100000.0)),
                       ("input 'holidays': holiday 'promo', row 1: lower_window -100000" + tail).c_str(), Error);
  CHECK_THROWS_WITH_AS(run(holidays(-1.5)), ("input 'holidays': holiday 'promo', row 1: lower_window -1.5" + tail).c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(run(holidays(std::nan(""))),
                       ("input 'holidays': holiday 'promo', row 1: lower_window nan" + tail).c_str(), Error);
  // The model's own checks, reported against the input they are about (they said input 'history').
  CHECK_THROWS_WITH_AS(run(holidays(0.0, 0.0)), "input 'holidays': holiday 'promo': prior_scale must be > 0", Error);
  // The backtest's too, from the full-history model it resolves before any cutoff.
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(testing::run_stage(backtest_descriptor(), make_backtest, {},
                                          {{"history", Value(daily_table(40, false))}, {"holidays", Value(holidays(0.0, 0.0))}},
                                          ctx),
                       "input 'holidays': holiday 'promo': prior_scale must be > 0", Error);
}

TEST_CASE("a missing or mistyped forecast column names its input and how to get it") {
  Table no_y;
  no_y.add_column("ds", ColumnType::Date);
  no_y.add_column("sales", ColumnType::Double);
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {},
                                          {{"history", Value(no_y)}}, ctx),
                       "input 'history': missing column 'y'; the input has: ds, sales; a forecast reads its values from "
                       "a numeric column 'y': sluice.daily_series writes one, or name it upstream (e.g. with sluice.sql)",
                       MissingColumn);
  Table text_ds;
  text_ds.add_column("ds", ColumnType::String);
  text_ds.add_column("y", ColumnType::Double);
  CHECK_THROWS_WITH_AS(testing::run_stage(backtest_descriptor(), make_backtest, {},
                                          {{"history", Value(text_ds)}}, ctx),
                       "input 'history': column 'ds' has type string, expected date or timestamp; a forecast reads "
                       "its dates from a date or timestamp column 'ds': sluice.daily_series writes one, or name and "
                       "type it upstream (e.g. schema = [\"ds:date\"] in sluice.csv_read)",
                       Error);
  Table holidays;
  holidays.add_column("ds", ColumnType::Date);
  holidays.add_column("name", ColumnType::String);
  CHECK_THROWS_WITH_AS(testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {},
                                          {{"history", Value(daily_table(30))}, {"holidays", Value(holidays)}}, ctx),
                       "input 'holidays': missing column 'holiday'; the input has: ds, name; the holidays table has "
                       "a date 'ds' and a string 'holiday' per row",
                       MissingColumn);
}

TEST_CASE("backtest refuses a period that gives more cutoffs than observations, before allocating them") {
  testing::TestContext ctx;
  // 1e-6 days: 30 million cutoffs over 30 days (it used to run out of memory generating them).
  CHECK_THROWS_WITH_AS(testing::run_stage(backtest_descriptor(), make_backtest,
                                          {{"horizon", 7}, {"initial", 90.0}, {"period", 1e-6}},
                                          {{"history", Value(daily_table(128, false))}}, ctx),
                       "parameter 'period' (1e-06 days) gives 30000001 cutoffs, more than the 128 observed rows of "
                       "input 'history'; each cutoff fits a model, and cutoffs closer than the data repeat its "
                       "training rows: raise 'period' (the default is horizon / 2)",
                       Error);
  // Days beyond what int64 microseconds hold are refused by the schema (inf and 1e12 overflowed the conversion).
  for (double days : {1e12, static_cast<double>(INFINITY)}) {
    CAPTURE(days);
    CHECK_THROWS_AS(testing::run_stage(backtest_descriptor(), make_backtest, {{"initial", days}},
                                       {{"history", Value(daily_table(128, false))}}, ctx),
                    ParamError);
  }
}

namespace {

// Sets the context's cancel flag from another thread after `delay`, as the engine does on Ctrl-C.
class CancelAfter {
 public:
  CancelAfter(testing::TestContext& ctx, std::chrono::milliseconds delay)
      : thread_([&ctx, delay] {
          std::this_thread::sleep_for(delay);
          ctx.cancel_flag = true;
        }) {}
  ~CancelAfter() { thread_.join(); }
  CancelAfter(const CancelAfter&) = delete;
  CancelAfter& operator=(const CancelAfter&) = delete;

 private:
  std::thread thread_;
};

// Runs a stage until it ends, cancelling it after 100 ms; the seconds it took and whether it wrote anything.
struct CancelledRun {
  double seconds = 0;
  bool wrote = false;
};
CancelledRun run_cancelled(const StageDescriptor& descriptor, const StageFactory& factory, Params params,
                           const Table& history) {
  testing::TestContext ctx;
  auto stage = factory(apply_schema(descriptor, std::move(params)));
  Inputs in;
  in.bind("history", std::make_shared<const Value>(history));
  Outputs out;
  const auto start = std::chrono::steady_clock::now();
  {
    CancelAfter cancel(ctx, std::chrono::milliseconds(100));
    CHECK_THROWS_AS(stage->run(ctx, in, out), Cancelled);
  }
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), !out.values().empty()};
}

}  // namespace

TEST_CASE("a forecast fit that would take minutes stops within seconds of a cancellation and writes nothing") {
  // 2,000 yearly Fourier columns on 400 days: uncancelled, minutes of optimisation.
  Params expensive;
  expensive.set("yearly", ParamValue(1000));
  const double bound = 3.0 * sluice::test::time_scale();
  const CancelledRun forecast =
      run_cancelled(prophet_forecast_descriptor(), make_prophet_forecast, expensive, daily_table(400));
  CHECK(forecast.seconds < bound);
  CHECK_FALSE(forecast.wrote);
  // The backtest fits its cutoffs in parallel: each of them stops.
  Params backtest = expensive;
  backtest.set("horizon", ParamValue(30));
  backtest.set("initial", ParamValue(300.0));
  const CancelledRun cv = run_cancelled(backtest_descriptor(), make_backtest, backtest, daily_table(400));
  CHECK(cv.seconds < bound);
  CHECK_FALSE(cv.wrote);

  // The same kind of fit, small and not cancelled, still succeeds.
  testing::TestContext ctx;
  auto out = testing::run_stage(prophet_forecast_descriptor(), make_prophet_forecast, {{"yearly", 3}, {"horizon", 7}},
                                {{"history", Value(daily_table(60))}}, ctx);
  CHECK(table_of(out, "forecast").num_rows() == 67);
}
