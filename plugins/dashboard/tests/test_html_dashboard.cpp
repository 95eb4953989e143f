#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <sluice/errors.hpp>

#include "../../../tests/support/process.hpp"
#include "dashboard_fixture.hpp"
#include "forecast_data.hpp"
#include "format.hpp"
#include "page_probe.hpp"
#include "xml_check.hpp"

using namespace sluice;
using namespace sluice::dashboard;
using namespace sluice::dashboard::test;
using sluice::test::slurp;
using sluice::test::TempDir;

TEST_CASE("the dashboard is one self-contained file with every section") {
  TempDir dir;
  const auto path = dir / "out/dashboard.html";  // the out/ directory does not exist yet
  const Outputs out = render_dashboard(path, {});
  const std::string html = slurp(path);
  REQUIRE(html.size() > 10'000);
  for (const char* id : {"id=\"overview\"", "id=\"stores\"", "id=\"components\"", "id=\"accuracy\"", "id=\"run\""})
    CHECK(html.find(id) != std::string::npos);
  // No network: no external references of any kind, and a CSP that forbids them.
  CHECK(count_of(html, "http://") == count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  CHECK(html.find("default-src &#39;none&#39;") != std::string::npos);
  CHECK(count_of(html, "<script>") == 1);
  // The summary table on the output port.
  const auto& summary = std::get<Table>(out.values().at("report"));
  CHECK(summary.column("path").string_at(0) == path.string());
  CHECK(summary.column("bytes").int_at(0) == static_cast<std::int64_t>(html.size()));
  CHECK(summary.column("xxh3_128").string_at(0) == hash_bytes(html).hex());
  CHECK(summary.column("stores").int_at(0) == 3);
}

TEST_CASE("a page larger than the write buffer is written whole, each store once, in order") {
  TempDir dir;
  const auto path = dir / "many.html";
  constexpr int kStores = 60;
  const Outputs out = render_dashboard(path, {.stores = kStores});
  const std::string html = slurp(path);
  REQUIRE(html.size() > 3 * 256 * 1024);  // several pieces of the stage's write buffer
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.ends_with("</html>\n"));
  CHECK(count_of(html, "<figure class=\"card store-card\"") == kStores);
  std::size_t previous = 0;
  for (int i = 0; i < kStores; ++i) {
    const std::size_t at = html.find("id=\"store-" + std::to_string(i) + "\"");
    REQUIRE(at != std::string::npos);
    CHECK(at > previous);
    previous = at;
  }
  const auto& summary = std::get<Table>(out.values().at("report"));
  CHECK(summary.column("bytes").int_at(0) == static_cast<std::int64_t>(html.size()));
  CHECK(summary.column("xxh3_128").string_at(0) == hash_bytes(html).hex());
}

namespace {
// Cancelled from the `trip`-th question on: mid-page for a page of many pieces.
class CancelsLater : public RunInfoContext {
 public:
  explicit CancelsLater(int trip) : RunInfoContext(make_run_info()), trip_(trip) {}
  bool cancelled() const override { return ++asked_ >= trip_; }
  int asked() const { return asked_; }

 private:
  int trip_;
  mutable int asked_ = 0;
};
}  // namespace

TEST_CASE("a run cancelled while the page is being written leaves no file and no temporary file") {
  TempDir dir;
  const auto path = dir / "out" / "many.html";
  SyntheticShape shape;
  shape.stores = 60;
  const auto run = [&](Context& ctx) {
    return sluice::testing::run_stage(html_dashboard_descriptor(), make_html_dashboard, {{"path", path.string()}},
                                      {{"forecast", Value(make_forecast(shape))}, {"metrics", Value(make_metrics(60, 30))}},
                                      ctx);
  };
  CancelsLater counting(1'000'000);  // never trips: counts the questions of a whole run
  run(counting);
  REQUIRE(std::filesystem::exists(path));
  std::filesystem::remove(path);
  const int asked = counting.asked();
  REQUIRE(asked > 4);  // the checks before writing, then one per piece of the page
  CancelsLater ctx(asked - 1);  // trips at the last piece: after the first pieces are in the temporary file
  CHECK_THROWS_AS(run(ctx), Cancelled);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(std::filesystem::is_empty(path.parent_path()));  // the temporary file is gone too
}

TEST_CASE("hostile strings from data appear only escaped") {
  TempDir dir;
  const auto path = dir / "d.html";
  render_dashboard(path, {});
  const std::string html = slurp(path);
  CHECK(html.find(kHostileName) == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);  // from a city and the pipeline name
  CHECK(html.find("Paris &amp; &quot;Lyon&quot; &lt;b&gt;") != std::string::npos);
  CHECK(html.find("sales_forecast &lt;b&gt;") != std::string::npos);
  CHECK(html.find("<title>Sales &lt;forecast&gt; &amp; more</title>") != std::string::npos);
  // Exactly one <script> element: ours. None from data.
  CHECK(count_of(html, "<script") == 1);
}

TEST_CASE("the numbers on the page equal the input tables' values") {
  TempDir dir;
  const auto path = dir / "d.html";
  render_dashboard(path, {});
  const std::string html = slurp(path);
  SyntheticShape shape;
  const ForecastSeries total = sum_series(split_forecast(make_forecast(shape), "store_id", "forecast"));
  double forecast_total = 0, last_year = 0;
  for (std::size_t i = 0; i < total.size(); ++i)
    if (total.is_forecast[i]) forecast_total += total.yhat[i], last_year += total.y[i - 364];
  CHECK(number_attribute(html, "id=\"forecast-total\"", "data-value") == doctest::Approx(forecast_total).epsilon(1e-12));
  CHECK(number_attribute(html, "id=\"last-year-total\"", "data-value") == doctest::Approx(last_year).epsilon(1e-12));
  CHECK(attribute_after(html, "id=\"data-through\"", "data-value") ==
        iso_date(shape.first_day + shape.history_days - 1));
  // Metrics: the table cell for (prophet, 7 days) is the mean over the 3 stores.
  const double mape7 = (model_mape(1, 7) + model_mape(2, 7) + model_mape(3, 7)) / 3;
  CHECK(number_attribute(html, "data-model=\"prophet\" data-horizon=\"7\" data-metric=\"mape\"", "data-value") ==
        doctest::Approx(mape7).epsilon(1e-12));
  const double base7 = (baseline_mape(1, 7) + baseline_mape(2, 7) + baseline_mape(3, 7)) / 3;
  CHECK(number_attribute(html, "data-model=\"seasonal_naive\" data-horizon=\"7\" data-metric=\"mape\"",
                         "data-value") == doctest::Approx(base7).epsilon(1e-12));
  // The model wins everywhere except horizon 1, and the verdict says so.
  CHECK(attribute_after(html, "id=\"accuracy-verdict\"", "data-beats") == "true");
  CHECK(attribute_after(html, "id=\"accuracy-verdict\"", "data-wins") == "29");
  CHECK(html.find("prophet beats the seasonal-naive baseline") != std::string::npos);
  // Per-store forecast totals on the cards.
  const auto stores = split_forecast(make_forecast(shape), "store_id", "forecast");
  CHECK(number_attribute(html, "id=\"store-1\"", "data-forecast-total") ==
        doctest::Approx(overview_numbers(stores[1]).forecast_total).epsilon(1e-12));
  double store2_mape = 0;
  for (int h = 1; h <= 30; ++h) store2_mape += model_mape(2, h) / 30;
  CHECK(number_attribute(html, "id=\"store-1\"", "data-mape") == doctest::Approx(store2_mape).epsilon(1e-12));
}

TEST_CASE("metrics without any MAPE make no verdict and no empty MAPE chart") {
  TempDir dir;
  const auto path = dir / "d.html";
  SyntheticShape shape;
  RunInfoContext ctx(make_run_info());
  sluice::testing::run_stage(html_dashboard_descriptor(), make_html_dashboard, {{"path", path.string()}},
                             {{"forecast", Value(make_forecast(shape))}, {"metrics", Value(make_metrics(3, 30, false))}},
                             ctx);
  const std::string html = slurp(path);
  // It said "prophet does not beat the seasonal-naive baseline: mean MAPE n/a vs n/a, lower at 0 of 0 horizons."
  CHECK(html.find("does not beat") == std::string::npos);
  CHECK(html.find("No horizon has a MAPE for both prophet and the seasonal-naive baseline") != std::string::npos);
  CHECK(attribute_after(html, "id=\"accuracy-verdict\"", "data-compared") == "0");
  CHECK(html.find("id=\"chart-mape\"") == std::string::npos);
  CHECK(html.find("No MAPE values to plot") != std::string::npos);
  CHECK(html.find("id=\"chart-coverage\"") != std::string::npos);  // coverage is still defined
}

TEST_CASE("without metrics the store badge is the recent in-sample error") {
  TempDir dir;
  const auto path = dir / "d.html";
  render_dashboard(path, {.with_metrics = false});
  const std::string html = slurp(path);
  SyntheticShape shape;
  const auto stores = split_forecast(make_forecast(shape), "store_id", "forecast");
  CHECK(number_attribute(html, "id=\"store-0\"", "data-mape") == doctest::Approx(recent_mape(stores[0], 28)));
  CHECK(html.find("No backtest metrics") != std::string::npos);
}

TEST_CASE("a bound total input is used instead of the sum") {
  TempDir dir;
  const auto path = dir / "d.html";
  render_dashboard(path, {.with_total = true});
  const std::string html = slurp(path);
  SyntheticShape shape;
  const OverviewNumbers o = overview_numbers(read_forecast(make_forecast(shape, false), "total"));
  CHECK(number_attribute(html, "id=\"forecast-total\"", "data-value") == doctest::Approx(o.forecast_total));
  CHECK(html.find("Total sales (sum of all stores)") == std::string::npos);
}

TEST_CASE("small multiples up to max_small_multiples, then a selector") {
  TempDir dir;
  render_dashboard(dir / "few.html", {.stores = 4, .max_small_multiples = 4});
  const std::string few = slurp(dir / "few.html");
  CHECK(count_of(few, "class=\"card store-card\"") == 4);
  CHECK(few.find("id=\"store-select\"") == std::string::npos);
  CHECK(count_of(few, "\" hidden>") == 0);

  render_dashboard(dir / "many.html", {.stores = 5, .max_small_multiples = 4});
  const std::string many = slurp(dir / "many.html");
  CHECK(many.find("id=\"store-select\"") != std::string::npos);
  CHECK(count_of(many, "<option value=") == 5);
  CHECK(count_of(many, "class=\"card store-card\"") == 5);
  CHECK(count_of(many, "\" hidden>") == 4);  // only the first store is shown until one is picked
  CHECK(many.find("<option value=\"1\">&lt;script&gt;alert(1)&lt;/script&gt; (München)</option>") != std::string::npos);
}

TEST_CASE("run info: shown when present, a clear note for {}") {
  TempDir dir;
  render_dashboard(dir / "a.html", {});
  const std::string a = slurp(dir / "a.html");
  CHECK(a.find("id=\"run-summary\">3 (2 ran, 1 cached), 16.1 s of node time<") != std::string::npos);
  CHECK(a.find(">forecast[store_id=2]</th>") != std::string::npos);
  CHECK(a.find("class=\"status cached\">cached<") != std::string::npos);
  render_dashboard(dir / "b.html", {.run_info = "{}"});
  const std::string b = slurp(dir / "b.html");
  CHECK(b.find("Run information unavailable: rendered outside an engine run.") != std::string::npos);
}

TEST_CASE("inline SVG charts are well-formed XML") {
  TempDir dir;
  render_dashboard(dir / "d.html", {});
  const std::string html = slurp(dir / "d.html");
  std::size_t charts = 0;
  for (auto at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
    const auto end = html.find("</svg>", at);
    REQUIRE(end != std::string::npos);
    const std::string svg = html.substr(at, end + 6 - at);
    INFO(svg.substr(0, 200));
    CHECK(xml_problem(svg) == "");
    CHECK(svg.find("role=\"img\"") != std::string::npos);
    CHECK(svg.find("aria-label=\"") != std::string::npos);
    ++charts;
  }
  // overview + 3 stores + trend/weekly/yearly/holidays + MAPE/coverage
  CHECK(charts == 1 + 3 + 4 + 2);
}

TEST_CASE("verify(): true for the file as written, false once deleted or changed") {
  TempDir dir;
  const auto path = dir / "d.html";
  const Outputs out = render_dashboard(path, {});
  testing::TestContext ctx;
  auto stage = make_html_dashboard(apply_schema(html_dashboard_descriptor(), [&] {
    Params p;
    p.set("path", path.string());
    return p;
  }()));
  const std::string receipt = out.receipt();
  CHECK(receipt.find("\"xxh3_128\"") != std::string::npos);
  CHECK(stage->verify(ctx, receipt));
  // Same size, different content.
  std::string html = slurp(path);
  html[html.size() - 2] = html[html.size() - 2] == 'x' ? 'y' : 'x';
  sluice::test::write_file(path, html);
  CHECK_FALSE(stage->verify(ctx, receipt));
  std::filesystem::remove(path);
  CHECK_FALSE(stage->verify(ctx, receipt));
  CHECK_FALSE(stage->verify(ctx, "not a receipt"));
}

TEST_CASE("parameter and input errors say what to fix") {
  CHECK_THROWS_WITH_AS(apply_schema(html_dashboard_descriptor(), Params{}), doctest::Contains("'path'"), ParamError);
  Params p;
  p.set("path", "");
  CHECK_THROWS_WITH_AS(make_html_dashboard(apply_schema(html_dashboard_descriptor(), p)),
                       "parameter 'path' is empty; set it to the HTML file to write", ParamError);
  Params zero;
  zero.set("path", "x.html");
  zero.set("max_small_multiples", 0);
  CHECK_THROWS_AS(apply_schema(html_dashboard_descriptor(), zero), ParamError);
  TempDir dir;
  testing::TestContext ctx;
  Table bad;
  bad.add_column("store_id", ColumnType::Int64).push_int(1);
  CHECK_THROWS_WITH_AS(testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                                          {{"path", (dir / "x.html").string()}}, {{"forecast", Value(bad)}}, ctx),
                       doctest::Contains("input 'forecast': missing column 'ds'"), MissingColumn);
  CHECK_FALSE(std::filesystem::exists(dir / "x.html"));
}

TEST_CASE("sluice.svg_chart writes the overview chart as a standalone, well-formed SVG") {
  TempDir dir;
  const auto path = dir / "charts/overview.svg";
  SyntheticShape shape;
  testing::TestContext ctx;
  const Outputs out = testing::run_stage(svg_chart_descriptor(), make_svg_chart,
                                         {{"path", path.string()}, {"title", "Weekly <sales>"}},
                                         {{"forecast", Value(make_forecast(shape))}}, ctx);
  const std::string svg = slurp(path);
  CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find(">Weekly &lt;sales&gt;</text>") != std::string::npos);
  CHECK(svg.find(">today</text>") != std::string::npos);
  CHECK(std::get<Table>(out.values().at("report")).column("bytes").int_at(0) == static_cast<std::int64_t>(svg.size()));
  // A real XML parser, when the system has one (libxml2-utils).
  if (std::filesystem::exists("/usr/bin/xmllint")) {
    const auto lint = sluice::test::run_command("/usr/bin/xmllint --noout " + sluice::test::shell_quote(path.string()));
    CHECK_MESSAGE(lint.exit_code == 0, lint.err);
  } else {
    MESSAGE("xmllint not installed; only the built-in well-formedness check ran");
  }
  auto stage = make_svg_chart(apply_schema(svg_chart_descriptor(), [&] {
    Params p;
    p.set("path", path.string());
    return p;
  }()));
  CHECK(stage->verify(ctx, out.receipt()));
  std::filesystem::remove(path);
  CHECK_FALSE(stage->verify(ctx, out.receipt()));
}

namespace {
// A copy of `t` in which column `name` holds value(row) on every row (nullopt: null).
Table with_values(const Table& t, const std::string& name, const std::function<std::optional<double>(std::size_t)>& value) {
  Table out;
  for (const Column& c : t.columns()) {
    Column copy(c.name(), c.type());
    for (std::size_t row = 0; row < t.num_rows(); ++row) {
      if (c.name() != name) copy.push_from(c, row);
      else if (const auto v = value(row)) copy.push_double(*v);
      else copy.push_null();
    }
    out.add_column(std::move(copy));
  }
  return out;
}

std::string render_one_store(const std::filesystem::path& path, const Table& forecast) {
  RunInfoContext ctx(make_run_info());
  sluice::testing::run_stage(html_dashboard_descriptor(), make_html_dashboard, {{"path", path.string()}},
                             {{"forecast", Value(forecast)}}, ctx);
  return slurp(path);
}
}  // namespace

TEST_CASE("a forecast row without yhat reads n/a in tooltips, cards, tables and the total, never 0") {
  TempDir dir;
  SyntheticShape shape;
  shape.stores = 1;
  const Table full = make_forecast(shape);
  const Column& yhat = full.column("yhat");
  const Column& is_forecast = full.column("is_forecast");
  const std::size_t last = full.num_rows() - 1;
  // The last forecast day has no yhat (and no interval).
  const auto without_last = [&](const Column& c) {
    return [&c, last](std::size_t row) -> std::optional<double> {
      if (row == last) return std::nullopt;
      return c.double_at(row);
    };
  };
  Table forecast = with_values(full, "yhat", without_last(yhat));
  forecast = with_values(forecast, "yhat_lower", without_last(full.column("yhat_lower")));
  forecast = with_values(forecast, "yhat_upper", without_last(full.column("yhat_upper")));
  REQUIRE(is_forecast.int_at(last) == 1);
  const std::string html = render_one_store(dir / "d.html", forecast);
  const std::string day = iso_date(full.column("ds").int_at(last));
  // Overview chart and store chart tooltips.
  CHECK(count_of(html, day + "\nForecast: n/a\n80% interval: n/a</title>") == 2);
  CHECK(html.find("Forecast: 0.00") == std::string::npos);
  // The 30-day totals: the KPI, the card and the table say n/a, with no number to read back.
  CHECK(html.find("id=\"forecast-total\" data-value=\"\">n/a<") != std::string::npos);
  CHECK(html.find("days: <strong>n/a</strong>") != std::string::npos);
  CHECK(html.find("<td class=\"num\" data-value=\"\">n/a</td>") != std::string::npos);
}

TEST_CASE("a seasonality that is off gets a note instead of a flat chart") {
  TempDir dir;
  SyntheticShape shape;
  shape.stores = 1;
  const auto zero = [](std::size_t) -> std::optional<double> { return 0.0; };
  const std::string html = render_one_store(dir / "d.html", with_values(make_forecast(shape), "yearly", zero));
  CHECK(html.find("id=\"chart-yearly\"") == std::string::npos);
  CHECK(html.find("Yearly seasonality is off in this forecast") != std::string::npos);
  CHECK(html.find("id=\"chart-weekly\"") != std::string::npos);  // weekly is on
  CHECK(html.find("Weekly seasonality is off") == std::string::npos);

  const auto none = [](std::size_t) -> std::optional<double> { return std::nullopt; };
  const std::string no_weekly = render_one_store(dir / "w.html", with_values(make_forecast(shape), "weekly", none));
  CHECK(no_weekly.find("id=\"chart-weekly\"") == std::string::npos);
  CHECK(no_weekly.find("Weekly seasonality is off in this forecast") != std::string::npos);
  CHECK(no_weekly.find("id=\"chart-yearly\"") != std::string::npos);
}
