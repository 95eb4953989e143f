#pragma once
// The page's sections, each a function of PageData returning HTML. Every data
// string goes through Markup::text or an escaped attribute.
#include <string>

#include "html.hpp"
#include "page_data.hpp"

namespace sluice::dashboard {

std::string overview_section(const PageData& data);
// Appended to the page itself, which it spills card by card: with a thousand stores it is most of the
// page (tens of megabytes).
void append_stores_section(const PageData& data, Markup& page);
std::string components_section(const PageData& data);
std::string accuracy_section(const PageData& data);
std::string run_info_section(const PageData& data);

// The overview chart alone (also written by sluice.svg_chart): the last year of
// actuals, the forecast, its 80% band and a "today" marker.
std::string overview_chart_svg(const ForecastSeries& total, const std::string& id, int width, int height,
                               const std::string& aria_prefix, const std::string& heading = "");

// A KPI card: label, a big value carrying id + data-value, and a note.
std::string kpi_card(const std::string& label, const std::string& value_text, const std::string& id,
                     const std::string& data_value, const std::string& note, const std::string& note_class = "");

}  // namespace sluice::dashboard
