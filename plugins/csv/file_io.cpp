#include "file_io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>


#include <sluice/errors.hpp>

namespace sluice::csv {

namespace {

std::string os_error(const std::string& what, const std::filesystem::path& path) {
  return what + " '" + path.string() + "': " + std::strerror(errno);
}

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw Error(os_error("cannot open", path) + " (check the path; relative paths start at the working directory)");
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw Error(os_error("cannot stat", path));
  if (S_ISDIR(st.st_mode)) throw Error("'" + path.string() + "' is a directory, not a CSV file");
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) return;
  data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    throw Error(os_error("cannot map", path));
  }
  ::madvise(data_, size_, MADV_SEQUENTIAL);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

std::string file_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error(os_error("cannot stat", path));
  const long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
  return path.string() + "|" + std::to_string(st.st_size) + "|" + std::to_string(mtime_ns) + "|" +
         std::to_string(st.st_ino);
}

}  // namespace sluice::csv
