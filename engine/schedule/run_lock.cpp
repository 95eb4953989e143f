#include "schedule/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <sstream>
#include <system_error>
#include <thread>

#include "common/log.hpp"
#include "schedule/clock.hpp"

namespace sluice::engine {
namespace {

std::string this_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

std::system_error os_error(const std::string& what, const std::filesystem::path& path) {
  return std::system_error(errno, std::generic_category(), what + " " + path.string());
}

std::string read_all(int fd) {
  std::string body;
  char buf[512];
  off_t offset = 0;
  while (true) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n <= 0) break;
    body.append(buf, static_cast<std::size_t>(n));
    offset += n;
  }
  return body;
}

std::optional<LockHolder> parse_holder(const std::string& body) {
  LockHolder h;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "pid") h.pid = std::atol(value.c_str());
    else if (key == "host") h.host = value;
    else if (key == "started_at") h.started_at = value;
    else if (key == "pipeline") h.pipeline = value;
  }
  if (h.pid == 0 && h.host.empty()) return std::nullopt;  // empty or half-written body
  return h;
}

std::string describe(const std::optional<LockHolder>& h) {
  if (!h) return "another process (it has not written its details yet)";
  return "pid " + std::to_string(h->pid) + " on host " + h->host + " since " + h->started_at;
}

// How long ago the holder last refreshed its heartbeat (the lock file's mtime), in real time.
std::chrono::seconds heartbeat_age(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::chrono::seconds{0};
  const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - mtime);
}

}  // namespace

struct PipelineLock::State {
  int fd = -1;
  bool owned = false;  // only the holder may clear the body
  std::filesystem::path path;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread heartbeat;

  void start_heartbeat() {
    heartbeat = std::thread([this] {
      std::unique_lock lock(mutex);
      while (!wake.wait_for(lock, kHeartbeatEvery, [this] { return stopping; })) ::futimens(fd, nullptr);
    });
  }

  ~State() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (heartbeat.joinable()) heartbeat.join();
    if (fd >= 0 && owned) {
      // Empty body = free. The file itself stays: unlinking a lock file races with
      // a process that has it open and is about to lock the old inode.
      if (::ftruncate(fd, 0) != 0) { /* the flock release below is what matters */ }
      ::flock(fd, LOCK_UN);
    }
    if (fd >= 0) ::close(fd);
  }
};

PipelineLock::PipelineLock(std::unique_ptr<State> state) : state_(std::move(state)) {}
PipelineLock::PipelineLock(PipelineLock&&) noexcept = default;
PipelineLock& PipelineLock::operator=(PipelineLock&&) noexcept = default;
PipelineLock::~PipelineLock() = default;

void PipelineLock::release() noexcept { state_.reset(); }

const std::filesystem::path& PipelineLock::path() const {
  static const std::filesystem::path released;
  return state_ ? state_->path : released;
}

std::filesystem::path PipelineLock::lock_path(const std::filesystem::path& cache_dir, const std::string& pipeline) {
  std::string name;
  for (char c : pipeline) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
    name += safe ? c : '_';
  }
  if (name.empty()) name = "_";
  return cache_dir / "locks" / (name + ".lock");
}

std::optional<LockHolder> PipelineLock::read_holder(const std::filesystem::path& lock_file) {
  const int fd = ::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto holder = parse_holder(read_all(fd));
  ::close(fd);
  return holder;
}

PipelineLock PipelineLock::acquire(const std::filesystem::path& cache_dir, const std::string& pipeline,
                                   std::chrono::milliseconds wait) {
  auto state = std::make_unique<State>();
  state->path = lock_path(cache_dir, pipeline);
  std::error_code ec;
  std::filesystem::create_directories(state->path.parent_path(), ec);
  if (ec)
    throw std::runtime_error("cannot create lock directory " + state->path.parent_path().string() + ": " +
                             ec.message() + "; check the cache directory's permissions");
  state->fd = ::open(state->path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (state->fd < 0) throw os_error("cannot open lock file", state->path);

  const std::string host = this_host();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::optional<LockHolder> busy;
  while (true) {
    if (::flock(state->fd, LOCK_EX | LOCK_NB) == 0) {
      auto previous = parse_holder(read_all(state->fd));
      const bool other_host_alive =
          previous && previous->host != host && heartbeat_age(state->fd) < kStaleAfter;
      if (!other_host_alive) {
        state->owned = true;
        if (previous) {
          // flock() is free, so no process on this host holds it: the previous holder died
          // (e.g. SIGKILL) before clearing the file, or it ran on a host that went quiet.
          const std::string why = previous->host == host
                                      ? "that process is no longer running"
                                      : "its heartbeat is " + std::to_string(heartbeat_age(state->fd).count()) +
                                            "s old";
          log::warn("taking over stale lock " + state->path.string() + " of pipeline '" + pipeline +
                    "' held by " + describe(previous) + " (" + why + ")");
        }
        std::ostringstream body;
        body << "pid=" << ::getpid() << "\nhost=" << host << "\nstarted_at=" << format_utc(process_clock().now())
             << "\npipeline=" << pipeline << "\n";
        const std::string text = body.str();
        if (::ftruncate(state->fd, 0) != 0 ||
            ::pwrite(state->fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
          throw os_error("cannot write lock file", state->path);
        // No fsync: the flock is the lock; the body only names the holder for messages.
        state->start_heartbeat();
        return PipelineLock(std::move(state));
      }
      // Held by a live process on another host whose filesystem does not share flock().
      ::flock(state->fd, LOCK_UN);
      busy = previous;
    } else if (errno == EWOULDBLOCK || errno == EINTR) {
      busy = parse_holder(read_all(state->fd));
    } else {
      throw os_error("cannot lock", state->path);
    }

    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      std::string message = "pipeline '" + pipeline + "' is already running: held by " + describe(busy) +
                            " (lock " + state->path.string() + ")";
      if (wait.count() > 0) message += "; still held after waiting " + std::to_string(wait.count()) + " ms";
      message += "; wait for that run to finish, or let this run wait for it with `sluice run --wait SECONDS`";
      throw LockBusyError(message);
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                                              std::chrono::milliseconds(50)));
  }
}

}  // namespace sluice::engine
