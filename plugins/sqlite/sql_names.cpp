#include "sql_names.hpp"

#include <sluice/errors.hpp>

namespace sluice::sqlite {

namespace {
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool same_identifier(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

void check_identifier(std::string_view name, std::string_view what) {
  if (name.empty()) throw Error("the " + std::string(what) + " name is empty; give a non-empty name");
  if (name.find('\0') != std::string_view::npos)
    throw Error("the " + std::string(what) + " name contains a NUL byte; use printable characters");
  if (name.size() >= 7 && same_identifier(name.substr(0, 7), "sqlite_"))
    throw Error("the " + std::string(what) + " name '" + std::string(name) +
                "' starts with 'sqlite_', which SQLite reserves for itself; choose another name");
}

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quoted_list(const std::vector<std::string>& names, std::string_view prefix) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += quote_identifier(n);
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

}  // namespace sluice::sqlite
