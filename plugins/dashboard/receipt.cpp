#include "receipt.hpp"

#include <nlohmann/json.hpp>
#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

namespace sluice::dashboard {

namespace fs = std::filesystem;

std::string file_receipt(const fs::path& path, std::uint64_t size, const Hash128& hash) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  nlohmann::json j;
  j["path"] = (ec ? path : absolute).string();
  j["bytes"] = size;
  j["xxh3_128"] = hash.hex();
  return j.dump();
}

std::string file_receipt(const fs::path& path, std::string_view bytes) {
  return file_receipt(path, bytes.size(), hash_bytes(bytes));
}

bool file_matches_receipt(const std::string& receipt) {
  const auto j = nlohmann::json::parse(receipt, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("path") || !j.contains("bytes") || !j.contains("xxh3_128")) return false;
  if (!j["path"].is_string() || !j["bytes"].is_number_unsigned() || !j["xxh3_128"].is_string()) return false;
  const fs::path path = j["path"].get<std::string>();
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size != j["bytes"].get<std::uint64_t>()) return false;
  try {
    const auto hash = hash_file(path);
    return hash && hash->hex() == j["xxh3_128"].get<std::string>();
  } catch (const Error&) {
    return false;  // unreadable: write it again
  }
}

}  // namespace sluice::dashboard
