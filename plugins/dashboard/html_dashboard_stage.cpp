// sluice.html_dashboard: renders the sales-forecast dashboard to one
// self-contained HTML file.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>

#include <sluice/atomic_file.hpp>

#include "page.hpp"
#include "page_data.hpp"
#include "receipt.hpp"
#include "stages.hpp"

namespace sluice::dashboard {

StageDescriptor html_dashboard_descriptor() {
  StageDescriptor d;
  d.id = "sluice.html_dashboard";
  d.kind = StageKind::Report;
  d.version = "1.3.0";  // 1.3: a null forecast value reads n/a (it summed as 0), a seasonality that is off gets a note; 1.2: pre-rendered cards choose the page layout
  d.summary = "Writes the sales-forecast dashboard as one self-contained HTML file (inline SVG charts, no network)";
  d.inputs = {
      {"forecast", PortType::Table, true, false,
       "per-store forecasts, concatenated: key, ds, y, yhat, yhat_lower, yhat_upper, trend, weekly, yearly, "
       "holidays, is_forecast (bind this or cards)"},
      {"cards", PortType::Table, true, false,
       "the stores' cards, pre-rendered by sluice.store_cards (one partition per store); used instead of "
       "rendering them from forecast, in the layout they were drawn for"},
      {"total", PortType::Table, true, false,
       "forecast of total sales (same columns, no key); without it the overview sums the store rows of forecast"},
      {"metrics", PortType::Table, true, false,
       "backtest metrics: key, model, horizon_days, mape, coverage (rmse, mae optional)"},
      {"stores", PortType::Table, true, false, "store dimension: store_id, name, city"},
  };
  // The stores come from forecast or from cards; the overview from forecast or from total.
  d.one_of_inputs = {{"forecast", "cards"}, {"forecast", "total"}};
  d.outputs = {{"report", PortType::Table, false, false,
                "one row: path, bytes, xxh3_128, stores, data_through, forecast_total"}};
  d.params = {
      {"path", ParamType::String, std::nullopt, true, {}, {}, {}, "output HTML file (relative to the working directory)"},
      {"title", ParamType::String, ParamValue("Sales forecast"), false, {}, {}, {}, "page title"},
      {"key", ParamType::String, ParamValue("store_id"), false, {}, {}, {}, "column that names the store"},
      {"store_label", ParamType::String, ParamValue("name"), false, {}, {}, {},
       "column of the stores table shown as the store's name"},
      {"max_small_multiples", ParamType::Int, ParamValue(12), false, 1.0, 100000.0, {},
       "when the dashboard draws the cards itself (from forecast): above this many stores, show a store selector "
       "instead of one chart per store (cards from sluice.store_cards bring their layout)"},
  };
  return d;
}

std::string utc_now_text() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

namespace {

class HtmlDashboardStage : public Stage {
 public:
  explicit HtmlDashboardStage(const Params& p)
      : path_(p.get_string("path")),
        title_(p.get_string("title")),
        key_(p.get_string("key")),
        store_label_(p.get_string("store_label")),
        max_small_multiples_(static_cast<int>(p.get_int("max_small_multiples"))) {
    if (path_.empty()) throw ParamError("path", "parameter 'path' is empty; set it to the HTML file to write");
    if (key_.empty()) throw ParamError("key", "parameter 'key' is empty; set it to the store column (e.g. store_id)");
  }

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    PageData data;
    data.title = title_;
    data.max_small_multiples = max_small_multiples_;
    data.rendered_at = utc_now_text();
    if (!in.has("forecast") && !in.has("cards"))
      throw Error("sluice.html_dashboard needs the stores' forecasts: bind input 'forecast' (the forecast rows) or "
                  "'cards' (the output of sluice.store_cards)");
    if (!in.has("total") && !in.has("forecast"))
      throw Error("sluice.html_dashboard: with 'cards' and no 'forecast', bind input 'total' (the forecast of total "
                  "sales) for the overview");
    if (in.has("forecast")) data.stores = split_forecast(in.table("forecast"), key_, "forecast");
    ctx.check_cancelled();
    if (in.has("total")) {
      data.total = read_forecast(in.table("total"), "total");
      data.total_from_input = true;
    } else {
      data.total = sum_series(data.stores);
    }
    data.accuracy = accuracy_input(in, key_);
    if (in.has("cards")) {
      data.cards = read_cards(in.table("cards"), "cards");
    } else {
      const bool single = static_cast<int>(data.stores.size()) > max_small_multiples_;
      data.cards = render_store_cards(data.stores, store_info_input(in, key_, store_label_), key_, data.accuracy,
                                      single ? CardLayout::Single : CardLayout::Grid);
    }
    data.card_layout = common_layout(data.cards, "cards");  // each card says what it was drawn for
    if (data.cards.empty()) ctx.warn("no per-store forecasts in the input; the dashboard will be mostly empty");
    data.run = parse_run_info(ctx.run_info_json());
    ctx.check_cancelled();

    // Written and hashed in pieces as it is rendered: 19 MB at 1,000 stores is never held whole,
    // nor read back. The hash is the one verify() later takes of the file.
    AtomicFile file(path_, ParentDirs::Create);
    Hasher page_hasher;
    render_page(data, [&](std::string_view piece) {
      ctx.check_cancelled();
      file.write(piece);
      page_hasher.add_raw(piece);
    });
    const std::uint64_t page_bytes = file.bytes_written();
    file.commit(/*durable=*/true);
    const Hash128 page_hash = page_hasher.finish();
    out.set_receipt(file_receipt(path_, page_bytes, page_hash));
    ctx.info("wrote " + path_ + " (" + std::to_string(page_bytes) + " bytes, " + std::to_string(data.cards.size()) +
             " stores)");

    const OverviewNumbers o = overview_numbers(data.total);
    Table summary;
    summary.add_column("path", ColumnType::String).push_string(path_);
    summary.add_column("bytes", ColumnType::Int64).push_int(static_cast<std::int64_t>(page_bytes));
    summary.add_column("xxh3_128", ColumnType::String).push_string(page_hash.hex());
    summary.add_column("stores", ColumnType::Int64).push_int(static_cast<std::int64_t>(data.cards.size()));
    auto& through = summary.add_column("data_through", ColumnType::Date);
    if (o.data_through) through.push_int(*o.data_through);
    else through.push_null();
    summary.add_column("forecast_total", ColumnType::Double).push_double(o.forecast_total);
    out.set("report", std::move(summary));
  }

  bool verify(Context&, const std::string& receipt) override { return file_matches_receipt(receipt); }

 private:
  std::string path_, title_, key_, store_label_;
  int max_small_multiples_;
};

}  // namespace

std::unique_ptr<Stage> make_html_dashboard(const Params& params) {
  return std::make_unique<HtmlDashboardStage>(params);
}

}  // namespace sluice::dashboard
