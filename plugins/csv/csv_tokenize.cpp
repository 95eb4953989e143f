#include "csv_tokenize.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <limits>

#include <sluice/errors.hpp>

#include "csv_parse.hpp"

namespace sluice::csv {

namespace {

std::string where(std::string_view bytes, std::string_view source, std::size_t offset) {
  const auto [line, column] = line_and_column(bytes, offset);
  return std::string(source) + ": line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string printable(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(c));
  return buf;
}

class Tokenizer {
 public:
  Tokenizer(std::string_view bytes, const TokenizeOptions& options) : bytes_(bytes), opt_(options) {
    stops_.fill(false);
    stops_[static_cast<unsigned char>(options.delimiter)] = true;
    stops_['\n'] = true;
    stops_['\r'] = true;
  }

  Grid run(std::size_t pos) {
    const std::size_t n = bytes_.size();
    reserve_from_sample(pos);
    while (pos < n) {
      const char c = bytes_[pos];
      if (c == '\n' || c == '\r') {
        // A blank line is an empty field in a one-column file (a null, as csv_write
        // writes it); elsewhere it carries no data and is skipped.
        if (grid_.columns == 1 && grid_.rows() > 0) {
          push(pos, 0, false, false);
          finish_row(pos, 1);
        }
        pos = skip_newline(pos);
        continue;
      }
      pos = read_row(pos);
    }
    return std::move(grid_);
  }

 private:
  // Growing the field vector while tokenizing costs page faults and copies; an
  // estimate from the first 64 KiB avoids nearly all of them.
  void reserve_from_sample(std::size_t pos) {
    const std::size_t sample = std::min<std::size_t>(bytes_.size() - pos, 64 * 1024);
    if (sample == 0) return;
    std::size_t separators = 1, lines = 1;
    for (std::size_t i = pos; i < pos + sample; ++i) {
      separators += bytes_[i] == opt_.delimiter || bytes_[i] == '\n';
      lines += bytes_[i] == '\n';
    }
    const double scale = static_cast<double>(bytes_.size() - pos) / static_cast<double>(sample) * 1.05;
    grid_.fields.reserve(static_cast<std::size_t>(static_cast<double>(separators) * scale));
    grid_.row_begin.reserve(static_cast<std::size_t>(static_cast<double>(lines) * scale));
  }

  std::size_t skip_newline(std::size_t pos) const {
    if (bytes_[pos] == '\r' && pos + 1 < bytes_.size() && bytes_[pos + 1] == '\n') return pos + 2;
    return pos + 1;
  }

  std::size_t read_row(std::size_t pos) {
    const std::size_t n = bytes_.size();
    const std::size_t row_start = pos;
    std::size_t count = 0;
    for (;;) {
      pos = (pos < n && bytes_[pos] == '"') ? read_quoted(pos) : read_plain(pos);
      ++count;
      if (pos >= n) break;
      if (bytes_[pos] == opt_.delimiter) {
        ++pos;
        continue;
      }
      pos = skip_newline(pos);
      break;
    }
    finish_row(row_start, count);
    return pos;
  }

  std::size_t read_plain(std::size_t pos) {
    const std::size_t begin = pos;
    const std::size_t n = bytes_.size();
    while (pos < n && !stops_[static_cast<unsigned char>(bytes_[pos])]) ++pos;
    push(begin, pos - begin, false, false);
    return pos;
  }

  std::size_t read_quoted(std::size_t open) {
    const std::size_t n = bytes_.size();
    const std::size_t begin = open + 1;
    std::size_t pos = begin;
    bool doubled = false;
    for (;;) {
      const void* q = pos < n ? std::memchr(bytes_.data() + pos, '"', n - pos) : nullptr;
      if (q == nullptr) {
        throw Error(where(bytes_, opt_.source, open) +
                    ": unterminated quoted field (the closing '\"' is missing before the end of the file)");
      }
      pos = static_cast<std::size_t>(static_cast<const char*>(q) - bytes_.data());
      if (pos + 1 < n && bytes_[pos + 1] == '"') {
        doubled = true;
        pos += 2;
        continue;
      }
      break;
    }
    push(begin, pos - begin, true, doubled);
    ++pos;  // past the closing quote
    if (pos < n && bytes_[pos] != opt_.delimiter && bytes_[pos] != '\n' && bytes_[pos] != '\r') {
      throw Error(where(bytes_, opt_.source, pos) + ": unexpected character " + printable(bytes_[pos]) +
                  " after a closing quote; a quote inside a quoted field must be doubled (\"\")");
    }
    return pos;
  }

  void push(std::size_t begin, std::size_t size, bool quoted, bool doubled) {
    if (size > std::numeric_limits<std::uint32_t>::max()) {
      throw Error(where(bytes_, opt_.source, begin) + ": a field larger than 4 GiB is not supported");
    }
    grid_.fields.push_back(Field{begin, static_cast<std::uint32_t>(size), quoted, doubled});
  }

  void finish_row(std::size_t row_start, std::size_t count) {
    if (grid_.row_begin.empty()) {
      grid_.columns = count;
    } else if (count != grid_.columns) {
      const auto line = line_and_column(bytes_, row_start).first;
      throw Error(std::string(opt_.source) + ": line " + std::to_string(line) + " has " + std::to_string(count) +
                  " fields, " + std::string(opt_.first_row_role) + " has " + std::to_string(grid_.columns) +
                  " (quote values that contain the delimiter '" + std::string(1, opt_.delimiter) + "')");
    }
    grid_.row_begin.push_back(row_start);
  }

  std::string_view bytes_;
  const TokenizeOptions& opt_;
  std::array<bool, 256> stops_{};
  Grid grid_;
};

}  // namespace

Grid tokenize(std::string_view bytes, std::size_t start, const TokenizeOptions& options) {
  return Tokenizer(bytes, options).run(start);
}

}  // namespace sluice::csv
