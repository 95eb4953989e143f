#include "cache/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <string>
#include <system_error>

namespace sluice::engine {

namespace {
std::string temp_name() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng());
}

void fsync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

AtomicFile::AtomicFile(const std::filesystem::path& target)
    : target_(target), dir_(target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path()) {
  std::filesystem::create_directories(dir_);
  temp_ = dir_ / temp_name();
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "creating " + temp_.string());
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "writing " + temp_.string());
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
}

void AtomicFile::commit(bool durable) {
  if (durable && ::fsync(fd_) != 0) throw std::system_error(errno, std::generic_category(), "fsync " + temp_.string());
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), "writing " + temp_.string());
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    throw std::system_error(errno, std::generic_category(), "renaming into " + target_.string());
  committed_ = true;
  if (durable) fsync_dir(dir_);
}

void write_file_atomic(const std::filesystem::path& target, std::string_view bytes, bool durable) {
  AtomicFile file(target);
  file.write(bytes);
  file.commit(durable);
}

}  // namespace sluice::engine
