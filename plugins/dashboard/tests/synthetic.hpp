#pragma once
// Deterministic synthetic inputs for the dashboard tests: per-store daily
// forecasts with weekly and yearly patterns, a stores table (one hostile name),
// backtest metrics and engine run info.
#include <cmath>
#include <cstdint>
#include <string>

#include <sluice/table.hpp>

namespace sluice::dashboard::test {

inline constexpr const char* kHostileName = "<script>alert(1)</script>";
inline constexpr int kHorizon = 30;

struct SyntheticShape {
  int stores = 3;
  int history_days = 500;  // more than a year, so "same period last year" exists
  int horizon = kHorizon;
  std::int64_t first_day = days_from_civil(2024, 1, 1);
};

// Components in sales units; the fitted value is their sum, the actual adds deterministic noise.
inline Table make_forecast(const SyntheticShape& shape, bool with_key = true) {
  // Columns are filled first and added at the end: Table::add_column may move earlier columns.
  Column key_col("store_id", ColumnType::Int64), ds("ds", ColumnType::Date), y("y", ColumnType::Double),
      yhat("yhat", ColumnType::Double), lo("yhat_lower", ColumnType::Double), hi("yhat_upper", ColumnType::Double),
      trend("trend", ColumnType::Double), weekly("weekly", ColumnType::Double), yearly("yearly", ColumnType::Double),
      holidays("holidays", ColumnType::Double), is_forecast("is_forecast", ColumnType::Int64);
  Column* key = with_key ? &key_col : nullptr;
  std::uint64_t rng = 42;
  const int stores = with_key ? shape.stores : 1;
  for (int s = 1; s <= stores; ++s) {
    const double base = 1000.0 + 350.0 * s;
    for (int i = 0; i < shape.history_days + shape.horizon; ++i) {
      const std::int64_t day = shape.first_day + i;
      const int dow = static_cast<int>(((day % 7) + 7 + 3) % 7);  // 0 = Monday
      const double tr = base * (1.0 + 0.0004 * i);
      const double wk = base * (dow == 5 ? 0.35 : dow == 6 ? -0.3 : 0.02 * dow);
      const double yr = base * 0.15 * std::sin(2 * M_PI * static_cast<double>(day % 365) / 365.25);
      int year;
      unsigned month, dom;
      civil_from_days(day, year, month, dom);
      const double hol = (month == 12 && dom >= 20 && dom <= 24) ? base * 0.4 : 0.0;
      const double fit = tr + wk + yr + hol;
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      const double noise = (static_cast<double>(rng >> 11) / 9007199254740992.0 - 0.5) * 0.16 * base;
      const bool future = i >= shape.history_days;
      if (key) key->push_int(s);
      ds.push_int(day);
      if (future) y.push_null();
      else y.push_double(fit + noise);
      yhat.push_double(fit);
      lo.push_double(fit - 0.12 * base);
      hi.push_double(fit + 0.12 * base);
      trend.push_double(tr);
      weekly.push_double(wk);
      yearly.push_double(yr);
      holidays.push_double(hol);
      is_forecast.push_int(future ? 1 : 0);
    }
  }
  Table t;
  if (with_key) t.add_column(std::move(key_col));
  for (Column* c : {&ds, &y, &yhat, &lo, &hi, &trend, &weekly, &yearly, &holidays, &is_forecast}) t.add_column(std::move(*c));
  return t;
}

inline Table make_stores(int stores, bool hostile = true) {
  Column id("store_id", ColumnType::Int64), name("name", ColumnType::String), city("city", ColumnType::String);
  const char* cities[] = {"Berlin", "Hamburg", "München", "Köln", "Leipzig"};
  for (int s = 1; s <= stores; ++s) {
    id.push_int(s);
    name.push_string(hostile && s == 2 ? std::string(kHostileName) : "Store " + std::to_string(s));
    city.push_string(hostile && s == 3 ? std::string("Paris & \"Lyon\" <b>") : std::string(cities[s % 5]));
  }
  Table t;
  for (Column* c : {&id, &name, &city}) t.add_column(std::move(*c));
  return t;
}

// Model error grows with the horizon; the baseline is worse except at horizon 1.
inline double model_mape(int store, int h) { return 0.05 + 0.002 * h + 0.001 * store; }
inline double baseline_mape(int store, int h) { return h == 1 ? 0.04 : 0.09 + 0.001 * h + 0.001 * store; }

// with_mape = false: mape and mdape null, as sluice.backtest gives them for a series with a y of 0.
inline Table make_metrics(int stores, int horizons, bool with_mape = true) {
  Column id("store_id", ColumnType::Int64), model("model", ColumnType::String), h("horizon_days", ColumnType::Int64),
      mse("mse", ColumnType::Double), rmse("rmse", ColumnType::Double), mae("mae", ColumnType::Double),
      mape("mape", ColumnType::Double), mdape("mdape", ColumnType::Double), smape("smape", ColumnType::Double),
      coverage("coverage", ColumnType::Double);
  for (int s = 1; s <= stores; ++s) {
    for (const char* m : {"prophet", "seasonal_naive"}) {
      const bool base = std::string(m) == "seasonal_naive";
      for (int k = 1; k <= horizons; ++k) {
        id.push_int(s);
        model.push_string(m);
        h.push_int(k);
        const double mp = base ? baseline_mape(s, k) : model_mape(s, k);
        mse.push_double(1e4 * mp);
        rmse.push_double(100 * mp);
        mae.push_double(80 * mp);
        if (with_mape) {
          mape.push_double(mp);
          mdape.push_double(mp * 0.9);
        } else {
          mape.push_null();
          mdape.push_null();
        }
        smape.push_double(mp * 1.05);
        if (base) coverage.push_null();
        else coverage.push_double(0.82 - 0.002 * k);
      }
    }
  }
  Table t;
  for (Column* c : {&id, &model, &h, &mse, &rmse, &mae, &mape, &mdape, &smape, &coverage}) t.add_column(std::move(*c));
  return t;
}

inline std::string make_run_info(const std::string& pipeline = "sales_forecast <b>") {
  return R"({"pipeline":")" + pipeline + R"(","run_id":"r-20250701-0600","started_at":"2025-07-01T06:00:00Z",)"
         R"("nodes":[{"id":"extract","plugin":"sluice.sqlite_extract","status":"ran","reason":"source changed","wall_ms":812.5},)"
         R"({"id":"daily","plugin":"sluice.daily_series","status":"cached","reason":"inputs unchanged","wall_ms":3},)"
         R"({"id":"forecast[store_id=2]","plugin":"sluice.prophet_forecast","status":"ran","reason":"new data","wall_ms":15320}]})";
}

}  // namespace sluice::dashboard::test
