#pragma once
// Test helpers: run a command (the real `sluice` binary) and capture its output,
// and make throw-away directories. Header-only so any test executable can use it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// How much slower than a plain build this one runs (sanitizer jobs set SLUICE_TEST_TIME_SCALE);
// deadlines in tests are multiplied by it.
inline double time_scale() {
  const char* env = std::getenv("SLUICE_TEST_TIME_SCALE");
  return env != nullptr && *env != '\0' ? std::stod(env) : 1.0;
}

// Sets an environment variable for the current scope (tests run one at a time).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
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

// The sluice binary in the background, run in `dir` with stdout/stderr to dir/bg.out and dir/bg.err,
// for tests that send it signals or race it against another process. Killed if still running at the end.
class Background {
 public:
  Background(const std::filesystem::path& dir, const std::vector<std::string>& args,
             const std::vector<std::string>& env = {})
      : out(dir / "bg.out"), err(dir / "bg.err") {
    pid = ::fork();
    if (pid == 0) {
      if (::chdir(dir.c_str()) != 0) ::_exit(127);
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
      std::vector<char*> argv{const_cast<char*>(SLUICE_BIN)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(SLUICE_BIN, argv.data());
      ::_exit(127);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  // Waits for the process; returns its exit code (128 + signal when killed).
  int wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid = -1;
  std::filesystem::path out, err;
};

// How a signalled process ended: its exit code (128 + signal when killed) and the seconds it took.
struct Ended {
  int exit_code = -1;
  double seconds = 0;
};
// Sends `signal` to the process and waits for it to end (exit code -1 when the signal cannot be sent).
inline Ended signal_and_wait(Background& run, int signal) {
  const auto sent = std::chrono::steady_clock::now();
  if (::kill(run.pid, signal) != 0) return {};
  const int code = run.wait();
  return {code, std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count()};
}
#endif

}  // namespace sluice::test
