#include "registry/registry.hpp"

#include <cxxabi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>

#include <sluice/plugin.hpp>

#include "common/errors.hpp"
#include "common/identifiers.hpp"
#include "registry/descriptor_check.hpp"

namespace sluice::engine {

namespace {

std::string stamp_field(const char* text, std::size_t cap) { return std::string(text, strnlen(text, cap)); }

// Collects what a plugin registers; registration_problems checks it once the plugin is done.
class CollectingRegistrar : public Registrar {
 public:
  void add(StageDescriptor descriptor, StageFactory factory) override {
    entries.emplace_back(std::move(descriptor), std::move(factory));
  }
  std::vector<std::pair<StageDescriptor, StageFactory>> entries;
};

using Registered = std::vector<std::pair<StageDescriptor, StageFactory>>;

// How many of the first `count` entries register `id`.
std::size_t times_registered(const Registered& entries, std::size_t count, const std::string& id) {
  return static_cast<std::size_t>(std::count_if(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(count),
                                                [&](const auto& entry) { return entry.first.id == id; }));
}

// What makes a registered stage unusable whatever its descriptor says: an id pipelines cannot name,
// no version for the cache keys, no way to create it.
std::vector<std::string> entry_problems(const StageDescriptor& descriptor, const StageFactory& factory) {
  std::vector<std::string> problems;
  if (!is_stage_id(descriptor.id)) {
    problems.emplace_back("the id is not reverse-DNS; use lowercase words separated by dots, e.g. \"acme.resize\"");
  }
  if (descriptor.version.empty()) {
    problems.emplace_back("it has no version, which every cache key of the stage includes; give it a semantic "
                          "version, e.g. \"1.0.0\"");
  }
  if (!factory) {
    problems.emplace_back("it has no factory; register it with a function that creates the stage, or with "
                          "Registrar::add<StageT>(descriptor)");
  }
  return problems;
}

// Every reason to refuse what the plugin `name` registered, one line each. They are all found
// before any stage is kept, so a refused plugin leaves nothing of itself in the registry.
std::vector<std::string> registration_problems(const std::string& name, const Registered& entries,
                                               const Registry& registry) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& id = entries[i].first.id;
    const std::string stage = "plugin " + name + ": stage '" + id + "': ";
    for (const auto& problem : entry_problems(entries[i].first, entries[i].second)) problems.push_back(stage + problem);
    for (const auto& problem : descriptor_contradictions(entries[i].first)) problems.push_back(stage + problem);
    const std::size_t before = times_registered(entries, i, id);
    if (before == 1) {
      problems.push_back(stage + "the plugin registers this id twice; give each stage its own id, or remove the "
                                 "second registration");
    }
    const LoadedStage* existing = before == 0 ? registry.find(id) : nullptr;  // another plugin's
    if (existing != nullptr) {
      problems.push_back("plugin " + name + ": stage id '" + id + "' is already provided by " +
                         existing->plugin_path.string() +
                         "; stage ids must be unique, remove one of the plugins from the plugin path");
    }
  }
  return problems;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& line : lines) all += (all.empty() ? "" : "\n") + line;
  return all;
}

void check_directory_permissions(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return;
  if ((st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0) {
    throw UsageError("plugin directory " + dir.string() +
                     " is world-writable, so anyone could plant code that Sluice would run; refusing to load from it. "
                     "Fix: chmod o-w " + dir.string());
  }
}

// A plugin file anyone may rewrite is as unsafe as a directory anyone may write to.
void check_file_permissions(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return;
  if ((st.st_mode & S_IWOTH) != 0) {
    throw UsageError("plugin " + file.string() +
                     " is world-writable, so anyone could change the code Sluice would run; refusing to load it. "
                     "Fix: chmod o-w " + file.string());
  }
}

// Why dlopen() refused a file, in the user's terms. A missing symbol of the Sluice SDK means the plugin
// was built against another SDK: another version, or another C++ library ABI (_GLIBCXX_USE_CXX11_ABI).
std::string load_failure(const std::string& name, const std::string& reason) {
  const std::string marker = "undefined symbol: ";
  const auto at = reason.find(marker);
  if (at != std::string::npos) {
    std::string symbol = reason.substr(at + marker.size());
    symbol = symbol.substr(0, symbol.find_first_of(" \t\n,("));
    if (symbol.find("6sluice") != std::string::npos) {
      int status = 0;
      const std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status),
                                                            &std::free);
      return "plugin " + name + ": it needs " + (status == 0 && readable ? std::string(readable.get()) : symbol) +
             " from the Sluice SDK, which this Sluice does not have: it was built against another SDK (another "
             "version, or another C++ standard library ABI); rebuild it against this Sluice's SDK (`sluice version` "
             "prints its ABI stamp), or upgrade Sluice if the plugin needs a newer SDK";
    }
  }
  return "plugin " + name + ": cannot load it as a shared library (" + reason +
         "); rebuild the plugin or remove the file from the plugin directory";
}

}  // namespace

std::string describe_stamp(const sluice_abi_stamp& s) {
  std::ostringstream out;
  out << "SDK " << s.sdk_major << "." << s.sdk_minor << " r" << (s.magic & 0xFFu) << ", C++" << s.cxx_standard % 100 << ", "
      << stamp_field(s.compiler, sizeof s.compiler) << ", " << stamp_field(s.stdlib, sizeof s.stdlib);
  return out.str();
}

std::string abi_mismatch(const sluice_abi_stamp& plugin) {
  const sluice_abi_stamp engine = current_abi_stamp();
  if ((plugin.magic & 0xFFFFFF00u) != SLUICE_ABI_MAGIC_BASE) return "the ABI stamp is not a Sluice stamp (bad magic)";
  if (plugin.magic != engine.magic) {
    return "SDK layout revision differs (plugin r" + std::to_string(plugin.magic & 0xFFu) + ", engine r" +
           std::to_string(engine.magic & 0xFFu) + ")";
  }
  if (plugin.sdk_major != engine.sdk_major) return "SDK major version differs";
  if (plugin.sdk_minor > engine.sdk_minor) return "the plugin needs a newer SDK minor version";
  if (stamp_field(plugin.stdlib, sizeof plugin.stdlib) != stamp_field(engine.stdlib, sizeof engine.stdlib)) {
    return "C++ standard library differs";
  }
  return {};
}

Registry::~Registry() {
  // Factories hold code from the libraries: drop them before the libraries go.
  for (auto& s : stages_) s->factory = nullptr;
}

std::vector<std::filesystem::path> Registry::default_dirs() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("SLUICE_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':'))
      if (!item.empty()) dirs.emplace_back(item);
  }
  const std::filesystem::path exe_dir = boost::dll::program_location().parent_path().string();
  dirs.push_back((exe_dir / ".." / "plugins").lexically_normal());
  dirs.push_back((exe_dir / ".." / SLUICE_RELATIVE_PLUGIN_DIR).lexically_normal());
  return dirs;
}

void Registry::load_dirs(const std::vector<std::filesystem::path>& dirs) {
  std::vector<std::string> problems;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    try {
      check_directory_permissions(dir);
    } catch (const UsageError& e) {
      problems.emplace_back(e.what());
      continue;
    }
    for (const auto& f : files) {
      try {
        load_file(f);
      } catch (const UsageError& e) {
        problems.emplace_back(e.what());
      }
    }
  }
  if (!problems.empty()) throw UsageError(join_lines(problems));
}

void Registry::load_file(const std::filesystem::path& file_in) {
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::weakly_canonical(file_in, ec);
  if (std::find(files_.begin(), files_.end(), file) != files_.end()) return;  // same file via two dirs
  const std::string name = file.string();
  check_file_permissions(file);

  auto library = std::make_shared<boost::dll::shared_library>();
  try {
    library->load(boost::dll::fs::path(name), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    // Boost wraps dlerror()'s text; keep only the loader's own words.
    std::string reason = e.what();
    const std::string marker = "dlerror system message: ";
    if (auto at = reason.find(marker); at != std::string::npos) {
      reason = reason.substr(at + marker.size());
      if (auto end = reason.rfind("): "); end != std::string::npos) reason = reason.substr(0, end);
    }
    throw UsageError(load_failure(name, reason));
  }
  if (!library->has(SLUICE_PLUGIN_ABI_SYMBOL) || !library->has(SLUICE_PLUGIN_ENTRY_SYMBOL)) {
    throw UsageError("plugin " + name + ": not a Sluice plugin: it does not export '" +
                     std::string(library->has(SLUICE_PLUGIN_ABI_SYMBOL) ? SLUICE_PLUGIN_ENTRY_SYMBOL : SLUICE_PLUGIN_ABI_SYMBOL) +
                     "'; declare the plugin with SLUICE_PLUGIN(register_fn) from <sluice/plugin.hpp>");
  }
  // The stamp is plain C data, so reading it is safe even from a mismatched build.
  auto& stamp_fn = library->get<const sluice_abi_stamp*()>(SLUICE_PLUGIN_ABI_SYMBOL);
  const sluice_abi_stamp* stamp = stamp_fn();
  if (stamp == nullptr) throw UsageError("plugin " + name + ": its ABI stamp function returned null");
  if ((stamp->magic & 0xFFFFFF00u) != SLUICE_ABI_MAGIC_BASE) {
    throw UsageError("plugin " + name + ": its ABI stamp is not a Sluice stamp (bad magic); rebuild the plugin against this Sluice SDK");
  }
  if (auto problem = abi_mismatch(*stamp); !problem.empty()) {
    throw UsageError("plugin " + name + ": ABI mismatch (" + problem + "): plugin built with [" + describe_stamp(*stamp) +
                     "], engine expects [" + describe_stamp(current_abi_stamp()) +
                     "]; rebuild the plugin against this Sluice SDK");
  }

  CollectingRegistrar registrar;
  try {
    library->get<void(Registrar*)>(SLUICE_PLUGIN_ENTRY_SYMBOL)(&registrar);
  } catch (const std::exception& e) {
    throw UsageError("plugin " + name + ": failed while registering its stages: " + e.what());
  } catch (...) {
    throw UsageError("plugin " + name + ": failed while registering its stages (unknown exception)");
  }
  if (const auto problems = registration_problems(name, registrar.entries, *this); !problems.empty()) {
    throw UsageError(join_lines(problems));
  }
  for (auto& [descriptor, factory] : registrar.entries) {
    auto stage = std::make_unique<LoadedStage>();
    stage->descriptor = std::move(descriptor);
    stage->factory = std::move(factory);
    stage->plugin_path = file;
    stage->library = library;
    stages_.push_back(std::move(stage));
  }
  files_.push_back(file);
}

const LoadedStage* Registry::find(std::string_view id) const {
  for (const auto& s : stages_)
    if (s->descriptor.id == id) return s.get();
  return nullptr;
}

std::vector<std::string> Registry::ids() const {
  std::vector<std::string> ids;
  for (const auto& s : stages_) ids.push_back(s->descriptor.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace sluice::engine
