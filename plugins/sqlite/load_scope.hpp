#pragma once
// A load's scope: the columns whose values name the slice of the target table that one load owns
// (e.g. store_id in a foreach over stores). A scoped replace deletes only the rows whose scope values
// occur in its input, and a load whose input holds one scope tuple is verified by counting that
// slice alone, through the target's index, instead of the whole table.
#include <optional>
#include <string>
#include <vector>

#include <sluice/params.hpp>
#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// The one tuple of scope values the input holds (in `columns` order), or nullopt when it holds
// none or several. The columns must exist and hold no nulls (checked by the caller).
std::optional<std::vector<Scalar>> single_scope_tuple(const Table& input, const std::vector<std::string>& columns);

// Canonical text of a tuple, as the ledger and the receipt record it: {"store_id":7}.
std::string scope_text(const std::vector<std::string>& columns, const std::vector<Scalar>& values);
// The columns and values of scope_text() again; nullopt when it is not one.
std::optional<std::pair<std::vector<std::string>, std::vector<Scalar>>> parse_scope_text(const std::string& text);

// `"a" = ?1 AND "b" = ?2` for the scope columns.
std::string scope_condition(const std::vector<std::string>& columns);

// Rows of `table` in the slice named by `text` (a scope_text).
std::int64_t count_in_scope(Connection& db, const std::string& table, const std::string& text);
// Deletes that slice's rows (inside the caller's transaction); returns how many there were.
std::int64_t delete_in_scope(Connection& db, const std::string& table, const std::string& text);

}  // namespace sluice::sqlite
