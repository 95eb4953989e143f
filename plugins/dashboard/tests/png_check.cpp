#include "png_check.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace sluice::dashboard::test {

namespace {
std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

std::vector<std::uint8_t> inflate_all(const std::string& data, std::size_t expected) {
  std::vector<std::uint8_t> out(expected);
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) throw std::runtime_error("png: inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || zs.total_out != expected) throw std::runtime_error("png: image data did not inflate to the expected size");
  return out;
}

std::uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return static_cast<std::uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}
}  // namespace

PngImage read_png(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  if (s.size() < 33 || s.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) throw std::runtime_error("png: not a PNG file: " + path.string());
  PngImage img;
  std::string idat;
  int bit_depth = 0, color_type = 0, interlace = 0;
  for (std::size_t at = 8; at + 8 <= s.size();) {
    const std::uint32_t len = be32(s, at);
    const std::string type = s.substr(at + 4, 4);
    if (at + 12 + len > s.size()) throw std::runtime_error("png: truncated chunk " + type);
    if (type == "IHDR") {
      img.width = be32(s, at + 8);
      img.height = be32(s, at + 12);
      bit_depth = static_cast<unsigned char>(s[at + 16]);
      color_type = static_cast<unsigned char>(s[at + 17]);
      interlace = static_cast<unsigned char>(s[at + 20]);
    } else if (type == "IDAT") {
      idat.append(s, at + 8, len);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + len;
  }
  if (bit_depth != 8 || (color_type != 2 && color_type != 6) || interlace != 0)
    throw std::runtime_error("png: only 8-bit RGB/RGBA non-interlaced images are supported");
  img.channels = color_type == 6 ? 4 : 3;
  const std::size_t stride = static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.channels);
  const auto raw = inflate_all(idat, (stride + 1) * img.height);
  img.pixels.resize(stride * img.height);
  const auto bpp = static_cast<std::size_t>(img.channels);
  for (std::size_t y = 0; y < img.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* src = &raw[y * (stride + 1) + 1];
    std::uint8_t* row = &img.pixels[y * stride];
    const std::uint8_t* prev = y > 0 ? &img.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? row[x - bpp] : 0, b = prev ? prev[x] : 0, c = prev && x >= bpp ? prev[x - bpp] : 0;
      int v = src[x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: v += paeth(a, b, c); break;
        default: throw std::runtime_error("png: bad filter type " + std::to_string(filter));
      }
      row[x] = static_cast<std::uint8_t>(v & 0xFF);
    }
  }
  return img;
}

PixelStats pixel_stats(const PngImage& img) {
  PixelStats st;
  std::unordered_map<std::uint32_t, std::size_t> counts;
  double sum = 0, sum_sq = 0;
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* p = &img.pixels[i * static_cast<std::size_t>(img.channels)];
    const std::uint32_t rgb = (static_cast<std::uint32_t>(p[0]) << 16) | (static_cast<std::uint32_t>(p[1]) << 8) | p[2];
    if (counts.size() < 100000 || counts.count(rgb)) ++counts[rgb];
    const double lum = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
    sum += lum;
    sum_sq += lum * lum;
  }
  std::size_t top = 0;
  for (const auto& [rgb, c] : counts) top = std::max(top, c);
  st.distinct_colors = counts.size();
  st.dominant_share = n ? static_cast<double>(top) / static_cast<double>(n) : 1.0;
  const double mean = n ? sum / static_cast<double>(n) : 0;
  st.luminance_stddev = n ? std::sqrt(std::max(0.0, sum_sq / static_cast<double>(n) - mean * mean)) : 0;
  return st;
}

}  // namespace sluice::dashboard::test
