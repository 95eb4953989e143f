#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>
#include <sstream>

namespace sluice::dashboard {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& step, const fs::path& path, int err) {
  throw Error("cannot " + step + " '" + path.string() + "': " + std::strerror(err) +
              " (check that the directory exists and is writable, and that the disk is not full)");
}

// Closes the descriptor and removes the temp file unless the write completed.
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("create temporary file", path_, errno);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("write", path_, errno);
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  void sync_and_close() {
    if (::fsync(fd_) != 0) fail("fsync", path_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close", path_, errno);
  }
  void rename_to(const fs::path& target) {
    if (::rename(path_.c_str(), target.c_str()) != 0) fail("rename temporary file onto", target, errno);
    committed_ = true;
  }

 private:
  fs::path path_;
  int fd_ = -1;
  bool committed_ = false;
};

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is already on disk
  ::fsync(fd);
  ::close(fd);
}

std::string read_whole_file(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  if (path.empty() || !path.has_filename()) throw Error("output path '" + path.string() + "' does not name a file");
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create directory '" + dir.string() + "': " + ec.message());
  std::random_device rd;
  const fs::path temp = dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                               std::to_string(rd()));
  TempFile file(temp);
  file.write_all(bytes);
  file.sync_and_close();
  file.rename_to(path);
  sync_directory(dir);
}

std::string file_receipt(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  nlohmann::json j;
  j["path"] = (ec ? path : absolute).string();
  j["bytes"] = bytes.size();
  j["xxh3_128"] = hash_bytes(bytes).hex();
  return j.dump();
}

bool file_matches_receipt(const std::string& receipt) {
  const auto j = nlohmann::json::parse(receipt, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("path") || !j.contains("bytes") || !j.contains("xxh3_128")) return false;
  if (!j["path"].is_string() || !j["bytes"].is_number_unsigned() || !j["xxh3_128"].is_string()) return false;
  const fs::path path = j["path"].get<std::string>();
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size != j["bytes"].get<std::uint64_t>()) return false;
  bool ok = false;
  const std::string bytes = read_whole_file(path, ok);
  return ok && hash_bytes(bytes).hex() == j["xxh3_128"].get<std::string>();
}

}  // namespace sluice::dashboard
