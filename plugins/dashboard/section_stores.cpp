// Per store: small multiples (or a selector when there are many stores) and a
// table of every store's forecast, change and recent error, from the stores' cards.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "format.hpp"
#include "html.hpp"
#include "sections.hpp"
#include "store_card.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {

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

// The card's figure: its position (for the selector), its key and numbers as data, and the body.
void append_store_figure(const StoreCard& c, std::size_t index, bool hidden, Markup& m) {
  m.raw("<figure class=\"card store-card\"");
  m.raw(" id=\"store-").raw(std::to_string(index)).raw("\"");
  m.raw(" data-store-key=\"").text(c.key).raw("\"");
  m.raw(" data-forecast-total=\"").raw(exact_number(c.forecast_total)).raw("\"");
  m.raw(" data-mape=\"").raw(exact_number(c.mape)).raw("\"");
  if (hidden) m.raw(" hidden");
  m.raw(">").raw(c.html()).raw("</figure>");
}

std::string summary_table(const std::vector<StoreCard>& cards, bool selectable) {
  std::vector<std::size_t> order(cards.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest forecast first; a store without one (n/a) last, since NaN compares false with everything.
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    const double x = cards[a].forecast_total, y = cards[b].forecast_total;
    return std::isnan(y) ? !std::isnan(x) : x > y;
  });
  Markup m;
  m.open("div", {{"class", "card table-card"}});
  m.element("h3", {}, "All stores, by forecast");
  m.open("table", {{"class", "data"}, {"id", "store-table"}});
  const std::string days = cards.empty() ? "" : std::to_string(cards.front().forecast_days) + " ";
  m.raw("<thead><tr><th scope=\"col\">Store</th><th scope=\"col\">City</th>"
        "<th scope=\"col\" class=\"num\">Next ").raw(days).raw("days</th>");
  m.raw("<th scope=\"col\" class=\"num\">Same days last year</th>"
        "<th scope=\"col\" class=\"num\">Change</th><th scope=\"col\" class=\"num\">MAPE</th></tr></thead><tbody>");
  for (auto i : order) {
    const StoreCard& c = cards[i];
    m.raw("<tr data-store-index=\"").raw(std::to_string(i)).raw("\" data-store-key=\"").text(c.key).raw("\"");
    if (selectable) m.raw(" class=\"pick\" tabindex=\"0\"");
    m.raw(">");
    m.element("th", {{"scope", "row"}}, c.label);
    m.element("td", {}, c.city);
    m.element("td", {{"class", "num"}, {"data-value", exact_number(c.forecast_total)}}, format_amount(c.forecast_total));
    m.element("td", {{"class", "num"}}, format_amount(c.last_year_total));
    m.element("td", {{"class", std::string("num ") + (!std::isfinite(c.change) ? "" : c.change >= 0 ? "up" : "down")}},
              format_change(c.change));
    m.open("td", {{"class", "num"}});
    m.element("span", {{"class", error_class(c.mape)}, {"title", c.mape_source}}, format_percent(c.mape));
    m.close("td");
    m.raw("</tr>");
  }
  m.raw("</tbody></table>");
  m.close("div");
  return m.take();
}
}  // namespace

void append_stores_section(const PageData& d, Markup& m) {
  const auto& cards = d.cards;
  m.open("section", {{"id", "stores"}, {"aria-labelledby", "stores-h"}});
  m.element("h2", {{"id", "stores-h"}}, "Per store");
  if (cards.empty()) {
    m.element("p", {{"class", "empty"}}, "No per-store forecasts in the input.");
    m.close("section");
    return;
  }
  const bool selectable = d.selectable();
  m.open("div", {{"class", "store-toolbar"}});
  if (selectable) {
    m.element("label", {{"for", "store-select"}}, "Store");
    m.open("select", {{"id", "store-select"}, {"data-count", std::to_string(cards.size())}});
    for (std::size_t i = 0; i < cards.size(); ++i)
      m.element("option", {{"value", std::to_string(i)}},
                cards[i].label + (cards[i].city.empty() ? "" : " (" + cards[i].city + ")"));
    m.close("select");
    m.element("span", {{"class", "hint"}},
              std::to_string(cards.size()) + " stores; pick one here or click a row in the table below.");
  }
  m.raw(shared_legend());
  m.close("div");
  m.open("div", {{"class", selectable ? "store-grid single" : "store-grid"}, {"id", "store-grid"}});
  for (std::size_t i = 0; i < cards.size(); ++i) {
    append_store_figure(cards[i], i, selectable && i > 0, m);
    m.spill();
  }
  m.close("div");
  m.raw(summary_table(cards, selectable));
  m.close("section");
}

}  // namespace sluice::dashboard
