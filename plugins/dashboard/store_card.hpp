#pragma once
// One store's card: its heading, numbers and chart. The dashboard renders cards
// from the forecast table, or takes them pre-rendered from sluice.store_cards
// (one partition per store, so a weekly run renders only the stores that changed).
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/sdk.hpp>
#include <sluice/table.hpp>

#include "forecast_data.hpp"

namespace sluice::dashboard {

enum class CardLayout { Single, Grid };  // one store at a time (wide chart), or small multiples

struct StoreCard {
  std::string key;  // display text of the store's key value
  std::string label, city;
  int forecast_days = 0;
  double forecast_total = 0, last_year_total = 0, change = 0;  // as in OverviewNumbers
  double mape = std::numeric_limits<double>::quiet_NaN();
  std::string mape_source;  // how the MAPE was computed (the badge's tooltip)
  std::string body;         // the card's inner HTML when rendered here: heading, numbers, chart
  // Or that HTML read in place from a cards table (read_cards), which must outlive the card: a thousand
  // cards are tens of megabytes, not worth a copy on their way into the page.
  std::string_view borrowed_body;
  std::string_view html() const { return borrowed_body.empty() ? std::string_view(body) : borrowed_body; }
  // The layout its chart was drawn for; nullopt for a cards table without a layout column.
  std::optional<CardLayout> layout;
};

// Cards for `stores`: labels and cities from the stores table `info` (else "<key column> <key>"); the
// error badge from `accuracy` (backtest metrics, when connected), else the MAPE of the fitted values over
// the last four observed weeks.
std::vector<StoreCard> render_store_cards(const std::vector<ForecastSeries>& stores,
                                        const std::map<std::string, StoreInfo>& info, const std::string& key_column,
                                        const std::optional<AccuracyTable>& accuracy, CardLayout layout);

// The optional inputs both the dashboard and sluice.store_cards read: `metrics` summarised (a table
// without rows, when no series had history enough to backtest, gives an empty summary), and `stores`.
std::optional<AccuracyTable> accuracy_input(const Inputs& in, const std::string& key_column);
std::map<std::string, StoreInfo> store_info_input(const Inputs& in, const std::string& key_column,
                                                  const std::string& label_column);

// The table form (the output of sluice.store_cards): store_key, label, city, forecast_days,
// forecast_total, last_year_total, change, mape, mape_source, card_html, layout ("single" or "grid").
Table cards_table(const std::vector<StoreCard>& cards);
// Reads that table back; `port` names the input in errors. The layout column is optional. The cards
// borrow their HTML from `table`, so it must outlive them.
std::vector<StoreCard> read_cards(const Table& table, const std::string& port);
// The one layout every card was drawn for (nullopt when no card says); cards drawn for different
// layouts are an error naming two of them.
std::optional<CardLayout> common_layout(const std::vector<StoreCard>& cards, const std::string& port);

// The badge class for a MAPE: good, fair, poor, or plain when unknown.
std::string error_class(double mape);

// A fragment for element ids made of the key text: letters, digits and '-' stay, every other byte
// becomes "_xx" (hex), so different keys never share an id.
std::string id_fragment(const std::string& key);

}  // namespace sluice::dashboard
