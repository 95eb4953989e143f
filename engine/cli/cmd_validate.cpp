// sluice validate / graph: check a pipeline, or draw it.
#include <iostream>

#include "app/load.hpp"
#include "cli/pipeline_options.hpp"

namespace sluice::cli {

namespace {
std::string mermaid_id(const std::string& id) {
  std::string out;
  for (char c : id) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}
std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
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
          std::cout << "  " << dot_quote(n.id) << " [label=" << dot_quote(n.id + "\\n" + n.plugin +
                                                                         (n.foreach.empty() ? "" : "\\nforeach " + n.foreach.front()))
                    << "];\n";
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
        for (const auto& n : spec.nodes) {
          std::cout << "  " << mermaid_id(n.id) << "[\"" << n.id << "<br/><small>" << n.plugin << "</small>\"]\n";
        }
        for (std::size_t v = 0; v < spec.nodes.size(); ++v) {
          for (const auto& b : loaded.resolved[v].bindings) {
            std::cout << "  " << mermaid_id(spec.nodes[b.upstream].id) << " -->|" << b.port << "| "
                      << mermaid_id(spec.nodes[v].id) << "\n";
          }
        }
      }
    });
  });
}

}  // namespace sluice::cli
