// The per-pipeline run lock: exclusion, holder details, waiting, stale takeover.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "schedule/run_lock.hpp"
#include "../../support/process.hpp"

using namespace sluice::engine;
using sluice::test::TempDir;

namespace {
std::string host() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string busy_message(const TempDir& dir, const std::string& pipeline) {
  try {
    PipelineLock::acquire(dir.path(), pipeline, std::chrono::milliseconds(0));
  } catch (const LockBusyError& e) {
    return e.what();
  }
  return "(acquired)";
}

// Captures what is written to stderr (fd 2) while alive.
class StderrCapture {
 public:
  explicit StderrCapture(std::filesystem::path file) : file_(std::move(file)) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::close(fd);
  }
  std::string finish() {
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    return sluice::test::slurp(file_);
  }

 private:
  std::filesystem::path file_;
  int saved_;
};
}  // namespace

TEST_CASE("lock: acquire writes the holder, release clears it") {
  TempDir dir;
  {
    auto lock = PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0));
    CHECK(lock.path() == dir.path() / "locks" / "sales.lock");
    const auto holder = PipelineLock::read_holder(lock.path());
    REQUIRE(holder);
    CHECK(holder->pid == ::getpid());
    CHECK(holder->host == host());
    CHECK(holder->pipeline == "sales");
    CHECK(holder->started_at.size() == 20);
  }
  CHECK_FALSE(PipelineLock::read_holder(dir.path() / "locks" / "sales.lock"));
  CHECK_NOTHROW(PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0)));
  CHECK(PipelineLock::lock_path(dir.path(), "a/b c").filename() == "a_b_c.lock");
}

TEST_CASE("lock: a second acquire fails and names the holder") {
  TempDir dir;
  auto lock = PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0));
  const auto holder = PipelineLock::read_holder(lock.path());
  REQUIRE(holder);
  CHECK(busy_message(dir, "sales") == "pipeline 'sales' is already running: held by pid " +
                                          std::to_string(::getpid()) + " on host " + host() + " since " +
                                          holder->started_at + " (lock " + lock.path().string() +
                                          "); wait for that run to finish, or let this run wait for it with `sluice run --wait SECONDS`");
  CHECK(busy_message(dir, "other") == "(acquired)");  // locks are per pipeline

  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(150)),
                       doctest::Contains("; still held after waiting 150 ms;"), LockBusyError);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
}

TEST_CASE("lock: waiting succeeds once the holder releases, moves keep the lock") {
  TempDir dir;
  auto first = PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0));
  PipelineLock moved = std::move(first);
  CHECK(busy_message(dir, "sales") != "(acquired)");
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    moved.release();
  });
  const auto start = std::chrono::steady_clock::now();
  auto second = PipelineLock::acquire(dir.path(), "sales", std::chrono::seconds(5));
  const auto waited = std::chrono::steady_clock::now() - start;
  releaser.join();
  CHECK(waited >= std::chrono::milliseconds(150));
  CHECK(waited < std::chrono::seconds(3));
  CHECK(PipelineLock::read_holder(second.path())->pid == ::getpid());
}

TEST_CASE("lock: a holder killed with SIGKILL leaves a stale lock that is taken over with a warning") {
  TempDir dir;
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto lock = PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0));
    const char ok = 'L';
    if (::write(ready[1], &ok, 1) != 1) ::_exit(3);
    while (true) ::pause();
  }
  ::close(ready[1]);
  char got = 0;
  REQUIRE(::read(ready[0], &got, 1) == 1);
  ::close(ready[0]);
  CHECK(busy_message(dir, "sales").find("held by pid " + std::to_string(child) + " on host " + host()) !=
        std::string::npos);

  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  // The body still names the dead child; the kernel has dropped its flock.
  REQUIRE(PipelineLock::read_holder(PipelineLock::lock_path(dir.path(), "sales")));

  StderrCapture capture(dir / "stderr.txt");
  std::optional<PipelineLock> lock;
  lock.emplace(PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0)));
  const std::string warning = capture.finish();
  CHECK(warning.find("warning: taking over stale lock") != std::string::npos);
  CHECK(warning.find("held by pid " + std::to_string(child)) != std::string::npos);
  CHECK(warning.find("(that process is no longer running)") != std::string::npos);
  CHECK(PipelineLock::read_holder(lock->path())->pid == ::getpid());
}

TEST_CASE("lock: another host's lock is busy while its heartbeat is fresh, stale after") {
  TempDir dir;
  const auto file = PipelineLock::lock_path(dir.path(), "sales");
  sluice::test::write_file(file, "pid=4242\nhost=far-away-host\nstarted_at=2024-03-04T06:00:00Z\npipeline=sales\n");
  CHECK(busy_message(dir, "sales") ==
        "pipeline 'sales' is already running: held by pid 4242 on host far-away-host since 2024-03-04T06:00:00Z "
        "(lock " + file.string() + "); wait for that run to finish, or let this run wait for it with `sluice run --wait SECONDS`");

  // Age the heartbeat (mtime) past the threshold.
  const auto old = std::chrono::system_clock::now() - PipelineLock::kStaleAfter - std::chrono::seconds(30);
  const timespec times[2] = {{std::chrono::system_clock::to_time_t(old), 0},
                             {std::chrono::system_clock::to_time_t(old), 0}};
  REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
  StderrCapture capture(dir / "stderr.txt");
  std::optional<PipelineLock> lock;
  lock.emplace(PipelineLock::acquire(dir.path(), "sales", std::chrono::milliseconds(0)));
  const std::string warning = capture.finish();
  CHECK(warning.find("held by pid 4242 on host far-away-host since 2024-03-04T06:00:00Z (its heartbeat is ") !=
        std::string::npos);
  CHECK(PipelineLock::read_holder(file)->host == host());
}
