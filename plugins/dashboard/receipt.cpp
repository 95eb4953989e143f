#include "receipt.hpp"

#include <nlohmann/json.hpp>
#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

namespace sluice::dashboard {

namespace fs = std::filesystem;

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
  try {
    const auto hash = hash_file(path);
    return hash && hash->hex() == j["xxh3_128"].get<std::string>();
  } catch (const Error&) {
    return false;  // unreadable: write it again
  }
}

}  // namespace sluice::dashboard
