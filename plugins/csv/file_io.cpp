#include "file_io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <xxhash.h>

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
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(os_error("cannot write", path));
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

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

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  Fd f{::mkstemp(name.data())};
  if (f.fd < 0) throw Error(os_error("cannot create a temp file in", dir) + " (does the directory exist and is it writable?)");
  const std::filesystem::path tmp(name.data());
  try {
    write_all(f.fd, content, tmp);
    if (::fchmod(f.fd, 0644) != 0) throw Error(os_error("cannot chmod", tmp));
    if (::fsync(f.fd) != 0) throw Error(os_error("cannot fsync", tmp));
    if (::close(f.release()) != 0) throw Error(os_error("cannot close", tmp));
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw Error(os_error("cannot rename the temp file to", path));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  // Persist the rename itself.
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

std::string content_hash(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

std::string file_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error(os_error("cannot stat", path));
  const long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
  return path.string() + "|" + std::to_string(st.st_size) + "|" + std::to_string(mtime_ns) + "|" +
         std::to_string(st.st_ino);
}

}  // namespace sluice::csv
