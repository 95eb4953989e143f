#include "exec/isolated_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include <sluice/errors.hpp>

#include "exec/isolation_protocol.hpp"

namespace sluice::engine {

namespace {

// ---- files and pipes -------------------------------------------------------

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset();
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("isolation: cannot create a pipe: ") + std::strerror(errno));
    read = Fd(fds[0]);
    write = Fd(fds[1]);
  }
};

// Removes the private directory however the invocation ends.
struct DirGuard {
  std::filesystem::path dir;
  ~DirGuard() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// Owns a posix_spawn file-actions object and an attributes object.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    ::posix_spawnattr_destroy(&attr);
    ::posix_spawn_file_actions_destroy(&actions);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

Fd dup_above(const Fd& fd, int lowest) {
  Fd copy(::fcntl(fd.get(), F_DUPFD_CLOEXEC, lowest));
  if (copy.get() < 0) throw Error(std::string("isolation: cannot duplicate a pipe: ") + std::strerror(errno));
  return copy;
}

// Starts `program __isolated-stage dir` with the events pipe on fd 3 and the cancel pipe on fd 4,
// every other descriptor but stdio closed, default signal dispositions and an empty signal mask.
pid_t spawn_child(const std::filesystem::path& program, const std::filesystem::path& dir, const Fd& events_write,
                  const Fd& cancel_read) {
  // Sources above the targets, so one dup2 cannot overwrite the other's source.
  const int lowest = isolation::kCancelFd + 1;
  const Fd events = dup_above(events_write, lowest), cancel = dup_above(cancel_read, lowest);
  SpawnSetup setup;
  sigset_t all, none;
  ::sigfillset(&all);
  ::sigemptyset(&none);
  int rc = ::posix_spawn_file_actions_adddup2(&setup.actions, events.get(), isolation::kEventsFd);
  if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&setup.actions, cancel.get(), isolation::kCancelFd);
  // Another invocation's pipe held open here would delay that invocation's EOF.
  if (rc == 0) rc = ::posix_spawn_file_actions_addclosefrom_np(&setup.actions, isolation::kCancelFd + 1);
  if (rc == 0) rc = ::posix_spawnattr_setsigdefault(&setup.attr, &all);
  if (rc == 0) rc = ::posix_spawnattr_setsigmask(&setup.attr, &none);
  if (rc == 0) rc = ::posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (rc != 0) throw Error(std::string("isolation: cannot prepare the stage process: ") + std::strerror(rc));
  const std::string program_name = program.string(), dir_name = dir.string();
  std::string command(isolation::kChildCommand);
  char* argv[] = {const_cast<char*>(program_name.c_str()), command.data(), const_cast<char*>(dir_name.c_str()),
                  nullptr};
  pid_t pid = -1;
  rc = ::posix_spawn(&pid, program_name.c_str(), &setup.actions, &setup.attr, argv, environ);
  if (rc != 0) {
    throw Error("isolation: cannot start the stage process " + program_name + ": " + std::strerror(rc));
  }
  return pid;
}

// The stage process until it is reaped. If the relay stops early (an event it cannot take, a
// Context that throws), the process is killed and reaped here, so it neither keeps running nor
// stays a zombie, and it is gone before its private directory is removed.
class ChildProcess {
 public:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ < 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_t pid() const { return pid_; }
  // Waits for the process to end; returns its wait status.
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) throw Error(std::string("isolation: waitpid failed: ") + std::strerror(errno));
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

std::filesystem::path make_private_dir(const std::filesystem::path& scratch) {
  std::filesystem::create_directories(scratch);
  std::string tmpl = (scratch / "isolated-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw Error("isolation: cannot create a directory in " + scratch.string() + ": " + std::strerror(errno));
  }
  return tmpl;
}

}  // namespace

std::string describe_signal(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV (segmentation fault)";
    case SIGABRT: return "SIGABRT (abort)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic error)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGKILL: return "SIGKILL (killed, e.g. by the out-of-memory killer)";
    case SIGTERM: return "SIGTERM (terminated)";
    default: {
      const char* abbrev = ::sigabbrev_np(sig);
      return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
    }
  }
}

Outputs run_isolated(const IsolatedStage& stage, const Params& params, const Inputs& inputs, Context& ctx,
                     const std::filesystem::path& scratch) {
  const DirGuard guard{make_private_dir(scratch)};
  const auto& dir = guard.dir;
  isolation::StageFacts facts{stage.plugin, stage.stage_id, std::string(ctx.node_id()), ctx.pipeline_dir(),
                              ctx.run_info_json(), std::nullopt};
  if (const Table* keys = ctx.partition_keys()) facts.partition_keys = *keys;
  isolation::write_file(dir / isolation::kRequestFile, isolation::encode_request(facts, params, inputs));
  Pipe events, cancel;
  ChildProcess child(spawn_child(stage.program, dir, events.write, cancel.read));
  events.write.reset();  // EOF on events.read once the child exits
  cancel.read.reset();

  // Relay logs and progress until the child closes its end, watching for cancellation.
  using Clock = std::chrono::steady_clock;
  // max() = no kill pending (an optional here trips GCC 12's -Wmaybe-uninitialized at -O2).
  Clock::time_point kill_at = Clock::time_point::max();
  std::string buffer;
  char chunk[4096];
  bool cancelled = false;
  for (bool open = true; open;) {
    pollfd p{events.read.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, 50);
    if (ready > 0) {
      const ssize_t n = ::read(events.read.get(), chunk, sizeof chunk);
      if (n > 0) {
        buffer.append(chunk, static_cast<std::size_t>(n));
        isolation::forward_events(buffer, ctx);
      } else if (n == 0 || errno != EINTR) {
        open = false;
      }
    }
    if (!cancelled && ctx.cancelled()) {
      cancelled = true;
      cancel.write.reset();  // EOF on the child's cancel pipe: cancelled() turns true there
      kill_at = Clock::now() + std::chrono::seconds(5);
    }
    if (Clock::now() >= kill_at) {
      ::kill(child.pid(), SIGKILL);
      kill_at = Clock::time_point::max();
    }
  }
  const int status = child.wait();

  if (cancelled) throw Cancelled();
  if (WIFSIGNALED(status)) {
    throw Error("stage crashed with " + describe_signal(WTERMSIG(status)) + " in an isolated process");
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == isolation::kExitCancelled) throw Cancelled();
  if (code != 0) {
    std::error_code ec;
    if (std::filesystem::exists(dir / isolation::kErrorFile, ec)) throw Error(isolation::read_file(dir / isolation::kErrorFile));
    throw Error("the isolated stage process exited with code " + std::to_string(code) + " without reporting an error");
  }
  isolation::check_events_drained(buffer);
  return isolation::decode_outputs(isolation::read_file(dir / isolation::kOutputsFile));
}

}  // namespace sluice::engine
