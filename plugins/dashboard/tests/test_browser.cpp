// Loads a rendered 20-store dashboard in headless Chromium: the DOM after the
// page's script ran, and a screenshot that must not be blank.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>

#include "../../../tests/support/process.hpp"
#include "dashboard_fixture.hpp"
#include "forecast_data.hpp"
#include "csp.hpp"
#include "format.hpp"
#include "page_probe.hpp"
#include "png_check.hpp"

using namespace sluice::dashboard;
using namespace sluice::dashboard::test;
using sluice::test::run_command;
using sluice::test::shell_quote;
using sluice::test::TempDir;

namespace {
constexpr const char* kChromium = "/usr/bin/chromium";
constexpr int kStores = 20;

// Flags from the brief: no sandbox (containers), no GPU, and nothing that talks to the network.
std::string chromium_command(const std::filesystem::path& profile, const std::string& action,
                             const std::filesystem::path& page) {
  return std::string("timeout 60 ") + kChromium +
         " --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
         " --disable-component-update --disable-sync --disable-extensions --hide-scrollbars"
         " --enable-logging=stderr --v=0 --user-data-dir=" +
         shell_quote(profile.string()) + " " + action + " " + shell_quote("file://" + page.string());
}

bool have_chromium() { return std::filesystem::exists(kChromium); }
}  // namespace

TEST_CASE("headless Chromium: 20 stores, selector, escaped names, script ran without errors") {
  if (!have_chromium()) {
    MESSAGE("SKIPPED: " << kChromium << " not found; install Debian's chromium package to run the browser test");
    return;
  }
  TempDir dir;
  const auto page = dir / "dashboard.html";
  render_dashboard(page, {.stores = kStores});
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_command(chromium_command(dir / "profile-dom", "--dump-dom", page));
  MESSAGE("chromium --dump-dom took "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s");
  REQUIRE_MESSAGE(r.exit_code == 0, "chromium failed: " << r.err.substr(0, 2000));
  const std::string& dom = r.out;
  // The page script finished and reported no errors.
  const std::string html_tag = dom.substr(dom.find("<html"), dom.find('>', dom.find("<html")) - dom.find("<html"));
  CHECK(html_tag.find("data-js=\"ready\"") != std::string::npos);
  CHECK(html_tag.find("data-js-error") == std::string::npos);
  CHECK(r.err.find("Uncaught") == std::string::npos);
  // 20 stores > max_small_multiples (12): a selector with every store, one chart per store in the DOM.
  CHECK(dom.find("id=\"store-select\"") != std::string::npos);
  CHECK(count_of(dom, "<option value=") == kStores);
  // Chart ids are made of the store keys (1..20), so a card rendered on its own keeps its id.
  for (int key = 1; key <= kStores; ++key)
    CHECK(dom.find("id=\"chart-store-" + std::to_string(key) + "\"") != std::string::npos);
  // The hostile store name is text, not an element.
  CHECK(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(dom.find(kHostileName) == std::string::npos);
  CHECK(count_of(dom, "<script") == 1);
  // The script moved tooltip text from <title> to data-tip on every hover column.
  CHECK(dom.find("class=\"hv\"") != std::string::npos);
  CHECK(dom.find("data-tip=\"") != std::string::npos);
}

TEST_CASE("headless Chromium: the screenshot shows a rendered page") {
  if (!have_chromium()) {
    MESSAGE("SKIPPED: " << kChromium << " not found; install Debian's chromium package to run the browser test");
    return;
  }
  TempDir dir;
  const auto page = dir / "dashboard.html";
  const auto png = dir / "shot.png";
  render_dashboard(page, {.stores = kStores});
  const auto r = run_command(chromium_command(dir / "profile-shot",
                                              "--screenshot=" + shell_quote(png.string()) + " --window-size=1280,2000",
                                              page));
  REQUIRE_MESSAGE(r.exit_code == 0, "chromium failed: " << r.err.substr(0, 2000));
  REQUIRE(std::filesystem::exists(png));
  const PngImage img = read_png(png);
  CHECK(img.width == 1280);
  CHECK(img.height == 2000);
  const PixelStats st = pixel_stats(img);
  MESSAGE("screenshot: " << st.distinct_colors << " colours, dominant " << st.dominant_share * 100
                         << "%, luminance stddev " << st.luminance_stddev);
  CHECK(st.distinct_colors > 200);     // text anti-aliasing, chart colours, bands
  CHECK(st.dominant_share < 0.9);      // not a blank page
  CHECK(st.luminance_stddev > 10);
}

TEST_CASE("headless Chromium: hovering shows the exact values, the selector switches stores") {
  if (!have_chromium()) {
    MESSAGE("SKIPPED: " << kChromium << " not found; install Debian's chromium package to run the browser test");
    return;
  }
  TempDir dir;
  const auto page = dir / "dashboard.html";
  render_dashboard(page, {.stores = kStores});
  // A test-only copy with a script that plays the user: hover the last overview
  // column, pick store 5, and record what the page showed as attributes.
  std::string html = sluice::test::slurp(page);
  const std::string probe = R"(<script>(function () {
    var d = document.documentElement;
    var cols = document.querySelectorAll('#chart-overview .hv');
    var col = cols[cols.length - 1];
    var r = col.getBoundingClientRect();
    // A column is what the pointer hits (its transparent fill, from its group, is painted).
    var first = cols[0].getBoundingClientRect();
    var hit = document.elementFromPoint(first.left + first.width / 2, first.top + first.height / 2);
    d.setAttribute('data-probe-hit', hit === cols[0] ? 'column' : String(hit && hit.tagName));
    col.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: r.left + 1, clientY: r.top + 5}));
    var tip = document.querySelector('.tip');
    d.setAttribute('data-probe-tip', tip.style.display + '|' + tip.textContent);
    d.setAttribute('data-probe-guide', document.querySelector('#chart-overview .guide').getAttribute('visibility'));
    var sel = document.getElementById('store-select');
    sel.value = '5';
    sel.dispatchEvent(new Event('change'));
    var shown = [];
    document.querySelectorAll('#store-grid .store-card').forEach(function (c) { if (!c.hidden) shown.push(c.id); });
    d.setAttribute('data-probe-shown', shown.join(','));
  })();</script>)";
  // The page's CSP allows scripts by hash only: allow the probe by its hash, and add a
  // rogue script that is not allowed, to see the policy block it.
  const std::string probe_body = probe.substr(8, probe.size() - 8 - 9);
  const auto digest = sha256(probe_body);
  const auto at = html.find("script-src ");
  REQUIRE(at != std::string::npos);
  html.insert(at + 11, "&#39;sha256-" + base64(digest.data(), digest.size()) + "&#39; ");
  html.insert(html.rfind("</body>"), probe + "<script>document.documentElement.setAttribute('data-rogue','ran')</script>");
  const auto probed = dir / "probe.html";
  sluice::test::write_file(probed, html);
  // Tall enough that the overview's hover columns are in the viewport, where hit testing works.
  const auto r = run_command(chromium_command(dir / "profile-probe", "--window-size=1280,2000 --dump-dom", probed));
  REQUIRE_MESSAGE(r.exit_code == 0, "chromium failed: " << r.err.substr(0, 2000));
  const std::string tag = r.out.substr(r.out.find("<html"), r.out.find('>', r.out.find("<html")) - r.out.find("<html"));
  INFO(tag);
  // The last forecast day of the total: its exact formatted value is in the tooltip.
  SyntheticShape shape;
  shape.stores = kStores;
  const ForecastSeries total = sum_series(split_forecast(make_forecast(shape), "store_id", "forecast"));
  const std::string expected_date = iso_date(total.ds.back());
  CHECK(tag.find("data-probe-tip=\"block|") != std::string::npos);
  CHECK(tag.find(expected_date + "Forecast: " + format_amount(total.yhat.back())) != std::string::npos);
  CHECK(tag.find("data-probe-guide=\"visible\"") != std::string::npos);
  CHECK(tag.find("data-probe-hit=\"column\"") != std::string::npos);
  CHECK(tag.find("data-probe-shown=\"store-5\"") != std::string::npos);
  CHECK(tag.find("data-rogue") == std::string::npos);  // an inline script without the hash never runs
}

// Not a check: writes sample pages for the docs' screenshot when asked, e.g.
//   SLUICE_DASHBOARD_SAMPLE_DIR=/tmp/sample dashboard_browser_tests -tc="*sample*"
TEST_CASE("sample dashboards for the documentation") {
  const char* dir = std::getenv("SLUICE_DASHBOARD_SAMPLE_DIR");
  if (dir == nullptr) return;
  const std::filesystem::path out(dir);
  const RenderOptions clean{.run_info = make_run_info("sales_forecast"), .title = "Sales forecast", .hostile_names = false};
  RenderOptions six = clean, twenty = clean;
  six.stores = 6;
  twenty.stores = kStores;
  render_dashboard(out / "dashboard-6-stores.html", six);
  render_dashboard(out / "dashboard-20-stores.html", twenty);
  MESSAGE("wrote sample dashboards to " << out.string());
}
