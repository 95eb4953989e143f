#include "common/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace sluice::engine {

namespace {
// A regular file (not a directory) open for reading; closed on scope exit.
class ReadableFile {
 public:
  explicit ReadableFile(const std::filesystem::path& file) : file_(file), fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) return;
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail();
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    size_hint_ = static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 0);
  }
  ~ReadableFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;

  bool is_open() const { return fd_ >= 0; }
  std::size_t size_hint() const { return size_hint_; }

  // Up to `len` bytes into `buf`; 0 at the end of the file.
  std::size_t read_some(char* buf, std::size_t len) {
    for (;;) {
      const ssize_t n = ::read(fd_, buf, len);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) fail();
    }
  }

 private:
  [[noreturn]] void fail() const { throw std::system_error(errno, std::generic_category(), "reading " + file_.string()); }

  const std::filesystem::path& file_;
  int fd_;
  std::size_t size_hint_ = 0;
};
}  // namespace

std::optional<std::string> read_whole_file(const std::filesystem::path& file) {
  ReadableFile in(file);
  if (!in.is_open()) return std::nullopt;
  std::string bytes;
  // The size is a hint: the loop also copes with a file that grew or shrank meanwhile.
  bytes.resize(in.size_hint());
  std::size_t done = 0;
  for (;;) {
    if (done == bytes.size()) bytes.resize(bytes.size() + 65536);
    const std::size_t n = in.read_some(bytes.data() + done, bytes.size() - done);
    if (n == 0) break;
    done += n;
  }
  bytes.resize(done);
  return bytes;
}

bool stream_file(const std::filesystem::path& file, const std::function<void(std::string_view)>& sink) {
  ReadableFile in(file);
  if (!in.is_open()) return false;
  // One small buffer reused for the whole file: a plugin with debug info can be tens of megabytes,
  // and faulting in that much fresh memory costs more than hashing it.
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    const std::size_t n = in.read_some(buffer.data(), buffer.size());
    if (n == 0) return true;
    sink(std::string_view(buffer.data(), n));
  }
}

}  // namespace sluice::engine
