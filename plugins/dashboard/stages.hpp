#pragma once
// The report stages of the dashboard plugin.
#include <sluice/sdk.hpp>

namespace sluice::dashboard {

StageDescriptor html_dashboard_descriptor();
std::unique_ptr<Stage> make_html_dashboard(const Params& params);

StageDescriptor store_cards_descriptor();
std::unique_ptr<Stage> make_store_cards(const Params& params);

StageDescriptor svg_chart_descriptor();
std::unique_ptr<Stage> make_svg_chart(const Params& params);

// Current UTC time as "YYYY-MM-DD HH:MM UTC" (shown on the page).
std::string utc_now_text();

}  // namespace sluice::dashboard
