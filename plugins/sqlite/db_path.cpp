#include "db_path.hpp"

#include <sys/stat.h>

namespace sluice::sqlite {

std::filesystem::path resolve_db_path(const std::string& param) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(param, ec);
  return ec ? std::filesystem::path(param) : abs.lexically_normal();
}

namespace {
std::string stat_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  const long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(mtime_ns);
}
}  // namespace

std::string file_identity(const std::filesystem::path& path) {
  std::string id = stat_identity(path);
  const std::filesystem::path wal = path.string() + "-wal";
  std::error_code ec;
  if (std::filesystem::exists(wal, ec)) id += ";wal=" + stat_identity(wal);
  return id;
}

}  // namespace sluice::sqlite
