#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "sluice/errors.hpp"
#include "sluice/serialize.hpp"
#include "xxh3_stream.hpp"

namespace sluice {

namespace {
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};
}  // namespace

std::optional<Hash128> hash_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  detail::Xxh3Stream stream;
  // One small buffer for the whole file: faulting in fresh memory for a file of tens of megabytes
  // (a plugin with debug info, a dashboard of a thousand stores) costs more than hashing it.
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("reading " + path.string() + " to hash it: " + std::strerror(errno));
    }
    stream.update(buffer.data(), static_cast<std::size_t>(n));
  }
  return stream.digest();
}

}  // namespace sluice
