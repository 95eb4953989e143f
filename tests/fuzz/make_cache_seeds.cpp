// Writes the seed corpus for fuzz_cache_object: real cache object files (framed,
// raw and zstd) of small tables and a blob.  Usage: fuzz_make_cache_seeds OUT_DIR
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <sluice/serialize.hpp>
#include <sluice/table.hpp>

#include "cache/object_store.hpp"

namespace {

sluice::Table sample_table(std::size_t rows) {
  sluice::Table t;
  auto& id = t.add_column("store_id", sluice::ColumnType::Int64);
  auto& ds = t.add_column("ds", sluice::ColumnType::Date);
  auto& y = t.add_column("y", sluice::ColumnType::Double);
  auto& name = t.add_column("name", sluice::ColumnType::String);
  auto& at = t.add_column("at", sluice::ColumnType::Timestamp);
  for (std::size_t i = 0; i < rows; ++i) {
    id.push_int(static_cast<std::int64_t>(i % 3));
    ds.push_int(19000 + static_cast<std::int64_t>(i));
    if (i % 4 == 3) y.push_null();
    else y.push_double(1.5 * static_cast<double>(i));
    name.push_string(i % 2 ? "north" : "süd");
    at.push_int(static_cast<std::int64_t>(i) * sluice::kMicrosPerDay);
  }
  return t;
}

void write(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_cache_seeds OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  const sluice::Value values[] = {sluice::Value(sample_table(0)), sluice::Value(sample_table(5)),
                                  sluice::Value(sample_table(400)),
                                  sluice::Value(sluice::Blob{"text/html", "<p>hi</p>"})};
  int n = 0;
  for (const auto& v : values) {
    const std::string raw = sluice::encode_value(v);
    const auto hash = sluice::hash_bytes(raw);
    using sluice::engine::Compression;
    using sluice::engine::ObjectStore;
    write(out / ("object_raw_" + std::to_string(n)), ObjectStore::frame(hash, raw, Compression::None));
    write(out / ("object_zstd_" + std::to_string(n)), ObjectStore::frame(hash, raw, Compression::Zstd));
    write(out / ("object_planes_" + std::to_string(n)), ObjectStore::frame(hash, raw, Compression::ZstdBytePlanes));
    ++n;
  }
  std::cout << "wrote " << 3 * n << " seeds to " << out << "\n";
  return 0;
}
