#pragma once
// Test helpers: run a command (the real `sluice` binary) and capture its output,
// and make throw-away directories. Header-only so any test executable can use it.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace sluice::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("sluice-test-" + std::to_string(rd()) + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs `command` through /bin/sh with stdout and stderr captured separately.
inline CommandResult run_command(const std::string& command) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("sluice-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const std::string out_file = base.string() + ".out", err_file = base.string() + ".err";
  const std::string full = command + " >" + shell_quote(out_file) + " 2>" + shell_quote(err_file);
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

#ifdef SLUICE_BIN
// Runs the real sluice binary with the given (already quoted where needed) arguments.
inline CommandResult sluice(const std::string& args) { return run_command(shell_quote(SLUICE_BIN) + " " + args); }
#endif

}  // namespace sluice::test
