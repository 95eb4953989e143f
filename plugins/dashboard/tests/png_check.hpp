#pragma once
// Minimal PNG reader for screenshot checks: 8-bit RGB/RGBA, non-interlaced
// (what Chromium writes). Enough to tell a rendered page from a blank one.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sluice::dashboard::test {

struct PngImage {
  std::uint32_t width = 0, height = 0;
  int channels = 0;
  std::vector<std::uint8_t> pixels;  // row-major, `channels` bytes per pixel
};

// Throws std::runtime_error saying what is unsupported or malformed.
PngImage read_png(const std::filesystem::path& path);

struct PixelStats {
  std::size_t distinct_colors = 0;   // distinct RGB values (capped at 100000)
  double dominant_share = 0;         // share of pixels with the most common colour
  double luminance_stddev = 0;
};
PixelStats pixel_stats(const PngImage& image);

}  // namespace sluice::dashboard::test
