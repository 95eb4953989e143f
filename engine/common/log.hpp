#pragma once
// A small thread-safe logger to stderr. Level from SLUICE_LOG (debug|info|warn|error).
// Lines are written whole so concurrent nodes never interleave characters.
#include <string_view>

namespace sluice::engine::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void set_level(Level level);
Level level();
void write(Level level, std::string_view message);
// Installs a hook called (under the log lock) before/after each line, so a live
// progress display can clear and redraw itself around log output.
void set_redraw_hooks(void (*before)(), void (*after)());

// Runs the before/after hooks under the log lock (a live display's periodic redraw).
void redraw();

inline void debug(std::string_view m) { write(Level::Debug, m); }
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }

}  // namespace sluice::engine::log
