#pragma once
// SQL identifiers from pipeline files and input column names are untrusted:
// they are checked, then always double-quoted (embedded quotes doubled), never
// pasted into SQL bare. Values are always bound, never quoted.
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sqlite {

// Throws sluice::Error if `name` is unusable as an identifier: empty, holds a
// NUL byte, or uses a prefix SQLite reserves ("sqlite_"). `what` names its role
// (e.g. "table", "column") for the message.
void check_identifier(std::string_view name, std::string_view what);

// "name" with embedded double quotes doubled: safe for any (checked) name.
std::string quote_identifier(std::string_view name);

// "a", "b", "c" for a list of names.
std::string quoted_list(const std::vector<std::string>& names, std::string_view prefix = "");

// Case-insensitive ASCII equality, as SQLite compares identifiers.
bool same_identifier(std::string_view a, std::string_view b);

// "a, b, c" for messages.
std::string join_names(const std::vector<std::string>& names);

}  // namespace sluice::sqlite
