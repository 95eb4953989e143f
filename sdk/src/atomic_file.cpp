#include "sluice/atomic_file.hpp"

#include <fcntl.h>
#include <stdlib.h>  // mkostemp
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

#include "sluice/errors.hpp"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHint = "check that the directory exists and is writable, and that the disk is not full";

// "<step> <path>: <reason> (<hint>)". The path is not quoted: "writing <path>" is what the
// cache's disk-full message in docs/errors.md promises.
[[noreturn]] void fail(const std::string& step, const fs::path& path, const std::string& reason) {
  throw Error(step + " " + path.string() + ": " + reason + " (" + kHint + ")");
}
[[noreturn]] void fail_errno(const std::string& step, const fs::path& path, int err) {
  fail(step, path, std::generic_category().message(err));
}

fs::path directory_of(const fs::path& target) {
  return target.parent_path().empty() ? fs::path(".") : target.parent_path();
}

// ".<name>.tmp-<pid>-XXXXXX" for mkostemp. A long name is shortened (at a UTF-8 character
// boundary) so the temporary name stays within NAME_MAX even when the target's name is at it.
std::string temp_template(const fs::path& target) {
  constexpr std::size_t kMaxNamePart = 200;
  std::string name = target.filename().string();
  if (name.size() > kMaxNamePart) {
    std::size_t cut = kMaxNamePart;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  return (directory_of(target) / ("." + name + ".tmp-" + std::to_string(::getpid()) + "-XXXXXX")).string();
}

// Best effort: the file's data is already durable, and the rename has happened either way.
void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(const fs::path& target, ParentDirs parents) : target_(target) {
  if (target_.empty() || !target_.has_filename())
    throw Error("writing " + target_.string() + ": the path does not name a file");
  std::string name = temp_template(target_);
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  // Creating the directory only when it turns out to be missing keeps the common case at one call.
  if (fd_ < 0 && errno == ENOENT && parents == ParentDirs::Create) {
    const fs::path dir = directory_of(target_);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) fail("creating directory", dir, ec.message());
    name = temp_template(target_);
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  }
  if (fd_ < 0) fail_errno("creating a temporary file for", target_, errno);
  temp_ = std::move(name);
  // mkostemp creates the file 0600; a published file is 0644 whatever the umask.
  if (::fchmod(fd_, 0644) != 0) {
    const int err = errno;
    abandon();
    fail_errno("setting the mode of the temporary file for", target_, err);
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_) abandon();
}

void AtomicFile::abandon() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

void AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0) throw std::logic_error("sluice::AtomicFile::write: " + target_.string() + " was already committed or failed");
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      abandon();
      fail_errno("writing", target_, err);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
}

void AtomicFile::commit(bool durable) {
  if (fd_ < 0) throw std::logic_error("sluice::AtomicFile::commit: " + target_.string() + " was already committed or failed");
  if (durable && ::fsync(fd_) != 0) {
    const int err = errno;
    abandon();
    fail_errno("fsync of", target_, err);
  }
  const int fd = fd_;
  fd_ = -1;
  // close() can report a write error that a network file system deferred.
  if (::close(fd) != 0) {
    const int err = errno;
    abandon();
    fail_errno("writing", target_, err);
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    abandon();
    fail_errno("renaming the temporary file onto", target_, err);
  }
  committed_ = true;
  if (durable) fsync_directory(temp_.parent_path());
  temp_.clear();
}

void write_file_atomically(const fs::path& path, std::string_view bytes, bool durable, ParentDirs parents) {
  AtomicFile file(path, parents);
  file.write(bytes);
  file.commit(durable);
}

}  // namespace sluice
