// sluice plugins: list the stages found in the plugin directories, or one schema.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/load.hpp"
#include "cli/pipeline_options.hpp"
#include "common/suggest.hpp"
#include "registry/registry.hpp"
#include "cli/schema_text.hpp"

namespace sluice::cli {

void add_plugins_command(CLI::App& app, ExitCode& exit) {
  struct Args {
    std::string schema;
    std::vector<std::string> dirs;
    bool json = false, markdown = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("plugins", "List the available stages, or show one stage's parameter schema");
  cmd->add_option("--schema", args->schema, "Show the ports and parameters of this stage id");
  cmd->add_option("--plugin-dir", args->dirs, "Extra plugin directory to search first (repeatable)");
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->add_flag("--markdown", args->markdown, "Reference of every stage in Markdown (docs/stages.md)");
  cmd->callback([args, &exit] {
    guarded(exit, [&] {
      engine::Registry registry;
      std::vector<std::filesystem::path> dirs(args->dirs.begin(), args->dirs.end());
      for (auto& d : engine::Registry::default_dirs()) dirs.push_back(d);
      registry.load_dirs(dirs);
      if (!args->schema.empty()) {
        const engine::LoadedStage* s = registry.find(args->schema);
        if (s == nullptr) {
          throw engine::UsageError("unknown stage '" + args->schema + "'" +
                                   engine::did_you_mean(args->schema, registry.ids()) + "; `sluice plugins` lists them");
        }
        std::cout << (args->json ? schema_json(*s).dump(2) + "\n" : schema_text(*s));
        return;
      }
      if (args->markdown) {
        std::cout << stages_markdown(registry);
        return;
      }
      if (args->json) {
        nlohmann::ordered_json all = nlohmann::ordered_json::array();
        for (const auto& id : registry.ids()) all.push_back(schema_json(*registry.find(id)));
        std::cout << all.dump(2) << "\n";
        return;
      }
      std::vector<std::vector<std::string>> rows{{"STAGE", "KIND", "VERSION", "SUMMARY"}};
      for (const auto& id : registry.ids()) {
        const auto& d = registry.find(id)->descriptor;
        rows.push_back({d.id, std::string(to_string(d.kind)), d.version, d.summary});
      }
      std::cout << align_columns(rows);
    });
  });
}

void add_version_command(CLI::App& app, ExitCode&) {
  CLI::App* cmd = app.add_subcommand("version", "Print the Sluice version and the plugin ABI stamp");
  cmd->callback([] {
    std::cout << "sluice " << SLUICE_VERSION << "\n"
              << "plugin ABI: " << engine::describe_stamp(current_abi_stamp()) << "\n";
  });
}

}  // namespace sluice::cli
