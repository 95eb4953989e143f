#include "common/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace sluice::engine::log {

namespace {
Level initial_level() {
  const char* env = std::getenv("SLUICE_LOG");
  if (env == nullptr) return Level::Info;
  const std::string v = env;
  if (v == "debug") return Level::Debug;
  if (v == "warn") return Level::Warn;
  if (v == "error") return Level::Error;
  if (v == "off") return Level::Off;
  if (v != "info")
    std::fprintf(stderr, "sluice: warning: SLUICE_LOG=%s is not one of debug, info, warn, error, off; using info\n", env);
  return Level::Info;
}
std::atomic<Level> g_level{initial_level()};
std::mutex g_mutex;
void (*g_before)() = nullptr;
void (*g_after)() = nullptr;

const char* prefix(Level l) {
  switch (l) {
    case Level::Debug: return "debug: ";
    case Level::Info: return "";
    case Level::Warn: return "warning: ";
    case Level::Error: return "error: ";
    case Level::Off: return "";
  }
  return "";
}
}  // namespace

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

void set_redraw_hooks(void (*before)(), void (*after)()) {
  std::lock_guard lock(g_mutex);
  g_before = before;
  g_after = after;
}

void redraw() {
  std::lock_guard lock(g_mutex);
  if (g_before) g_before();
  if (g_after) g_after();
}

void write(Level l, std::string_view message) {
  if (l < g_level.load()) return;
  std::string line = std::string("sluice: ") + prefix(l) + std::string(message) + "\n";
  std::lock_guard lock(g_mutex);
  if (g_before) g_before();
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  if (g_after) g_after();
}

}  // namespace sluice::engine::log
