// sluice.store_cards and the dashboard's `cards` input: cards rendered store by
// store (as a foreach node does) make the same page as cards rendered in one go.
#include <doctest/doctest.h>

#include <regex>
#include <sluice/errors.hpp>

#include "../../../tests/support/process.hpp"
#include "dashboard_fixture.hpp"
#include "page_probe.hpp"
#include "store_card.hpp"

using namespace sluice;
using namespace sluice::dashboard;
using namespace sluice::dashboard::test;
using sluice::test::slurp;
using sluice::test::TempDir;

namespace {

// The rows of `t` whose store_id is `key`.
Table rows_of(const Table& t, std::int64_t key) {
  Table out = t.empty_like();
  const Column& id = t.column("store_id");
  for (std::size_t r = 0; r < t.num_rows(); ++r)
    if (id.int_at(r) == key) out.append_row(t, r);
  return out;
}

// `cards` with its layout column replaced by `layout` (a string per row), or dropped when it is empty.
Table with_layout(const Table& cards, const std::string& layout) {
  Table out;
  for (const Column& c : cards.columns()) {
    if (c.name() == "layout") continue;
    Column& copy = out.add_column(c.name(), c.type());
    for (std::size_t r = 0; r < cards.num_rows(); ++r) copy.push_from(c, r);
  }
  if (!layout.empty()) {
    Column& l = out.add_column("layout", ColumnType::String);
    for (std::size_t r = 0; r < cards.num_rows(); ++r) l.push_string(layout);
  }
  return out;
}

Table run_cards(std::vector<std::pair<std::string, Value>> inputs, const std::string& layout) {
  testing::TestContext ctx;
  const Outputs out = testing::run_stage(store_cards_descriptor(), make_store_cards, {{"layout", layout}},
                                         std::move(inputs), ctx);
  return std::get<Table>(out.values().at("cards"));
}

// The page without the minute it was rendered in.
std::string page_text(const std::filesystem::path& path) {
  return std::regex_replace(slurp(path), std::regex("rendered \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC"), "rendered");
}

Outputs render_from_cards(RunInfoContext& ctx, const std::filesystem::path& path, const Table& cards,
                          const Table& total, const Table& metrics) {
  return testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                            {{"path", path.string()}, {"title", "Sales <forecast> & more"}},
                            {{"cards", Value(cards)}, {"total", Value(total)}, {"metrics", Value(metrics)}}, ctx);
}
}  // namespace

TEST_CASE("cards rendered store by store make the same page as the dashboard renders from the forecast") {
  constexpr int kStores = 3;
  SyntheticShape shape;
  shape.stores = kStores;
  const Table forecast = make_forecast(shape);
  const Table total = make_forecast(shape, /*with_key=*/false);
  const Table metrics = make_metrics(kStores, 30);
  const Table stores = make_stores(kStores, /*hostile_names=*/true);

  // One run per store, each seeing only that store's forecast and metrics, as under foreach.
  std::vector<Table> parts;
  for (int key = 1; key <= kStores; ++key)
    parts.push_back(run_cards({{"forecast", Value(rows_of(forecast, key))},
                               {"metrics", Value(rows_of(metrics, key))},
                               {"stores", Value(stores)}},
                              "grid"));
  Table cards = parts.front().empty_like();
  for (const auto& p : parts) {
    REQUIRE(p.num_rows() == 1);
    cards.append_row(p, 0);
  }
  CHECK(cards.column("store_key").string_at(1) == "2");
  double store2_mape = 0;  // the model's backtest MAPE of store 2, averaged over the 30 horizons
  for (int h = 1; h <= 30; ++h) store2_mape += model_mape(2, h) / 30;
  CHECK(cards.column("mape").double_at(1) == doctest::Approx(store2_mape).epsilon(1e-12));

  TempDir dir;
  render_dashboard(dir / "from-forecast.html", {.stores = kStores, .with_total = true});
  RunInfoContext ctx(make_run_info());
  const Outputs out = render_from_cards(ctx, dir / "from-cards.html", cards, total, metrics);
  CHECK(page_text(dir / "from-cards.html") == page_text(dir / "from-forecast.html"));
  CHECK(std::get<Table>(out.values().at("report")).column("stores").int_at(0) == kStores);
  REQUIRE(!ctx.messages.empty());
  CHECK(ctx.messages.back().find(" bytes, 3 stores)") != std::string::npos);
}

TEST_CASE("a store without metrics gets the recent in-sample error, and the layout sets the chart size") {
  SyntheticShape shape;
  shape.stores = 1;
  const Table forecast = make_forecast(shape);
  Table no_metrics = make_metrics(1, 30).empty_like();
  const Table single = run_cards({{"forecast", Value(forecast)}, {"metrics", Value(no_metrics)}}, "single");
  const Table grid = run_cards({{"forecast", Value(forecast)}}, "grid");
  const auto series = split_forecast(forecast, "store_id", "forecast");
  CHECK(single.column("mape").double_at(0) == doctest::Approx(recent_mape(series.front(), 28)));
  CHECK(std::string(single.column("mape_source").string_at(0)).find("fitted values") != std::string::npos);
  CHECK(std::string(single.column("card_html").string_at(0)).find("width=\"1100\"") != std::string::npos);
  CHECK(std::string(grid.column("card_html").string_at(0)).find("width=\"380\"") != std::string::npos);
  // Without a stores table the label is the key.
  CHECK(single.column("label").string_at(0) == "store_id 1");
}

TEST_CASE("pre-rendered cards choose the page layout, whatever max_small_multiples says") {
  SyntheticShape shape;
  shape.stores = 3;
  const Table forecast = make_forecast(shape);
  const Table total = make_forecast(shape, /*with_key=*/false);
  TempDir dir;
  testing::TestContext ctx;
  const auto page = [&](const Table& cards, const std::string& name) {
    (void)testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                             {{"path", (dir / name).string()}, {"max_small_multiples", 12}},
                             {{"cards", Value(cards)}, {"total", Value(total)}}, ctx);
    return slurp(dir / name);
  };
  // Three stores are fewer than 12, but wide cards are shown one at a time.
  const Table single = run_cards({{"forecast", Value(forecast)}}, "single");
  CHECK(single.column("layout").string_at(0) == "single");
  const std::string one_at_a_time = page(single, "single.html");
  CHECK(one_at_a_time.find("id=\"store-select\"") != std::string::npos);
  CHECK(count_of(one_at_a_time, "\" hidden>") == 2);
  const std::string grid = page(run_cards({{"forecast", Value(forecast)}}, "grid"), "grid.html");
  CHECK(grid.find("id=\"store-select\"") == std::string::npos);
  CHECK(count_of(grid, "\" hidden>") == 0);

  // Cards drawn for both layouts: an error naming two of them, and no page.
  Table mixed = run_cards({{"forecast", Value(rows_of(forecast, 1))}}, "single");
  mixed.append_row(run_cards({{"forecast", Value(rows_of(forecast, 2))}}, "grid"), 0);
  CHECK_THROWS_WITH_AS((void)page(mixed, "mixed.html"),
                       "input 'cards': the cards were drawn for different layouts ('single' for store 1, 'grid' for "
                       "store 2); give the sluice.store_cards node one layout",
                       Error);
  CHECK_FALSE(std::filesystem::exists(dir / "mixed.html"));
  // A cards table without the layout column (a user's own stage) falls back to max_small_multiples.
  CHECK(page(with_layout(single, ""), "unsaid.html").find("id=\"store-select\"") == std::string::npos);
  CHECK_THROWS_WITH_AS((void)page(with_layout(single, "wide"), "odd.html"),
                       "input 'cards': row 1 has layout 'wide'; expected \"single\" or \"grid\"", Error);
}

TEST_CASE("the dashboard says which inputs it needs") {
  TempDir dir;
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                                          {{"path", (dir / "x.html").string()}}, {}, ctx),
                       doctest::Contains("bind input 'forecast' (the forecast rows) or 'cards'"), Error);
  SyntheticShape shape;
  const Table cards = run_cards({{"forecast", Value(make_forecast(shape))}}, "single");
  CHECK_THROWS_WITH_AS(testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                                          {{"path", (dir / "x.html").string()}}, {{"cards", Value(cards)}}, ctx),
                       doctest::Contains("bind input 'total'"), Error);
  Table bad;
  bad.add_column("store_key", ColumnType::String).push_string("1");
  SyntheticShape one;
  one.stores = 1;
  CHECK_THROWS_WITH_AS(testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                                          {{"path", (dir / "x.html").string()}},
                                          {{"cards", Value(bad)}, {"total", Value(make_forecast(one, false))}}, ctx),
                       doctest::Contains("input 'cards': missing column 'label'"), MissingColumn);
  CHECK_FALSE(std::filesystem::exists(dir / "x.html"));
}

TEST_CASE("element ids made of keys are distinct for distinct keys") {
  CHECK(id_fragment("17") == "17");
  CHECK(id_fragment("a b") == "a_20b");
  CHECK(id_fragment("a_20b") == "a_5f20b");
  CHECK(id_fragment("\"><script>") == "_22_3e_3cscript_3e");
}
