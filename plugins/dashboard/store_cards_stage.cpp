// sluice.store_cards: renders each store's dashboard card (heading, numbers,
// chart) as a table row. Run with `foreach` over the store key, beside the
// per-store forecast and backtest, so a rerun renders only the stores whose
// forecast or metrics changed; sluice.html_dashboard then assembles the page.
#include "forecast_data.hpp"
#include "stages.hpp"
#include "store_card.hpp"

namespace sluice::dashboard {

StageDescriptor store_cards_descriptor() {
  StageDescriptor d;
  d.id = "sluice.store_cards";
  d.kind = StageKind::Report;
  d.version = "1.2.0";  // 1.2: a null forecast value reads n/a (it summed as 0); 1.1: the cards say which layout they were drawn for
  d.summary = "Renders each store's dashboard card (numbers, error badge, chart) for sluice.html_dashboard's cards input";
  d.inputs = {
      {"forecast", PortType::Table, false, false,
       "forecast rows of one or more stores: key, ds, y, yhat, yhat_lower, yhat_upper, is_forecast"},
      {"metrics", PortType::Table, true, false,
       "backtest metrics (sluice.backtest); under foreach, partitioned by the same key, so each store gets its own"},
      {"stores", PortType::Table, true, false, "store dimension: store_id, name, city"},
  };
  d.outputs = {{"cards", PortType::Table, false, false,
                "one row per store: store_key, label, city, forecast_days, forecast_total, last_year_total, change, "
                "mape, mape_source, card_html, layout"}};
  d.params = {
      {"key", ParamType::String, ParamValue("store_id"), false, {}, {}, {}, "column that names the store"},
      {"store_label", ParamType::String, ParamValue("name"), false, {}, {}, {},
       "column of the stores table shown as the store's name"},
      {"layout", ParamType::String, ParamValue("single"), false, {}, {}, {"single", "grid"},
       "single: a wide chart, and the dashboard shows one store at a time with a selector; grid: a small chart, "
       "and the dashboard shows every store in a grid of small multiples"},
  };
  return d;
}

namespace {

class StoreCardsStage : public Stage {
 public:
  explicit StoreCardsStage(const Params& p)
      : key_(p.get_string("key")),
        store_label_(p.get_string("store_label")),
        layout_(p.get_string("layout") == "grid" ? CardLayout::Grid : CardLayout::Single) {
    if (key_.empty()) throw ParamError("key", "parameter 'key' is empty; set it to the store column (e.g. store_id)");
  }

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    const auto stores = split_forecast(in.table("forecast"), key_, "forecast");
    const auto accuracy = accuracy_input(in, key_);
    const auto info = store_info_input(in, key_, store_label_);
    ctx.check_cancelled();
    out.set("cards", cards_table(render_store_cards(stores, info, key_, accuracy, layout_)));
  }

 private:
  std::string key_, store_label_;
  CardLayout layout_;
};

}  // namespace

std::unique_ptr<Stage> make_store_cards(const Params& params) { return std::make_unique<StoreCardsStage>(params); }

}  // namespace sluice::dashboard
