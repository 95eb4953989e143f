#pragma once
// Finds stage plugins in configured directories and loads them with Boost.DLL.
// The ABI stamp is checked before any function that passes C++ objects is
// called; every load failure gets its own message.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sluice/abi.hpp>
#include <sluice/stage.hpp>

namespace boost::dll {
class shared_library;
}

namespace sluice::engine {

struct LoadedStage {
  StageDescriptor descriptor;
  StageFactory factory;
  std::filesystem::path plugin_path;
  std::shared_ptr<boost::dll::shared_library> library;  // keeps the code alive
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // Directories searched when a pipeline names none: $SLUICE_PLUGIN_PATH, then
  // the plugins/ dir beside the running binary (build tree) and lib/sluice/plugins (install).
  static std::vector<std::filesystem::path> default_dirs();

  // Loads every *.so in each directory (not recursive). Throws UsageError listing
  // every failure; a directory that is missing is skipped unless `required`.
  void load_dirs(const std::vector<std::filesystem::path>& dirs);
  // Loads one plugin file; throws UsageError on failure.
  void load_file(const std::filesystem::path& file);

  const LoadedStage* find(std::string_view id) const;
  std::vector<std::string> ids() const;
  const std::vector<std::unique_ptr<LoadedStage>>& stages() const { return stages_; }
  const std::vector<std::filesystem::path>& plugin_files() const { return files_; }

 private:
  std::vector<std::unique_ptr<LoadedStage>> stages_;
  std::vector<std::filesystem::path> files_;
};

// Checks a plugin's stamp against the engine's; returns "" or the mismatch.
std::string abi_mismatch(const ::sluice_abi_stamp& plugin);
std::string describe_stamp(const ::sluice_abi_stamp& stamp);

}  // namespace sluice::engine
