// Loads the built plugin the way the engine does (ABI stamp first, then the
// entry point) and checks that both report stages register.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <sluice/plugin.hpp>
#include <vector>

namespace {
class RecordingRegistrar : public sluice::Registrar {
 public:
  void add(sluice::StageDescriptor descriptor, sluice::StageFactory) override { ids.push_back(descriptor.id); }
  std::vector<std::string> ids;
};
}  // namespace

TEST_CASE("the plugin library exports a matching ABI stamp and registers its three stages") {
  const std::filesystem::path lib = std::filesystem::path(SLUICE_PLUGIN_BUILD_DIR) / "libsluice_dashboard.so";
  REQUIRE_MESSAGE(std::filesystem::exists(lib), "build the plugin first: " << lib.string());
  void* handle = ::dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(handle != nullptr, ::dlerror());
  using AbiFn = const sluice_abi_stamp* (*)();
  using EntryFn = void (*)(sluice::Registrar*);
  auto abi = reinterpret_cast<AbiFn>(::dlsym(handle, SLUICE_PLUGIN_ABI_SYMBOL));
  auto entry = reinterpret_cast<EntryFn>(::dlsym(handle, SLUICE_PLUGIN_ENTRY_SYMBOL));
  const bool symbols_found = abi != nullptr && entry != nullptr;
  REQUIRE(symbols_found);
  const sluice_abi_stamp expected = sluice::current_abi_stamp();
  CHECK(abi()->magic == expected.magic);
  CHECK(abi()->sdk_major == expected.sdk_major);
  CHECK(std::strcmp(abi()->stdlib, expected.stdlib) == 0);
  RecordingRegistrar registrar;
  entry(&registrar);
  CHECK(registrar.ids == std::vector<std::string>{"sluice.html_dashboard", "sluice.store_cards", "sluice.svg_chart"});
  ::dlclose(handle);
}
