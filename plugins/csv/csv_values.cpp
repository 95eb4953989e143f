#include "csv_values.hpp"

#include <charconv>
#include <stdexcept>

#include <sluice/table.hpp>

namespace sluice::csv {

namespace {
std::string_view strip_plus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  return text;
}
bool looks_like_date(std::string_view t) { return t.size() >= 10 && t[4] == '-' && t[7] == '-'; }
}  // namespace

bool try_parse_int64(std::string_view text, std::int64_t& out) {
  text = strip_plus(text);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end;
}

bool try_parse_double(std::string_view text, double& out) {
  text = strip_plus(text);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out, std::chars_format::general);
  return ec == std::errc() && p == end;
}

bool try_parse_date(std::string_view text, std::int64_t& out) {
  if (text.size() != 10 || !looks_like_date(text)) return false;
  try {
    out = parse_date(text);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

bool try_parse_timestamp(std::string_view text, std::int64_t& out) {
  if (!looks_like_date(text)) return false;
  try {
    out = parse_timestamp(text);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace sluice::csv
