// Run info: which pipeline produced the page, when, and what each node did.
#include <algorithm>

#include "format.hpp"
#include "html.hpp"
#include "sections.hpp"

namespace sluice::dashboard {

std::string run_info_section(const PageData& d) {
  const RunInfo& r = d.run;
  Markup m;
  m.open("section", {{"id", "run"}, {"aria-labelledby", "run-h"}});
  m.element("h2", {{"id", "run-h"}}, "Run info");
  if (!r.available) {
    m.element("p", {{"class", "empty"}, {"id", "run-unavailable"}},
              "Run information unavailable: " + r.problem + ". Rendered " + d.rendered_at + ".");
    m.close("section");
    return m.take();
  }
  m.open("dl", {{"class", "facts"}});
  m.element("dt", {}, "Pipeline");
  m.element("dd", {{"id", "run-pipeline"}}, r.pipeline.empty() ? "(unnamed)" : r.pipeline);
  m.element("dt", {}, "Run started");
  m.element("dd", {}, r.started_at.empty() ? "n/a" : r.started_at);
  m.element("dt", {}, "Run id");
  m.element("dd", {{"class", "mono"}}, r.run_id.empty() ? "n/a" : r.run_id);
  m.element("dt", {}, "Nodes before this report");
  m.element("dd", {{"id", "run-summary"}},
            std::to_string(r.nodes.size()) + " (" + std::to_string(r.count_status("ran")) + " ran, " +
                std::to_string(r.count_status("cached")) + " cached), " + format_duration_ms(r.total_wall_ms()) +
                " of node time");
  m.element("dt", {}, "Rendered");
  m.element("dd", {}, d.rendered_at);
  m.close("dl");
  if (r.nodes.empty()) {
    m.close("section");
    return m.take();
  }
  double longest = 1;
  for (const auto& n : r.nodes) longest = std::max(longest, n.wall_ms);
  m.open("div", {{"class", "card table-card"}});
  m.open("div", {{"class", "scroll"}});
  m.open("table", {{"class", "data"}, {"id", "run-table"}});
  m.raw("<thead><tr><th scope=\"col\">Node</th><th scope=\"col\">Stage</th><th scope=\"col\">Status</th>"
        "<th scope=\"col\">Reason</th><th scope=\"col\" class=\"num\">Duration</th><th scope=\"col\"></th></tr></thead><tbody>");
  for (const auto& n : r.nodes) {
    m.raw("<tr>");
    m.element("th", {{"scope", "row"}, {"class", "mono"}}, n.id);
    m.element("td", {{"class", "mono"}}, n.plugin);
    // The status only picks from known classes; anything else gets the neutral badge.
    const std::string cls = n.status == "ran" || n.status == "cached" || n.status == "failed" ? n.status : "other";
    m.open("td");
    m.element("span", {{"class", "status " + cls}}, n.status);
    m.close("td");
    m.element("td", {}, n.reason);
    m.element("td", {{"class", "num"}, {"data-value", exact_number(n.wall_ms)}},
              n.wall_ms >= 0 ? format_duration_ms(n.wall_ms) : "n/a");
    const double share = n.wall_ms > 0 ? std::max(0.5, 100.0 * n.wall_ms / longest) : 0.0;
    m.raw("<td class=\"bar-cell\"><span class=\"bar\" style=\"width:").raw(format_number(share, 1)).raw("%\"></span></td>");
    m.raw("</tr>");
  }
  m.raw("</tbody></table>");
  m.close("div");
  m.close("div");
  m.close("section");
  return m.take();
}

}  // namespace sluice::dashboard
