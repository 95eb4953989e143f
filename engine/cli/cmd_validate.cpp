// sluice validate / graph: check a pipeline, or draw it.
#include <iostream>

#include "app/load.hpp"
#include "cli/pipeline_options.hpp"
#include "common/escape.hpp"

namespace sluice::cli {

namespace {
// Node v's Mermaid id: by position, since two node ids may differ only in characters Mermaid ids
// cannot hold (a-b and a_b).
std::string mermaid_id(std::size_t v) { return "n" + std::to_string(v); }
// Text inside a quoted Mermaid label.
std::string mermaid_text(const std::string& s) { return engine::replace_char(s, '"', "#quot;"); }
// Text inside a quoted DOT string.
std::string dot_text(const std::string& s) { return engine::escape_chars(s, "\"\\", '\\'); }
std::string dot_quote(const std::string& s) { return "\"" + dot_text(s) + "\""; }
// A node's label lines: its id, its stage and its foreach keys.
std::vector<std::string> label_lines(const engine::NodeSpec& n) {
  std::vector<std::string> lines{n.id, n.plugin};
  if (!n.foreach.empty()) {
    std::string keys;
    for (const auto& k : n.foreach) keys += (keys.empty() ? "" : ", ") + k;
    lines.push_back("foreach " + keys);
  }
  return lines;
}
}  // namespace

void add_validate_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<PipelineArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a pipeline file against the plugin schemas without running it");
  add_pipeline_args(*cmd, *args);
  cmd->callback([args, &exit] {
    guarded(exit, [&] {
      auto loaded = engine::load_and_validate(args->file, args->overrides);
      std::cout << args->file << ": ok (" << loaded.spec.nodes.size() << " nodes, pipeline '" << loaded.spec.name
                << "')\n";
    });
  });
}

void add_graph_command(CLI::App& app, ExitCode& exit) {
  auto args = std::make_shared<PipelineArgs>();
  auto format = std::make_shared<std::string>("dot");
  CLI::App* cmd = app.add_subcommand("graph", "Print the pipeline DAG as Graphviz DOT or Mermaid");
  add_pipeline_args(*cmd, *args);
  cmd->add_option("--format", *format, "dot or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  cmd->callback([args, format, &exit] {
    guarded(exit, [&] {
      auto loaded = engine::load_and_validate(args->file, args->overrides);
      const auto& spec = loaded.spec;
      if (*format == "dot") {
        std::cout << "digraph " << dot_quote(spec.name) << " {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
        for (const auto& n : spec.nodes) {
          std::string label;
          for (const auto& line : label_lines(n)) label += (label.empty() ? "" : "\\n") + dot_text(line);  // DOT's line break
          std::cout << "  " << dot_quote(n.id) << " [label=\"" << label << "\"];\n";
        }
        for (std::size_t v = 0; v < spec.nodes.size(); ++v) {
          for (const auto& b : loaded.resolved[v].bindings) {
            std::cout << "  " << dot_quote(spec.nodes[b.upstream].id) << " -> " << dot_quote(spec.nodes[v].id)
                      << " [label=" << dot_quote(b.port) << "];\n";
          }
        }
        std::cout << "}\n";
      } else {
        std::cout << "flowchart LR\n";
        for (std::size_t v = 0; v < spec.nodes.size(); ++v) {
          const auto lines = label_lines(spec.nodes[v]);
          std::string label = mermaid_text(lines[0]);
          for (std::size_t i = 1; i < lines.size(); ++i) label += "<br/><small>" + mermaid_text(lines[i]) + "</small>";
          std::cout << "  " << mermaid_id(v) << "[\"" << label << "\"]\n";
        }
        for (std::size_t v = 0; v < spec.nodes.size(); ++v) {
          for (const auto& b : loaded.resolved[v].bindings)
            std::cout << "  " << mermaid_id(b.upstream) << " -->|" << mermaid_text(b.port) << "| " << mermaid_id(v) << "\n";
        }
      }
    });
  });
}

}  // namespace sluice::cli
