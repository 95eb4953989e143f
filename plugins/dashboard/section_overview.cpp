// Overview: headline numbers and the total series chart.
#include <cmath>
#include <limits>

#include "format.hpp"
#include "html.hpp"
#include "sections.hpp"
#include "svg_chart.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kHistoryDays = 365;

// Trailing mean over `window` consecutive observed days; NaN until the window is full.
std::vector<double> trailing_mean(const ForecastSeries& s, int window) {
  std::vector<double> out(s.size(), kNaN);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 1 < static_cast<std::size_t>(window) || s.is_forecast[i]) continue;
    double sum = 0;
    bool full = true;
    for (std::size_t k = i + 1 - static_cast<std::size_t>(window); k <= i; ++k) {
      full = full && std::isfinite(s.y[k]) && !s.is_forecast[k] && s.ds[i] - s.ds[k] < window;
      sum += s.y[k];
    }
    if (full) out[i] = sum / window;
  }
  return out;
}
}  // namespace

std::string overview_chart_svg(const ForecastSeries& total, const std::string& id, int width, int height,
                               const std::string& aria_prefix, const std::string& heading) {
  const auto today = total.last_observed();
  const std::int64_t from = today ? *today - kHistoryDays + 1 : std::numeric_limits<std::int64_t>::min();
  const std::vector<double> avg7 = trailing_mean(total, 7);

  LineSeries daily{"Actual (daily)", theme::kActualDaily, {}, {}, 1.0, false, false};
  LineSeries weekly_avg{"Actual (7-day average)", theme::kActual, {}, {}, 2.2, false, false};
  LineSeries forecast{"Forecast", theme::kForecast, {}, {}, 2.2, false, false};
  BandSeries band{"80% interval", theme::kBand, theme::kBandOpacity, {}, {}, {}};
  for (std::size_t i = 0; i < total.size(); ++i) {
    if (total.ds[i] < from) continue;
    const auto x = static_cast<double>(total.ds[i]);
    if (total.is_forecast[i]) {
      forecast.x.push_back(x), forecast.y.push_back(total.yhat[i]);
      band.x.push_back(x), band.lo.push_back(total.yhat_lower[i]), band.hi.push_back(total.yhat_upper[i]);
    } else {
      daily.x.push_back(x), daily.y.push_back(total.y[i]);
      weekly_avg.x.push_back(x), weekly_avg.y.push_back(avg7[i]);
    }
  }
  LineChart chart;
  chart.id = id;
  chart.width = width;
  chart.height = height;
  chart.heading = heading;
  chart.aria_label = aria_prefix + (today ? " Actual daily sales through " + iso_date(*today) : std::string(" No actuals")) +
                     " and a " + std::to_string(forecast.x.size()) + "-day forecast with its 80% interval.";
  chart.bands.push_back(std::move(band));
  chart.lines = {std::move(daily), std::move(weekly_avg), std::move(forecast)};
  if (today) chart.marker = VerticalMarker{static_cast<double>(*today), "today"};
  return render_line_chart(chart);
}

std::string kpi_card(const std::string& label, const std::string& value_text, const std::string& id,
                     const std::string& data_value, const std::string& note, const std::string& note_class) {
  Markup m;
  m.open("div", {{"class", "kpi"}});
  m.element("div", {{"class", "kpi-label"}}, label);
  m.element("div", {{"class", "kpi-value"}, {"id", id}, {"data-value", data_value}}, value_text);
  if (!note.empty()) m.element("div", {{"class", "kpi-note " + note_class}}, note);
  m.close("div");
  return m.take();
}

std::string overview_section(const PageData& d) {
  const OverviewNumbers o = overview_numbers(d.total);
  Markup m;
  m.open("section", {{"id", "overview"}, {"aria-labelledby", "overview-h"}});
  m.element("h2", {{"id", "overview-h"}}, "Overview");
  m.open("div", {{"class", "kpis"}});
  m.raw(kpi_card("Data through", o.data_through ? iso_date(*o.data_through) : "no actuals", "data-through",
                 o.data_through ? iso_date(*o.data_through) : "",
                 o.data_through ? "last observed day (" + std::string(weekday_short(weekday_index(*o.data_through))) + ")"
                                : "the forecast table has no observed rows"));
  const std::string range =
      o.forecast_days > 0 ? month_day(o.forecast_first) + " – " + month_day(o.forecast_last) + ", " +
                                std::to_string(o.forecast_days) + " days"
                          : "no forecast rows";
  m.raw(kpi_card("Forecast, next " + std::to_string(o.forecast_days) + " days", format_amount(o.forecast_total),
                 "forecast-total", exact_number(o.forecast_total), range));
  const std::string change_class = !std::isfinite(o.change) ? "" : o.change >= 0 ? "up" : "down";
  m.raw(kpi_card("Same period last year", format_amount(o.last_year_total), "last-year-total",
                 exact_number(o.last_year_total),
                 std::isfinite(o.change) ? format_change(o.change) + " forecast vs last year"
                                         : "history shorter than a year",
                 change_class));
  std::string accuracy_note = "connect backtest metrics to compare with the baseline";
  std::string accuracy_value = "n/a", accuracy_data;
  if (d.accuracy && !d.accuracy->models.empty() && d.accuracy->models.front() != kBaselineModel) {
    const auto& model = d.accuracy->models.front();
    const double mape = d.accuracy->by_model.at(model).mape;
    accuracy_value = format_percent(mape);
    accuracy_data = exact_number(mape);
    const auto base = d.accuracy->by_model.find(kBaselineModel);
    accuracy_note = base != d.accuracy->by_model.end()
                        ? "backtest MAPE of " + model + " (baseline " + format_percent(base->second.mape) + ")"
                        : "backtest MAPE of " + model;
  }
  m.raw(kpi_card("Forecast error", accuracy_value, "model-mape", accuracy_data, accuracy_note));
  m.close("div");

  m.open("figure", {{"class", "card chart-card"}});
  m.element("figcaption", {},
            std::string(d.total_from_input ? "Total sales" : "Total sales (sum of all stores)") +
                ": last 12 months and the forecast");
  m.raw(overview_chart_svg(d.total, "chart-overview", 1100, 360, "Total sales."));
  if (!d.total_from_input && !d.stores.empty())
    m.element("p", {{"class", "hint"}},
              "The total forecast and its interval are sums of the per-store values; summing interval bounds gives a "
              "conservative (wider) band than a forecast of the total itself.");
  m.close("figure");
  m.close("section");
  return m.take();
}

}  // namespace sluice::dashboard
