#pragma once
// Assigns every row a dense group id from its key columns (any types, nulls
// forming their own group), without building a string per row: each key column
// is first coded to small integers, then the codes are combined pairwise.
#include <cstdint>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::daily {

struct KeyGroups {
  std::vector<std::uint32_t> group_of_row;
  std::vector<std::size_t> first_row;  // a representative row per group, for the key values
  std::size_t count() const { return first_row.size(); }
};

// With no key columns every row is in group 0.
KeyGroups group_rows(std::size_t rows, const std::vector<const Column*>& keys);

}  // namespace sluice::daily
