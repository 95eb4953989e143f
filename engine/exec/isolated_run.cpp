#include "exec/isolated_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

#include "common/file_io.hpp"

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

// ---- a small length-prefixed record format ---------------------------------

void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t u64() {
    need(sizeof(std::uint64_t));
    std::uint64_t v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string_view str() {
    const std::uint64_t n = u64();
    need(n);
    const auto s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  void need(std::uint64_t n) const {
    if (n > bytes_.size() - pos_) throw Error("isolation: truncated data from the stage process");
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

void write_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw Error("isolation: cannot write " + file.string());
}

std::string read_file(const std::filesystem::path& file) {
  auto bytes = read_whole_file(file);
  if (!bytes) throw Error("isolation: cannot read " + file.string());
  return std::move(*bytes);
}

// ---- the pipe protocol: child -> parent ------------------------------------
// Each message: one type byte, then a length-prefixed payload.
constexpr char kLog = 'L';       // payload: level byte + text
constexpr char kProgress = 'P';  // payload: done, total (u64), unit

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the parent is gone; nothing to report to
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The Context a stage sees inside the child.
class ChildContext : public Context {
 public:
  ChildContext(int events_fd, int cancel_fd, std::string node_id, std::filesystem::path pipeline_dir,
               std::filesystem::path scratch, std::string run_info)
      : events_fd_(events_fd),
        cancel_fd_(cancel_fd),
        node_id_(std::move(node_id)),
        pipeline_dir_(std::move(pipeline_dir)),
        scratch_(std::move(scratch)),
        run_info_(std::move(run_info)) {}

  void log(LogLevel level, std::string_view message) override {
    std::string payload(1, static_cast<char>(level));
    payload.append(message);
    send(kLog, payload);
  }
  void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) override {
    std::string payload;
    put_u64(payload, done);
    put_u64(payload, total);
    payload.append(unit);
    send(kProgress, payload);
  }
  // Cancelled once the parent writes to the cancel pipe or goes away (EOF).
  bool cancelled() const override {
    pollfd p{cancel_fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  const std::filesystem::path& scratch_dir() override {
    std::filesystem::create_directories(scratch_);
    return scratch_;
  }
  std::string_view node_id() const override { return node_id_; }
  const std::filesystem::path& pipeline_dir() const override { return pipeline_dir_; }
  std::string run_info_json() const override { return run_info_; }

 private:
  void send(char type, std::string_view payload) {
    std::string msg(1, type);
    put_str(msg, payload);
    write_all(events_fd_, msg);
  }
  int events_fd_, cancel_fd_;
  std::string node_id_;
  std::filesystem::path pipeline_dir_, scratch_;
  std::string run_info_;
};

// Parses complete messages from `buffer` and forwards them to the parent's Context.
void forward_events(std::string& buffer, Context& ctx) {
  std::size_t pos = 0;
  while (buffer.size() - pos >= 1 + sizeof(std::uint64_t)) {
    std::uint64_t n;
    std::memcpy(&n, buffer.data() + pos + 1, sizeof n);
    if (buffer.size() - pos - 1 - sizeof n < n) break;
    const char type = buffer[pos];
    const std::string_view payload(buffer.data() + pos + 1 + sizeof n, n);
    if (type == kLog && !payload.empty()) {
      ctx.log(static_cast<LogLevel>(payload.front()), payload.substr(1));
    } else if (type == kProgress && payload.size() >= 2 * sizeof(std::uint64_t)) {
      RecordReader r(payload.substr(0, 2 * sizeof(std::uint64_t)));
      const auto done = r.u64();
      const auto total = r.u64();
      ctx.progress(done, total, payload.substr(2 * sizeof(std::uint64_t)));
    }
    pos += 1 + sizeof n + n;
  }
  buffer.erase(0, pos);
}

// ---- the child -------------------------------------------------------------

constexpr int kExitStageError = 3;
constexpr int kExitCancelled = 4;

void close_all_but(int a, int b) {
  const unsigned lo = static_cast<unsigned>(std::min(a, b)), hi = static_cast<unsigned>(std::max(a, b));
  if (lo > 3) ::close_range(3, lo - 1, 0);
  if (hi > lo + 1) ::close_range(lo + 1, hi - 1, 0);
  ::close_range(hi + 1, ~0U, 0);
}

[[noreturn]] void child_main(const StageFactory& factory, const Params& params, const std::filesystem::path& dir,
                             int events_fd, int cancel_fd, const std::string& node_id,
                             const std::filesystem::path& pipeline_dir, const std::string& run_info) {
  // A crash must end the child with its signal, so the parent can name it;
  // inherited handlers (the CLI's, a sanitizer's) would turn it into an exit code.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGINT, SIGTERM}) ::signal(sig, SIG_DFL);
  // Drop every inherited descriptor but stdio and our two pipes: a sibling
  // invocation's pipe held open here would delay that sibling's EOF.
  close_all_but(events_fd, cancel_fd);
  int code = 0;
  try {
    ChildContext ctx(events_fd, cancel_fd, node_id, pipeline_dir, dir / "stage-scratch", run_info);
    const std::string encoded = read_file(dir / "inputs.bin");
    RecordReader r(encoded);
    Inputs inputs;
    for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
      std::string port(r.str());
      inputs.bind(std::move(port), std::make_shared<const Value>(decode_value(r.str())));
    }
    auto stage = factory(params);
    Outputs outputs;
    stage->run(ctx, inputs, outputs);
    std::string out;
    put_str(out, outputs.receipt());
    put_u64(out, outputs.values().size());
    for (const auto& [port, value] : outputs.values()) {
      put_str(out, port);
      put_str(out, encode_value(value));
    }
    write_file(dir / "outputs.bin", out);
  } catch (const Cancelled&) {
    code = kExitCancelled;
  } catch (const std::exception& e) {
    try {
      write_file(dir / "error.txt", e.what());
    } catch (...) {
    }
    code = kExitStageError;
  } catch (...) {
    try {
      write_file(dir / "error.txt", "the stage threw a non-standard exception");
    } catch (...) {
    }
    code = kExitStageError;
  }
  // No atexit handlers, no flushing of the parent's stdio buffers, no static destructors.
  ::_exit(code);
}

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

Outputs run_isolated(const StageFactory& factory, const Params& params, const Inputs& inputs, Context& ctx,
                     const std::filesystem::path& scratch) {
  const DirGuard guard{make_private_dir(scratch)};
  const auto& dir = guard.dir;
  {
    std::string encoded;
    put_u64(encoded, inputs.entries().size());
    for (const auto& [port, value] : inputs.entries()) {
      put_str(encoded, port);
      put_str(encoded, encode_value(*value));
    }
    write_file(dir / "inputs.bin", encoded);
  }
  // Everything the child's Context needs is copied now: after fork it must not
  // call into the parent's Context (its locks may be held by other threads).
  const std::string node_id(ctx.node_id());
  const std::filesystem::path pipeline_dir = ctx.pipeline_dir();
  const std::string run_info = ctx.run_info_json();

  Pipe events, cancel;
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("isolation: fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    events.read.reset();
    cancel.write.reset();
    child_main(factory, params, dir, events.write.get(), cancel.read.get(), node_id, pipeline_dir, run_info);
  }
  events.write.reset();
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
        forward_events(buffer, ctx);
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
      ::kill(pid, SIGKILL);
      kill_at = Clock::time_point::max();
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("isolation: waitpid failed: ") + std::strerror(errno));
  }

  if (cancelled) throw Cancelled();
  if (WIFSIGNALED(status)) {
    throw Error("stage crashed with " + describe_signal(WTERMSIG(status)) + " in an isolated process");
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kExitCancelled) throw Cancelled();
  if (code != 0) {
    std::error_code ec;
    if (std::filesystem::exists(dir / "error.txt", ec)) throw Error(read_file(dir / "error.txt"));
    throw Error("the isolated stage process exited with code " + std::to_string(code) + " without reporting an error");
  }
  const std::string encoded = read_file(dir / "outputs.bin");
  RecordReader r(encoded);
  Outputs outputs;
  outputs.set_receipt(std::string(r.str()));
  for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
    std::string port(r.str());
    Value value = decode_value(r.str());
    if (auto* t = std::get_if<Table>(&value)) outputs.set(std::move(port), std::move(*t));
    else outputs.set(std::move(port), std::move(std::get<Blob>(value)));
  }
  return outputs;
}

}  // namespace sluice::engine
