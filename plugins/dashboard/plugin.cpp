#include "stages.hpp"

namespace {
void register_dashboard(sluice::Registrar& r) {
  using namespace sluice::dashboard;
  r.add(html_dashboard_descriptor(), make_html_dashboard);
  r.add(store_cards_descriptor(), make_store_cards);
  r.add(svg_chart_descriptor(), make_svg_chart);
}
}  // namespace

SLUICE_PLUGIN(register_dashboard)
