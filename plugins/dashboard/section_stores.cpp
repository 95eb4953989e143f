// Per store: small multiples (or a selector when there are many stores) and a
// table of every store's forecast, change and recent error.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "format.hpp"
#include "html.hpp"
#include "sections.hpp"
#include "svg_chart.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {
constexpr int kStoreHistoryDays = 56;  // eight weeks: enough to see the weekly pattern
constexpr int kRecentErrorDays = 28;

struct StoreError {
  double mape = std::nan("");
  std::string source;  // how it was computed, for the badge's tooltip
};

StoreError store_error(const PageData& d, const ForecastSeries& s) {
  if (d.accuracy && !d.accuracy->models.empty()) {
    const auto it = d.accuracy->by_key_model.find({s.key, d.accuracy->models.front()});
    if (it != d.accuracy->by_key_model.end() && std::isfinite(it->second.mape))
      return {it->second.mape, "backtest MAPE of " + d.accuracy->models.front() + ", averaged over horizons"};
  }
  return {recent_mape(s, kRecentErrorDays),
          "MAPE of the fitted values over the last " + std::to_string(kRecentErrorDays) + " observed days"};
}

std::string error_class(double mape) {
  if (!std::isfinite(mape)) return "badge";
  return mape < 0.10 ? "badge good" : mape < 0.20 ? "badge fair" : "badge poor";
}

// `wide` for the one-at-a-time selector view, so text is not scaled up with the card.
std::string store_chart(const ForecastSeries& s, const std::string& id, const std::string& label, bool wide) {
  const auto today = s.last_observed();
  LineSeries actual{"Actual", theme::kActual, {}, {}, 1.6, false, false};
  LineSeries forecast{"Forecast", theme::kForecast, {}, {}, 2.0, false, false};
  BandSeries band{"80% interval", theme::kBand, theme::kBandOpacity, {}, {}, {}};
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (today && s.ds[i] <= *today - kStoreHistoryDays) continue;
    const auto x = static_cast<double>(s.ds[i]);
    if (s.is_forecast[i]) {
      forecast.x.push_back(x), forecast.y.push_back(s.yhat[i]);
      band.x.push_back(x), band.lo.push_back(s.yhat_lower[i]), band.hi.push_back(s.yhat_upper[i]);
    } else {
      actual.x.push_back(x), actual.y.push_back(s.y[i]);
    }
  }
  LineChart chart;
  chart.id = id;
  chart.width = wide ? 1100 : 380;
  chart.height = wide ? 320 : 190;
  chart.legend = false;
  chart.aria_label = label + ": the last " + std::to_string(kStoreHistoryDays) + " days of sales and a " +
                     std::to_string(forecast.x.size()) + "-day forecast with its 80% interval.";
  chart.bands.push_back(std::move(band));
  chart.lines = {std::move(actual), std::move(forecast)};
  if (today) chart.marker = VerticalMarker{static_cast<double>(*today), "today"};
  return render_line_chart(chart);
}

// The HTML legend shared by all store charts (they have no legend of their own).
std::string shared_legend() {
  Markup m;
  m.open("div", {{"class", "legend-row"}, {"aria-hidden", "true"}});
  m.raw("<span><i class=\"sw line\" style=\"background:").raw(theme::kActual).raw("\"></i>Actual</span>");
  m.raw("<span><i class=\"sw line\" style=\"background:").raw(theme::kForecast).raw("\"></i>Forecast</span>");
  m.raw("<span><i class=\"sw area\"></i>80% interval</span>");
  m.raw("<span><i class=\"sw dash\"></i>today</span>");
  m.close("div");
  return m.take();
}

std::string store_card(const PageData& d, const ForecastSeries& s, std::size_t index, bool selectable) {
  const bool hidden = selectable && index > 0;
  const std::string label = d.store_label(s);
  const std::string city = d.store_city(s);
  const OverviewNumbers o = overview_numbers(s);
  const StoreError err = store_error(d, s);
  Markup m;
  m.raw("<figure class=\"card store-card\"");
  m.raw(" id=\"store-").raw(std::to_string(index)).raw("\"");
  m.raw(" data-store-key=\"").text(s.key).raw("\"");
  m.raw(" data-forecast-total=\"").raw(exact_number(o.forecast_total)).raw("\"");
  m.raw(" data-mape=\"").raw(exact_number(err.mape)).raw("\"");
  if (hidden) m.raw(" hidden");
  m.raw(">");
  m.open("figcaption", {{"class", "store-head"}});
  m.open("div");
  m.element("span", {{"class", "store-name"}}, label);
  if (!city.empty()) m.element("span", {{"class", "store-city"}}, city);
  m.close("div");
  m.element("span", {{"class", error_class(err.mape)}, {"title", err.source}},
            std::isfinite(err.mape) ? "MAPE " + format_percent(err.mape) : "MAPE n/a");
  m.close("figcaption");
  m.open("div", {{"class", "store-stats"}});
  m.raw("Next ").raw(std::to_string(o.forecast_days)).raw(" days: ");
  m.element("strong", {}, format_amount(o.forecast_total));
  if (std::isfinite(o.change))
    m.raw(" ").element("span", {{"class", o.change >= 0 ? "up" : "down"}}, format_change(o.change) + " vs last year");
  m.close("div");
  m.raw(store_chart(s, "chart-store-" + std::to_string(index), label, selectable));
  m.raw("</figure>");
  return m.take();
}

std::string summary_table(const PageData& d, bool selectable) {
  std::vector<std::size_t> order(d.stores.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<OverviewNumbers> numbers;
  for (const auto& s : d.stores) numbers.push_back(overview_numbers(s));
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return numbers[a].forecast_total > numbers[b].forecast_total; });
  Markup m;
  m.open("div", {{"class", "card table-card"}});
  m.element("h3", {}, "All stores, by forecast");
  m.open("table", {{"class", "data"}, {"id", "store-table"}});
  const std::string days = numbers.empty() ? "" : std::to_string(numbers.front().forecast_days) + " ";
  m.raw("<thead><tr><th scope=\"col\">Store</th><th scope=\"col\">City</th>"
        "<th scope=\"col\" class=\"num\">Next ").raw(days).raw("days</th>");
  m.raw("<th scope=\"col\" class=\"num\">Same days last year</th>"
        "<th scope=\"col\" class=\"num\">Change</th><th scope=\"col\" class=\"num\">MAPE</th></tr></thead><tbody>");
  for (auto i : order) {
    const auto& s = d.stores[i];
    const auto& o = numbers[i];
    const StoreError err = store_error(d, s);
    m.raw("<tr data-store-index=\"").raw(std::to_string(i)).raw("\" data-store-key=\"").text(s.key).raw("\"");
    if (selectable) m.raw(" class=\"pick\" tabindex=\"0\"");
    m.raw(">");
    m.element("th", {{"scope", "row"}}, d.store_label(s));
    m.element("td", {}, d.store_city(s));
    m.element("td", {{"class", "num"}, {"data-value", exact_number(o.forecast_total)}}, format_amount(o.forecast_total));
    m.element("td", {{"class", "num"}}, format_amount(o.last_year_total));
    m.element("td", {{"class", std::string("num ") + (!std::isfinite(o.change) ? "" : o.change >= 0 ? "up" : "down")}},
              format_change(o.change));
    m.open("td", {{"class", "num"}});
    m.element("span", {{"class", error_class(err.mape)}, {"title", err.source}}, format_percent(err.mape));
    m.close("td");
    m.raw("</tr>");
  }
  m.raw("</tbody></table>");
  m.close("div");
  return m.take();
}
}  // namespace

std::string stores_section(const PageData& d) {
  Markup m;
  m.open("section", {{"id", "stores"}, {"aria-labelledby", "stores-h"}});
  m.element("h2", {{"id", "stores-h"}}, "Per store");
  if (d.stores.empty()) {
    m.element("p", {{"class", "empty"}}, "No per-store forecasts in the input.");
    m.close("section");
    return m.take();
  }
  const bool selectable = static_cast<int>(d.stores.size()) > d.max_small_multiples;
  m.open("div", {{"class", "store-toolbar"}});
  if (selectable) {
    m.element("label", {{"for", "store-select"}}, "Store");
    m.open("select", {{"id", "store-select"}, {"data-count", std::to_string(d.stores.size())}});
    for (std::size_t i = 0; i < d.stores.size(); ++i) {
      const std::string city = d.store_city(d.stores[i]);
      m.element("option", {{"value", std::to_string(i)}},
                d.store_label(d.stores[i]) + (city.empty() ? "" : " (" + city + ")"));
    }
    m.close("select");
    m.element("span", {{"class", "hint"}},
              std::to_string(d.stores.size()) + " stores; pick one here or click a row in the table below.");
  }
  m.raw(shared_legend());
  m.close("div");
  m.open("div", {{"class", selectable ? "store-grid single" : "store-grid"}, {"id", "store-grid"}});
  for (std::size_t i = 0; i < d.stores.size(); ++i) m.raw(store_card(d, d.stores[i], i, selectable));
  m.close("div");
  m.raw(summary_table(d, selectable));
  m.close("section");
  return m.take();
}

}  // namespace sluice::dashboard
