// sluice::AtomicFile and sluice::write_file_atomically: the one temp-file-then-rename writer that
// the cache, the CSV sink and the dashboard share. Failures that need a process-wide setting (a
// file-size limit, another user) run in a forked child.
#include <doctest/doctest.h>

#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/atomic_file.hpp>
#include <sluice/errors.hpp>

#include "../../support/process.hpp"

using namespace sluice;
namespace fs = std::filesystem;
using sluice::test::slurp;
using sluice::test::TempDir;

namespace {

const std::string kHint = " (check that the directory exists and is writable, and that the disk is not full)";

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Runs `body` in a forked child and returns the string it returned (or what it threw).
std::string in_child(const std::function<std::string()>& body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::string result;
    try {
      result = body();
    } catch (const std::exception& e) {
      result = std::string("unexpected exception: ") + e.what();
    }
    std::string_view rest = result;
    while (!rest.empty()) {
      const ssize_t n = ::write(fds[1], rest.data(), rest.size());
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  return out;
}

}  // namespace

TEST_CASE("the content is replaced whole, by rename: an open reader keeps the old content") {
  TempDir dir;
  const auto path = dir / "report.html";
  write_file_atomically(path, "old content");
  std::ifstream reader(path, std::ios::binary);  // opened before the rewrite
  write_file_atomically(path, "new, longer content");
  std::string seen;
  std::getline(reader, seen);
  CHECK(seen == "old content");  // the old inode is intact: nobody ever sees a half-written file
  CHECK(slurp(path) == "new, longer content");
  write_file_atomically(path, "");  // an empty file is a file too
  CHECK(slurp(path).empty());
  CHECK(names_in(dir.path()) == std::vector<std::string>{"report.html"});
}

TEST_CASE("AtomicFile streams pieces and publishes them only on commit") {
  TempDir dir;
  const auto path = dir / "out.txt";
  sluice::test::write_file(path, "old");
  {
    AtomicFile file(path);
    CHECK(file.target() == path);
    file.write("hello, ");
    file.write("");
    file.write("world");
    CHECK(file.bytes_written() == 12);
    CHECK(slurp(path) == "old");  // nothing visible before commit
    // The temp file sits beside the target, hidden, named after it and this process.
    const auto names = names_in(dir.path());
    REQUIRE(names.size() == 2);
    CHECK(names[0].rfind(".out.txt.tmp-" + std::to_string(::getpid()) + "-", 0) == 0);
    file.commit(/*durable=*/false);
    CHECK(file.bytes_written() == 12);
    CHECK_THROWS_AS(file.write("more"), std::logic_error);
    CHECK_THROWS_AS(file.commit(), std::logic_error);
  }
  CHECK(slurp(path) == "hello, world");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("an uncommitted AtomicFile removes its temp file and leaves the target alone") {
  TempDir dir;
  const auto path = dir / "out.txt";
  {
    AtomicFile file(path);
    file.write("never published");
    CHECK(names_in(dir.path()).size() == 1);  // the temp file
  }
  CHECK(names_in(dir.path()).empty());
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a failure in the middle leaves the old file and no temp file") {
  TempDir dir;
  const auto path = dir / "data.bin";
  sluice::test::write_file(path, "the old content");

  SUBCASE("the producer throws between two writes") {
    CHECK_THROWS_WITH_AS(
        [&] {
          AtomicFile file(path);
          file.write("partial");
          throw std::runtime_error("producer failed");
        }(),
        "producer failed", std::runtime_error);
  }

  SUBCASE("write() fails half-way (file-size limit): an Error naming the target, the temp file already gone") {
    const std::string result = in_child([&] {
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{16, 16};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return std::string("setrlimit failed");
      AtomicFile file(path);
      file.write("0123456789");
      try {
        file.write(std::string(100, 'x'));  // 6 bytes fit, then EFBIG
      } catch (const Error& e) {
        return std::string(e.what()) + "|" + std::to_string(names_in(dir.path()).size());
      }
      return std::string("no error");
    });
    CHECK(result == "writing " + path.string() + ": File too large" + kHint + "|1");
  }

  SUBCASE("the rename fails (the target is a directory) after everything was written") {
    const auto target = dir / "target.html";
    fs::create_directory(target);
    CHECK_THROWS_WITH_AS(write_file_atomically(target, "data"),
                         ("renaming the temporary file onto " + target.string() + ": Is a directory" + kHint).c_str(),
                         Error);
    fs::remove(target);
  }

  CHECK(slurp(path) == "the old content");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"data.bin"});
}

TEST_CASE("an unwritable directory is an Error naming the target and the step") {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const auto ro = dir / "ro";
  fs::create_directory(ro);
  const auto path = ro / "report.csv";
  sluice::test::write_file(path, "old");
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec);
  // Root writes anywhere: the child drops to nobody first.
  const std::string message = in_child([&] {
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
      return std::string("skip: cannot drop root privileges");
    try {
      write_file_atomically(path, "new");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  });
  fs::permissions(ro, fs::perms::owner_all);
  if (message.rfind("skip:", 0) == 0) {
    MESSAGE(message);
  } else {
    CHECK(message == "creating a temporary file for " + path.string() + ": Permission denied" + kHint);
  }
  CHECK(slurp(path) == "old");
  CHECK(names_in(ro) == std::vector<std::string>{"report.csv"});
}

TEST_CASE("missing parent directories: an error by default, created on request") {
  TempDir dir;
  const auto path = dir / "out/sub/report.html";
  CHECK_THROWS_WITH_AS(write_file_atomically(path, "x"),
                       ("creating a temporary file for " + path.string() + ": No such file or directory" + kHint).c_str(),
                       Error);
  CHECK_FALSE(fs::exists(dir / "out"));
  write_file_atomically(path, "x", /*durable=*/true, ParentDirs::Create);
  CHECK(slurp(path) == "x");
  CHECK(names_in(dir / "out/sub") == std::vector<std::string>{"report.html"});

  // A parent that is a regular file can never be created.
  const auto blocker = dir / "file";
  sluice::test::write_file(blocker, "x");
  CHECK_THROWS_WITH_AS(write_file_atomically(blocker / "d.html", "data", true, ParentDirs::Create),
                       ("creating a temporary file for " + (blocker / "d.html").string() + ": Not a directory" + kHint).c_str(),
                       Error);
  // Nor can one that is a dangling symbolic link.
  fs::create_symlink(dir / "nowhere/deeper", dir / "link");
  CHECK_THROWS_WITH_AS(write_file_atomically(dir / "link/d.html", "data", true, ParentDirs::Create),
                       doctest::Contains(("creating directory " + (dir / "link").string() + ": ").c_str()), Error);
  CHECK_THROWS_WITH_AS(write_file_atomically(dir / "", "data"), doctest::Contains("does not name a file"), Error);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"file", "link", "out"});
}

TEST_CASE("the published file has mode 0644 whatever the umask") {
  TempDir dir;
  for (const mode_t mask : {mode_t{077}, mode_t{0}, mode_t{022}}) {
    const mode_t old = ::umask(mask);
    write_file_atomically(dir / "f.txt", "x");
    ::umask(old);
    CHECK(mode_of(dir / "f.txt") == 0644);
  }
}

TEST_CASE("long names and bare names") {
  TempDir dir;
  // A name at NAME_MAX still gets a temp file (its name is shortened, not the target's).
  const std::string longest(255, 'n');
  write_file_atomically(dir / longest, "long");
  CHECK(slurp(dir / longest) == "long");
  // A bare name is written in the working directory.
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path());
  write_file_atomically("bare.txt", "bare", /*durable=*/false);
  fs::current_path(cwd);
  CHECK(slurp(dir / "bare.txt") == "bare");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"bare.txt", longest});
}
