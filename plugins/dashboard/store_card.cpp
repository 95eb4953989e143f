#include "store_card.hpp"

#include <cmath>

#include <sluice/errors.hpp>

#include "format.hpp"
#include "html.hpp"
#include "input_columns.hpp"
#include "svg_chart.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {
constexpr int kStoreHistoryDays = 56;  // eight weeks: enough to see the weekly pattern
constexpr int kRecentErrorDays = 28;

void set_error(StoreCard& card, const std::optional<AccuracyTable>& accuracy, const ForecastSeries& s) {
  if (accuracy && !accuracy->models.empty()) {
    const auto it = accuracy->by_key_model.find({s.key, accuracy->models.front()});
    if (it != accuracy->by_key_model.end() && std::isfinite(it->second.mape)) {
      card.mape = it->second.mape;
      card.mape_source = "backtest MAPE of " + accuracy->models.front() + ", averaged over horizons";
      return;
    }
  }
  card.mape = recent_mape(s, kRecentErrorDays);
  card.mape_source = "MAPE of the fitted values over the last " + std::to_string(kRecentErrorDays) + " observed days";
}

// The single-store layout draws a wide chart, so its text is not scaled up with the card.
std::string store_chart(const ForecastSeries& s, const std::string& label, CardLayout layout) {
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
  const bool wide = layout == CardLayout::Single;
  LineChart chart;
  chart.id = "chart-store-" + id_fragment(s.key);
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

std::string card_body(const StoreCard& c, const std::string& chart) {
  Markup m;
  m.open("figcaption", {{"class", "store-head"}});
  m.open("div");
  m.element("span", {{"class", "store-name"}}, c.label);
  if (!c.city.empty()) m.element("span", {{"class", "store-city"}}, c.city);
  m.close("div");
  m.element("span", {{"class", error_class(c.mape)}, {"title", c.mape_source}},
            std::isfinite(c.mape) ? "MAPE " + format_percent(c.mape) : "MAPE n/a");
  m.close("figcaption");
  m.open("div", {{"class", "store-stats"}});
  m.raw("Next ").raw(std::to_string(c.forecast_days)).raw(" days: ");
  m.element("strong", {}, format_amount(c.forecast_total));
  if (std::isfinite(c.change))
    m.raw(" ").element("span", {{"class", c.change >= 0 ? "up" : "down"}}, format_change(c.change) + " vs last year");
  m.close("div");
  m.raw(chart);
  return m.take();
}

std::string layout_name(CardLayout layout) { return layout == CardLayout::Grid ? "grid" : "single"; }

CardLayout parse_layout(std::string_view text, const std::string& port, std::size_t row) {
  if (text == "single") return CardLayout::Single;
  if (text == "grid") return CardLayout::Grid;
  throw Error("input '" + port + "': row " + std::to_string(row + 1) + " has layout '" + std::string(text) +
              "'; expected \"single\" or \"grid\"");
}

void push_number(Column& c, double v) {
  if (std::isfinite(v)) c.push_double(v);
  else c.push_null();
}
StoreCard make_store_card(const ForecastSeries& store, const std::string& label, const std::string& city,
                          const std::optional<AccuracyTable>& accuracy, CardLayout layout) {
  StoreCard c;
  c.key = store.key;
  c.label = label;
  c.city = city;
  const OverviewNumbers o = overview_numbers(store);
  c.forecast_days = o.forecast_days;
  c.forecast_total = o.forecast_total;
  c.last_year_total = o.last_year_total;
  c.change = o.change;
  set_error(c, accuracy, store);
  c.body = card_body(c, store_chart(store, label, layout));
  c.layout = layout;
  return c;
}

}  // namespace

std::string error_class(double mape) {
  if (!std::isfinite(mape)) return "badge";
  return mape < 0.10 ? "badge good" : mape < 0.20 ? "badge fair" : "badge poor";
}

std::string id_fragment(const std::string& key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char ch : key) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-') {
      out += static_cast<char>(ch);
    } else {
      out += '_';
      out += kHex[ch >> 4];
      out += kHex[ch & 0xF];
    }
  }
  return out;
}

std::vector<StoreCard> render_store_cards(const std::vector<ForecastSeries>& stores,
                                        const std::map<std::string, StoreInfo>& info, const std::string& key_column,
                                        const std::optional<AccuracyTable>& accuracy, CardLayout layout) {
  std::vector<StoreCard> cards;
  cards.reserve(stores.size());
  for (const auto& s : stores) {
    const auto it = info.find(s.key);
    // The name from the stores table, else "<key column> <key>".
    const std::string label =
        it != info.end() && !it->second.label.empty() ? it->second.label : key_column + " " + s.key;
    cards.push_back(make_store_card(s, label, it != info.end() ? it->second.city : std::string(), accuracy, layout));
  }
  return cards;
}

std::optional<AccuracyTable> accuracy_input(const Inputs& in, const std::string& key_column) {
  if (!in.has("metrics")) return std::nullopt;
  const Table& metrics = in.table("metrics");
  return metrics.num_rows() > 0 ? summarize_metrics(metrics, key_column) : AccuracyTable{};
}

std::map<std::string, StoreInfo> store_info_input(const Inputs& in, const std::string& key_column,
                                                  const std::string& label_column) {
  if (!in.has("stores")) return {};
  return read_stores(in.table("stores"), key_column, label_column);
}

Table cards_table(const std::vector<StoreCard>& cards) {
  Table t;
  auto& key = t.add_column("store_key", ColumnType::String);
  auto& label = t.add_column("label", ColumnType::String);
  auto& city = t.add_column("city", ColumnType::String);
  auto& days = t.add_column("forecast_days", ColumnType::Int64);
  auto& total = t.add_column("forecast_total", ColumnType::Double);
  auto& last_year = t.add_column("last_year_total", ColumnType::Double);
  auto& change = t.add_column("change", ColumnType::Double);
  auto& mape = t.add_column("mape", ColumnType::Double);
  auto& source = t.add_column("mape_source", ColumnType::String);
  auto& html = t.add_column("card_html", ColumnType::String);
  auto& layout = t.add_column("layout", ColumnType::String);
  for (const auto& c : cards) {
    key.push_string(c.key);
    label.push_string(c.label);
    city.push_string(c.city);
    days.push_int(c.forecast_days);
    push_number(total, c.forecast_total);
    push_number(last_year, c.last_year_total);
    push_number(change, c.change);
    push_number(mape, c.mape);
    source.push_string(c.mape_source);
    html.push_string(c.html());
    if (c.layout) layout.push_string(layout_name(*c.layout));
    else layout.push_null();
  }
  return t;
}

std::vector<StoreCard> read_cards(const Table& table, const std::string& port) {
  constexpr const char* shape = "the cards table comes from sluice.store_cards";
  using input::need;
  using input::num_at;
  const Column& key = need(table, "store_key", {ColumnType::String}, port, shape);
  const Column& label = need(table, "label", {ColumnType::String}, port, shape);
  const Column& city = need(table, "city", {ColumnType::String}, port, shape);
  const Column& days = need(table, "forecast_days", {ColumnType::Int64}, port, shape);
  const Column& total = need(table, "forecast_total", {ColumnType::Double}, port, shape);
  const Column& last_year = need(table, "last_year_total", {ColumnType::Double}, port, shape);
  const Column& change = need(table, "change", {ColumnType::Double}, port, shape);
  const Column& mape = need(table, "mape", {ColumnType::Double}, port, shape);
  const Column& source = need(table, "mape_source", {ColumnType::String}, port, shape);
  const Column& html = need(table, "card_html", {ColumnType::String}, port, shape);
  const Column* layout = table.find("layout");
  if (layout != nullptr && layout->type() != ColumnType::String)
    throw Error("input '" + port + "': column 'layout' must be a string (\"single\" or \"grid\"); " + shape);
  std::vector<StoreCard> cards(table.num_rows());
  for (std::size_t r = 0; r < cards.size(); ++r) {
    StoreCard& c = cards[r];
    if (key.is_null(r)) throw Error("input '" + port + "': row " + std::to_string(r + 1) + " has no store_key");
    c.key = key.string_at(r);
    c.label = label.is_null(r) ? c.key : std::string(label.string_at(r));
    if (!city.is_null(r)) c.city = city.string_at(r);
    c.forecast_days = days.is_null(r) ? 0 : static_cast<int>(days.int_at(r));
    c.forecast_total = num_at(&total, r);
    c.last_year_total = num_at(&last_year, r);
    c.change = num_at(&change, r);
    c.mape = num_at(&mape, r);
    if (!source.is_null(r)) c.mape_source = source.string_at(r);
    if (!html.is_null(r)) c.borrowed_body = html.string_at(r);
    if (layout != nullptr && !layout->is_null(r)) c.layout = parse_layout(layout->string_at(r), port, r);
  }
  return cards;
}

std::optional<CardLayout> common_layout(const std::vector<StoreCard>& cards, const std::string& port) {
  const StoreCard* first = nullptr;
  for (const StoreCard& c : cards) {
    if (!c.layout) continue;
    if (first == nullptr) first = &c;
    else if (*c.layout != *first->layout)
      throw Error("input '" + port + "': the cards were drawn for different layouts ('" + layout_name(*first->layout) +
                  "' for store " + first->key + ", '" + layout_name(*c.layout) + "' for store " + c.key +
                  "); give the sluice.store_cards node one layout");
  }
  return first != nullptr ? first->layout : std::nullopt;
}

}  // namespace sluice::dashboard
